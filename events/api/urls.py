"""/api/v1/: the analysts' REST API."""

from rest_framework.routers import DefaultRouter

from actors.api.views import ActorViewSet, AffiliationViewSet
from releases.api import ReleaseViewSet

from . import tables, views


class Router(DefaultRouter):
    """DRF's router, except that an action named like a file (``export.csv``) has no trailing
    slash: ``events/export.csv``, as a file's URL reads."""

    def _get_dynamic_route(self, route, action):
        route = super()._get_dynamic_route(route, action)
        if "." in action.url_path:
            route = route._replace(url=route.url.replace("{trailing_slash}", ""))
        return route


router = Router()
router.register("actors", ActorViewSet, basename="actor")
router.register("affiliations", AffiliationViewSet, basename="affiliation")
router.register("conflicts", views.ConflictViewSet, basename="conflict")
router.register("sources", views.SourceViewSet, basename="source")
router.register("events", views.EventViewSet, basename="event")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("responses", views.ResponseViewSet, basename="response")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("accusations", views.AccusationViewSet, basename="accusation")
router.register("participants", tables.ParticipantViewSet, basename="participant")
router.register("citations", tables.CitationViewSet, basename="citation")
router.register("locations", tables.LocationViewSet, basename="location")
router.register("releases", ReleaseViewSet, basename="release")

urlpatterns = router.urls
