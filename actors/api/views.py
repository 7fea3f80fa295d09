"""Actor and affiliation endpoints."""

from django.db.models import Prefetch
from rest_framework import viewsets

from ..models import Actor, Affiliation
from .filters import ActorFilterSet, AffiliationFilterSet
from .serializers import ActorSerializer, AffiliationSerializer


class ActorViewSet(viewsets.ModelViewSet):
    lookup_field = "slug"
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    # aliases and affiliations (with their organizations) are nested in every row: two
    # prefetches instead of two queries per actor.
    queryset = Actor.objects.prefetch_related(
        "aliases",
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization")),
    ).order_by("name")


class AffiliationViewSet(viewsets.ModelViewSet):
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = AffiliationSerializer
    filterset_class = AffiliationFilterSet
    # person and organization are shown by slug: joined, not fetched per row.
    queryset = Affiliation.objects.select_related("person", "organization").order_by("id")
