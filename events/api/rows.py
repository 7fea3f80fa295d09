"""Rows of the event lists built from ``.values()``: no model instance per row.

A page of 1,000 events through the serializers makes some 10,000 model instances (events,
conflicts, participants, actors, citations, sources) and clones a prefetch queryset per row
and per role. A ``RowPlan`` reads the serializer once per request instead (its fields after
``?fields=``, in their order) and turns each into a column of the page's ``.values()`` query or
into one query per page (participants, citations, the many-to-many links), then builds each
row as a dict with the fields' own ``to_representation`` for the values. The serializers stay
what details, writes and the schema use; a row is the same, byte for byte, as the serializer
makes it (tests/api/test_rows_golden.py pins every list).

A serializer with a field the plan does not know has no plan: the view then serializes
model instances as before.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.urls import reverse
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings
from rest_framework.utils.serializer_helpers import ReturnList

from ..codes import ACCUSATION_CODES, meeting_codes, proposal_codes, response_codes
from ..models import KIND_MODELS, Citation, Event, Location, Participant
from .fields import FirstLocationField, RoleField, ZonedDateTimeField
from .filters import with_ids
from .serializers import KIND_ENDPOINTS, CodesSerializer, LocationSerializer, TombstoneSerializer

# What a tombstone shows, read for every row: a retracted row is one for the public.
TOMBSTONE_COLUMNS = ("id", "kind", "editorial_status", "updated_at")
# What the codes of a row are derived from, by kind (the kinds' own columns).
CODES_COLUMNS = {
    Event.Kind.PROPOSAL: ("proposal_kind", "arrangement", "outcome"),
    Event.Kind.RESPONSE: ("stance", "proposal__proposal_kind"),
    Event.Kind.MEETING: ("meeting_format",),
    Event.Kind.ACCUSATION: (),
}


class Unplanned(Exception):
    """A field the plan cannot read from values: the serializer path is used instead."""


def value_path(field) -> str:
    """The ``.values()`` lookup of a plain or single related field."""
    path = "__".join(field.source_attrs)
    if isinstance(field, serializers.SlugRelatedField):
        return f"{path}__{field.slug_field}"
    return path


# Fields whose representation of the database's value is that value (a str, an int, a bool).
AS_STORED = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.RelatedField,  # a slug or an id, read as such
)


def scalar(field) -> Callable | None:
    """How a non-null value of ``field`` is shown: None when as stored, else the field's own
    representation (a date's ISO text directly: the same, without the checks)."""
    if isinstance(field, AS_STORED) and not isinstance(
        field, serializers.FilePathField | serializers.MultipleChoiceField
    ):
        return None
    date_format = getattr(field, "format", api_settings.DATE_FORMAT)
    if type(field) is serializers.DateField and date_format in (None, ISO_8601):
        return datetime.date.isoformat
    if type(field) is serializers.DateTimeField:
        return utc_datetime(field)
    return field.to_representation


def utc_datetime(field) -> Callable:
    """A timestamp as the field shows it; one in UTC shown in UTC (the time zone of the
    settings) is its ISO text with ``Z``, as DRF writes it, without converting it first."""
    represent = field.to_representation
    if (
        getattr(field, "format", api_settings.DATETIME_FORMAT) not in (None, ISO_8601)
        or getattr(field, "timezone", None) is not None
        or str(field.default_timezone()) != "UTC"
    ):
        return represent
    zero = datetime.timedelta(0)

    def show(value):
        if value.utcoffset() != zero:
            return represent(value)
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return show


def columns_of(serializer) -> list[tuple[str, str, Callable]]:
    """(name, values path, representation) of a serializer of plain and single related
    fields only (a citation's)."""
    found = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if (
            isinstance(
                field,
                serializers.ManyRelatedField
                | serializers.BaseSerializer
                | serializers.SerializerMethodField,
            )
            or field.source == "*"
        ):
            raise Unplanned(name)
        found.append((name, value_path(field), scalar(field)))
    return found


class RowPlan:
    """How one request's rows are built from values (see the module's docstring)."""

    def __init__(self, serializer: serializers.ListSerializer):
        record = serializer.child
        self.serializer = serializer
        self.model = record.Meta.model
        context = serializer.context
        self.sees_unpublished = context.get("sees_unpublished", False)
        self.request = context.get("request")
        self.columns: dict[str, None] = dict.fromkeys(TOMBSTONE_COLUMNS)
        self.roles = False
        self.citations = None  # the citations' list serializer when shown
        self.location_columns = None  # a location's columns, when locations are shown
        self.links: list[str] = []  # many-to-many fields shown (lists of ids)
        self.steps: list[tuple[str, Callable]] = []
        for name, field in record.fields.items():
            if not field.write_only:
                self.steps.append((name, self._step(name, field)))

    # --- the fields ---------------------------------------------------------------------

    def _column(self, path: str) -> str:
        self.columns[path] = None
        return path

    def _step(self, name: str, field) -> Callable | tuple:
        """A function of (row values, per-page data) giving the field's value, or for a
        plain column (its values path, its representation or None)."""
        if isinstance(field, RoleField):
            self.roles = True
            role = field.role
            return lambda row, page: page.roles.get(row["id"], {}).get(role, [])
        if isinstance(field, CodesSerializer):
            return self._codes_step(field)
        if isinstance(field, FirstLocationField):
            self._locations()
            attr = field.attr
            return lambda row, page: (page.locations.get(row["id"]) or [{}])[0].get(attr)
        if isinstance(field, ZonedDateTimeField):  # a time shown in the record's time zone
            path, zone = self._column(value_path(field)), self._column(field.zone_field)
            return lambda row, page: (
                None
                if row[path] is None
                else field.to_representation(field.in_zone(row[path], row[zone]))
            )
        if isinstance(field, serializers.ListSerializer):
            if field.source == "locations":
                self._locations()
                shown = type("LocationList", (list,), {"serializer": field})
                return lambda row, page: shown(page.locations.get(row["id"], ()))
            if field.source != "citations":
                raise Unplanned(name)
            self.citations = field
            self.citation_columns = columns_of(field.child)
            # A list that names its serializer (as ReturnList does), made without a call.
            shown = type("CitationList", (list,), {"serializer": field})
            return lambda row, page: shown(page.citations.get(row["id"], ()))
        if isinstance(field, serializers.ManyRelatedField):
            self.links.append(field.source)
            source = field.source
            return lambda row, page: page.links[source].get(row["id"], [])
        if isinstance(field, serializers.SerializerMethodField):
            return self._method_step(name)
        if isinstance(field, serializers.BaseSerializer) or field.source == "*":
            raise Unplanned(name)
        return (self._column(value_path(field)), scalar(field))

    def _locations(self) -> None:
        """Locations are read for the page: for the list and for the first one's columns."""
        if self.location_columns is None:
            self.location_columns = columns_of(LocationSerializer())

    def _method_step(self, name: str) -> Callable:
        if name == "url":
            prefixes = {
                kind: self._detail_prefix(endpoint) for kind, endpoint in KIND_ENDPOINTS.items()
            }
            return lambda row, page: f"{prefixes[row['kind']]}{row['id']}/"
        if name == "responder":  # the timeline's: a response's responder
            path = self._column("as_response__responder__slug")
            return lambda row, page: row[path] if row["kind"] == Event.Kind.RESPONSE else None
        raise Unplanned(name)

    def _detail_prefix(self, endpoint: str) -> str:
        """A detail's URL without its id, made once per request instead of once per row."""
        path = reverse(f"{endpoint}-detail", args=[0])
        if not path.endswith("/0/"):
            raise Unplanned("url")
        prefix = path[: -len("0/")]
        return self.request.build_absolute_uri(prefix) if self.request else prefix

    def _codes_step(self, field) -> Callable:
        # The kinds this list holds: one for a kind's list, every kind on the timeline.
        kinds = [kind for kind, model in KIND_MODELS.items() if issubclass(model, self.model)]
        for kind in kinds:
            for path in CODES_COLUMNS[kind]:
                self._column(path)
        self.roles = True
        names = list(field.fields)

        def step(row, page):
            roles = page.roles.get(row["id"], {})
            kind = row["kind"]
            if kind == Event.Kind.PROPOSAL:
                codes = proposal_codes(
                    row["proposal_kind"], row["arrangement"], row["outcome"], roles
                )
            elif kind == Event.Kind.RESPONSE:
                codes = response_codes(row["stance"], row["proposal__proposal_kind"])
            elif kind == Event.Kind.MEETING:
                codes = meeting_codes(row["meeting_format"], roles)
            else:
                codes = ACCUSATION_CODES
            values = codes.as_dict()
            return {name: values[name] for name in names}

        return step

    # --- the rows -------------------------------------------------------------------------

    def values(self, queryset):
        """The list's queryset as the values the rows need: no instance, no prefetch."""
        return queryset.prefetch_related(None).values(*self.columns)

    def rows(self, values: Iterable[dict]) -> ReturnList:
        """The serialized rows of a page's (or an export chunk's) values."""
        values = list(values)
        page = PageData(self, [row["id"] for row in values])
        rows = []
        for row in values:
            if row["editorial_status"] == Event.Status.RETRACTED and not self.sees_unpublished:
                rows.append(TombstoneSerializer(row).data)
                continue
            built = {}
            for name, step in self.steps:
                if type(step) is tuple:  # a column, shown as stored or represented
                    path, represent = step
                    value = row[path]
                    if represent is not None and value is not None:
                        value = represent(value)
                    built[name] = value
                else:
                    built[name] = step(row, page)
            rows.append(built)
        return ReturnList(rows, serializer=self.serializer)


class PageData:
    """What a page's rows show from other tables, one query each: role lists of actor slugs,
    citations, the ids of many-to-many links."""

    def __init__(self, plan: RowPlan, ids: list[int]):
        self.roles: dict[int, dict[str, list[str]]] = {}
        self.citations: dict[int, list[dict]] = {}
        self.locations: dict[int, list[dict]] = {}
        self.links: dict[str, dict[int, list[int]]] = {}
        if not ids:
            return
        if plan.roles:
            # Participants' order: role, then id (Participant.Meta.ordering), as prefetched.
            rows = with_ids(Participant.objects, "event_id", ids).order_by("role", "id")
            for event_id, role, slug in rows.values_list("event_id", "role", "actor__slug"):
                self.roles.setdefault(event_id, defaultdict(list))[role].append(slug)
        if plan.citations is not None:
            self.citations = nested_rows(Citation, ids, plan.citation_columns)
        if plan.location_columns is not None:
            # In their order (the first is the main location), as prefetched.
            self.locations = nested_rows(Location, ids, plan.location_columns)
        for source in plan.links:
            link = plan.model._meta.get_field(source)
            through = link.remote_field.through
            own, other = link.m2m_field_name(), link.m2m_reverse_field_name()
            # The linked records' own order (a proposal's: newest date first), as prefetched.
            ordering = [
                f"-{other}__{key[1:]}" if key.startswith("-") else f"{other}__{key}"
                for key in link.related_model._meta.ordering
            ]
            rows = with_ids(through.objects, f"{own}_id", ids).order_by(*ordering)
            found = self.links[source] = {}
            for event_id, linked in rows.values_list(f"{own}_id", f"{other}_id"):
                found.setdefault(event_id, []).append(linked)


def nested_rows(model, ids: list[int], columns) -> dict[int, list[dict]]:
    """The represented rows of ``model`` (citations, locations) of the events ``ids``, by
    event, in id order: one query."""
    found: dict[int, list[dict]] = {}
    rows = with_ids(model.objects, "event_id", ids).order_by("id")
    for values in rows.values_list("event_id", *[path for _, path, _ in columns]):
        found.setdefault(values[0], []).append(
            {
                name: value if represent is None or value is None else represent(value)
                for (name, _, represent), value in zip(columns, values[1:], strict=True)
            }
        )
    return found
