"""Bridges between Django's model validation and DRF's errors."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


def raise_as_drf(error: DjangoValidationError, prefix: str = "") -> None:
    """Raise a model validation error as a 400 that names the API's fields."""
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
    raise serializers.ValidationError(detail) from error


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
