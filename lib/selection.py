"""``?fields=id,date,title``: only those fields of each record, on every list and detail of
the API, in JSON and CSV (and the exports), in the serializer's order whatever the order
asked.

A nested field's name (``codes``, ``citations``) selects all its columns. A name that is not
a readable field of the record is a 400 listing the valid ones; a field the reader may not see
(a serializer's ``withheld_fields``) is a 400 saying why. A retracted record shown as a
tombstone stays a tombstone (its serializer answers before any field is read), whatever
``fields`` says. Reads only: a write answers with the whole record.
"""

from django import forms
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from .filters import EMPTY, split_items

FIELDS_PARAM = "fields"
READS = ("GET", "HEAD")


def requested_fields(request) -> list[str] | None:
    """The field names of ``?fields=`` (a comma list, repeated keys or both), each once; None
    when the parameter is absent. An empty value or item is a 400."""
    values = request.query_params.getlist(FIELDS_PARAM)
    if not values:
        return None
    try:
        if any(not value.strip() for value in values):
            raise forms.ValidationError(EMPTY)
        return list(dict.fromkeys(name for value in values for name in split_items(value)))
    except forms.ValidationError as error:
        raise ValidationError({FIELDS_PARAM: error.messages}) from error


def readable_fields(serializer) -> list[str]:
    """The names of what a serializer (or a list serializer's child) shows, in order."""
    record = serializer.child if isinstance(serializer, serializers.ListSerializer) else serializer
    return [name for name, field in record.fields.items() if not field.write_only]


def select_fields(serializer, names: list[str]) -> None:
    """Keep only ``names`` of the serializer's fields (of each row for a list); a name that is
    not one of them is a 400 listing the valid ones."""
    valid = readable_fields(serializer)
    record = serializer.child if isinstance(serializer, serializers.ListSerializer) else serializer
    # Fields this reader may not see (``withheld_fields``: name -> why), named with the reason.
    withheld = getattr(record, "withheld_fields", {})
    refused = [f"{name}: {withheld[name]}" for name in names if name in withheld]
    if refused:
        raise ValidationError({FIELDS_PARAM: refused})
    unknown = [name for name in names if name not in valid]
    if unknown:
        raise ValidationError(
            {
                FIELDS_PARAM: [
                    f"Unknown field: {', '.join(unknown)}. Valid fields: {', '.join(valid)}."
                ]
            }
        )
    for name in list(record.fields):
        if name not in names:
            record.fields.pop(name)


class FieldSelectionMixin:
    """A viewset whose reads honour ``?fields=`` (put it before the DRF view in the bases).

    Every serializer the view makes while reading (a page, a detail, an export's chunks, the
    CSV header) has the selected fields only, so JSON, CSV and exports agree. The queries are
    the view's own: selecting fewer fields never costs more."""

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        # A write validates every field it may be sent and answers with the whole record
        # (and the browsable API's forms are built as writes).
        if self.request.method in READS:
            names = requested_fields(self.request)
            if names is not None:
                select_fields(serializer, names)
        return serializer
