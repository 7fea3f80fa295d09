"""Optimistic concurrency: a record's version, and what others changed since a version.

A record's version is its ``updated_at``, which every write path moves forward (``auto_now``
saves, workflow steps and the events touched when an actor's slug or a source's URL change).
The admin's change forms carry the version they were opened at; the API sends it as the
``ETag`` of a detail and honours ``If-Match``.
"""

import datetime
from dataclasses import dataclass

from django.utils.dateparse import parse_datetime


def version_of(instance) -> str:
    """The record's version, an opaque token; empty for an unsaved record."""
    updated_at = getattr(instance, "updated_at", None)
    # A new record's is a database default, not a value yet.
    return updated_at.isoformat() if isinstance(updated_at, datetime.datetime) else ""


def etag_of(instance) -> str:
    return f'"{version_of(instance)}"'


def current_version(model, pk, lock: bool = False) -> str | None:
    """The stored version of ``model`` ``pk`` (its row locked when ``lock``), None if gone."""
    queryset = model._default_manager.filter(pk=pk)
    if lock:
        queryset = queryset.select_for_update()
    updated_at = queryset.values_list("updated_at", flat=True).first()
    return updated_at.isoformat() if updated_at else None


@dataclass
class Change:
    """One save by someone else: who, when, and which fields changed from what to what."""

    user: str
    when: datetime.datetime
    fields: list[tuple[str, str, str]]

    def __str__(self) -> str:
        what = "; ".join(f"{name}: “{old}” → “{new}”" for name, old, new in self.fields)
        return f"{self.user} at {self.when:%Y-%m-%d %H:%M:%S}: {what or 'saved it'}"


def changes_since(instance, version: str, limit: int = 10) -> list[Change]:
    """The saves of ``instance`` after ``version``, each diffed against the one before it
    (from its django-simple-history records)."""
    since = parse_datetime(version) if version else None
    history = getattr(type(instance), "history", None)
    if since is None or history is None:
        return []
    records = list(
        history.filter(**{type(instance)._meta.pk.attname: instance.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    changes = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        if record.updated_at is None or record.updated_at <= since:
            break
        fields = []
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            fields = [
                (
                    str(type(instance)._meta.get_field(c.field).verbose_name),
                    _short(c.old),
                    _short(c.new),
                )
                for c in delta.changes
                if c.field not in ("updated_at", "updated_by")
            ]
        user = getattr(record.history_user, "username", None) or "someone"
        changes.append(Change(user=user, when=record.history_date, fields=fields))
    return changes[:limit]


def _short(value, length: int = 80) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= length else text[: length - 1] + "…"
