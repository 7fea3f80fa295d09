"""Nested lists of objects that keep their serializer, so a flat (CSV) row knows their columns
even when a record has none of them (an event without citations, an actor without
affiliations)."""

from rest_framework import serializers
from rest_framework.utils.serializer_helpers import ReturnList


class ColumnsListSerializer(serializers.ListSerializer):
    """``many=True`` of a nested serializer whose value is a list that links back to it (DRF's
    ``ReturnList``, as ``serializer.data`` of a list has): it renders in JSON as any list, and
    an empty one still says which keys its items would have.

    Use as ``Meta.list_serializer_class`` of a serializer nested with ``many=True``."""

    def to_representation(self, data):
        return ReturnList(super().to_representation(data), serializer=self)
