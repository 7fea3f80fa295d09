"""Long tables for joins: ``participants/``, ``citations/`` and ``locations/``, one row per
actor in a role, per quote or per place, keyed by the event's id.

The timeline has an event's role lists and citations inside its row (JSON arrays in CSV); an
analyst joining with pandas or SQL wants them one per row instead. The timeline's filters pick
the events (``conflict=…&kind=…&date_after=…``), the table lists those events' rows, in a
stable order (event id, then row id). Visibility is the timeline's: public readers see the rows
of published events only (no tombstones here).
"""

from rest_framework import serializers, viewsets

from lib.filters import ChoicesFilter
from lib.selection import FieldSelectionMixin

from ..models import Citation, Event, Location, Participant
from . import filters
from .exports import ExportMixin
from .permissions import sees_unpublished
from .serializers import CitationSerializer, LocationSerializer
from .views import ID_PATTERN


class ParticipantRowSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="event.kind", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Participant
        fields = ["event", "kind", "role", "actor"]
        read_only_fields = fields


class CitationRowSerializer(CitationSerializer):
    """A citation of the timeline's rows, with the event it is evidence for."""

    class Meta(CitationSerializer.Meta):
        fields = ["event", *CitationSerializer.Meta.fields]
        read_only_fields = fields


class LocationRowSerializer(LocationSerializer):
    """A place of the timeline's rows, with the event it is a place of."""

    kind = serializers.CharField(source="event.kind", read_only=True)

    class Meta(LocationSerializer.Meta):
        fields = ["event", "kind", *LocationSerializer.Meta.fields]
        read_only_fields = fields


class EventRowsFilterSet(filters.TimelineFilterSet):
    """The timeline's filters choose events; the table lists those events' rows.

    The filters are the timeline's own (not copies), applied to events; the rows are then
    those of the chosen events. The table's order is fixed, so ``ordering`` is not offered.
    A table may filter its own rows too, by the choice field ``row_choice`` names (a
    participant's role, a location's precision).
    """

    ordering = None
    row_choice: str | None = None

    def filter_queryset(self, rows):
        events = super().filter_queryset(Event.objects.all())
        if events.query.where:
            rows = rows.filter(event__in=events.values("pk"))
        chosen = self.form.cleaned_data.get(self.row_choice) if self.row_choice else None
        return rows.filter(**{f"{self.row_choice}__in": chosen}) if chosen else rows


class ParticipantFilterSet(EventRowsFilterSet):
    role = ChoicesFilter(method="filter_nothing", choices=Participant.Role.choices)
    row_choice = "role"

    class Meta:
        model = Participant
        fields: list[str] = []


class CitationFilterSet(EventRowsFilterSet):
    class Meta:
        model = Citation
        fields: list[str] = []


class LocationFilterSet(EventRowsFilterSet):
    precision = ChoicesFilter(method="filter_nothing", choices=Location.Precision.choices)
    row_choice = "precision"

    class Meta:
        model = Location
        fields: list[str] = []


class EventRowsViewSet(FieldSelectionMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only, paginated long table of the visible events' rows."""

    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        rows = self.queryset.order_by("event_id", "id")
        if sees_unpublished(self.request.user, Event):
            return rows
        return rows.filter(event__editorial_status=Event.Status.PUBLISHED)


class ParticipantViewSet(EventRowsViewSet):
    """Who took part in which event, in which role: one row per actor and role."""

    # The event (its kind) and the actor (its slug) are in every row: joined.
    queryset = Participant.objects.select_related("event", "actor")
    serializer_class = ParticipantRowSerializer
    filterset_class = ParticipantFilterSet


class CitationViewSet(EventRowsViewSet):
    """The evidence of every event: one row per quote, with its article's URLs and title."""

    # The article (URL, title, archive URL), speaker and via are in every row: joined; the
    # article's text is not shown, so not loaded either.
    queryset = Citation.objects.select_related("source", "speaker", "via").defer("source__body")
    serializer_class = CitationRowSerializer
    filterset_class = CitationFilterSet


class LocationViewSet(EventRowsViewSet):
    """Where every event happened: one row per place, the event's main one first."""

    # The event (its kind) is in every row: joined.
    queryset = Location.objects.select_related("event")
    serializer_class = LocationRowSerializer
    filterset_class = LocationFilterSet
