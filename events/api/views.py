"""Event, conflict and source endpoints, and the analysts' aggregates."""

from django.db import transaction
from django.db.models import (
    BigIntegerField,
    Case,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response as APIResponse

from lib.concurrency import etag_of
from lib.drf import ConcurrencyMixin, moved_permanently
from lib.filters import StrictFilterBackend, check_query_params
from lib.selection import FieldSelectionMixin

from .. import aggregates, services
from ..models import (
    Citation,
    Conflict,
    Event,
    Meeting,
    MergedSource,
    Participant,
    Proposal,
    Response,
    Source,
    ViolationAccusation,
)
from ..suggest import suggest_for_source
from . import filters
from . import serializers as event_serializers
from .exports import ExportMixin, chunks
from .feeds import FeedMixin
from .permissions import (
    ReadPublishedWriteWithModelPerms,
    ReadsArticleText,
    ReviewersChangePublished,
    sees_unpublished,
)
from .rows import RowPlan, Unplanned

ID_PATTERN = "[0-9]{1,18}"


# The only filters that select tombstones: what a mirror syncs by. Any other filter would
# reveal the retracted record's hidden content by including or excluding it.
TOMBSTONE_FILTERS = ("updated_after", "kind", "conflict")


class EventViewSetMixin(FieldSelectionMixin, ExportMixin, FeedMixin):
    """Visibility and the prefetches every event list needs.

    Public readers see published records, plus (with updated_after) the records retracted
    since then as tombstones. Editors and reviewers see every status.

    A tombstone reveals nothing of what was retracted: it is selected by updated_after, kind
    (a kind's endpoint is its own kind) and conflict only, whatever the other filters say,
    and comes after the published rows, ordered by (updated_at, id), whatever the ordering.

    An action marked ``published_only`` (the feeds) shows published records, whoever asks,
    and no tombstone.
    """

    related: tuple[str, ...] = ()
    prefetched: tuple = ()
    # Ids within the database's range only: others are 404 before any query.
    lookup_value_regex = ID_PATTERN
    # Set by an action (``@action(published_only=True)``).
    published_only = False

    def _sees_unpublished(self) -> bool:
        if self.published_only:
            return False
        return sees_unpublished(self.request.user, self.queryset.model)

    def get_queryset(self):
        queryset = (
            # conflict (a slug in every row) and kind-specific foreign keys: joined.
            self.queryset.select_related("conflict", *self.related)
            # participants with their actors and citations with source, speaker and via:
            # one query each per page instead of one per row.
            .prefetch_related(
                Prefetch("participants", queryset=Participant.objects.select_related("actor")),
                Prefetch(
                    "citations",
                    # The article's text is not shown with a citation: not loaded either.
                    queryset=Citation.objects.select_related("source", "speaker", "via").defer(
                        "source__body"
                    ),
                ),
                # locations (and the first one's coordinates): one query per page.
                "locations",
                *self.prefetched,
            )
        )
        if self._sees_unpublished():
            return queryset
        visible = [Event.Status.PUBLISHED]
        if self.request.query_params.get("updated_after") and not self.published_only:
            visible.append(Event.Status.RETRACTED)
        return queryset.filter(editorial_status__in=visible)

    def filter_queryset(self, queryset):
        if self._sees_unpublished():
            return super().filter_queryset(queryset)
        # Every filter and the ordering apply to the published rows; a bad value is a 400.
        # The filter set is validated once: its values then select the tombstones.
        filterset = StrictFilterBackend().valid_filterset(
            self.request, queryset.filter(editorial_status=Event.Status.PUBLISHED), self
        )
        if filterset is None:  # one record: no filter applies
            return queryset
        rows = filterset.qs
        values = filterset.form.cleaned_data
        if values.get("updated_after") is None or self.published_only:
            return rows
        tombstones = queryset.filter(editorial_status=Event.Status.RETRACTED)
        for name in TOMBSTONE_FILTERS:
            if name in filterset.filters:
                tombstones = filterset.filters[name].filter(tombstones, values.get(name))
        return with_tombstones_last(rows, tombstones)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["sees_unpublished"] = self._sees_unpublished()
        return context

    def row_plan(self) -> RowPlan | None:
        """How this request's list rows are built from values, or None to serialize model
        instances (a field the plan does not know)."""
        try:
            return RowPlan(self.get_serializer(many=True))
        except Unplanned:
            return None

    def list(self, request, *args, **kwargs):
        # A page's rows come from values, not model instances (events/api/rows.py).
        plan = self.row_plan()
        if plan is None:
            return super().list(request, *args, **kwargs)
        # The pagination counts and finds a numbered page's ids in the rows before their
        # columns are chosen (no join for the columns' sake).
        self.listed = self.filter_queryset(self.get_queryset())
        queryset = plan.values(self.listed)
        page = self.paginate_queryset(queryset)
        if page is None:
            return APIResponse(plan.rows(queryset))
        return self.get_paginated_response(plan.rows(page))

    def serialize_chunks(self, queryset):
        plan = self.row_plan()
        if plan is None:
            yield from super().serialize_chunks(queryset)
            return
        for chunk in chunks(plan.values(queryset), self.export_chunk_size):
            yield plan.rows(chunk)


def with_tombstones_last(rows, tombstones):
    """One queryset of ``rows`` in their order, then ``tombstones`` by (updated_at, id): the
    keys of ``rows``' ordering are blank for a tombstone, so its hidden content places it
    nowhere. One query, so that count and pages stay exact."""
    if rows.query.distinct or tombstones.query.distinct:
        rows, tombstones = rows.distinct(), tombstones.distinct()
    ordering = rows.query.order_by or rows.model._meta.ordering
    is_tombstone = Q(editorial_status=Event.Status.RETRACTED)
    keys = [Case(When(is_tombstone, then=Value(1)), default=Value(0))]
    for key in ordering:
        if isinstance(key, str):
            name = key.removeprefix("-")
            masked = Case(When(~is_tombstone, then=F(name)))
            key = masked.desc() if key.startswith("-") else masked.asc()
        keys.append(key)
    return (rows | tombstones).order_by(*keys, "updated_at", "pk")


def lowest_linked_proposal(link) -> Subquery:
    """The lowest id of the proposals a meeting links to through ``link`` (produced, discussed)."""
    through = link.through.objects.filter(meeting_id=OuterRef("pk")).order_by("proposal_id")
    return Subquery(through.values("proposal_id")[:1])


def timeline_row_fields() -> dict:
    """What a timeline row shows of its kind (EventSerializer's ``row_*`` sources), computed
    in the page's own query: the kinds' tables are joined, a meeting's proposal is a
    subquery. No query per row, none per page."""
    return {
        "row_proposal_kind": F("as_proposal__proposal_kind"),
        "row_outcome": F("as_proposal__outcome"),
        "row_stance": F("as_response__stance"),
        "row_proposal": Coalesce(
            F("as_response__proposal"),
            F("as_accusation__proposal"),
            Case(
                When(
                    kind=Event.Kind.MEETING,
                    then=Coalesce(
                        lowest_linked_proposal(Meeting.produced),
                        lowest_linked_proposal(Meeting.discussed),
                    ),
                )
            ),
            output_field=BigIntegerField(),
        ),
    }


class EventViewSet(EventViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The timeline of every kind; each row links to its kind's detail."""

    queryset = Event.objects.all()
    serializer_class = event_serializers.EventSerializer
    filterset_class = filters.TimelineFilterSet
    # A response's responder is shown on its row: joined, not fetched per row.
    related = ("as_response__responder",)

    def get_queryset(self):
        return super().get_queryset().annotate(**timeline_row_fields())


class WorkflowViewSet(ConcurrencyMixin, EventViewSetMixin, viewsets.ModelViewSet):
    """A kind's endpoint: reads, writes, and the editorial workflow as actions.

    ``POST …/<id>/submit/`` (editors), ``publish/`` and ``retract/`` (reviewers),
    ``return-to-draft/``: the same steps, rules and history as the admin's actions. A detail
    has an ``ETag``; writes and steps honour ``If-Match`` (412 when the record changed).
    """

    permission_classes = [ReadPublishedWriteWithModelPerms, ReviewersChangePublished]

    def _transition(self, request, transition: str):
        needed = services.step_permission(transition, self.queryset.model)
        if not request.user.has_perm(needed):
            raise PermissionDenied(f"You may not {transition.replace('_', ' ')} events.")
        with transaction.atomic():
            self.lock_and_check()
            event = self.get_object()
            result = services.change_status([event], transition, request.user)
        if result.skipped:
            return APIResponse({"detail": result.skipped[0]}, status=status.HTTP_409_CONFLICT)
        event = self.get_object()  # as the step left it, with what the serializer shows
        return APIResponse(self.get_serializer(event).data, headers={"ETag": etag_of(event)})

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft for review (it needs a citation)."""
        return self._transition(request, "submit")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish an event in review (reviewers)."""
        return self._transition(request, "publish")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def retract(self, request, pk=None):
        """Retract a published event (reviewers); readers then get a tombstone."""
        return self._transition(request, "retract")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="return-to-draft")
    def return_to_draft(self, request, pk=None):
        """Send an event in review back to its editor."""
        return self._transition(request, "return_to_draft")


class ProposalViewSet(WorkflowViewSet):
    """Offers and declarations of truces and talks, with their outcome and the life they had."""

    queryset = Proposal.objects.all()
    serializer_class = event_serializers.ProposalSerializer
    filterset_class = filters.ProposalFilterSet
    # ended_by: a slug in every row.
    related = ("ended_by",)


class ResponseViewSet(WorkflowViewSet):
    """One party's answer to one proposal."""

    queryset = Response.objects.all()
    serializer_class = event_serializers.ResponseSerializer
    filterset_class = filters.ResponseFilterSet
    related = ("responder", "proposal")


class MeetingViewSet(WorkflowViewSet):
    """Talks that took place: venue, format, delegations, mediators, the proposals they produced."""

    queryset = Meeting.objects.all()
    serializer_class = event_serializers.MeetingSerializer
    filterset_class = filters.MeetingFilterSet
    # produced and discussed are lists of proposal ids: one query each per page.
    prefetched = ("produced", "discussed")


class AccusationViewSet(WorkflowViewSet):
    """Accusations of violating a truce or agreement; mutual accusations are two records."""

    queryset = ViolationAccusation.objects.all()
    serializer_class = event_serializers.AccusationSerializer
    filterset_class = filters.AccusationFilterSet


class SourceViewSet(FieldSelectionMixin, ConcurrencyMixin, viewsets.ModelViewSet):
    """The articles events cite. Public readers see those a published event cites, without
    their text (``body``: users with the permission to read it only). A detail has an
    ``ETag``; writes honour ``If-Match`` (412 when the article changed since it was read)."""

    lookup_value_regex = ID_PATTERN
    serializer_class = event_serializers.SourceSerializer
    filterset_class = filters.SourceFilterSet
    # outlet is shown by slug: joined.
    queryset = Source.objects.select_related("outlet").order_by("-published_at", "id")

    def get_queryset(self):
        # Every route (list, detail, CSV, filters, writes, suggestions) starts here.
        user = self.request.user
        queryset = super().get_queryset().visible_to(user)
        if not Source.reads_body(user):
            # The text is not shown to this reader: not read either.
            queryset = queryset.defer("body")
        return queryset

    @extend_schema(
        responses={
            200: event_serializers.SourceSerializer,
            301: OpenApiResponse(
                description="A duplicate merged into another source: moved permanently to the "
                "kept source's URL."
            ),
        }
    )
    def retrieve(self, request, *args, **kwargs):
        """One source; the id of a duplicate merged into another source redirects permanently
        to the kept source."""
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            merged = MergedSource.objects.filter(merged_id=kwargs["pk"]).first()
            # A kept source the reader may not see is not revealed by its duplicate's id.
            if merged is None or not self.get_queryset().filter(pk=merged.source_id).exists():
                raise
        return moved_permanently(request, "source-detail", {"pk": merged.source_id})

    @extend_schema(
        filters=False,
        responses={200: event_serializers.SourceSuggestionsSerializer},
        description=(
            "Records the article's sentences report, suggested by rules (the words of "
            "events/suggest/rules.yaml): each record's ``body`` is what its ``endpoint`` takes "
            "to create a draft, citing the sentence it comes from. Nothing is created. Also "
            "the known actors the article names, and capitalized names that are no actor. "
            "The suggestions quote the article: for signed-in users (a session or a token) "
            "with the permission “Can read the full text of sources” "
            "(events.view_source_body)."
        ),
    )
    @action(
        detail=True,
        permission_classes=[IsAuthenticated, ReadsArticleText, ReadPublishedWriteWithModelPerms],
        filter_backends=[],
        pagination_class=None,
    )
    def suggestions(self, request, pk=None):
        """Suggested records (proposals, responses, meetings, accusations) from the article,
        each in the write API's shape."""
        check_query_params(request, ("format",))
        source = self.get_object()
        return APIResponse(suggest_for_source(source).as_json())


PERIOD_PARAMETERS = [
    OpenApiParameter("date_after", str, description="YYYY-MM-DD"),
    OpenApiParameter("date_before", str, description="YYYY-MM-DD"),
]


class PeriodSerializer(serializers.Serializer):
    date_after = serializers.DateField(required=False)
    date_before = serializers.DateField(required=False)


class ConflictViewSet(FieldSelectionMixin, viewsets.ModelViewSet):
    """Conflicts, by slug, with their aggregates."""

    lookup_field = "slug"
    serializer_class = event_serializers.ConflictSerializer
    filterset_class = filters.ConflictFilterSet
    queryset = Conflict.objects.prefetch_related("parties", "dyads").order_by("name")

    def _period(self) -> tuple:
        check_query_params(self.request, ("date_after", "date_before", "format"))
        period = PeriodSerializer(data=self.request.query_params)
        period.is_valid(raise_exception=True)
        return period.validated_data.get("date_after"), period.validated_data.get("date_before")

    def _aggregate(self, compute, cells: str, serializer_class):
        """An aggregate as JSON; in CSV its cells alone, one row each (tidy data: the columns
        of ``serializer_class``, a header even when there is no cell).

        ``compute(conflict, after, before)`` is one of events/aggregates.py's, which the
        conflict's public page shows too (cached there under the data version)."""
        conflict = self.get_object()
        body = compute(conflict, *self._period())
        rows = serializer_class(body[cells], many=True).data
        if self.request.accepted_renderer.format == "csv":
            return APIResponse(rows)
        return APIResponse({**body, cells: rows})

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses=inline_serializer(
            "KindMonthCounts",
            {
                "conflict": serializers.CharField(),
                "counts": event_serializers.KindMonthCountSerializer(many=True),
            },
        ),
    )
    @action(detail=True)
    def counts(self, request, slug=None):
        """Published events of this conflict counted by kind and month (YYYY-MM). In CSV, one
        row per month and kind: ``month,kind,count``."""
        return self._aggregate(
            aggregates.kind_month_counts, "counts", event_serializers.KindMonthCountSerializer
        )

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses=inline_serializer(
            "AccusationMatrix",
            {
                "conflict": serializers.CharField(),
                "accusers": serializers.ListField(child=serializers.CharField()),
                "accused": serializers.ListField(child=serializers.CharField()),
                "matrix": event_serializers.AccusationPairSerializer(many=True),
            },
        ),
    )
    @action(detail=True, url_path="accusation-matrix")
    def accusation_matrix(self, request, slug=None):
        """Accusations of this conflict counted by accuser × accused within the period. In CSV,
        one row per pair: ``accuser,accused,count``."""
        return self._aggregate(
            aggregates.accusation_matrix, "matrix", event_serializers.AccusationPairSerializer
        )
