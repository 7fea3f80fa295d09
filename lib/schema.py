"""The OpenAPI document as clients need it: every status a request can get, with its body;
CSV as text; list rows that may be tombstones; filters with their real types and enums.

Everything is derived from the views, serializers, paginators and filter classes themselves, so
that a new endpoint or filter is described without a line here:

* ``AutoSchema`` (``DEFAULT_SCHEMA_CLASS``): error responses (400, 401, 403, 404, 409, 412)
  where the view can answer them; ``text/csv`` (and any other non-JSON renderer) as a string;
  the rows of a list whose serializer has a ``tombstone_serializer`` as ``oneOf`` [row,
  tombstone]; ``page``/``page_size`` with their bounds; numeric ids in paths as integers.
* ``FilterExtension``: each django-filter filter from its own attributes: ``choices`` as an
  enum, a filter that ``takes_lists`` (lib/filters.py's) as an array in ``style: form,
  explode: false`` (repeated keys work too), ids (``IdsField``) as integers from 1 to 2^63−1.
* ``postprocess_parameter_enums`` (a ``POSTPROCESSING_HOOKS`` hook): a parameter's enum is a
  named component, the same one as the serializer field with the same choices (or the name
  ENUM_NAME_OVERRIDES gives it); an ordering is ``<Model>OrderingEnum``.
"""

import re

import django_filters
import uritemplate
from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import ResolvedComponent, deep_import_string, force_instance
from drf_spectacular.utils import OpenApiParameter
from inflection import camelize
from rest_framework.settings import api_settings

from .filters import MAX_ID, IdsField
from .selection import FIELDS_PARAM, FieldSelectionMixin

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# The serializer actions that write a record as such; any other unsafe action on one record
# is a step (submit, publish…), refused with a 409 when the record's state does not allow it.
WRITE_ACTIONS = ("create", "update", "partial_update", "destroy")
# Hint from the filter extension to the hook: the component name of a parameter's enum.
ENUM_NAME_KEY = "x-enum-name"

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "Why the request was refused, in words.",
}
VALIDATION_ERRORS = {
    "type": "object",
    "description": (
        "What was wrong with the request: each field's or query parameter's messages under its "
        "name (a nested list has one object per item, an empty one for a valid item); messages "
        "about the request as a whole under non_field_errors; a body that could not be read at "
        "all under detail. Keys naming the records a refusal is about (existing_source, "
        "orphaned_events, misdated_events) are lists of URLs."
    ),
    "properties": {
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
        "detail": {"type": "string"},
    },
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {}},
            {"type": "object", "additionalProperties": {}},
        ]
    },
}
# Status code: (component name, component schema, description).
ERRORS = {
    "400": (
        "ValidationError",
        VALIDATION_ERRORS,
        "Bad input: a query parameter, or a field of the body, named with its messages.",
    ),
    "401": ("ErrorDetail", DETAIL, "The token is not valid, or a token is needed to read."),
    "403": ("ErrorDetail", DETAIL, "The user may not make this change."),
    "404": (
        "ErrorDetail",
        DETAIL,
        "No such record, no such page, or a format the endpoint does not render.",
    ),
    "409": (
        "ErrorDetail",
        DETAIL,
        "Refused by the record's state: other records use it, or the step does not apply to "
        "its editorial status.",
    ),
    "412": (
        "ErrorDetail",
        DETAIL,
        "If-Match names a version the record no longer has: read it again, then write.",
    ),
}
TEXT = {
    "type": "string",
    "description": "Comma-separated values: a header line, then one line per record.",
}


def is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def text_schema(media_type: str) -> dict:
    """A response that is not a JSON document (CSV, JSON Lines): a string."""
    return TEXT if media_type.startswith("text/csv") else {"type": "string"}


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        """Reads need no token unless ``API_READ_REQUIRES_TOKEN``: ``{}`` (none) is one of
        their security requirements, so that a generated client reads anonymously."""
        auths = super().get_auth()
        reads_freely = not getattr(settings, "API_READ_REQUIRES_TOKEN", False)
        if self.method in SAFE_METHODS and reads_freely and {} not in auths:
            auths.append({})
        return auths

    # --- responses -------------------------------------------------------------------------

    def error_codes(self) -> list[str]:
        """The error statuses this operation can answer.

        Every operation: 400 (its query parameters, its body), 401 (an invalid token, or none
        where reading needs one). 404 where a record, page or format can be missing. Writes:
        403. Deleting, and the steps on one record: 409. Writes of one record whose view
        compares versions (``lock_and_check``): 412.
        """
        codes = ["400", "401"]
        if self._can_be_not_found():
            codes.append("404")
        if self.method in SAFE_METHODS:
            return codes
        codes.append("403")
        action = getattr(self.view, "action", None)
        if self.method == "DELETE" or action not in WRITE_ACTIONS:
            codes.append("409")
        if hasattr(self.view, "lock_and_check") and action != "create":
            codes.append("412")
        return sorted(codes)

    def _can_be_not_found(self) -> bool:
        """A record in the path, a page number, or a ``format`` to choose among renderers."""
        return bool(
            uritemplate.variables(self.path)
            or (self._is_list_view() and self._get_paginator())
            or len(self.map_renderers("format")) > 1
        )

    def _error_response(self, code: str) -> dict:
        """An error's body: JSON whatever format was asked (the CSV renderer keeps errors
        JSON)."""
        name, schema, description = ERRORS[code]
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        content = {"application/json": {"schema": component.ref}}
        return {"content": content, "description": description}

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self.error_codes():
            responses.setdefault(code, self._error_response(code))
        return responses

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        content = response.get("content", {})
        for media_type in content:
            if not is_json(media_type):
                content[media_type] = {"schema": text_schema(media_type)}
        if str(status_code).startswith("2") and self._is_list_view(serializer):
            self._add_tombstones(serializer, content, direction)
        return response

    def _add_tombstones(self, serializer, content: dict, direction) -> None:
        """The rows of a list whose serializer has a ``tombstone_serializer``: each row is
        either a record or its tombstone (``oneOf``)."""
        instance = force_instance(serializer)
        tombstone = getattr(instance, "tombstone_serializer", None)
        if tombstone is None:
            return
        component = self.resolve_serializer(tombstone, direction)
        # A tombstone has these fields and no others: a full row is never one (oneOf).
        component.schema["additionalProperties"] = False
        tombstone_ref = component.ref
        for media_type, media in content.items():
            if not is_json(media_type):
                continue
            schema = media["schema"]
            if "$ref" in schema:  # a paginated list: its component
                schema = self.registry[(schema["$ref"].rsplit("/", 1)[-1], "schemas")].schema
            rows = schema.get("properties", {}).get("results", schema)
            if "$ref" in rows.get("items", {}):
                rows["items"] = {"oneOf": [rows["items"], tombstone_ref]}

    # --- parameters ------------------------------------------------------------------------

    def get_override_parameters(self):
        """``fields`` on the reads of a view that selects fields (lib/selection.py)."""
        parameters = list(super().get_override_parameters())
        reads_records = getattr(self.view, "action", None) in ("list", "retrieve") or (
            getattr(self.view, "action", "") or ""
        ).startswith("export_")
        if self.method == "GET" and reads_records and isinstance(self.view, FieldSelectionMixin):
            parameters.append(
                OpenApiParameter(
                    FIELDS_PARAM,
                    {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
                    style="form",
                    explode=False,
                    description=(
                        "Only these fields of each record (a nested name selects its "
                        "columns); an unknown name is a 400 listing the valid ones. A record "
                        "then lacks the other fields the schema lists as required."
                    ),
                )
            )
        return parameters

    def _get_pagination_parameters(self):
        parameters = super()._get_pagination_parameters()
        paginator = self._get_paginator()
        bounds = {getattr(paginator, "page_query_param", None): {"minimum": 1}}
        size = getattr(paginator, "page_size_query_param", None)
        if size:
            bounds[size] = {"minimum": 1}
            if getattr(paginator, "max_page_size", None):
                bounds[size]["maximum"] = paginator.max_page_size
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    def _resolve_path_parameters(self, variables):
        """A path id matched by digits only (``[0-9]{1,18}``) is an integer from 1."""
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            schema = parameter["schema"]
            match = re.fullmatch(r"\^?\[0-9\]\{1,(\d+)\}\$?", schema.get("pattern", ""))
            if schema.get("type") == "string" and match:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": min(10 ** int(match.group(1)) - 1, MAX_ID),
                }
        return parameters


# --- filters ---------------------------------------------------------------------------------


def takes_lists(filter_field) -> bool:
    """Whether a filter takes several values (a comma list, or repeated keys: the strict
    backend joins them)."""
    return getattr(filter_field, "takes_lists", False) or isinstance(
        filter_field, django_filters.filters.BaseCSVFilter
    )


def declaring_model(filterset_class, name: str):
    """The model of the most general FilterSet that declares the filter ``name``."""
    for klass in reversed(filterset_class.__mro__):
        if name in getattr(klass, "declared_filters", {}):
            return klass._meta.model
    return filterset_class._meta.model


class FilterExtension(DjangoFilterExtension):
    """django-filter's parameters, from the filter classes' own attributes."""

    priority = 1  # over drf-spectacular's own

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        choices = filter_field.extra.get("choices")
        for parameter in parameters:
            schema = parameter["schema"]
            item = dict(schema.get("items", schema))
            if choices and not callable(choices):
                item = {"type": "string", "enum": [value for value, _ in choices]}
                if isinstance(filter_field, django_filters.OrderingFilter):
                    owner = declaring_model(filterset_class, field_name)
                    item[ENUM_NAME_KEY] = f"{owner.__name__}{camelize(field_name)}Enum"
            elif issubclass(filter_field.field_class, IdsField):
                item = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
            if takes_lists(filter_field):
                parameter.update(style="form", explode=False)
                parameter["schema"] = {"type": "array", "items": item, "minItems": 1}
            else:
                parameter["schema"] = item
        return parameters


# --- enums of parameters ---------------------------------------------------------------------


def _values(enum: list) -> tuple:
    return tuple(sorted(str(value) for value in enum if value not in ("", None)))


def override_names() -> dict[tuple, str]:
    """ENUM_NAME_OVERRIDES by their values."""
    names = {}
    overrides = getattr(settings, "SPECTACULAR_SETTINGS", {}).get("ENUM_NAME_OVERRIDES", {})
    for name, choices in overrides.items():
        if isinstance(choices, str):
            choices = deep_import_string(choices)
        choices = getattr(choices, "choices", choices)
        values = [c[0] if isinstance(c, list | tuple) else c for c in choices]
        names[_values(values)] = name
    return names


def postprocess_parameter_enums(result, generator, **kwargs):
    """Each parameter's enum as a named component: its filter's hint, else its
    ENUM_NAME_OVERRIDES name, else the component of the same values (a serializer field's),
    else ``<Parameter>Enum``. An enum whose name is taken by other values stays inline, and so
    does ``format`` (each endpoint has its own renderers)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    by_values = {}
    for name, schema in schemas.items():
        if "enum" in schema and _values(schema["enum"]):
            by_values.setdefault(_values(schema["enum"]), name)
    overrides = override_names()
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == api_settings.URL_FORMAT_OVERRIDE:
                    continue  # each endpoint's own renderers
                schema = parameter["schema"]
                holder = schema["items"] if schema.get("type") == "array" else schema
                if "enum" not in holder:
                    holder.pop(ENUM_NAME_KEY, None)
                    continue
                values = _values(holder["enum"])
                name = (
                    holder.pop(ENUM_NAME_KEY, None)
                    or overrides.get(values)
                    or by_values.get(values)
                    or f"{camelize(parameter['name'])}Enum"
                )
                existing = schemas.get(name)
                if existing is not None and _values(existing.get("enum", [])) != values:
                    continue
                if existing is None:
                    schemas[name] = {"type": holder.get("type", "string"), "enum": holder["enum"]}
                    by_values.setdefault(values, name)
                rest = {k: v for k, v in holder.items() if k not in ("type", "enum")}
                ref = {"$ref": f"#/components/schemas/{name}"}
                replacement = {"allOf": [ref], **rest} if rest else ref
                if holder is schema:
                    parameter["schema"] = replacement
                else:
                    schema["items"] = replacement
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result
