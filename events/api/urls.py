"""/api/v1/: the analysts' REST API."""

from rest_framework.routers import DefaultRouter

from actors.api.views import ActorViewSet, AffiliationViewSet

from . import views

router = DefaultRouter()
router.register("actors", ActorViewSet, basename="actor")
router.register("affiliations", AffiliationViewSet, basename="affiliation")
router.register("conflicts", views.ConflictViewSet, basename="conflict")
router.register("sources", views.SourceViewSet, basename="source")
router.register("events", views.EventViewSet, basename="event")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("responses", views.ResponseViewSet, basename="response")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("accusations", views.AccusationViewSet, basename="accusation")

urlpatterns = router.urls
