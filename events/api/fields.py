"""Serializer fields for the API's conventions: actors by slug, roles as lists of slugs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from actors.models import Actor
from lib.ids import as_id

from .. import times
from ..models import Event

# Validated role lists travel in validated_data under "role:<role>".
ROLE_PREFIX = "role:"


@extend_schema_field({"type": "array", "items": {"type": "string"}, "example": ["russia"]})
class RoleField(serializers.Field):
    """One participant role of an event, read and written as a list of actor slugs."""

    def __init__(self, role: str, **kwargs):
        self.role = role
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", f"Slugs of the actors with the role {role}.")
        super().__init__(source="*", **kwargs)

    def to_representation(self, event) -> list[str]:
        # participants are prefetched with their actors by every view.
        return [p.actor.slug for p in event.participants.all() if p.role == self.role]

    def to_internal_value(self, data) -> dict:
        if not isinstance(data, list) or not all(isinstance(slug, str) for slug in data):
            raise serializers.ValidationError("Expected a list of actor slugs.")
        if len(data) > Event.MAX_PARTICIPANTS:
            raise serializers.ValidationError(
                f"At most {Event.MAX_PARTICIPANTS} participants per event; this list has "
                f"{len(data)}."
            )
        # Current or old slugs (an old one names the actor it was changed from).
        actors = Actor.objects.by_slugs(data)
        unknown = [slug for slug in data if slug not in actors]
        if unknown:
            raise serializers.ValidationError(f"Unknown actor: {', '.join(unknown)}.")
        if len({actors[slug].pk for slug in data}) != len(data):
            raise serializers.ValidationError("An actor is listed twice.")
        return {f"{ROLE_PREFIX}{self.role}": [actors[slug] for slug in data]}


@extend_schema_field(
    {
        # anyOf: "" would match both under oneOf when a validator does not check the format.
        "anyOf": [
            {"type": "string", "format": "uri", "maxLength": 1000},
            {"type": "string", "enum": [""]},
        ]
    }
)
class OptionalURLField(serializers.URLField):
    """A URL, or "" for none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class ActorSlugField(serializers.SlugRelatedField):
    """One actor by slug; an old slug names the actor it was changed from (one query)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        actor = Actor.objects.by_slugs([data]).get(data)
        if actor is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return actor


def actor_slug_field(**kwargs) -> ActorSlugField:
    return ActorSlugField(slug_field="slug", queryset=Actor.objects.all(), **kwargs)


class BoundedManyRelatedField(serializers.ManyRelatedField):
    """A list of records by id, at most ``MAX_LINKS`` of them: each id is one look-up."""

    MAX_LINKS = 50

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) > self.MAX_LINKS:
            raise serializers.ValidationError(
                f"At most {self.MAX_LINKS} records; this list has {len(data)}."
            )
        return super().to_internal_value(data)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A record referenced by id; an id out of the database's range is simply not found
    (SQLite's driver would otherwise overflow)."""

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return BoundedManyRelatedField(**list_kwargs)

    def to_internal_value(self, data):
        if as_id(data) is None:
            if isinstance(data, int | str) and not isinstance(data, bool):
                self.fail("does_not_exist", pk_value=data)
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(as_id(data))


class CoordinateField(serializers.DecimalField):
    """A latitude or longitude: written as a number (or its text) with at most 6 decimals,
    shown as a JSON number without trailing zeros (50.45, not "50.450000"), in CSV too."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=9, decimal_places=6, coerce_to_string=False, **kwargs)

    def to_representation(self, value) -> float:
        return float(value)


class FirstLocationField(serializers.FloatField):
    """A coordinate of the event's main location (its first), null when it has none: the flat
    column a spreadsheet or a map reads. The views prefetch the locations."""

    def __init__(self, attr: str, **kwargs):
        self.attr = attr
        kwargs.setdefault(
            "help_text", f"The {attr} of the event's first (main) location; null without one."
        )
        super().__init__(source="locations", read_only=True, allow_null=True, **kwargs)

    def get_attribute(self, event):
        first = next(iter(event.locations.all()), None)
        return getattr(first, self.attr) if first is not None else None

    def to_representation(self, value) -> float:
        return float(value)


class ZonedDateTimeField(serializers.DateTimeField):
    """A proposal's exact time (starts_at, ends_at), shown in the proposal's time zone with
    its UTC offset (2025-04-19T18:00:00+03:00; Z in UTC). Written in ISO 8601; a time without
    an offset is read in the proposal's time zone (the model's rule, events.times)."""

    zone_field = "time_zone"

    def get_attribute(self, instance):
        moment = super().get_attribute(instance)
        return self.in_zone(moment, getattr(instance, self.zone_field))

    @staticmethod
    def in_zone(moment, zone_name: str):
        return None if moment is None else moment.astimezone(times.zone_of(zone_name))

    def to_representation(self, value) -> str:
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def enforce_timezone(self, value):
        if value.tzinfo is None or value.utcoffset() is None:
            return value  # read in the proposal's time zone by the model
        return super().enforce_timezone(value)
