"""Actor and affiliation endpoints."""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets

from lib.drf import moved_permanently
from lib.selection import FieldSelectionMixin

from ..models import Actor, ActorPreviousSlug, Affiliation
from .filters import ActorFilterSet, AffiliationFilterSet
from .serializers import ActorSerializer, AffiliationSerializer


class ActorViewSet(FieldSelectionMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    # aliases and affiliations (with their organizations) are nested in every row: two
    # prefetches instead of two queries per actor.
    queryset = Actor.objects.prefetch_related(
        "aliases",
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization")),
    ).order_by("name")

    @extend_schema(
        responses={
            200: ActorSerializer,
            301: OpenApiResponse(
                description="An old slug of the actor: moved permanently to its current URL."
            ),
        }
    )
    def retrieve(self, request, *args, **kwargs):
        """One actor by slug; an old slug (changed after published events showed the actor)
        redirects permanently to the actor's current URL."""
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            previous = (
                ActorPreviousSlug.objects.filter(slug=kwargs[self.lookup_field])
                .select_related("actor")
                .first()
            )
            if previous is None:
                raise
        url_kwargs = {**kwargs, self.lookup_field: previous.actor.slug}
        return moved_permanently(request, "actor-detail", url_kwargs)


class AffiliationViewSet(FieldSelectionMixin, viewsets.ModelViewSet):
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = AffiliationSerializer
    filterset_class = AffiliationFilterSet
    # person and organization are shown by slug: joined, not fetched per row.
    queryset = Affiliation.objects.select_related("person", "organization").order_by("id")
