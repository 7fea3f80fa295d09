"""Editorial operations shared by the admin and the API: the workflow, who deletes an event,
merging duplicate sources."""

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from actors.services import NamedActor, actors_named_in_each
from lib.ids import as_id

from .models import (
    KIND_MODELS,
    LINK_FIELDS,
    Citation,
    Event,
    Proposal,
    Source,
    event_date_errors,
    event_label,
    linked_proposals,
)
from .search import refresh_search_documents
from .text import article_span, quote_pattern

LOCKED_STATUSES = (Event.Status.PUBLISHED, Event.Status.RETRACTED)

# transition name -> (statuses it applies to, new status, past-tense verb)
TRANSITIONS = {
    "submit": ((Event.Status.DRAFT,), Event.Status.IN_REVIEW, "submitted for review"),
    "publish": ((Event.Status.IN_REVIEW,), Event.Status.PUBLISHED, "published"),
    "retract": ((Event.Status.PUBLISHED,), Event.Status.RETRACTED, "retracted"),
    "return_to_draft": ((Event.Status.IN_REVIEW,), Event.Status.DRAFT, "returned to draft"),
}
# Reaching review or the public requires the evidence an event rests on.
NEEDS_CITATION = {"submit", "publish"}
# Steps only reviewers take; the others need the right to change events of the kind.
PUBLISHING_STEPS = ("publish", "retract")
# The history row of each step says so (``change_status``): the review queue reads when an
# event was submitted, and by whom, from it.
SUBMITTED_REASON = TRANSITIONS["submit"][2].capitalize()


@dataclass
class TransitionResult:
    verb: str
    changed: int = 0
    skipped: list[str] = field(default_factory=list)


def lock_events(ids) -> dict[int, str]:
    """Lock the events' rows until the transaction ends; their kinds by id.

    Every write of an event (a workflow step, an API update) takes this lock first and reads
    the record afterwards, so that concurrent writes queue instead of undoing each other.
    """
    return dict(
        Event.objects.select_for_update()
        .filter(pk__in=list(ids))
        .order_by("pk")  # one order for every writer: no deadlock
        .values_list("pk", "kind")
    )


def change_permission(kind_model: type[Event]) -> str:
    opts = kind_model._meta
    return f"{opts.app_label}.{get_permission_codename('change', opts)}"


def step_permission(transition: str, kind_model: type[Event]) -> str:
    """The permission a user needs to take ``transition`` on events of ``kind_model``."""
    if transition in PUBLISHING_STEPS:
        return "events.publish_event"
    return change_permission(kind_model)


def _status_refusal(event: Event, transition: str) -> str | None:
    allowed_from, _, verb = TRANSITIONS[transition]
    if event.editorial_status not in allowed_from:
        allowed = " or ".join(Event.Status(s).label.lower() for s in allowed_from)
        return (
            f"“{event}” was not {verb}: it is {event.get_editorial_status_display().lower()},"
            f" and only {allowed} events can be."
        )
    return None


def step_refusal(user, event: Event, transition: str) -> str | None:
    """Why ``user`` may not take this step on ``event`` as it is now (their permission, its
    status), or None. The evidence a step needs is checked when it is taken."""
    if transition not in TRANSITIONS:
        return f"“{transition}” is not a step of the editorial workflow."
    verb = TRANSITIONS[transition][2]
    if not user.has_perm(step_permission(transition, KIND_MODELS[event.kind])):
        who = "reviewers" if transition in PUBLISHING_STEPS else "users who may change it"
        return f"“{event}” was not {verb}: only {who} may take this step."
    return _status_refusal(event, transition)


def steps_for(user, event: Event) -> list[str]:
    """The workflow steps ``user`` may take on ``event`` now, in the workflow's order."""
    return [t for t in TRANSITIONS if step_refusal(user, event, t) is None]


def read_only_reason(user, event: Event) -> str | None:
    """Why ``user`` may look at ``event`` but not edit it, in words; None when they may edit
    it. The admin decides its change permission by this rule."""
    kind_model = KIND_MODELS[event.kind]
    if not user.has_perm(change_permission(kind_model)):
        return f"You may view {kind_model._meta.verbose_name_plural} but not change them."
    if event.editorial_status in LOCKED_STATUSES and not user.has_perm("events.publish_event"):
        if event.editorial_status == Event.Status.PUBLISHED:
            return "Published: only reviewers change published records; a reviewer can retract it."
        return (
            "Retracted: only reviewers change retracted records; readers see that it was retracted."
        )
    return None


def _refusal(event: Event, transition: str, user) -> str | None:
    """Why ``event`` may not take this step, or None."""
    verb = TRANSITIONS[transition][2]
    status_refusal = _status_refusal(event, transition)
    if status_refusal:
        return status_refusal
    if transition in NEEDS_CITATION and not event.citations.exists():
        return (
            f"“{event}” was not {verb}: it has no citation. Add the words from the article "
            "that it rests on."
        )
    if transition == "publish":
        unpublished = [
            p for p in linked_proposals(event) if p.editorial_status != Event.Status.PUBLISHED
        ]
        if unpublished:
            return (
                f"“{event}” was not {verb}: it refers to “{unpublished[0]}”, which is not "
                "published yet."
            )
    if transition == "retract" and isinstance(event, Proposal):
        linking = list(event.linked_from().published().order_by("date", "id")[:5])
        if linking:
            names = "; ".join(event_label(e) for e in linking)
            return (
                f"“{event}” was not {verb}: published records link to it ({names}). Retract "
                "them or change their links first."
            )
    return None


@transaction.atomic
def change_status(events, transition: str, user) -> TransitionResult:
    """Move each event through one workflow step, saving history; explain every skip.

    Each event is locked and read again first, so that the step applies to the record as it
    is now, and a concurrent edit is neither undone nor skipped.
    """
    _, new_status, verb = TRANSITIONS[transition]
    result = TransitionResult(verb=verb)
    ids = [event.pk for event in events]
    kinds = lock_events(ids)
    pending = [pk for pk in ids if pk in kinds]  # others were deleted meanwhile
    # Events of one selection may wait on each other (a response on its proposal when
    # publishing, a proposal on its responses when retracting): another pass is taken while
    # one changes something, so the outcome does not depend on the selection's order.
    while pending:
        refused: dict[int, str] = {}
        for pk in pending:
            event = KIND_MODELS[kinds[pk]].objects.get(pk=pk)
            refusal = _refusal(event, transition, user)
            if refusal:
                refused[pk] = refusal
                continue
            event.editorial_status = new_status
            event.updated_by = user
            event._history_user = user  # also outside a request (commands, a shell)
            event._change_reason = verb.capitalize()  # SUBMITTED_REASON for a submission
            event.save(update_fields=["editorial_status", "updated_by", "updated_at"])
            result.changed += 1
        if len(refused) == len(pending):
            result.skipped = list(refused.values())
            break
        pending = list(refused)
    return result


def may_delete(user, event: Event) -> bool:
    """Whether ``user`` may delete ``event`` (admin and API alike).

    Published and retracted events are retracted, never deleted: readers and mirrors learn of
    it. Reviewers delete drafts and events in review. Editors undo their own mistakes: a draft
    they created that no version of its history shows published.
    """
    if event.editorial_status in LOCKED_STATUSES:
        return False
    model = KIND_MODELS[event.kind]
    if not user.has_perm(f"{model._meta.app_label}.delete_{model._meta.model_name}"):
        return False
    if user.has_perm("events.publish_event"):
        return True
    return (
        event.created_by_id is not None
        and event.created_by_id == user.pk
        and event.editorial_status == Event.Status.DRAFT
        and not model.history.filter(
            event_ptr_id=event.pk, editorial_status=Event.Status.PUBLISHED
        ).exists()
    )


DELETE_REFUSED = (
    "Editors delete only their own drafts that were never published; published events are "
    "retracted, not deleted."
)


def source_locked_for(user, source: Source) -> bool:
    """A source cited by published events keeps its text and URLs unless a reviewer changes
    them: otherwise published quotes could stop occurring in their article."""
    if source.pk is None or user.has_perm("events.publish_event"):
        return False
    return Citation.objects.filter(
        source=source, event__editorial_status__in=LOCKED_STATUSES
    ).exists()


SOURCE_EVIDENCE_FIELDS = ("url", "body", "archive_url")


@dataclass
class Article:
    """A source shown beside an event form, its cited quotes highlighted."""

    source: Source
    text: SafeString
    # The actors the article names, offered as participants in one click.
    actors: list[NamedActor] = field(default_factory=list)


def highlight(body: str, quotes: list[str]) -> SafeString:
    """Escape ``body`` and mark each place a quote occurs in it."""
    spans = sorted(
        match.span()
        for quote in set(quotes)
        if quote.split()
        for match in re.finditer(quote_pattern(quote), body)
    )
    parts, position = [], 0
    for start, end in spans:
        if start < position:  # overlapping quotes: extend the current mark
            if end > position:
                parts[-1] = parts[-1][: -len("</mark>")] + escape(body[position:end]) + "</mark>"
                position = end
            continue
        parts.append(escape(body[position:start]))
        parts.append(f"<mark>{escape(body[start:end])}</mark>")
        position = end
    parts.append(escape(body[position:]))
    return mark_safe("".join(parts))


def articles_for_form(event_id=None, source_id=None, with_actors=False) -> list[Article]:
    """The articles an editor reads beside an event form: those it cites, and ``source_id``;
    ``with_actors``: each with the actors it names."""
    sources: dict[int, Source] = {}
    quotes: dict[int, list[str]] = {}
    event_id, source_id = as_id(event_id), as_id(source_id)
    if event_id:
        for citation in Citation.objects.filter(event_id=event_id).select_related("source"):
            sources[citation.source_id] = citation.source
            quotes.setdefault(citation.source_id, []).append(citation.quote)
    if source_id and source_id not in sources:
        source = Source.objects.filter(pk=source_id).first()
        if source is not None:
            sources[source.pk] = source
    shown = [s for s in sources.values() if s.body]
    named = actors_named_in_each([s.body for s in shown]) if with_actors else [[] for _ in shown]
    return [
        Article(source=s, text=highlight(s.body, quotes.get(s.pk, [])), actors=actors)
        for s, actors in zip(shown, named, strict=True)
    ]


def source_being_curated(articles: list[Article], source_id=None) -> Source | None:
    """The article a new citation row cites unless the editor picks another: the one the form
    was opened from (``?source=``), else the only article shown beside the form."""
    source_id = as_id(source_id)
    if source_id:
        shown = next((a.source for a in articles if a.source.pk == source_id), None)
        return shown or Source.objects.filter(pk=source_id).first()
    return articles[0].source if len(articles) == 1 else None


def curation_defaults(user, model, source_id=None) -> dict[str, int]:
    """What a new event's form starts with when the editor does not say otherwise.

    - ``conflict``: that of the newest event citing the article being curated, else that of the
      newest event the editor created (editors curate one conflict at a time);
    - ``proposal`` (a response's or an accusation's): the proposal the article reports, when it
      reports exactly one.
    """
    defaults: dict[str, int] = {}
    source_id = as_id(source_id)
    none = Event.objects.none()
    citing = Event.objects.filter(citations__source_id=source_id) if source_id else none
    own = Event.objects.filter(created_by=user) if user.pk is not None else none
    for events in (citing, own):
        conflict = events.order_by("-created_at", "-pk").values_list("conflict_id", flat=True)
        if conflict_id := conflict.first():
            defaults["conflict"] = conflict_id
            break
    if source_id and "proposal" in LINK_FIELDS.get(model, ()):
        proposals = citing.filter(kind=Event.Kind.PROPOSAL).exclude(
            editorial_status=Event.Status.RETRACTED
        )
        proposals = list(proposals.order_by().values_list("pk", flat=True).distinct()[:2])
        if len(proposals) == 1:
            defaults["proposal"] = proposals[0]
    return defaults


# --- merging duplicate sources -----------------------------------------------------------------

# Fields of the kept article a duplicate fills when the kept one has none.
SOURCE_FILLED_FIELDS = ("outlet", "archive_url", "accessed_at")


@dataclass
class SourceMerge:
    """What a merge of sources moved to the kept one."""

    kept: Source
    merged: list[int] = field(default_factory=list)  # the duplicates' ids
    moved: int = 0
    collapsed: int = 0
    event_ids: set[int] = field(default_factory=set)

    def describe(self) -> str:
        ids = ", ".join(str(pk) for pk in self.merged)
        text = (
            f"Merged source(s) {ids} into “{self.kept}” (source {self.kept.pk}): "
            f"{self.moved} citation(s) moved"
        )
        if self.collapsed:
            text += f", {self.collapsed} already cited the kept article with the same words"
        return text + "."


def source_references(source: Source) -> dict[str, int]:
    """What points to ``source``: what merging it into another moves."""
    return {
        "citations": source.citations.count(),
        "events citing it": source.citations.values("event").distinct().count(),
        "merged duplicates": source.merged.count(),
    }


def _source_merge_refusal(kept: Source, duplicate: Source) -> str | None:
    """Why the citations of ``duplicate`` cannot cite ``kept`` instead, or None: a quote
    absent from the kept article's text, or an event that would be dated after every article
    it cites."""
    citations = list(duplicate.citations.select_related("event").order_by("event_id", "id"))
    if kept.body:
        absent = [c for c in citations if article_span(c.quote, kept.body) is None]
        if absent:
            names = "; ".join(f"{event_label(c.event)}: “{c.quote}”" for c in absent)
            return (
                f"Source {duplicate.pk} was not merged into “{kept}”: its text does not contain "
                f"{len(absent)} quote(s) citing the duplicate, in {names}. Correct those quotes "
                "or the kept article's text first."
            )
    for event in {c.event for c in citations}:
        sources = [
            kept if s.pk == duplicate.pk else s
            for s in Source.objects.filter(citations__event=event).distinct()
        ]
        if event_date_errors(event.as_kind(), sources):
            return (
                f"Source {duplicate.pk} was not merged into “{kept}”: {event_label(event)} "
                "would then be dated after every article it cites."
            )
    return None


@transaction.atomic
def merge_sources(kept: Source, duplicates, user) -> SourceMerge:
    """Merge duplicate articles into ``kept``: their citations cite it instead (each quote
    anchored to the kept article's own words), then each duplicate is deleted, leaving a
    ``MergedSource`` so that its id and URL keep leading to the kept source.

    Refused whole, naming the events, when a quote does not occur in the kept article's text
    (when it has one) or an event would be dated after every article it cites. A citation the
    event already has of the kept article with the same words is merged into it. The events
    citing a duplicate are marked updated (their rows show the source's URL) and their search
    documents rewritten. Only reviewers (who may publish events) merge.
    """
    from .models import MergedSource

    if not user.has_perm("events.publish_event"):
        raise PermissionDenied("Only reviewers merge sources.")
    ids = sorted({s.pk for s in duplicates} - {kept.pk})
    if not ids:
        raise ValidationError("Choose at least one duplicate besides the source to keep.")
    locked = {
        s.pk: s
        for s in Source.objects.select_for_update().filter(pk__in=[kept.pk, *ids]).order_by("pk")
    }
    if len(locked) != len(ids) + 1:
        raise ValidationError("A source to merge was deleted meanwhile: select them again.")
    kept = locked[kept.pk]
    result = SourceMerge(kept=kept)
    lock_events(Citation.objects.filter(source_id__in=ids).values_list("event_id", flat=True))
    for duplicate in (locked[pk] for pk in ids):
        refusal = _source_merge_refusal(kept, duplicate)
        if refusal:
            raise ValidationError(refusal)
        reason = f"Source {duplicate.pk} ({duplicate.url or duplicate.title}) merged into {kept.pk}"
        for citation in duplicate.citations.all():
            result.event_ids.add(citation.event_id)
            citation._history_user = user
            citation._change_reason = reason
            citation.source = kept
            citation.anchor_quote()
            if kept.citations.filter(event_id=citation.event_id, quote=citation.quote).exists():
                twin = Citation.objects.get(pk=citation.pk)  # its history: as it was
                twin._history_user, twin._change_reason = user, reason
                twin.delete()
                result.collapsed += 1
            else:
                citation.save(update_fields=["source", "quote"])
                result.moved += 1
        MergedSource.objects.filter(source=duplicate).update(source=kept)
        for name in SOURCE_FILLED_FIELDS:
            if getattr(kept, name) in ("", None) and getattr(duplicate, name) not in ("", None):
                setattr(kept, name, getattr(duplicate, name))
        duplicate._history_user = user
        duplicate._change_reason = f"Merged into source {kept.pk}"
        url, title, merged_id = duplicate.url, duplicate.title, duplicate.pk
        duplicate.delete()
        MergedSource.objects.create(source=kept, merged_id=merged_id, url=url, title=title)
        result.merged.append(merged_id)
    kept._history_user = user
    kept._change_reason = f"Merged source(s) {', '.join(map(str, result.merged))} into this one"
    kept.save()
    Event.objects.filter(pk__in=result.event_ids).update(updated_at=timezone.now())
    refresh_search_documents(result.event_ids)
    return result
