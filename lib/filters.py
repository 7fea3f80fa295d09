"""Query parameters of the API's lists, strict: filters both apps share and the backend that
checks every parameter of a request.

A list-valued filter (slugs, choices, ids, ordering) takes several values as a comma list, as
repeated keys, or both: ``kind=proposal&kind=response`` is ``kind=proposal,response``. Any
other parameter is given at most once. A parameter the list does not know, an empty value, an
empty item of a list or a malformed value is a 400 that names the parameter.
"""

import calendar
import datetime
import re
from collections.abc import Collection

import django_filters
from django import forms
from django.utils.dateparse import parse_datetime
from django_filters.fields import BaseCSVField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

# Records' ids: positive 64-bit integers (PostgreSQL's bigint).
MAX_ID = 2**63 - 1
# Ids one filter takes at most: as many as the largest page shows.
MAX_IDS = 1000
# What a detail (read, write or delete of one record) accepts.
DETAIL_PARAMS = ("format", "fields")
# The actions on one record whose query parameters the backend checks; the other actions on
# one record (workflow steps, aggregates) check their own with ``check_query_params``.
DETAIL_ACTIONS = {"retrieve", "update", "partial_update", "destroy"}

EMPTY = "Empty value: give a value or leave the parameter out."
EMPTY_ITEM = "Empty value in the list."
REPEATED = "Given more than once: this parameter takes one value."


def positive_int(text: str, maximum: int) -> int:
    """``text`` as a whole number from 1 to ``maximum``, or a ValidationError saying so."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= maximum:
        raise forms.ValidationError(
            "Enter a whole number from 1 to %(maximum)s: %(value)s.",
            params={"maximum": maximum, "value": text},
        )
    return number


def split_items(value: str) -> list[str]:
    """The items of a comma list, stripped; an empty item is a ValidationError."""
    items = [item.strip() for item in value.split(",")]
    if "" in items:
        raise forms.ValidationError(EMPTY_ITEM)
    return items


def unknown_error(model, unknown: list) -> forms.ValidationError:
    # The values travel as params: a "%" typed by a client is text, not a format.
    return forms.ValidationError(
        "Unknown %(noun)s: %(values)s.",
        params={"noun": model._meta.verbose_name, "values": ", ".join(map(str, unknown))},
    )


class CommaSeparatedField(forms.Field):
    """A comma-separated list of values, each checked by a subclass's ``clean_values``. (The
    backend refuses an empty value before; a NUL is refused by the middleware.)"""

    def clean(self, value):
        if value is None:
            return None
        return self.clean_values(split_items(value))


class SlugsField(CommaSeparatedField):
    """Slugs of existing records of ``model`` (one query for the whole list). A model whose
    manager has ``by_slugs`` (actors) also answers to old slugs, with the record each now
    names."""

    def __init__(self, *args, model=None, **kwargs):
        self.model = model
        super().__init__(*args, **kwargs)

    def clean_values(self, values):
        objects = self.model.objects
        if hasattr(objects, "by_slugs"):
            found = objects.by_slugs(values)
        else:
            found = {obj.slug: obj for obj in objects.filter(slug__in=values)}
        unknown = [v for v in values if v not in found]
        if unknown:
            raise unknown_error(self.model, unknown)
        # An old and a current slug of one record name it once.
        return list({obj.pk: obj for obj in found.values()}.values())


class ChoicesField(CommaSeparatedField):
    def __init__(self, *args, choices=(), **kwargs):
        self.valid = [value for value, _ in choices]
        super().__init__(*args, **kwargs)

    def clean_values(self, values):
        bad = [v for v in values if v not in self.valid]
        if bad:
            raise forms.ValidationError(
                "Unknown value: %(values)s. Expected one of: %(valid)s.",
                params={"values": ", ".join(bad), "valid": ", ".join(self.valid)},
            )
        return values


class IdsField(CommaSeparatedField):
    """Ids from 1 to 2^63−1, any that is not reported together; with ``model``, the records
    of ``model`` they name (one query), an unknown id reported."""

    def __init__(self, *args, model=None, **kwargs):
        self.model = model
        # The records an id may name; a FilterSet narrows it to what its reader may see, so
        # that an id's existence is not told to those who may not read the record.
        self.queryset = model.objects.all() if model is not None else None
        super().__init__(*args, **kwargs)

    def clean_values(self, values):
        if len(values) > MAX_IDS:
            raise forms.ValidationError(
                "At most %(maximum)s ids; %(count)s were given.",
                params={"maximum": MAX_IDS, "count": len(values)},
            )
        ids, bad = [], []
        for value in values:
            try:
                ids.append(positive_int(value, MAX_ID))
            except forms.ValidationError:
                bad.append(value)
        if bad:
            raise forms.ValidationError(
                "Expected ids from 1 to %(maximum)s: %(values)s.",
                params={"maximum": MAX_ID, "values": ", ".join(bad)},
            )
        if self.model is None:
            return ids
        found = self.queryset.in_bulk(ids)
        unknown = [i for i in ids if i not in found]
        if unknown:
            raise unknown_error(self.model, unknown)
        return list(found.values())


class ExternalIdsField(CommaSeparatedField):
    """Identifiers another dataset gives records of ``model`` (its ``field``: a UCDP id, a
    Wikidata ID), each read by ``parse`` (a ValidationError for a malformed one); the records
    that have any of them (one query), a value no record has reported."""

    def __init__(self, *args, model=None, field="", parse=None, **kwargs):
        self.model, self.field, self.parse = model, field, parse
        # The records a value may name; a FilterSet narrows it to what its reader may see.
        self.queryset = model.objects.all()
        super().__init__(*args, **kwargs)

    def clean_values(self, values):
        if len(values) > MAX_IDS:
            raise forms.ValidationError(
                "At most %(maximum)s values; %(count)s were given.",
                params={"maximum": MAX_IDS, "count": len(values)},
            )
        parsed, bad = [], []
        for value in values:
            try:
                parsed.append(self.parse(value))
            except forms.ValidationError:
                bad.append(value)
        if bad:
            raise forms.ValidationError(
                "Expected %(expected)s: %(values)s.",
                params={"expected": self.parse.expected, "values": ", ".join(bad)},
            )
        found = list(self.queryset.filter(**{f"{self.field}__in": parsed}))
        have = {getattr(record, self.field) for record in found}
        unknown = [value for value in dict.fromkeys(parsed) if value not in have]
        if unknown:
            raise forms.ValidationError(
                "No %(noun)s has the %(label)s %(values)s.",
                params={
                    "noun": self.model._meta.verbose_name,
                    "label": self.model._meta.get_field(self.field).verbose_name,
                    "values": ", ".join(map(str, unknown)),
                },
            )
        return found


def parser(expected: str):
    """A parse function of ExternalIdsField, with what it expects said in its errors."""

    def decorate(parse):
        parse.expected = expected
        return parse

    return decorate


# PostgreSQL's integer, the external ids' column type.
MAX_EXTERNAL_ID = 2**31 - 1


@parser(f"whole numbers from 1 to {MAX_EXTERNAL_ID}")
def external_number(text: str) -> int:
    return positive_int(text, MAX_EXTERNAL_ID)


@parser("Gleditsch–Ward codes: whole numbers from 2 to 999")
def gw_code(text: str) -> int:
    number = positive_int(text, 999)
    if number < 2:
        raise forms.ValidationError("Not a Gleditsch–Ward code.")
    return number


@parser("Wikidata IDs: Q followed by digits, e.g. Q159")
def wikidata_id(text: str) -> str:
    text = text.upper()
    if not re.fullmatch(r"Q[1-9][0-9]{0,18}", text):
        raise forms.ValidationError("Not a Wikidata ID.")
    return text


class ListFilter(django_filters.Filter):
    """A filter of several values, any of which matches: the backend joins its repeated keys
    into one comma list."""

    takes_lists = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class SlugsFilter(ListFilter):
    field_class = SlugsField


@extend_schema_field(OpenApiTypes.STR)
class ChoicesFilter(ListFilter):
    """Any of several choices; ``field_name`` may cross into a kind (as_proposal__outcome)."""

    field_class = ChoicesField


@extend_schema_field(OpenApiTypes.STR)
class ExternalIdsFilter(ListFilter):
    """Records by another dataset's identifier of theirs (``model``'s ``field``), any of
    several; one no record has is a 400 naming it."""

    field_class = ExternalIdsField

    def __init__(self, *args, model=None, field="", parse=external_number, **kwargs):
        super().__init__(*args, model=model, field=field, parse=parse, **kwargs)

    def filter(self, qs, value):
        # On the list of ``model`` itself the records are matched by their keys.
        if value and self.field_name == "pk":
            value = [record.pk for record in value]
        return super().filter(qs, value)


@extend_schema_field(OpenApiTypes.STR)
class IdFilter(ListFilter):
    """Records by id, any of several (``1,6``): each from 1 to 2^63−1, or a 400."""

    field_class = IdsField


class StrictBooleanField(forms.Field):
    """true/True/1 or false/False/0; nothing else."""

    def clean(self, value):
        if value is None:
            return None
        if value in ("true", "True", "1"):
            return True
        if value in ("false", "False", "0"):
            return False
        raise forms.ValidationError("Expected true or false (True/False, 1/0).")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class MonthField(forms.Field):
    """A month written ``YYYY-MM``: its first and last days."""

    def clean(self, value):
        if value is None:
            return None
        match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", value)
        if not match or int(match[1]) < 1 or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(
                "Expected a month as YYYY-MM: %(value)s.", params={"value": value}
            )
        year, month = int(match[1]), int(match[2])
        return (
            datetime.date(year, month, 1),
            datetime.date(year, month, calendar.monthrange(year, month)[1]),
        )


@extend_schema_field(OpenApiTypes.STR)
class MonthFilter(django_filters.Filter):
    """Records whose ``field_name`` (a date) falls in a month given as ``YYYY-MM``."""

    field_class = MonthField

    def filter(self, qs, value):
        if value is None:
            return qs
        first, last = value
        return qs.filter(**{f"{self.field_name}__gte": first, f"{self.field_name}__lte": last})


class OrderingField(BaseCSVField):
    """The ordering's keys, stripped; an empty or unknown key is a ValidationError naming
    every one."""

    def clean(self, value):
        if value is None:
            return None
        keys = split_items(",".join(value))
        valid = [key for key, _ in self.choices]
        bad = [key for key in keys if key not in valid]
        if bad:
            raise forms.ValidationError(
                "Unknown ordering: %(keys)s. Expected any of: %(valid)s.",
                params={"keys": ", ".join(bad), "valid": ", ".join(valid)},
            )
        return keys


class StableOrderingFilter(ListFilter, django_filters.OrderingFilter):
    """Ordering with the primary key as the last key, so pages neither repeat nor skip rows
    among records that share a date or a title. The key's direction is the last key's."""

    base_field_class = OrderingField

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            last = qs.query.order_by[-1]
            qs = qs.order_by(*qs.query.order_by, "-pk" if last.startswith("-") else "pk")
        return qs


class SafeIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 datetime that can be compared in UTC (years 1 to 9999 there too)."""

    def clean(self, value):
        value = super().clean(value)
        if value is not None:
            try:
                value.astimezone(datetime.UTC)
            except OverflowError as error:
                raise forms.ValidationError(
                    "Enter a date and time between years 1 and 9999."
                ) from error
        return value


class AwareIsoDateTimeField(SafeIsoDateTimeField):
    """An ISO 8601 datetime with its UTC offset (``+03:00`` or ``Z``): a moment, not a wall
    clock's reading in an unknown place."""

    def clean(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None  # out of range: the field's own parsing names it
            if parsed is not None and parsed.utcoffset() is None:
                raise forms.ValidationError(
                    "Give the UTC offset: 2025-04-19T18:00:00+03:00, or Z for UTC."
                )
        return super().clean(value)


class MomentFilter(django_filters.IsoDateTimeFilter):
    """A moment (ISO 8601 date and time with its UTC offset), passed to the filter's method."""

    field_class = AwareIsoDateTimeField


class UpdatedAfterFilter(django_filters.IsoDateTimeFilter):
    field_class = SafeIsoDateTimeField

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("help_text", "Created or changed since then (ISO 8601 date and time).")
        super().__init__(**kwargs)


# --- checking every parameter of a request ----------------------------------------------------


def query_param_errors(
    params, known: Collection[str], lists: Collection[str] = (), free: Collection[str] = ()
) -> dict[str, list[str]]:
    """What is wrong with ``params`` (a QueryDict), by parameter: a name not in ``known``, a
    parameter not in ``lists`` given twice, an empty value. ``free`` names known parameters
    their reader checks itself."""
    valid = ", ".join(sorted(known))
    errors: dict[str, list[str]] = {}
    for name, values in params.lists():
        if name in free:
            continue
        if name not in known:
            errors[name] = [f"Unknown parameter. Valid parameters: {valid}."]
        elif len(values) > 1 and name not in lists:
            errors[name] = [REPEATED]
        elif any(not value.strip() for value in values):
            errors[name] = [EMPTY]
    return errors


def check_query_params(request, allowed: Collection[str]) -> None:
    """A 400 unless every query parameter of ``request`` is one of ``allowed``, given once,
    with a value (for the views that read their parameters themselves: the aggregates)."""
    errors = query_param_errors(request.query_params, allowed, free={"fields"} & set(allowed))
    if errors:
        raise ValidationError(errors)


def lists_records(view) -> bool:
    """Whether the view answers with a list (a list, or an action on the list: an export):
    its URL names no record."""
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
    return lookup not in getattr(view, "kwargs", {})


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, strict about the query.

    On a list, the known parameters are the FilterSet's filters, the pagination's (``page``,
    ``page_size``, ``cursor``, ``count``), ``format``, ``fields`` and what the view names in
    ``extra_query_params`` (the parameters it reads itself). Anything else is a 400 naming it
    and listing the valid ones, and so is a scalar parameter given twice or an empty value.
    Repeated keys of a list-valued filter are one comma list. Every error of the request is in
    the one 400.

    On one record (read, write, delete) only ``format`` and ``fields`` are accepted; the other
    actions on one record (workflow steps, aggregates) check theirs with
    ``check_query_params``. Filters never apply to one record.
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.valid_filterset(request, queryset, view)
        return queryset if filterset is None else filterset.qs

    def valid_filterset(self, request, queryset, view):
        """The view's FilterSet over ``queryset``, bound to the request's checked parameters and
        valid; None where no filter applies (one record, a list without filters). Every
        error of the request is raised in one ValidationError (a 400)."""
        if not lists_records(view):
            # A view that is no viewset has no action: its one record is read or written.
            if getattr(view, "action", "retrieve") in DETAIL_ACTIONS:
                check_query_params(request, DETAIL_PARAMS)
            return None
        filterset_class = self.get_filterset_class(view, queryset)
        filters = filterset_class.base_filters if filterset_class else {}
        lists = {name for name, f in filters.items() if getattr(f, "takes_lists", False)}
        extra = set(getattr(view, "extra_query_params", ()))
        paginator = getattr(view, "paginator", None)
        paging = set(getattr(paginator, "query_params", ())) or {
            getattr(paginator, "page_query_param", None),
            getattr(paginator, "page_size_query_param", None),
        } - {None}
        params = request.query_params
        if getattr(getattr(request, "accepted_renderer", None), "format", None) == "api":
            # The browsable API's filter form sends every field, the ones left blank too: there
            # a blank field means "not filtered". Clients of JSON and CSV get the 400.
            params = params.copy()
            for name in [name for name, values in params.lists() if not any(values)]:
                del params[name]
        errors = query_param_errors(
            params, {*filters, *paging, *DETAIL_PARAMS, *extra}, lists, {"fields", *extra}
        )
        if filterset_class is None:
            if errors:
                raise ValidationError(errors)
            return None
        data = params.copy()
        for name in lists & set(data):
            data[name] = ",".join(data.getlist(name))
        filterset = filterset_class(data=data, queryset=queryset, request=request)
        if not filterset.is_valid():
            for name, messages in filterset.errors.items():
                errors.setdefault(name, list(messages))
        if errors:
            raise ValidationError(errors)
        return filterset
