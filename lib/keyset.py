"""Keyset ("cursor") positions in an ordered queryset, on PostgreSQL and SQLite alike.

A queryset's ordering (its ``order_by`` or its model's ``Meta.ordering``: field names with an
optional ``-``, or expressions such as the tombstones' masked keys) becomes a list of keys, the
primary key last so that every row has its own position. Each key is annotated on the rows
(``_key0``, ``_key1``, …), so that the last row of a page gives the position the next page
continues after, and the next page is ``WHERE (keys) beyond (position)``: a deep page costs
what the first one costs, and a row added or removed meanwhile neither repeats nor skips
another.

A null sorts as if it were greater than every value (PostgreSQL's default: last when
ascending, first when descending), on both databases, so that an index on the column still
serves the order. A position is encoded in a URL-safe token that also names the ordering it
belongs to; a token that does not decode, or that belongs to another ordering, is refused.
"""

import base64
import binascii
import datetime
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, OrderBy, Q
from django.db.models.constants import LOOKUP_SEP

PREFIX = "_key"


class InvalidCursor(ValueError):
    """A cursor that does not decode, or belongs to another ordering."""


@dataclass(frozen=True)
class Key:
    expression: object
    descending: bool
    nullable: bool

    def ordered(self, reverse: bool, alias: str):
        descending = self.descending != reverse
        key = F(alias)
        if not self.nullable:
            return key.desc() if descending else key.asc()
        # Nulls as the greatest values, whichever the direction.
        return key.desc(nulls_first=True) if descending else key.asc(nulls_last=True)


@dataclass(frozen=True)
class Position:
    """Where a page starts: after (or, ``reverse``, before) the row with ``values``;
    ``inclusive``: that row too."""

    values: tuple
    reverse: bool = False
    inclusive: bool = False


def _nullable(model, name: str) -> bool:
    if name == "pk":
        return False
    opts = model._meta
    parts = name.split(LOOKUP_SEP)
    try:
        for part in parts[:-1]:
            field = opts.get_field(part)
            if field.null or not field.is_relation:
                return True
            opts = field.related_model._meta
        field = opts.get_field(parts[-1])
    except FieldDoesNotExist:
        return True
    return field.null or len(parts) > 1 and field.is_relation


def _is_pk(model, key) -> bool:
    if isinstance(key, str):
        name = key.removeprefix("-")
        return name in ("pk", model._meta.pk.name, model._meta.pk.attname)
    return False


def keys_of(queryset) -> list[Key]:
    """The ordering of ``queryset`` as keys, its primary key last."""
    query = queryset.query
    ordering = list(query.order_by) or (
        list(queryset.model._meta.ordering) if query.default_ordering else []
    )
    if not ordering or not _is_pk(queryset.model, ordering[-1]):
        ordering.append("pk")
    keys = []
    for item in ordering:
        if isinstance(item, str):
            name = item.removeprefix("-")
            keys.append(Key(F(name), item.startswith("-"), _nullable(queryset.model, name)))
        elif isinstance(item, OrderBy):
            keys.append(Key(item.expression, item.descending, True))
        else:
            keys.append(Key(item, False, True))
    return keys


class Keyset:
    """The keys of a queryset's ordering, and the pages of it they position."""

    def __init__(self, queryset):
        self.keys = keys_of(queryset)
        self.aliases = [f"{PREFIX}{i}" for i in range(len(self.keys))]
        self.queryset = queryset.annotate(
            **{alias: key.expression for alias, key in zip(self.aliases, self.keys, strict=True)}
        )
        fields = [self.queryset.query.annotations[alias].output_field for alias in self.aliases]
        self.fields = fields
        signature = repr([(str(key.expression), key.descending) for key in self.keys])
        self.signature = hashlib.sha256(signature.encode()).hexdigest()[:8]

    def ordered(self, reverse: bool = False):
        """The rows in the order (``reverse``: the opposite one), nulls where the keys say."""
        return self.queryset.order_by(
            *(
                key.ordered(reverse, alias)
                for key, alias in zip(self.keys, self.aliases, strict=True)
            )
        )

    def page(self, position: Position):
        """The rows from ``position`` on, in its direction."""
        return self.ordered(position.reverse).filter(self._beyond(position))

    def position_of(self, row, reverse: bool = False, inclusive: bool = False) -> Position:
        """The position of ``row``: a model instance, or a dict of ``.values()``."""
        if isinstance(row, dict):
            values = tuple(row[alias] for alias in self.aliases)
        else:
            values = tuple(getattr(row, alias) for alias in self.aliases)
        return Position(values, reverse, inclusive)

    # --- the WHERE clause ------------------------------------------------------------------

    def _beyond(self, position: Position) -> Q:
        """Rows after ``position`` in its direction: a key beyond, the keys before it equal
        (the first key also bounded alone, so that an index on it applies)."""
        condition = Q(pk__in=[]) if not position.inclusive else self._equal_all(position)
        equal = Q()
        for key, alias, value in zip(self.keys, self.aliases, position.values, strict=True):
            condition |= equal & self._past(key, alias, value, position.reverse)
            equal &= self._equal(alias, value)
        first_key, first_value = self.keys[0], position.values[0]
        descending = first_key.descending != position.reverse
        if first_value is not None and not first_key.nullable:
            bound = "lte" if descending else "gte"
            condition &= Q(**{f"{self.aliases[0]}__{bound}": first_value})
        return condition

    def _equal_all(self, position: Position) -> Q:
        condition = Q()
        for alias, value in zip(self.aliases, position.values, strict=True):
            condition &= self._equal(alias, value)
        return condition

    @staticmethod
    def _equal(alias: str, value) -> Q:
        return Q(**{f"{alias}__isnull": True}) if value is None else Q(**{alias: value})

    @staticmethod
    def _past(key: Key, alias: str, value, reverse: bool) -> Q:
        """The rows whose key comes after ``value`` (nulls being the greatest)."""
        if key.descending != reverse:  # towards smaller values
            if value is None:
                return Q(**{f"{alias}__isnull": False})
            return Q(**{f"{alias}__lt": value})
        if value is None:
            return Q(pk__in=[])
        beyond = Q(**{f"{alias}__gt": value})
        return beyond | Q(**{f"{alias}__isnull": True}) if key.nullable else beyond

    # --- tokens ----------------------------------------------------------------------------

    def encode(self, position: Position) -> str:
        values = [_jsonable(value) for value in position.values]
        body = {"o": self.signature, "v": values}
        if position.reverse:
            body["r"] = 1
        if position.inclusive:
            body["i"] = 1
        text = json.dumps(body, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, token: str) -> Position:
        try:
            padded = token + "=" * (-len(token) % 4)
            body = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            if not isinstance(body, dict) or body.get("o") != self.signature:
                raise InvalidCursor("This cursor belongs to another list or ordering.")
            values = body["v"]
            if not isinstance(values, list) or len(values) != len(self.keys):
                raise InvalidCursor("Malformed cursor.")
            converted = tuple(
                None if value is None else field.to_python(value)
                for field, value in zip(self.fields, values, strict=True)
            )
            if any(
                v is not None and not isinstance(v, (str, int, datetime.date)) for v in converted
            ):
                raise InvalidCursor("Malformed cursor.")
            return Position(converted, bool(body.get("r")), bool(body.get("i")))
        except InvalidCursor:
            raise
        except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error, ValidationError):
            raise InvalidCursor("Malformed cursor.") from None


def _jsonable(value):
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    return value
