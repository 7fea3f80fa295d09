"""The editor's desk at the benchmark's scale: the admin pages and pickers editors work in.

``desk_pages`` lists them from the admin itself, as an editor's browser meets them:

- every changelist of the curated apps (events, actors), without a search and with one: a
  term picked from the data for what the list holds (a place name for events, a word of the
  articles' titles for sources, a name for actors);
- every picker (autocomplete) of their forms and inlines, found in the add forms' HTML as
  Django's autocomplete.js finds it (``data-ajax--url`` with ``app_label``, ``model_name``
  and ``field_name``), asked with no term and with one;
- the change form of an event with 30 inline rows (10 participants, 15 citations, 5
  locations), made once in the benchmark's database as a draft, and each kind's add form.

bench/run.py times each page over HTTP as a signed-in editor (``DeskPage.path``), counts its
queries in-process and looks for sequential scans of the large tables in their plans. Pages
whose p50 is over ``GOAL_MS`` are marked in docs/benchmarks.md.
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import urlencode

GOAL_MS = 300
LARGE_ROWS = 100_000  # a sequential scan of a table this size is reported
APPS = ("events", "actors")
FORM_TITLE = "Benchmark: a proposal with 30 inline rows"
FORM_ROWS = {"participants": 10, "citations": 15, "locations": 5}
# What a search of a list holds, by model: events of every kind search a place's name.
EVENT_MODELS = {"event", "proposal", "response", "meeting", "violationaccusation"}


@dataclass(frozen=True)
class DeskTerms:
    """Search terms picked from the data (``pick_terms``)."""

    place: str  # a place's name, found in a few events
    picker_word: str  # what an editor types to find a proposal
    source_word: str  # a word of the articles' titles
    actor: str  # an actor's name
    actor_prefix: str  # its first three letters, as typed into a picker
    conflict: str  # a word of a conflict's name


@dataclass(frozen=True)
class DeskPage:
    name: str
    path: str
    answer: str  # "list" (a changelist), "picker" (JSON options) or "form"


def pick_terms(cursor, actor_slug: str, conflict_slug: str) -> DeskTerms:
    """The place named by the median number of locations among the places, the most frequent
    word of five letters or more in a sample of articles' titles, the analysts' actor and a
    word of their conflict's name."""

    def one(sql: str, params=()):
        cursor.execute(sql, params)
        return cursor.fetchone()

    cursor.execute("SELECT name FROM events_location GROUP BY name ORDER BY count(*), name")
    places = [name for (name,) in cursor.fetchall()]
    cursor.execute("SELECT title FROM events_source ORDER BY id LIMIT 2000")
    words: dict[str, int] = {}
    for (title,) in cursor.fetchall():
        for word in re.findall(r"[A-Za-z]{5,}", title):
            words[word.lower()] = words.get(word.lower(), 0) + 1
    (actor,) = one("SELECT name FROM actors_actor WHERE slug = %s", [actor_slug])
    (conflict,) = one("SELECT name FROM events_conflict WHERE slug = %s", [conflict_slug])
    return DeskTerms(
        place=places[len(places) // 2] if places else "Kyiv",
        picker_word="truce",
        source_word=max(sorted(words), key=words.get) if words else "truce",
        actor=actor,
        actor_prefix=actor[:3],
        conflict=max(re.findall(r"\w+", conflict), key=len),
    )


def search_term(model, terms: DeskTerms) -> str:
    """What an editor searches a model's changelist for."""
    name = model._meta.model_name
    if name in EVENT_MODELS:
        return terms.place
    return {
        "source": terms.source_word,
        "conflict": terms.conflict,
        "actor": terms.actor,
        "affiliation": terms.actor,
    }.get(name, terms.actor)


def picker_term(model, terms: DeskTerms) -> str:
    """What an editor types into a picker of ``model``."""
    return {
        "proposal": terms.picker_word,
        "event": terms.picker_word,
        "source": terms.source_word,
        "conflict": terms.conflict[:4],
        "actor": terms.actor_prefix,
    }.get(model._meta.model_name, terms.actor_prefix)


AJAX = re.compile(r"<select[^>]*>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def pickers_in(page: str) -> list[dict]:
    """The autocomplete selects of a form's HTML: their URL and the parameters Django's
    autocomplete.js sends (the inlines' empty forms included)."""
    found = []
    for tag in AJAX.findall(page):
        attributes = {key: html.unescape(value) for key, value in ATTRIBUTE.findall(tag)}
        if "data-ajax--url" in attributes:
            found.append(
                {
                    "url": attributes["data-ajax--url"],
                    "app_label": attributes["data-app-label"],
                    "model_name": attributes["data-model-name"],
                    "field_name": attributes["data-field-name"],
                }
            )
    return found


def form_event(conflict_slug: str):
    """The draft proposal with 30 inline rows whose change form is timed: made once (from
    existing actors, sources' quotes and places), found by its title after."""
    from django.db import transaction

    from actors.models import Actor
    from events.models import Citation, Conflict, Event, Location, Participant, Proposal

    existing = Event.objects.filter(title=FORM_TITLE).first()
    if existing:
        return existing
    conflict = Conflict.objects.get(slug=conflict_slug)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            conflict=conflict,
            title=FORM_TITLE,
            date=Event.objects.filter(conflict=conflict)
            .order_by("-date")
            .values("date")[:1][0]["date"],
            proposal_kind=Proposal.ProposalKind.CEASEFIRE,
            editorial_status=Event.Status.DRAFT,
        )
        actors = Actor.objects.filter(kind="state").order_by("id")[: FORM_ROWS["participants"]]
        roles = [Participant.Role.PROPOSER, Participant.Role.MEDIATOR]
        for index, actor in enumerate(actors):
            Participant.objects.create(event=proposal, actor=actor, role=roles[index % 2])
        for citation in Citation.objects.order_by("id")[: FORM_ROWS["citations"]]:
            Citation.objects.create(event=proposal, source=citation.source, quote=citation.quote)
        places = Location.objects.order_by("id")[: FORM_ROWS["locations"]]
        for place in places:
            place.pk = None
            place.event = proposal
            place.save()
    return proposal


def desk_pages(terms: DeskTerms, conflict_slug: str, user) -> list[DeskPage]:
    """The pages to time. The add forms ``user`` (a superuser) may open are read for their
    pickers."""
    from django.apps import apps
    from django.contrib import admin
    from django.test import Client, RequestFactory
    from django.urls import reverse

    client = Client()
    client.force_login(user)

    pages = []
    admins = sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in APPS
        ),
        key=lambda pair: pair[0]._meta.label,
    )
    for model, model_admin in admins:
        label = model._meta.verbose_name_plural
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        pages.append(DeskPage(f"list: {label}", changelist, "list"))
        if model_admin.search_fields:
            term = search_term(model, terms)
            pages.append(
                DeskPage(
                    f"list: {label}, search “{term}”",
                    f"{changelist}?{urlencode({'q': term})}",
                    "list",
                )
            )
    seen = set()
    for model, model_admin in admins:
        add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        request = RequestFactory().get(add)
        request.user = user
        if not model_admin.has_add_permission(request):
            continue  # events are added as one of the kinds
        reply = client.get(add)
        if reply.status_code != 200:
            raise SystemExit(f"{add} answered {reply.status_code} in-process.")
        pages.append(DeskPage(f"form: add a {model._meta.verbose_name}", add, "form"))
        for picker in pickers_in(reply.content.decode()):
            key = (picker["app_label"], picker["model_name"], picker["field_name"])
            if key in seen:
                continue
            seen.add(key)
            source = apps.get_model(picker["app_label"], picker["model_name"])
            target = source._meta.get_field(picker["field_name"]).remote_field.model
            params = {k: picker[k] for k in ("app_label", "model_name", "field_name")}
            for term in ("", picker_term(target, terms)):
                shown = f"“{term}”" if term else "no term"
                pages.append(
                    DeskPage(
                        f"picker: {picker['model_name']}.{picker['field_name']}, {shown}",
                        f"{picker['url']}?{urlencode({**params, 'term': term})}",
                        "picker",
                    )
                )
    event = form_event(conflict_slug)
    change = reverse("admin:events_proposal_change", args=[event.pk])
    rows = sum(FORM_ROWS.values())
    pages.append(DeskPage(f"form: a proposal with {rows} inline rows", change, "form"))
    return pages


RESULT_COUNT = re.compile(r"(more than [\d,]+|[\d,]+) results?\b")


def what_came_back(page: DeskPage, body: bytes) -> str:
    """The rows (and matches) of a list, the options of a picker, the inline rows of a
    form."""
    import json

    if page.answer == "picker":
        data = json.loads(body)
        return f"{len(data['results'])}{'+' if data['pagination']['more'] else ''}"
    text = body.decode()
    if page.answer == "list":
        rows = text.count('name="_selected_action"')
        matched = RESULT_COUNT.search(text)
        return f"{rows} of {matched.group(1)}" if matched and "q=" in page.path else str(rows)
    # A form: its inline rows saved (an id field each).
    return str(len(re.findall(r'name="[\w-]+-\d+-id" value="\d+"', text)))
