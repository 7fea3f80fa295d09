"""The editors' desk on the admin index (``templates/admin/index.html``): the events awaiting
review, and the latest changes of events, sources and actors.

Both are read in a fixed number of queries whatever the length of the queue or the history:
the index is the page every editor opens first.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_permission_codename, get_user_model
from django.db import models
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from actors.models import Actor

from .models import KIND_MODELS, Event, Source
from .services import SUBMITTED_REASON

# Events shown in the queue at most (the count says how many wait in all).
QUEUE_LIMIT = 100
LATEST_LIMIT = 15
# Models whose latest history rows the index lists.
HISTORY_MODELS = [*KIND_MODELS.values(), Source, Actor]
# Written by the model layer, not by an editor: never "what changed".
BOOKKEEPING = {
    "id",
    "event_ptr",
    "kind",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "period_end",
    "search_document",
}


def _display_name(user, unknown: str = "someone") -> str:
    if user is None:
        return unknown
    return user.get_full_name() or user.get_username()


def _may_open(user, model) -> bool:
    """Whether the admin lets ``user`` open a record's change form (view or change)."""
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def _admin_url(model, pk) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
    except NoReverseMatch:
        return None


# -- awaiting review ---------------------------------------------------------------------------


@dataclass
class Waiting:
    event: Event
    submitted_at: datetime.datetime
    url: str | None


@dataclass
class EditorsQueue:
    editor: str
    events: list[Waiting] = field(default_factory=list)


@dataclass
class ReviewQueue:
    groups: list[EditorsQueue]
    count: int
    mine_only: bool  # an editor's own submissions, not everyone's


def _latest_submission(column: str) -> Coalesce:
    """``column`` of the event's latest history row that submitted it for review, whatever
    its kind (each kind keeps its own history table; an event is in exactly one)."""
    return Coalesce(
        *(
            Subquery(
                model.history.filter(id=OuterRef("pk"), history_change_reason=SUBMITTED_REASON)
                .order_by("-history_date")
                .values(column)[:1]
            )
            for model in KIND_MODELS.values()
        )
    )


def awaiting_review(user) -> ReviewQueue:
    """The events in review, oldest submission first, grouped by who submitted them.

    Reviewers see everyone's; others their own. An event is submitted when the history row
    of its step says so; one put in review without the workflow (a fixture, an import) counts
    from its last change and belongs to whoever created it.
    Queries: the events (one, with the submission read by subqueries), their submitters (one),
    and the total only when the page is full.
    """
    queue = (
        Event.objects.filter(editorial_status=Event.Status.IN_REVIEW)
        .annotate(
            submitted_at=Coalesce(_latest_submission("history_date"), F("updated_at")),
            submitted_by=Coalesce(
                _latest_submission("history_user"),
                F("created_by"),
                output_field=models.BigIntegerField(),
            ),
        )
        .order_by("submitted_at", "pk")
    )
    mine_only = not user.has_perm("events.publish_event")
    if mine_only:
        queue = queue.filter(submitted_by=user.pk)
    events = list(queue[:QUEUE_LIMIT])
    count = len(events) if len(events) < QUEUE_LIMIT else queue.count()
    submitters = get_user_model().objects.in_bulk({e.submitted_by for e in events} - {None})
    groups: dict[int | None, EditorsQueue] = {}
    for event in events:
        model = KIND_MODELS[event.kind]
        group = groups.setdefault(
            event.submitted_by,
            EditorsQueue(_display_name(submitters.get(event.submitted_by), "Editor not known")),
        )
        url = _admin_url(model, event.pk) if _may_open(user, model) else None
        group.events.append(Waiting(event, event.submitted_at, url))
    return ReviewQueue(groups=list(groups.values()), count=count, mine_only=mine_only)


# -- latest changes ----------------------------------------------------------------------------


@dataclass
class Change:
    who: str
    what: str  # "submitted for review", "changed title and summary"
    when: datetime.datetime
    record: str  # "proposal “Easter truce”"
    url: str | None


def _in_words(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _what(model, row, previous) -> str:
    if row.history_change_reason:
        return row.history_change_reason[:1].lower() + row.history_change_reason[1:]
    if row.history_type == "+":
        return "created"
    if row.history_type == "-":
        return "deleted"
    if previous is None:
        return "changed"
    changed = [
        str(f.verbose_name)
        for f in row.tracked_fields
        if f.name not in BOOKKEEPING
        and getattr(row, f.attname, None) != getattr(previous, f.attname, None)
    ]
    return f"changed {_in_words(changed)}" if changed else "saved without changes"


def _latest_rows(model, limit: int) -> list:
    """The model's latest history rows, each with whether its record still exists and the
    history id of the version before it."""
    history = model.history.model
    before = history.objects.filter(
        id=OuterRef("id"), history_date__lt=OuterRef("history_date")
    ).order_by("-history_date", "-history_id")
    return list(
        history.objects.select_related("history_user")
        .annotate(
            exists_now=Exists(model.objects.filter(pk=OuterRef("id"))),
            previous_id=Subquery(before.values("history_id")[:1]),
        )
        .order_by("-history_date", "-history_id")[:limit]
    )


def latest_changes(user, models_: Iterable = HISTORY_MODELS, limit: int = LATEST_LIMIT):
    """The latest history rows of events, sources and actors, newest first, in words.

    Queries: the latest rows of each model (one each, with their authors), and the versions
    before them (one per model among the rows kept).
    """
    rows = [(model, row) for model in models_ for row in _latest_rows(model, limit)]
    rows.sort(key=lambda pair: (pair[1].history_date, pair[1].history_id), reverse=True)
    rows = rows[:limit]
    wanted: dict[type, list[int]] = {}
    for model, row in rows:
        if row.previous_id is not None:
            wanted.setdefault(model, []).append(row.previous_id)
    previous = {
        (model, version.history_id): version
        for model, ids in wanted.items()
        for version in model.history.model.objects.filter(history_id__in=ids)
    }
    changes = []
    for model, row in rows:
        name = getattr(row, "title", None) or getattr(row, "name", "")
        url = None
        if row.exists_now and _may_open(user, model):
            url = _admin_url(model, row.id)
        changes.append(
            Change(
                who=_display_name(row.history_user),
                what=_what(model, row, previous.get((model, row.previous_id))),
                when=row.history_date,
                record=f"{model._meta.verbose_name} “{name}”",
                url=url,
            )
        )
    return changes


def for_index(request) -> dict:
    """What the admin index shows above the apps: nothing to a user who may open no event."""
    if not any(_may_open(request.user, model) for model in KIND_MODELS.values()):
        return {}
    return {
        "queue": awaiting_review(request.user),
        "latest": latest_changes(request.user),
    }
