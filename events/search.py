"""The API's full-text filter ``q``, over one search document per event.

An event's document (``Event.search_document``) is its title, its summary, every citation's
quote, the names and aliases of its participants' actors and of a response's responder, and
the names of its locations.
The model layer keeps it current (``refresh_search_documents``, called by ``Event.save`` and by
the signals of events/signals.py), so the admin, the API, History → Restore, the demo loader
and imports all obey it.

``q`` takes web-search syntax: words (all must occur), "quoted phrases", ``-word`` exclusions
and ``or`` between alternatives. PostgreSQL answers it with ``websearch_to_tsquery`` over the
document's GIN-indexed ``to_tsvector('english', …)`` (stemming: truces finds truce). Other
databases get the embedded approximation: the same syntax parsed here into case-insensitive
substring matches on the document's text, without stemming.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    Aggregate,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce

SEARCH_CONFIG = "english"
# The expression of the GIN index (migration 0008): the filter uses the same one.
DOCUMENT_VECTOR = SearchVector("search_document", config=SEARCH_CONFIG)
SEPARATOR = "\n"


class JoinedText(Aggregate):
    """The texts of a group joined by newlines, in the order of the rows' column ``order_by``
    when given: STRING_AGG on PostgreSQL, GROUP_CONCAT elsewhere."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def __init__(self, expression, order_by: str | None = None, **extra):
        ordering = [F(order_by)] if order_by else []
        super().__init__(expression, Value(SEPARATOR), *ordering, **extra)

    def as_sql(self, compiler, connection, function=None, **extra_context):
        (text, text_params), (separator, separator_params), *ordering = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        sql, params = f"{text}, {separator}", [*text_params, *separator_params]
        # SQLite reads an ORDER BY in GROUP_CONCAT since 3.44; before it, one event's rows come
        # from the index on their event, whose entries of one event are in rowid (id) order.
        if ordering and (
            connection.vendor != "sqlite" or connection.Database.sqlite_version_info >= (3, 44)
        ):
            sql += f" ORDER BY {ordering[0][0]}"
            params += ordering[0][1]
        return f"{function or self.function}({sql})", tuple(params)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


class Concatenated(Func):
    """Texts, none of them NULL, concatenated with ``||`` in one flat expression (Concat
    nests a pair per text: past a dozen, deeper than SQLite's parser goes)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = TextField()


def _joined(queryset, group: str, text: str, order_by: str | None = None, prefix: str = ""):
    """One row's text: ``text`` of ``queryset``'s rows (for one event) joined, after
    ``prefix``; or '' when there are none."""
    joined = JoinedText(text, order_by=order_by)
    if prefix:
        joined = Concatenated(Value(prefix), joined)
    rows = queryset.order_by().values(group).annotate(joined=joined).values("joined")
    return Coalesce(Subquery(rows[:1]), Value(""), output_field=TextField())


def document_expression(models):
    """The search document of each event row, as one SQL expression: ``models`` maps
    Citation, Participant, ActorAlias, Response and Location to their classes (a migration
    passes its historical ones; one from before the locations passes no Location)."""
    event = OuterRef("pk")
    parts = [
        Coalesce("title", Value(""), output_field=TextField()),
        Coalesce("summary", Value(""), output_field=TextField()),
        _joined(models["Citation"].objects.filter(event=event), "event", "quote"),
        _joined(models["Participant"].objects.filter(event=event), "event", "actor__name"),
        _joined(
            models["ActorAlias"].objects.filter(actor__participations__event=event),
            "actor__participations__event",
            "name",
        ),
        _joined(models["Response"].objects.filter(event_ptr=event), "event_ptr", "responder__name"),
        _joined(
            models["ActorAlias"].objects.filter(actor__responses__event_ptr=event),
            "actor__responses__event_ptr",
            "name",
        ),
    ]
    joined = [parts[0]]
    for part in parts[1:]:
        joined += [Value(SEPARATOR), part]
    if "Location" in models:
        # Last, and with its separator only when there is a location: the documents of events
        # without one are as they were before locations were searched.
        locations = models["Location"].objects.filter(event=event)
        joined.append(_joined(locations, "event", "name", order_by="id", prefix=SEPARATOR))
    return Concatenated(*joined)


def _models():
    from actors.models import ActorAlias

    from .models import Citation, Event, Location, Participant, Response

    return {
        "Event": Event,
        "Citation": Citation,
        "Participant": Participant,
        "ActorAlias": ActorAlias,
        "Response": Response,
        "Location": Location,
    }


def refresh_search_documents(events) -> None:
    """Rewrite the search documents of ``events`` (a queryset of Event, or ids) in one
    UPDATE."""
    from .models import Event

    if not hasattr(events, "query"):
        events = Event.objects.filter(pk__in=list(events))
    elif events.model is not Event:
        events = Event.objects.filter(pk__in=events.values("pk"))
    events.update(search_document=document_expression(_models()))


# The migration that wrote the locations' names into the documents: an export written before
# it carries documents without them.
LOCATIONS_MIGRATION = ("events", "0025_location_names_in_search_documents")


def refresh_located_documents(models, using: str = DEFAULT_DB_ALIAS, batch: int = 5000) -> None:
    """Rewrite the documents of the events that have a location, in the order of their ids,
    the events of ``batch`` locations per UPDATE: no statement holds a million rows. ``models``
    as for ``document_expression`` (Event and Location among them)."""
    Event, Location = models["Event"], models["Location"]
    located = Event.objects.using(using).filter(
        Exists(Location.objects.using(using).filter(event=OuterRef("pk")))
    )
    event_ids = Location.objects.using(using).order_by("event_id").values_list("event_id")
    last = 0
    while True:
        # The event of the batch-th location after the last batch (an event of two locations
        # counts twice), or none for the last batch.
        end = event_ids.filter(event_id__gt=last)[batch - 1 : batch].first()
        events = located.filter(pk__gt=last)
        if end is not None:
            events = events.filter(pk__lte=end[0])
        events.update(search_document=document_expression(models))
        if end is None:
            return
        last = end[0]


def complete_imported_documents(exported_migrations: dict[str, list[str]], using: str) -> None:
    """After an import (lib/backup.py): the documents of an export written before the
    locations were searched get their locations' names."""
    app, name = LOCATIONS_MIGRATION
    if name not in exported_migrations.get(app, []):
        refresh_located_documents(_models(), using)


def refresh_documents_naming(actor_ids) -> None:
    """Rewrite the documents of the events naming these actors (as participants or a
    response's responder): after a change of their names or aliases."""
    from .models import Event, Participant

    refresh_search_documents(
        Event.objects.filter(
            Q(pk__in=Participant.objects.filter(actor__in=actor_ids).values("event"))
            | Q(as_response__responder__in=actor_ids)
        )
    )


# --- q -------------------------------------------------------------------------------------


@dataclass
class Clause:
    """Texts that must all occur, and texts none of which may occur."""

    required: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD_CORE = re.compile(r"\w(?:.*\w)?")


def parse(text: str) -> list[Clause]:
    """``q`` as websearch_to_tsquery reads it: clauses joined by ``or``, each a conjunction
    of words and "phrases", a leading ``-`` excluding one. Punctuation-only words are
    dropped."""
    clauses = [Clause()]
    for match in TOKEN.finditer(text):
        negated, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                if clauses[-1].required or clauses[-1].excluded:
                    clauses.append(Clause())
                continue
            negated, phrase = ("-", word[1:]) if word.startswith("-") else ("", word)
        # A word from its first to its last letter or digit (truce:* is truce, 30-day stays);
        # a phrase as typed, its spaces single.
        core = WORD_CORE.search(phrase)
        if core is None:
            continue
        target = clauses[-1].excluded if negated else clauses[-1].required
        target.append(core.group() if word is not None else " ".join(phrase.split()))
    return [c for c in clauses if c.required or c.excluded]


def _substring_condition(clauses: list[Clause]) -> Q:
    condition = Q(pk__in=[])
    for clause in clauses:
        part = Q()
        for text in clause.required:
            part &= Q(search_document__icontains=text)
        for text in clause.excluded:
            part &= ~Q(search_document__icontains=text)
        condition |= part
    return condition


def search(queryset, text: str):
    """The events of ``queryset`` whose search document matches ``text`` (web-search
    syntax)."""
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.alias(search_vector=DOCUMENT_VECTOR).filter(search_vector=query)
    return queryset.filter(_substring_condition(parse(text)))
