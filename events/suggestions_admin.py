"""The source page's "Suggested records": each record the article's text suggests, a "Create
draft" button, and the existing events it looks like, to cite the article in instead.

Buttons POST (with CSRF) to the source's admin URLs; the suggestion is computed again on the
server from the stored article, never read from the page. GET writes nothing.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from actors.models import Actor

from . import drafts, services
from .models import KIND_MODELS, Conflict, Event, Participant

# The write API's role lists, in the order a suggestion shows them.
ROLE_LISTS = {
    "proposers": Participant.Role.PROPOSER,
    "addressees": Participant.Role.ADDRESSEE,
    "hosts": Participant.Role.HOST,
    "delegations": Participant.Role.DELEGATION,
    "mediators": Participant.Role.MEDIATOR,
    "guarantors": Participant.Role.GUARANTOR,
    "signatories": Participant.Role.SIGNATORY,
    "monitors": Participant.Role.MONITOR,
    "accusers": Participant.Role.ACCUSER,
    "accused": Participant.Role.ACCUSED,
    "responder": Participant.Role.RESPONDER,
}


def _slugs(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [slug for slug in value or [] if isinstance(slug, str)]


def _trigger_words(triggers) -> list[str]:
    """Trigger words as strings (an engine may give them as {"text": …} too)."""
    words = []
    for trigger in triggers or []:
        if isinstance(trigger, dict):
            trigger = trigger.get("text") or trigger.get("word") or ""
        if isinstance(trigger, str):
            words.append(trigger)
    return words


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


@dataclass
class SimilarEvent:
    event: Event
    url: str
    # Why the user may not cite the article in it (published events are reviewers'), or None.
    refusal: str | None
    cite_url: str


@dataclass
class SuggestionRow:
    index: int
    kind: str
    kind_label: str
    title: str
    date: str
    roles: list[tuple[str, str]]  # (role's label, actors' names)
    quote: str
    explanation: str
    may_create: bool
    create_url: str
    similar: list[SimilarEvent] = field(default_factory=list)


def event_admin_url(event: Event) -> str:
    model = KIND_MODELS[event.kind]
    return reverse(f"admin:events_{model._meta.model_name}_change", args=[event.pk])


def similar_to(record: dict, actors: dict[str, Actor], conflicts: dict[str, int]) -> list[Event]:
    """The existing events a suggested record looks like (drafts.similar_events)."""
    body = record.get("body") or {}
    actor_ids = [
        actors[slug].pk for name in ROLE_LISTS for slug in _slugs(body.get(name)) if slug in actors
    ]
    day = _date(body.get("date"))
    return drafts.similar_events(
        record.get("kind"),
        conflicts.get(body.get("conflict")),
        actor_ids,
        day,
        precision=body.get("date_precision") or Event.Precision.DAY,
    )


def suggestion_rows(source, user, records: list[dict]) -> list[SuggestionRow]:
    """What the source page shows of each suggested record, for ``user``: actors and conflicts
    looked up once for all of them, then one query per record for the events it looks like."""
    bodies = [r.get("body") or {} for r in records]
    slugs = {s for body in bodies for name in ROLE_LISTS for s in _slugs(body.get(name))}
    actors = Actor.objects.by_slugs(sorted(slugs)) if slugs else {}
    conflict_slugs = {body.get("conflict") for body in bodies if body.get("conflict")}
    conflicts = dict(
        Conflict.objects.filter(slug__in=conflict_slugs).values_list("slug", "pk")
        if conflict_slugs
        else []
    )
    rows = []
    for index, (record, body) in enumerate(zip(records, bodies, strict=True)):
        kind = record.get("kind")
        if kind not in KIND_MODELS:
            continue
        roles = []
        for name, role in ROLE_LISTS.items():
            names = [actors[s].name if s in actors else s for s in _slugs(body.get(name))]
            if names:
                roles.append((Participant.Role(role).label, ", ".join(names)))
        day = _date(body.get("date"))
        precision = body.get("date_precision") or Event.Precision.DAY
        shown_date = ""
        if day is not None:
            shown_date = Event(date=day, date_precision=precision).date_display
        rows.append(
            SuggestionRow(
                index=index,
                kind=kind,
                kind_label=KIND_MODELS[kind]._meta.verbose_name.capitalize(),
                title=body.get("title") or "",
                date=shown_date,
                roles=roles,
                quote=drafts.highlight_words(
                    record.get("quote") or "", _trigger_words(record.get("triggers"))
                ),
                explanation=record.get("explanation") or "",
                may_create=user.has_perm(drafts.add_permission(kind)),
                create_url=reverse(
                    "admin:events_source_suggestion_create", args=[source.pk, index]
                ),
                similar=[
                    SimilarEvent(
                        event=event,
                        url=event_admin_url(event),
                        refusal=services.read_only_reason(user, event),
                        cite_url=reverse(
                            "admin:events_source_suggestion_cite",
                            args=[source.pk, index, event.pk],
                        ),
                    )
                    for event in similar_to(record, actors, conflicts)
                ],
            )
        )
    return rows


def similar_events_message(events: list[Event]):
    """The warning a new draft's form shows when it looks like existing events."""
    return format_html(
        "This looks like {} already recorded: {}. If it is the same, add this article as a "
        "citation to it instead of recording it again.",
        "an event" if len(events) == 1 else "events",
        format_html_join(
            "; ",
            '<a href="{}">{}</a> ({}, {})',
            (
                (event_admin_url(e), e.title, e.date_display, e.get_editorial_status_display())
                for e in events
            ),
        ),
    )


def _add_form_url(kind: str, source, body: dict) -> str:
    """The kind's add form, opened from the article, with the body's own fields filled in
    (slugs and ids as the form's choices); participants and citations are picked there."""
    model = KIND_MODELS[kind]
    params: dict[str, str] = {"source": str(source.pk)}
    for name, value in body.items():
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # a role list or citations: not a field of the form
            continue
        if model_field.many_to_many or not model_field.editable or value in (None, ""):
            continue
        if model_field.is_relation:
            related = model_field.related_model
            if related is Conflict:
                value = Conflict.objects.filter(slug=value).values_list("pk", flat=True).first()
            elif related is Actor:
                actor = Actor.objects.by_slugs([value]).get(value)
                value = actor.pk if actor else None
            if value is None:
                continue
        if value is False:
            continue  # a checkbox's initial value is only ever "checked"
        if value is True:
            value = "true"
        if isinstance(value, dict | list):
            continue
        params[name] = str(value)
    return f"{reverse(f'admin:events_{model._meta.model_name}_add')}?{urlencode(params)}"


class SuggestionsAdminMixin:
    """For SourceAdmin: the suggested records on the change page and their two buttons."""

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/suggestions/<int:index>/create/",
                self.admin_site.admin_view(require_POST(self.create_draft_view)),
                name="events_source_suggestion_create",
            ),
            path(
                "<path:object_id>/suggestions/<int:index>/cite/<int:event_id>/",
                self.admin_site.admin_view(require_POST(self.cite_in_event_view)),
                name="events_source_suggestion_cite",
            ),
        ]
        return urls + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None and obj.body:
            records = drafts.suggestions_for(obj)
            context["suggestions"] = suggestion_rows(obj, request.user, records)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _suggested(self, request, object_id, index):
        """The source (which the user may view) and its suggestion ``index``, computed now."""
        source = self.get_object(request, unquote(object_id))
        if source is None or not self.has_view_or_change_permission(request, source):
            raise Http404("No such source.")
        records = drafts.suggestions_for(source)
        if not 0 <= index < len(records):
            self.message_user(
                request,
                "That suggestion is no longer made for this article (its text changed): "
                "here are the current ones.",
                messages.WARNING,
            )
            return source, None
        return source, records[index]

    def _back(self, source) -> HttpResponseRedirect:
        url = reverse("admin:events_source_change", args=[source.pk])
        return HttpResponseRedirect(f"{url}#suggested-records")

    def create_draft_view(self, request, object_id, index):
        source, record = self._suggested(request, object_id, index)
        if record is None:
            return self._back(source)
        kind, body = record.get("kind"), record.get("body") or {}
        if kind not in KIND_MODELS or not request.user.has_perm(drafts.add_permission(kind)):
            raise PermissionDenied
        result = drafts.create_draft(kind, body, request.user)
        if result.event is None:
            problems = "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in result.errors.items()
            )
            self.message_user(
                request,
                f"The draft was not created: {problems}. The form is filled in as far as the "
                "suggestion allows: complete it and save.",
                messages.ERROR,
            )
            return HttpResponseRedirect(_add_form_url(kind, source, body))
        event = result.event
        self.message_user(
            request,
            format_html(
                "Draft “{}” created from the article's suggestion: check it, then save or "
                "submit it for review.",
                event,
            ),
            messages.SUCCESS,
        )
        similar = drafts.similar_events(
            kind,
            event.conflict_id,
            event_actor_ids(event),
            event.date,
            exclude=event.pk,
            precision=event.date_precision,
        )
        if similar:
            self.message_user(request, similar_events_message(similar), messages.WARNING)
        return HttpResponseRedirect(event_admin_url(event))

    def cite_in_event_view(self, request, object_id, index, event_id):
        source, record = self._suggested(request, object_id, index)
        if record is None:
            return self._back(source)
        event = get_object_or_404(Event, pk=event_id)
        try:
            drafts.add_citation(event, source, record.get("quote") or "", request.user)
        except PermissionDenied as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return self._back(source)
        except ValidationError as error:
            self.message_user(
                request,
                f"“{event}” was not changed: {' '.join(error.messages)}",
                messages.ERROR,
            )
            return self._back(source)
        self.message_user(
            request,
            format_html("This article is now cited in “{}”, with the suggestion's quote.", event),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(event_admin_url(event))


def event_actor_ids(event: Event) -> list[int]:
    """The actors taking part in ``event``: its participants, and a response's responder."""
    ids = list(event.participants.values_list("actor_id", flat=True))
    responder = getattr(event, "responder_id", None)
    return [*ids, responder] if responder else ids
