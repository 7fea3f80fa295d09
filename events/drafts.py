"""Drafts made in one click from the records an article's text suggests, and the existing
events a suggestion or a new draft may duplicate.

A draft is written by the write API's serializers, so the admin's one click and a script
posting the same body to ``/api/v1/<kind>s/`` meet the same rules and errors.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import services
from .models import KIND_MODELS, Citation, Event, Participant, Source, event_date_errors
from .suggest import suggest_for_source

# How far apart two reports of the same event may be dated: articles date the same truce or
# talks a day or two apart (announced on Saturday, reported on Monday). Each event's whole
# dated period counts (a month's precision is its month), widened by this many days.
SIMILAR_WINDOW_DAYS = 3
# Enough to recognize the duplicate; more would be a list to search, not a warning.
SIMILAR_LIMIT = 5


def add_permission(kind: str) -> str:
    opts = KIND_MODELS[kind]._meta
    return f"{opts.app_label}.{get_permission_codename('add', opts)}"


def suggestions_for(source: Source) -> list[dict]:
    """The records ``source``'s text suggests (events.suggest), computed again on every
    request: what a click creates is what the engine says now, never posted JSON."""
    return list(suggest_for_source(source).records)


# --- one-click drafts --------------------------------------------------------------------------


@dataclass
class _UserRequest:
    """What the write serializers read of a request: who writes."""

    user: object

    def build_absolute_uri(self, path: str) -> str:
        return path


@dataclass
class DraftResult:
    """The draft created, or the write API's errors naming the fields (``citations[0].quote``)."""

    event: Event | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def _flat_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as field paths: ``{"citations": [{"quote": [...]}]}`` becomes
    ``{"citations[0].quote": [...]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for name, value in detail.items():
            if isinstance(name, int):  # a list's rows, by index
                path = f"{prefix}[{name}]"
            else:
                path = f"{prefix}.{name}" if prefix else str(name)
            flat.update(_flat_errors(value, path))
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):
            flat.update(_flat_errors(item, f"{prefix}[{index}]"))
    else:
        items = detail if isinstance(detail, list) else [detail]
        messages = [str(item) for item in items if str(item)]
        if messages:
            flat[prefix or "non_field_errors"] = messages
    return flat


def create_draft(kind: str, body: dict, user) -> DraftResult:
    """Create a draft of ``kind`` from ``body`` (the write API's POST body: fields, role lists
    of actor slugs, ``citations``) as ``POST /api/v1/<kind>s/`` would, in one transaction.

    Raises PermissionDenied unless ``user`` may add records of the kind; returns the errors,
    by field, when the body breaks a rule (nothing is written then).
    """
    from .api.serializers import KIND_SERIALIZERS  # the API's rules, not a copy of them

    if kind not in KIND_MODELS:
        return DraftResult(errors={"kind": [f"“{kind}” is not a kind of event."]})
    if not user.has_perm(add_permission(kind)):
        model = KIND_MODELS[kind]
        raise PermissionDenied(f"You may not add {model._meta.verbose_name_plural}.")
    serializer = KIND_SERIALIZERS[kind](data=body, context={"request": _UserRequest(user)})
    with transaction.atomic():
        if not serializer.is_valid():
            return DraftResult(errors=_flat_errors(serializer.errors))
        event = serializer.save()
    return DraftResult(event=event)


# --- duplicates --------------------------------------------------------------------------------


def _period(day: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day ``day`` stands for at ``precision`` (as Event.normalize_date)."""
    probe = Event(date=day, date_precision=precision or Event.Precision.DAY)
    probe.normalize_date()
    return probe.date, probe.period_end


def similar_events(
    kind: str,
    conflict,
    actor_ids,
    date: datetime.date,
    exclude=None,
    precision: str = Event.Precision.DAY,
) -> list[Event]:
    """Existing events that may report the same thing: of ``kind`` in ``conflict``, sharing
    at least one of ``actor_ids`` (a participant in any role, or a response's responder), whose
    dated period comes within SIMILAR_WINDOW_DAYS days of ``date``'s period at ``precision``
    (3 days apart is similar, 4 is not). Retracted events and ``exclude`` (an event's id) are
    left out. One query, on the (conflict, date, period_end) index; the nearest first.
    """
    actor_ids = [a for a in actor_ids if a is not None]
    conflict_id = getattr(conflict, "pk", conflict)
    if not actor_ids or conflict_id is None or date is None or kind not in KIND_MODELS:
        return []
    start, end = _period(date, precision)
    window = datetime.timedelta(days=SIMILAR_WINDOW_DAYS)
    shares_actor = Q(
        Exists(Participant.objects.filter(event=OuterRef("pk"), actor_id__in=actor_ids))
    )
    if kind == Event.Kind.RESPONSE:
        shares_actor |= Q(as_response__responder_id__in=actor_ids)
    events = (
        Event.objects.filter(
            shares_actor,
            kind=kind,
            conflict_id=conflict_id,
            date__lte=end + window,
            period_end__gte=start - window,
        )
        .exclude(editorial_status=Event.Status.RETRACTED)
        .order_by("date", "pk")
    )
    if exclude is not None:
        events = events.exclude(pk=getattr(exclude, "pk", exclude))
    found = list(events[: SIMILAR_LIMIT * 4])
    found.sort(key=lambda e: (abs((e.date - start).days), e.pk))
    return found[:SIMILAR_LIMIT]


@transaction.atomic
def add_citation(event: Event, source: Source, quote: str, user) -> Citation:
    """Cite ``source``'s ``quote`` as further evidence of an existing ``event`` instead of
    recording it again.

    The event's own rules apply: PermissionDenied (with the reason in words) unless ``user``
    may change it now (published events are read-only to editors); ValidationError when the
    quote does not occur in the article, the event already cites it, it has as many citations
    as it may, or it would be dated after every article it cites.
    """
    services.lock_events([event.pk])
    event = KIND_MODELS[event.kind].objects.get(pk=event.pk)  # as it is now
    reason = services.read_only_reason(user, event)
    if reason is not None:
        raise PermissionDenied(f"“{event}” was not changed. {reason}")
    citation = Citation(event=event, source=source, quote=quote)
    citation.full_clean()
    cited = event.citations.select_related("source")
    if any(c.source_id == source.pk and c.quote == citation.quote for c in cited):
        raise ValidationError(f"“{event}” already cites these words of this article.")
    if len(cited) >= Event.MAX_CITATIONS:
        raise ValidationError(f"“{event}” already has {Event.MAX_CITATIONS} citations.")
    errors = event_date_errors(event, [*{c.source for c in cited}, source])
    if errors:
        raise ValidationError(errors)
    citation._history_user = user
    citation._change_reason = f"Cited source {source.pk} as further evidence"
    citation.save()
    Event.objects.filter(pk=event.pk).update(updated_by=user, updated_at=timezone.now())
    return citation


# --- what the source page shows ------------------------------------------------------------------


def highlight_words(text: str, words) -> SafeString:
    """Escape ``text`` and mark each whole-word occurrence of ``words`` (case-insensitive)."""
    words = sorted({w for w in words if w and w.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )
    parts, position = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))
