"""Filters for actors and affiliations."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from lib.filters import (
    ChoicesFilter,
    ExternalIdsFilter,
    SlugsFilter,
    StableOrderingFilter,
    UpdatedAfterFilter,
    gw_code,
    wikidata_id,
)

from ..models import Actor, ActorAlias, Affiliation


class ActorFilterSet(django_filters.FilterSet):
    kind = ChoicesFilter(field_name="kind", choices=Actor.Kind.choices)
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact")
    name = django_filters.CharFilter(
        method="filter_name", help_text="Name or alias, ignoring case (Kremlin → Russia)."
    )
    q = django_filters.CharFilter(method="filter_q", help_text="Substring of name or alias.")
    updated_after = UpdatedAfterFilter()
    # Other datasets' identifiers (docs/codebook.md, "Links to other datasets").
    ucdp_actor = ExternalIdsFilter(
        model=Actor, field="ucdp_actor_id", field_name="pk", help_text="UCDP actor id, any of."
    )
    wikidata = ExternalIdsFilter(
        model=Actor,
        field="wikidata_id",
        parse=wikidata_id,
        field_name="pk",
        help_text="Wikidata ID (Q159), any of several.",
    )
    gw_code = ExternalIdsFilter(
        model=Actor,
        field="gw_code",
        parse=gw_code,
        field_name="pk",
        help_text="Gleditsch–Ward code (365), any of several.",
    )
    ordering = StableOrderingFilter(fields=["name", "slug"], help_text="name, -name, slug, -slug")

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        return queryset.matching_name(value)

    def filter_q(self, queryset, name, value):
        aliases = ActorAlias.objects.filter(actor=OuterRef("pk"), name__icontains=value)
        return queryset.filter(Q(name__icontains=value) | Exists(aliases))


class AffiliationFilterSet(django_filters.FilterSet):
    person = SlugsFilter(model=Actor, field_name="person")
    organization = SlugsFilter(model=Actor, field_name="organization")
    on = django_filters.DateFilter(method="filter_on", help_text="Held on this day.")
    updated_after = UpdatedAfterFilter()

    class Meta:
        model = Affiliation
        fields: list[str] = []

    def filter_on(self, queryset, name, day):
        return queryset.on(day)
