"""FilterSets for the event endpoints, named exactly as the API contract.

Actor, kind, id and ordering filters take several values (a comma list, repeated keys or both)
meaning any of them; a value that names no actor, conflict or choice is a 400 that names the
filter. The filter classes and the strict checks of every parameter are ``lib.filters``'.
"""

import django_filters
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import BigIntegerField, BooleanField, F, Func, Q, TextField, Value

from actors.models import Actor
from lib.filters import (
    ChoicesFilter,
    ExternalIdsFilter,
    IdFilter,
    MomentFilter,
    MonthFilter,
    SlugsFilter,
    StableOrderingFilter,
    StrictBooleanFilter,
    UpdatedAfterFilter,
    wikidata_id,
)

from ..models import (
    Conflict,
    ConflictDyad,
    Event,
    Meeting,
    Participant,
    Proposal,
    Response,
    Source,
    ViolationAccusation,
)
from ..search import search
from .permissions import sees_unpublished
from .places import PlaceFilterSet

ROLE_FILTERS = {
    "proposer": Participant.Role.PROPOSER,
    "addressee": Participant.Role.ADDRESSEE,
    "mediator": Participant.Role.MEDIATOR,
    "host": Participant.Role.HOST,
    "responder": Participant.Role.RESPONDER,
    "accuser": Participant.Role.ACCUSER,
    "accused": Participant.Role.ACCUSED,
    "delegation": Participant.Role.DELEGATION,
    "guarantor": Participant.Role.GUARANTOR,
    "signatory": Participant.Role.SIGNATORY,
    "monitor": Participant.Role.MONITOR,
}


def full_text_search(queryset, text: str):
    """The events whose search document (title, summary, quotes, actors' names and aliases,
    locations' names) matches ``text`` in web-search syntax: words, "quoted phrases",
    -exclusions, or. PostgreSQL: the GIN-indexed document; other databases: substrings
    (events.search)."""
    return search(queryset, text)


class EventFilterSet(PlaceFilterSet):
    """The filters every event endpoint shares (with the places': country, admin1, bbox,
    party_country); the timeline adds those of each kind."""

    id = IdFilter(field_name="id", help_text="Any of several ids (1,6).")
    conflict = SlugsFilter(model=Conflict, field_name="conflict")
    actor = SlugsFilter(model=Actor, method="filter_actor", help_text="Any role.")
    include_affiliates = StrictBooleanFilter(
        method="filter_nothing",
        help_text="With actor or a role filter: a state also matches through its affiliated "
        "people on the event's date.",
    )
    date_after = django_filters.DateFilter(
        field_name="period_end",
        lookup_expr="gte",
        help_text="Any part of the dated period on or after.",
    )
    date_before = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", help_text="Any part of the dated period on or before."
    )
    month = MonthFilter(
        field_name="date",
        help_text="YYYY-MM: the events dated in that month (their date, the start of their "
        "dated period, in it; a year-precision date in January), as conflicts/<slug>/counts/ "
        "counts them. Unlike date_after/date_before, talks that began the month before do not "
        "match.",
    )
    date_precision = ChoicesFilter(field_name="date_precision", choices=Event.Precision.choices)
    editorial_status = ChoicesFilter(field_name="editorial_status", choices=Event.Status.choices)
    updated_after = UpdatedAfterFilter(
        help_text="Created or changed since then; retracted since then come as tombstones.",
    )
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Full-text search of the title, summary, quotes, actors' names and aliases, "
        "and locations' names.",
    )
    # Other datasets' identifiers (docs/codebook.md, "Links to other datasets").
    ucdp_conflict = ExternalIdsFilter(
        model=Conflict,
        field="ucdp_conflict_id",
        field_name="conflict",
        help_text="UCDP conflict_id of the event's conflict, any of several.",
    )
    ucdp_dyad = ExternalIdsFilter(
        model=ConflictDyad,
        field="ucdp_dyad_id",
        method="filter_ucdp_dyad",
        help_text="UCDP dyad_id of one of the conflict's dyads, any of several.",
    )
    ucdp_actor = ExternalIdsFilter(
        model=Actor,
        field="ucdp_actor_id",
        method="filter_actor",
        help_text="Any role, by the actor's UCDP actor id (as actor; include_affiliates applies).",
    )
    wikidata = ExternalIdsFilter(
        model=Actor,
        field="wikidata_id",
        parse=wikidata_id,
        method="filter_actor",
        help_text="Any role, by the actor's Wikidata ID (as actor; include_affiliates applies).",
    )
    pax_agreement = ExternalIdsFilter(
        model=Proposal,
        field="pax_agreement_id",
        method="filter_pax_agreement",
        help_text="The proposals with any of these PA-X agreement ids (AgtId), and the records "
        "about them: responses, accusations, talks that produced or discussed them.",
    )
    ordering = StableOrderingFilter(
        fields=["date", "updated_at", "title", "id"], help_text="date, -date, updated_at, title, id"
    )

    # Role filters present on this endpoint (each kind has its own roles).
    roles: tuple[str, ...] = tuple(ROLE_FILTERS)

    class Meta:
        model = Event
        fields: list[str] = []

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for name in cls.roles:
            filters[name] = SlugsFilter(model=Actor, method="filter_role", field_name=name)
        return filters

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if not sees_unpublished(user, Proposal):
            # A public reader's proposals are the published ones: a PA-X id that only a
            # draft has is unknown to them, as the draft is.
            self.form.fields["pax_agreement"].queryset = Proposal.objects.published()

    def filter_ucdp_dyad(self, queryset, name, dyads):
        return queryset.filter(conflict__in={dyad.conflict_id for dyad in dyads})

    def filter_pax_agreement(self, queryset, name, proposals):
        return queryset.about_proposals(proposals)

    def filter_nothing(self, queryset, name, value):
        return queryset  # read by the actor and role filters

    @property
    def _with_affiliates(self) -> bool:
        return bool(self.form.cleaned_data.get("include_affiliates"))

    def filter_actor(self, queryset, name, actors):
        return queryset.involving(actors, include_affiliates=self._with_affiliates)

    def filter_role(self, queryset, name, actors):
        return queryset.involving(
            actors, roles=[ROLE_FILTERS[name]], include_affiliates=self._with_affiliates
        )

    def filter_q(self, queryset, name, value):
        return full_text_search(queryset, value) if value.strip() else queryset


class AnyOf(Func):
    """``expression = ANY(array)`` (PostgreSQL)."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


class HasAnyKeys(Func):
    """``jsonb ?| text[]``: a JSON array holding any of the strings (PostgreSQL, GIN-indexed)."""

    template = "%(expressions)s"
    arg_joiner = " ?| "
    output_field = BooleanField()


def with_any_purpose(alias: str, purposes: list[str]) -> Q:
    """Proposals whose purposes include any of ``purposes``: one look-up in the GIN index on
    PostgreSQL; elsewhere a match of each quoted value in the stored JSON text."""
    if connections[alias].vendor == "postgresql":
        return Q(HasAnyKeys(F("purposes"), Value(purposes, output_field=ArrayField(TextField()))))
    condition = Q()
    for purpose in purposes:
        condition |= Q(purposes__icontains=f'"{purpose}"')
    return condition


def with_ids(queryset, field: str, ids: list[int]):
    """``queryset``'s rows whose ``field`` is one of ``ids``. On PostgreSQL the ids are one
    array parameter (``= ANY(%s)``): a page's 1,000 ids as 1,000 placeholders cost more to
    prepare and to parse than the query takes."""
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(
            AnyOf(F(field), Value(list(ids), output_field=ArrayField(BigIntegerField())))
        )
    return queryset.filter(**{f"{field}__in": ids})


def in_effect_on(queryset, name, day):
    """The rows that are proposals in effect on ``day``, found from the proposals' periods.

    A proposal's pk is its event's: one subquery for the timeline and the proposals alike. On
    PostgreSQL the ids are an array computed once (``= ANY(ARRAY(…))``): with ``pk IN
    (subquery)`` the planner walks the date index from the newest event and checks each row,
    through most of the table when the proposals in effect are old."""
    proposals = Proposal.objects.in_effect_on(day).order_by().values("pk")
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(AnyOf(F("pk"), ArraySubquery(proposals)))
    return queryset.filter(pk__in=proposals)


def in_effect_at(queryset, name, moment):
    """The rows that are proposals in effect at ``moment``: as in_effect_on, the proposals'
    ids found first (Proposal.objects.in_effect_at), then looked up by id."""
    return with_ids(queryset, "pk", Proposal.objects.ids_in_effect_at(moment))


# What in_effect_at says it does (the schema's and the browsable API's help).
IN_EFFECT_AT_HELP = (
    "ISO 8601 date and time with its UTC offset (2025-04-19T18:00:00+03:00, or Z): proposals "
    "in effect at that moment, from their exact start (inclusive) to their exact end "
    "(exclusive) when known, else over the whole days of their dates in their time zone (UTC "
    "when they have none)."
)


class ProposalFilterSet(EventFilterSet):
    proposal_kind = ChoicesFilter(field_name="proposal_kind", choices=Proposal.ProposalKind.choices)
    scope = ChoicesFilter(field_name="scope", choices=Proposal.Scope.choices)
    outcome = ChoicesFilter(field_name="outcome", choices=Proposal.Outcome.choices)
    purpose = ChoicesFilter(
        method="filter_purpose",
        choices=Proposal.Purpose.choices,
        help_text="Proposals with any of these purposes among theirs.",
    )
    talks_format = ChoicesFilter(field_name="talks_format", choices=Proposal.TalksFormat.choices)
    end_reason = ChoicesFilter(field_name="end_reason", choices=Proposal.EndReason.choices)
    arrangement = ChoicesFilter(field_name="arrangement", choices=Proposal.Arrangement.choices)
    written = ChoicesFilter(field_name="written", choices=Proposal.Written.choices)
    stage = ChoicesFilter(field_name="stage", choices=Proposal.Stage.choices)
    agreed_after = django_filters.DateFilter(
        field_name="agreed_on", lookup_expr="gte", help_text="Agreed on or after (YYYY-MM-DD)."
    )
    agreed_before = django_filters.DateFilter(
        field_name="agreed_on", lookup_expr="lte", help_text="Agreed on or before (YYYY-MM-DD)."
    )
    ended_by = SlugsFilter(
        model=Actor, field_name="ended_by", help_text="Ended or withdrawn from by any of them."
    )
    # The flag the arrangement replaced, kept so that its clients' queries still answer the
    # same: true is arrangement=unilateral, false every other proposal, not coded ones too.
    unilateral = StrictBooleanFilter(
        method="filter_unilateral",
        help_text="true: arrangement=unilateral; false: every other proposal (not coded too).",
    )
    in_effect_on = django_filters.DateFilter(method=in_effect_on, help_text="YYYY-MM-DD")
    in_effect_at = MomentFilter(method=in_effect_at, help_text=IN_EFFECT_AT_HELP)
    roles = ("proposer", "addressee", "mediator", "guarantor", "signatory", "monitor")

    class Meta:
        model = Proposal
        fields: list[str] = []

    def filter_purpose(self, queryset, name, purposes):
        return queryset.filter(with_any_purpose(queryset.db, purposes))

    def filter_unilateral(self, queryset, name, value):
        unilateral = Q(arrangement=Proposal.Arrangement.UNILATERAL)
        return queryset.filter(unilateral if value else ~unilateral)


class ResponseFilterSet(EventFilterSet):
    stance = ChoicesFilter(field_name="stance", choices=Response.Stance.choices)
    proposal = IdFilter(field_name="proposal", help_text="About any of several proposals (1,6).")
    roles = ("responder",)

    class Meta:
        model = Response
        fields: list[str] = []


class MeetingFilterSet(EventFilterSet):
    meeting_format = ChoicesFilter(field_name="meeting_format", choices=Meeting.Format.choices)
    roles = ("mediator", "host", "delegation")

    class Meta:
        model = Meeting
        fields: list[str] = []


class AccusationFilterSet(EventFilterSet):
    verification = ChoicesFilter(
        field_name="verification", choices=ViolationAccusation.Verification.choices
    )
    proposal = IdFilter(field_name="proposal", help_text="About any of several proposals (1,6).")
    roles = ("accuser", "accused")

    class Meta:
        model = ViolationAccusation
        fields: list[str] = []


class TimelineFilterSet(EventFilterSet):
    """The timeline: every kind, and the kinds' own filters applied to their rows."""

    kind = ChoicesFilter(field_name="kind", choices=Event.Kind.choices)
    proposal_kind = ChoicesFilter(
        field_name="as_proposal__proposal_kind", choices=Proposal.ProposalKind.choices
    )
    scope = ChoicesFilter(field_name="as_proposal__scope", choices=Proposal.Scope.choices)
    outcome = ChoicesFilter(field_name="as_proposal__outcome", choices=Proposal.Outcome.choices)
    stance = ChoicesFilter(field_name="as_response__stance", choices=Response.Stance.choices)
    in_effect_on = django_filters.DateFilter(method=in_effect_on, help_text="YYYY-MM-DD")
    in_effect_at = MomentFilter(method=in_effect_at, help_text=IN_EFFECT_AT_HELP)
    thread = IdFilter(
        model=Proposal,
        method="filter_thread",
        help_text="Proposal ids: each proposal, its responses and accusations, the meetings that "
        "discussed or produced it and the proposals that counter, extend or replace it; by date "
        "unless ordering says otherwise.",
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if not sees_unpublished(user, Proposal):
            # A public reader's thread starts from a published proposal; any other id is
            # unknown to them, as the record is.
            self.form.fields["thread"].queryset = Proposal.objects.published()

    def filter_thread(self, queryset, name, proposals):
        members = Q(pk__in=[proposal.pk for proposal in proposals])
        for proposal in proposals:
            members |= Q(pk__in=proposal.linked_from().values("pk"))
        queryset = queryset.filter(members)
        if self.form.cleaned_data.get("ordering"):
            return queryset
        return queryset.order_by("date", "id")


class ConflictFilterSet(django_filters.FilterSet):
    party = SlugsFilter(model=Actor, field_name="parties", distinct=True)
    ucdp_conflict = ExternalIdsFilter(
        model=Conflict,
        field="ucdp_conflict_id",
        field_name="pk",
        help_text="UCDP conflict_id, any of several.",
    )
    ucdp_dyad = ExternalIdsFilter(
        model=ConflictDyad,
        field="ucdp_dyad_id",
        method="filter_ucdp_dyad",
        help_text="UCDP dyad_id of one of its dyads, any of several.",
    )
    updated_after = UpdatedAfterFilter()

    class Meta:
        model = Conflict
        fields: list[str] = []

    def filter_ucdp_dyad(self, queryset, name, dyads):
        return queryset.filter(pk__in={dyad.conflict_id for dyad in dyads})


class SourceFilterSet(django_filters.FilterSet):
    outlet = SlugsFilter(model=Actor, field_name="outlet")
    language = django_filters.CharFilter(field_name="language", lookup_expr="iexact")
    published_after = django_filters.DateFilter(field_name="published_at__date", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_at__date", lookup_expr="lte")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains")
    updated_after = UpdatedAfterFilter(
        method="filter_updated_after",
        help_text="Created or changed since then (ISO 8601 date and time), or cited by an "
        "event published or changed since then.",
    )

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_updated_after(self, queryset, name, moment):
        return queryset.changed_since(moment)
