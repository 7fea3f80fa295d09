"""Bridges between Django's models and DRF: validation errors, optimistic concurrency."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from .concurrency import current_version, etag_of


def raise_as_drf(error: DjangoValidationError, prefix: str = "", extra: dict | None = None):
    """Raise a model validation error as a 400 that names the API's fields (and carries
    ``extra`` keys, e.g. links to the records it is about)."""
    if hasattr(error, "error_dict"):
        detail = {
            (
                f"{prefix}{field}"
                if field != "__all__"
                else prefix.rstrip(".") or "non_field_errors"
            ): [message for e in errors for message in e.messages]
            for field, errors in error.error_dict.items()
        }
    else:
        detail = {prefix.rstrip(".") or "non_field_errors": error.messages}
    raise serializers.ValidationError({**detail, **(extra or {})}) from error


def full_clean_or_400(instance, prefix: str = "", **kwargs) -> None:
    """``instance.full_clean()``, its errors as a 400."""
    try:
        instance.full_clean(**kwargs)
    except DjangoValidationError as error:
        raise_as_drf(error, prefix)


def instance_with(serializer, attrs: dict):
    """The record as it would be saved: a copy of the serializer's instance (or a new one)
    with the validated values set, many-to-many values aside. Validating the copy leaves the
    instance untouched when the request is refused."""
    model = serializer.Meta.model
    instance = copy.copy(serializer.instance) if serializer.instance is not None else model()
    for name, value in attrs.items():
        field = model._meta.get_field(name)
        if not field.many_to_many and not field.one_to_many:
            setattr(instance, name, value)
    return instance


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = (
        "The record changed since you read it: GET it again, then make your change to the "
        "current version."
    )
    default_code = "precondition_failed"


def if_match_allows(request, version: str) -> bool:
    """Whether the request's ``If-Match`` (if any) names ``version``."""
    header = request.headers.get("If-Match")
    if not header:
        return True
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or f'"{version}"' in tags


class ConcurrencyMixin:
    """Optimistic concurrency for a viewset's records.

    A detail carries its version as ``ETag``; a write (update, delete, workflow action)
    locks the record's row, answers 412 when ``If-Match`` names another version, and returns
    the new ``ETag``. Writes without ``If-Match`` still queue on the lock and write only the
    fields they send.
    """

    def lock_and_check(self) -> None:
        pk = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        model = self.get_queryset().model
        if pk is None or getattr(self, "lookup_field", "pk") != "pk":
            return
        version = current_version(model, pk, lock=True)
        if version is not None and not if_match_allows(self.request, version):
            raise PreconditionFailed()

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance)
        return Response(serializer.data, headers={"ETag": etag_of(instance)})

    def perform_create(self, serializer):
        self.written = serializer.save()

    def perform_update(self, serializer):
        self.written = serializer.save()

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response["ETag"] = etag_of(self.written)
        return response

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            self.lock_and_check()
            response = super().update(request, *args, **kwargs)
        response["ETag"] = etag_of(self.written)
        return response

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            self.lock_and_check()
            return super().destroy(request, *args, **kwargs)


# --- JSON bodies of the types the schema says -------------------------------------------------

STRING_FIELDS = (
    serializers.CharField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.TimeField,
    serializers.DurationField,
    serializers.SlugRelatedField,
)
TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
    list: "a list",
    dict: "an object",
}


def json_type_of(field):
    """The JSON type a field reads from a JSON body (as the OpenAPI schema documents it), or
    None where the field checks its input itself."""
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField):
        return list
    if isinstance(field, serializers.ListSerializer):
        return list
    if isinstance(field, serializers.Serializer):
        return dict
    if isinstance(field, serializers.BooleanField):
        return bool
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return int
    if isinstance(field, serializers.ChoiceField):
        return str if all(isinstance(value, str) for value in field.choices) else None
    if isinstance(field, STRING_FIELDS):
        return str
    return None


def json_type_errors(field, value, name: str) -> dict[str, list[str]]:
    """Where ``value`` (of a JSON body) is not of the type ``field`` reads, by dotted name:
    DRF would otherwise take 5 for "5", "5" for 5 or "true" for true."""
    expected = json_type_of(field)
    if value is None or expected is None:
        return {}
    if expected is int:
        right = isinstance(value, int) and not isinstance(value, bool)
    else:
        right = isinstance(value, expected)
    if not right:
        return {name: [f"Expected {TYPE_NAMES[expected]}."]}
    errors: dict[str, list[str]] = {}
    child = getattr(field, "child", None) or getattr(field, "child_relation", None)
    if expected is list and child is not None:
        for index, item in enumerate(value):
            errors.update(json_type_errors(child, item, f"{name}[{index}]"))
    elif expected is dict:
        errors.update(body_type_errors(field, value, f"{name}."))
    return errors


def body_type_errors(serializer, data: dict, prefix: str = "") -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, field in serializer.fields.items():
        if not field.read_only and name in data:
            errors.update(json_type_errors(field, data[name], f"{prefix}{name}"))
    return errors


class JSONTypesMixin:
    """A serializer whose JSON body is refused (400, each field named) where a value is not of
    the type the schema documents: a number for a string, a string for a number or a
    boolean. Form bodies (the browsable API's) are all text and keep DRF's coercions."""

    def to_internal_value(self, data):
        if self.parent is None and type(data) is dict:
            errors = body_type_errors(self, data)
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def moved_permanently(request, url_name: str, url_kwargs: dict):
    """A 301 to another record's detail, the request's query string kept: an old slug, or
    the id of a duplicate merged into another record."""
    from django.http import HttpResponsePermanentRedirect
    from django.urls import reverse

    url = request.build_absolute_uri(reverse(url_name, kwargs=url_kwargs))
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return HttpResponsePermanentRedirect(url)
