"""Synthetic curated data at scale, written with PostgreSQL's COPY (``manage.py generate_data``).

The world is news-like: a few big wars and a long tail of small conflicts (Zipf-like sizes),
each active for a period with bursts of activity; states with their ISO 3166-1 alpha-3 codes,
governments, people serving them for periods, organizations, armed groups and media, with
aliases; articles whose bodies are sentences; events of every kind that obey the models' rules
(see ``Generator``). The same seed and sizes give the same rows, ids included.

The knobs below (places, topics, date range, weights) are importable, so that a benchmark can
pick parameters that find rows: a search for ``SEARCHED_PLACE`` matches a few percent of the
events.
"""

import bisect
import datetime
import itertools
import math
import queue
import random
import threading
import zoneinfo
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pycountry

from events.models import Event, Meeting, Participant, Proposal, Response, ViolationAccusation
from events.search import SEPARATOR
from lib.text import slugify_name

FIRST_DAY = datetime.date(2014, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)
SPAN = (LAST_DAY - FIRST_DAY).days + 1
CHUNK = 10_000  # events generated per block of COPY (and per progress line)

KIND_WEIGHTS = {
    Event.Kind.PROPOSAL.value: 35,
    Event.Kind.RESPONSE.value: 30,
    Event.Kind.MEETING.value: 12,
    Event.Kind.ACCUSATION.value: 23,
}
STATUS_WEIGHTS = {
    Event.Status.PUBLISHED.value: 90,
    Event.Status.DRAFT.value: 4,
    Event.Status.IN_REVIEW.value: 3,
    Event.Status.RETRACTED.value: 3,
}
PRECISION_WEIGHTS = {
    Event.Precision.DAY.value: 85,
    Event.Precision.MONTH.value: 12,
    Event.Precision.YEAR.value: 3,
}
CITATIONS_PER_EVENT = (1, 2, 2, 3)  # drawn uniformly: 1–3, two most often
SOURCES_PER_EVENT = 0.2  # ~200,000 articles for a million events
SENTENCES_PER_BODY = 6

# Fictional places: about half the sentences and titles name one of these 40, so that a search
# for one place finds a few percent of the events, as a search for a town would.
N = "\\N"  # NULL in COPY's text format

PLACES = [
    head + tail
    for head in ("Ar", "Bel", "Cor", "Dra", "Est", "Fal", "Gal", "Har")
    for tail in ("dena", "vast", "mir", "vik", "moor")
]
SEARCHED_PLACE = "Corvik"
# Where the places are: each head of a name is a town's region in one of these countries (ISO
# 3166-1 alpha-3, with a point near its middle), each tail a town in a first-level subdivision
# of it. Events name a place; a share of them also have it as their location.
PLACE_COUNTRIES = [
    ("UKR", 49.0, 32.0),
    ("SDN", 15.5, 30.0),
    ("YEM", 15.5, 47.5),
    ("COL", 4.5, -74.0),
    ("MMR", 21.0, 96.0),
    ("ETH", 9.0, 39.5),
    ("SYR", 35.0, 38.5),
    ("COD", -3.0, 23.5),
]
LOCATION_TENTHS = 6  # events with a location (by id: the random draws stay as they were)
SECOND_LOCATION_TENTHS = 1  # of those, with a second one
TOPICS = [
    "ceasefire",
    "humanitarian corridor",
    "prisoner exchange",
    "grain shipments",
    "energy infrastructure",
    "evacuation of civilians",
    "truce",
    "peace talks",
    "maritime safety",
    "withdrawal of heavy weapons",
]
SPEAKERS = [
    "The foreign minister",
    "A spokesperson",
    "The president",
    "The mediator",
    "Officials",
    "The defence ministry",
    "A senior commander",
    "Aid agencies",
]
CLAUSES = [
    "would begin on Monday",
    "had been violated overnight",
    "depended on international guarantees",
    "was still under discussion",
    "could be extended by thirty days",
    "was rejected by the other side",
    "was welcomed by the United Nations",
    "would be monitored by observers",
    "collapsed after heavy shelling",
    "allowed convoys to reach the besieged districts",
]
RESPONSE_VERBS = {
    Response.Stance.ACCEPTED.value: "accepts",
    Response.Stance.REJECTED.value: "rejects",
    Response.Stance.WELCOMED.value: "welcomes",
    Response.Stance.CONSIDERING.value: "considers",
    Response.Stance.CONDITIONAL.value: "sets conditions for",
    Response.Stance.DISMISSED.value: "dismisses",
    Response.Stance.COUNTERED.value: "counters",
}
AFFILIATION_ROLES = [
    "President",
    "Prime minister",
    "Foreign minister",
    "Defence minister",
    "Spokesperson",
    "Negotiator",
    "Commander",
    "Envoy",
]
FIRST_NAMES = (
    "Amir Anna Boris Carlos Chen Dmitri Elena Fatima Hassan Ibrahim Irina Jamal Joao Karim "
    "Laila Lucia Mariam Mikhail Nadia Olena Omar Pavel Rania Sami Sofia Tariq Viktor Yara "
    "Yusuf Zainab Ahmed Beatriz Daniel Emre Farah Gustavo Hana Ivan Jonas Katarina Leila "
    "Marco Nikolai Oksana Pedro Rashid Selin Tomas Ulla Walid"
).split()
LAST_NAMES = (
    "Abbas Alvarez Bakr Barzani Chernov Costa Dahl Demir Farouk Fischer Gomez Haddad Hakimi "
    "Ivanova Jaber Kamau Karimi Kovalenko Lindqvist Mansour Moreau Nasser Novak Okafor "
    "Orlov Petrenko Qasim Rahman Rossi Saleh Santos Shevchenko Suleiman Tanaka Torres Usman "
    "Vasquez Volkov Wambui Yilmaz Zahran Zubair Baptiste Cruz Eriksen Ferreira Hosseini "
    "Kowalski Mendes Nakamura"
).split()
ORGANIZATION_WORDS = [
    "Council",
    "Commission",
    "Mission",
    "Union",
    "League",
    "Forum",
    "Initiative",
    "Contact Group",
]
ORGANIZATION_TOPICS = [
    "Peace",
    "Security",
    "Cooperation",
    "Humanitarian Dialogue",
    "Mediation",
    "Reconciliation",
    "Monitoring",
]
GROUP_WORDS = ["Front", "Brigades", "Movement", "Army", "Forces", "Alliance", "Guard"]
GROUP_ADJECTIVES = ["Liberation", "Popular", "Revolutionary", "Patriotic", "National", "Free"]
MEDIA_WORDS = ["Times", "Herald", "News Agency", "Post", "Tribune", "Broadcasting", "Observer"]
OCCASIONS = ["Easter", "Eid al-Fitr", "Christmas", "Orthodox Easter", "New Year", "Ramadan"]


def weighted(weights: dict) -> list:
    """A table of 100 entries in which each key fills its weight's share: one random index
    picks a key."""
    total = sum(weights.values())
    table = []
    for key, weight in weights.items():
        table += [key] * round(100 * weight / total)
    return table[:100] + [table[-1]] * (100 - len(table))


# Choices as plain strings, picked by a random index in the hot loop.
PUBLISHED = Event.Status.PUBLISHED.value
DAY = Event.Precision.DAY.value
PROPOSAL, RESPONSE = Event.Kind.PROPOSAL.value, Event.Kind.RESPONSE.value
MEETING = Event.Kind.MEETING.value
Role = Participant.Role
STANCES = [stance.value for stance in Response.Stance]
CONDITIONAL = Response.Stance.CONDITIONAL.value
CONDITIONS = "Only if the {} is monitored by observers"
MEETING_FORMATS = [value for value, _ in Meeting.Format.choices]
VERIFICATIONS = [value for value, _ in ViolationAccusation.Verification.choices]
PROPOSAL_KINDS = weighted(
    {
        Proposal.ProposalKind.CEASEFIRE.value: 30,
        Proposal.ProposalKind.PARTIAL_CEASEFIRE.value: 15,
        Proposal.ProposalKind.HUMANITARIAN_PAUSE.value: 15,
        Proposal.ProposalKind.TALKS.value: 20,
        Proposal.ProposalKind.PRISONER_EXCHANGE.value: 8,
        Proposal.ProposalKind.PEACE_PLAN.value: 7,
        Proposal.ProposalKind.OTHER.value: 5,
    }
)
TALKS = Proposal.ProposalKind.TALKS.value
# What an accusation of a violation does not name: no truce to violate.
NOT_TRUCES = {TALKS, Proposal.ProposalKind.PRISONER_EXCHANGE.value}
PURPOSES = [value for value, _ in Proposal.Purpose.choices]
HOLIDAY = Proposal.Purpose.HOLIDAY.value
SCOPES = [value for value, _ in Proposal.Scope.choices]
TALKS_FORMATS = [value for value, _ in Proposal.TalksFormat.choices]
# A truce's arrangement by a draw below each share in turn: a fifth unilateral, some agreed
# between two sides or more, the rest not coded.
ARRANGEMENTS = [*(value for value, _ in Proposal.Arrangement.choices), ""]
ARRANGEMENT_SHARES = [0.2, 0.45, 0.55]
UNILATERAL = Proposal.Arrangement.UNILATERAL.value
WRITTEN = Proposal.Written.WRITTEN.value
STAGES = [value for value, _ in Proposal.Stage.choices]
END_REASONS = [value for value, _ in Proposal.EndReason.choices]
BROKE_DOWN = Proposal.EndReason.BROKE_DOWN.value
COLLAPSED, EXPIRED = Proposal.Outcome.COLLAPSED.value, Proposal.Outcome.EXPIRED.value
STILL_IN_EFFECT = [
    Proposal.Outcome.IN_EFFECT.value,
    Proposal.Outcome.ACCEPTED.value,
    Proposal.Outcome.PARTIALLY_ACCEPTED.value,
]
NOT_IN_EFFECT = [
    Proposal.Outcome.PROPOSED.value,
    Proposal.Outcome.UNDER_CONSIDERATION.value,
    Proposal.Outcome.REJECTED.value,
    Proposal.Outcome.WITHDRAWN.value,
]
DURATIONS = [N, N, 24, 72, 720]
# Every fifth proposal with a period has its exact hours, in one of these zones (chosen from its
# id, so that the random stream, and every other row, stays what it was).
TIME_ZONES = ["Europe/Kyiv", "Europe/Moscow", "UTC", "America/New_York"]


def _sentence_pool(size: int = 5000) -> list[str]:
    rng = random.Random(0)
    sentences = []
    for n in range(size):
        place = f" near {rng.choice(PLACES)}" if rng.random() < 0.5 else ""
        sentences.append(
            f"{rng.choice(SPEAKERS)} said the {rng.choice(TOPICS)}{place} "
            f"{rng.choice(CLAUSES)} ({n})."
        )
    return sentences


# Numbered, so that every sentence is its own: a quote occurs where it is taken from.
SENTENCES = _sentence_pool()


def body_sentence(source: int, k: int) -> str:
    """Sentence ``k`` of the body of source id ``source`` (a quote needs no look-up table)."""
    return SENTENCES[(source * 7919 + k * 104729) % len(SENTENCES)]


def body(source: int) -> str:
    return " ".join(body_sentence(source, k) for k in range(SENTENCES_PER_BODY))


def copy_text(value: str) -> str:
    """``value`` escaped for COPY's text format."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    return value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


@cache
def dated(day: int, precision: str, end_day: int | None = None) -> tuple[str, str]:
    """(date, period_end) of an event on day offset ``day``, normalized by the model's own
    rule (Event.normalize_date)."""
    event = Event(
        date=FIRST_DAY + datetime.timedelta(days=day),
        date_precision=precision,
        end_date=None if end_day is None else FIRST_DAY + datetime.timedelta(days=end_day),
    )
    event.normalize_date()
    return event.date.isoformat(), event.period_end.isoformat()


# Day offsets from FIRST_DAY as text, from years before (affiliations) to weeks after (links).
_DAY_BASE = 3000
_DAY_TEXT = [
    (FIRST_DAY + datetime.timedelta(days=offset)).isoformat()
    for offset in range(-_DAY_BASE, SPAN + 400)
]
_TIME_TEXT = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


def exact_times(pk: int, first: str, last: str) -> tuple[str, str, str]:
    """A proposal's starts_at, ends_at and time_zone as COPY reads them, for the period of
    ``first``..``last`` (ISO days or NULL): for every fifth one with a start, from an hour of
    its first day until midnight after its last (events.times: midnight ends the day before),
    in one of TIME_ZONES; else NULL, NULL and no zone."""
    if first == N or pk % 5:
        return N, N, ""
    name = TIME_ZONES[pk // 5 % len(TIME_ZONES)]
    zone = zoneinfo.ZoneInfo(name)

    def utc(day: str, hour: int) -> str:
        local = datetime.datetime.combine(
            datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=zone
        )
        return local.astimezone(datetime.UTC).isoformat(" ")

    starts = utc(first, 6 + pk % 13)
    if last == N:
        return starts, N, name
    after = (datetime.date.fromisoformat(last) + datetime.timedelta(days=1)).isoformat()
    return starts, utc(after, 0), name


def iso_day(day: int) -> str:
    return _DAY_TEXT[day + _DAY_BASE]


def moment(day: int, seconds: int) -> str:
    """A UTC timestamp ``seconds`` after midnight of day offset ``day``, as COPY reads it."""
    days, seconds = divmod(seconds, 86400)
    return f"{_DAY_TEXT[day + days + _DAY_BASE]} {_TIME_TEXT[seconds]}+00"


# The tables, their columns as written, in the order they are filled.
COLUMNS = {
    "actors_actor": "id slug name kind country description wikidata_id ucdp_actor_id updated_at",
    "actors_actoralias": "id actor_id name",
    "actors_affiliation": "id person_id organization_id role start_date end_date updated_at",
    "events_conflict": "id slug name start_date ucdp_conflict_id updated_at",
    "events_conflictparty": "id conflict_id actor_id",
    "events_source": (
        "id url title outlet_id published_at language body archive_url accessed_at "
        "created_at updated_at"
    ),
    "events_event": (
        "id kind conflict_id date date_precision period_end end_date title summary "
        "editorial_status created_by_id updated_by_id created_at updated_at search_document"
    ),
    "events_proposal": (
        "event_ptr_id proposal_kind scope arrangement talks_format purposes occasion "
        "proposed_start proposed_end duration_hours effective_from ended_on end_reason outcome "
        "monitoring pax_agreement_id extends_id counters_id replaces_id "
        "written text_url stage agreed_on ended_by_id starts_at ends_at time_zone"
    ),
    "events_response": "event_ptr_id proposal_id responder_id stance conditions",
    "events_meeting": "event_ptr_id venue country meeting_format outcome",
    "events_violationaccusation": (
        "event_ptr_id proposal_id incident_date location allegation verification"
    ),
    "events_meeting_produced": "id meeting_id proposal_id",
    "events_meeting_discussed": "id meeting_id proposal_id",
    "events_participant": "id event_id actor_id role",
    "events_citation": "id event_id source_id quote speaker_id via_id",
    "events_location": "id event_id name country admin1 geonames_id latitude longitude precision",
}


# events.search's separator of a document's parts, as COPY's text format writes it.
SEP = copy_text(SEPARATOR)

# The tables each chunk of events fills, in the order they are written.
EVENT_TABLES = [
    table
    for table in COLUMNS
    if table.startswith("events_")
    and table not in ("events_conflict", "events_conflictparty", "events_source")
]


@cache
def place_rows() -> list[str]:
    """Each place's location as COPY writes it after its id and event: name, country, its
    region (a first-level subdivision), no GeoNames id, coordinates near the country's point,
    a town's precision (an area's for every fifth)."""
    rows = []
    for index, name in enumerate(PLACES):
        country, latitude, longitude = PLACE_COUNTRIES[index // 5 % len(PLACE_COUNTRIES)]
        alpha_2 = pycountry.countries.get(alpha_3=country).alpha_2
        regions = sorted(
            s.code for s in pycountry.subdivisions.get(country_code=alpha_2) if not s.parent_code
        )
        tail = index % 5
        precision = "area" if tail == 4 else "town"
        rows.append(
            f"{name}\t{country}\t{regions[tail]}\t{N}\t{latitude + 0.37 * tail:.6f}\t"
            f"{longitude + 0.53 * tail:.6f}\t{precision}\n"
        )
    return rows


def copy_sql(table: str, freeze: bool = False) -> str:
    """COPY into ``table``; FREEZE (for a table emptied in the same transaction) writes the
    rows already frozen and visible to all, which spares VACUUM from rewriting every page."""
    options = " WITH (FREEZE)" if freeze else ""
    return f"COPY {table} ({', '.join(COLUMNS[table].split())}) FROM STDIN{options}"


def row(*values) -> str:
    """One line of COPY's text format; None is NULL, True/False are t/f."""
    return (
        "\t".join(
            N if v is None else ("t" if v else "f") if v is True or v is False else str(v)
            for v in values
        )
        + "\n"
    )


@dataclass
class ConflictSpec:
    id: int
    weight: float
    start: int
    end: int
    spikes: list[tuple[int, float, float]]  # (centre, width in days, height)
    parties: list[int]


@dataclass
class Proposed:
    """A proposal later records may refer to."""

    id: int
    published: bool
    truce: bool
    addressee: int | None


@dataclass
class World:
    names: dict[int, str] = field(default_factory=dict)
    aliases: dict[int, list[str]] = field(default_factory=dict)
    countries: dict[int, str] = field(default_factory=dict)
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    people: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    conflicts: list[ConflictSpec] = field(default_factory=list)
    mediators: list[int] = field(default_factory=list)
    source_days: list[int] = field(default_factory=list)  # publication day of source id i+1


class Writer:
    """COPY blocks on a thread of their own, so that PostgreSQL stores one chunk while the
    next is generated; the queue is short, which bounds the memory."""

    def __init__(self, connection, freeze: bool = False):
        self.connection = connection  # the psycopg connection, used by this thread only
        self.freeze = freeze
        self.blocks: queue.Queue = queue.Queue(maxsize=3)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.connection.cursor() as cursor:
                while (item := self.blocks.get()) is not None:
                    for table, lines in item:
                        with cursor.copy(copy_sql(table, self.freeze)) as copy:
                            copy.write("".join(lines))
        except BaseException as error:  # reported by put() and close()
            self.error = error
            while self.blocks.get() is not None:
                pass

    def put(self, tables: dict[str, list[str]]) -> None:
        if self.error is not None:
            raise self.error
        self.blocks.put([(t, lines) for t, lines in tables.items() if lines])

    def close(self) -> None:
        self.blocks.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class Generator:
    """The synthetic world and its events; ``run`` hands blocks of COPY lines to ``put``.

    Rules kept (those of the models, their clean(), the services and the API):
    dates normalized as Event.normalize_date does, none in the future and none after the
    newest article an event cites; proposal periods that end after they start and outcomes
    that match them (only what took effect has an effective period); participants only in the
    roles of their kind (none for a response, whose responder is a field), no accuser also
    accused; responses, accusations and meetings linking to earlier proposals of their own
    conflict, published ones when they are published themselves; quotes that are sentences of
    the cited article's body; names and aliases that name one actor each, ignoring case;
    affiliations of people with states or organizations; search documents as events.search
    computes them; locations with valid country and region codes, the region in its country,
    coordinates in range.
    """

    def __init__(
        self,
        events: int,
        seed: int = 1,
        conflicts: int = 50,
        actors: int = 5000,
        put: Callable[[dict[str, list[str]]], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ):
        self.total = events
        self.rng = random.Random(seed)
        self.conflict_count = max(1, conflicts)
        self.actor_count = max(60, actors)
        self.sources = max(20, round(events * SOURCES_PER_EVENT))
        self.put = put or (lambda tables: None)
        self.progress = progress or (lambda done, total: None)
        self.rows: dict[str, int] = defaultdict(int)
        self.world = World()
        self.ids: dict[str, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._event_ids = self.ids["events_event"]
        self._participant_ids = self.ids["events_participant"]
        self._citation_ids = self.ids["events_citation"]
        self._location_ids = self.ids["events_location"]

    # --- output -----------------------------------------------------------------------------

    def emit(self, tables: dict[str, list[str]]) -> None:
        for table, lines in tables.items():
            self.rows[table] += len(lines)
        self.put(tables)

    def run(self) -> dict[str, int]:
        self.make_actors()
        self.make_conflicts()
        self.make_sources()
        self.make_events()
        return dict(self.rows)

    # --- actors -----------------------------------------------------------------------------

    def make_actors(self) -> None:
        rng, world = self.rng, self.world
        n = self.actor_count
        countries = sorted(pycountry.countries, key=lambda c: c.alpha_3)
        state_count = min(len(countries), max(10, n // 20))
        counts = {
            "state": state_count,
            "government": max(3, n // 60),
            "organization": max(5, n // 15),
            "armed_group": max(5, n // 12),
            "media": max(5, n // 25),
        }
        counts["person"] = n - sum(counts.values())
        taken: set[str] = {place.lower() for place in PLACES}
        slugs: set[str] = set()
        actors, aliases = [], []
        next_id = self.ids["actors_actor"]
        next_alias = self.ids["actors_actoralias"]

        def add(kind: str, name: str, country: str = "", alias_names=(), wikidata: str = ""):
            # Names go into titles and documents as they are: none that COPY would escape.
            if name.lower() in taken or copy_text(name) != name:
                return None
            pk = next(next_id)
            taken.add(name.lower())
            slug = base = slugify_name(name)[:90] or f"actor-{pk}"
            while slug in slugs:
                slug = f"{base}-{pk}"
            slugs.add(slug)
            world.names[pk] = name
            world.countries[pk] = country
            world.by_kind[kind].append(pk)
            actors.append(
                row(
                    pk,
                    slug,
                    copy_text(name),
                    kind,
                    country,
                    "",
                    wikidata,
                    None,
                    moment(rng.randrange(SPAN), rng.randrange(86400)),
                )
            )
            world.aliases[pk] = []
            for alias in alias_names:
                if alias and alias.lower() not in taken and copy_text(alias) == alias:
                    taken.add(alias.lower())
                    world.aliases[pk].append(alias)
                    aliases.append(row(next(next_alias), pk, copy_text(alias)))
            return pk

        picked = rng.sample(countries, state_count)
        picked.sort(key=lambda c: c.alpha_3)
        for country in picked:
            name = getattr(country, "common_name", None) or country.name
            official = getattr(country, "official_name", "")
            add(
                "state",
                name,
                country.alpha_3,
                [official, country.alpha_3] if official != name else [country.alpha_3],
                f"Q{1000 + int(country.numeric)}",
            )
        states = world.by_kind["state"]
        for state in states[: counts["government"]]:
            add("government", f"Government of {world.names[state]}", world.countries[state])
        for i in range(counts["organization"]):
            word = ORGANIZATION_WORDS[i % len(ORGANIZATION_WORDS)]
            topic = ORGANIZATION_TOPICS[(i // len(ORGANIZATION_WORDS)) % len(ORGANIZATION_TOPICS)]
            region = world.names[states[i % len(states)]]
            name = f"{region} {topic} {word}"
            acronym = "".join(w[0] for w in name.split() if w[0].isupper())
            add("organization", name, "", [f"{acronym}-{i + 1}"])
        for i in range(counts["armed_group"]):
            state = states[rng.randrange(len(states))]
            adjective = GROUP_ADJECTIVES[i % len(GROUP_ADJECTIVES)]
            word = GROUP_WORDS[(i // len(GROUP_ADJECTIVES)) % len(GROUP_WORDS)]
            name = f"{adjective} {word} of {world.names[state]}"
            if i >= len(GROUP_ADJECTIVES) * len(GROUP_WORDS):
                name = f"{name} ({PLACES[i % len(PLACES)]} {i})"
            initials = "".join(w[0] for w in name.split() if w[0].isupper())
            add("armed_group", name, world.countries[state], [f"{initials}{i + 1}"])
        for i in range(counts["media"]):
            state = states[i % len(states)]
            word = MEDIA_WORDS[i % len(MEDIA_WORDS)]
            add("media", f"The {world.names[state]} {word} {i + 1}", world.countries[state])
        combinations = len(FIRST_NAMES) * len(LAST_NAMES)
        order = list(range(combinations))
        rng.shuffle(order)
        for i in range(counts["person"]):
            combination = order[i % combinations]
            first = FIRST_NAMES[combination % len(FIRST_NAMES)]
            last = LAST_NAMES[combination // len(FIRST_NAMES)]
            name = f"{first} {last}"
            if i >= combinations:
                name = f"{first} {chr(65 + (i // combinations) % 26)}. {last} {i // combinations}"
            alias_names = [f"{first[0]}. {last}"] if rng.random() < 0.6 else []
            if rng.random() < 0.2:
                alias_names.append(f"{last}, {first}")
            add("person", name, "", alias_names)
        self.emit({"actors_actor": actors, "actors_actoralias": aliases})
        self.make_affiliations()

    def make_affiliations(self) -> None:
        """People serve a state, government, organization or armed group, most for a period;
        some move on to an organization afterwards."""
        rng, world = self.rng, self.world
        serving = (
            world.by_kind["state"] * 3
            + world.by_kind["government"]
            + world.by_kind["organization"]
            + world.by_kind["armed_group"]
        )
        next_id = self.ids["actors_affiliation"]
        lines = []
        for person in world.by_kind["person"]:
            organization = serving[rng.randrange(len(serving))]
            world.people[organization].append(person)
            start = rng.randrange(-2000, SPAN - 365)
            end = start + rng.randint(365, 3000) if rng.random() < 0.4 else None
            if end is not None and end >= SPAN:
                end = None
            undated = rng.random() < 0.1
            lines.append(
                row(
                    next(next_id),
                    person,
                    organization,
                    AFFILIATION_ROLES[rng.randrange(len(AFFILIATION_ROLES))],
                    None if undated else iso_day(start),
                    None if undated or end is None else iso_day(end),
                    moment(rng.randrange(SPAN), rng.randrange(86400)),
                )
            )
            if end is not None and not undated and rng.random() < 0.3:
                organizations = world.by_kind["organization"]
                lines.append(
                    row(
                        next(next_id),
                        person,
                        organizations[rng.randrange(len(organizations))],
                        "Envoy",
                        iso_day(end + 1),
                        None,
                        moment(rng.randrange(SPAN), rng.randrange(86400)),
                    )
                )
        self.emit({"actors_affiliation": lines})

    # --- conflicts --------------------------------------------------------------------------

    def make_conflicts(self) -> None:
        """Zipf-like sizes (a few big wars, a long tail), each with parties, an active period
        and bursts of activity."""
        rng, world = self.rng, self.world
        states, groups = world.by_kind["state"], world.by_kind["armed_group"]
        conflicts, parties = [], []
        slugs: set[str] = set()
        next_party = self.ids["events_conflictparty"]
        for i in range(self.conflict_count):
            pk = i + 1
            weight = 1 / (i + 1) ** 1.1
            sides = rng.sample(states, min(len(states), rng.randint(2, 4 if i < 5 else 3)))
            armed = rng.sample(groups, rng.randint(0, 2 if i < 10 else 1))
            members = sides + armed
            if armed and rng.random() < 0.5:
                name = f"{world.names[armed[0]]} insurgency in {world.names[sides[0]]}"
            else:
                name = f"{world.names[sides[0]]}–{world.names[sides[1]]} war"
            slug = slugify_name(name)[:90]
            if slug in slugs:
                slug = f"{slug}-{pk}"
            slugs.add(slug)
            start = 0 if i < 3 else rng.randrange(0, SPAN * 7 // 10)
            end = SPAN - 1 if rng.random() < 0.6 else min(SPAN - 1, start + rng.randint(200, 2500))
            spikes = [
                (rng.randint(start, end), rng.uniform(5, 40), rng.uniform(2, 15))
                for _ in range(rng.randint(2, 6))
            ]
            world.conflicts.append(ConflictSpec(pk, weight, start, end, spikes, members))
            conflicts.append(
                row(
                    pk,
                    slug,
                    copy_text(name),
                    iso_day(start),
                    rng.randint(200, 15000) if rng.random() < 0.5 else None,
                    moment(end, rng.randrange(86400)),
                )
            )
            parties.extend(row(next(next_party), pk, actor) for actor in members)
        taken = {a for c in world.conflicts for a in c.parties}
        world.mediators = world.by_kind["organization"] + [s for s in states if s not in taken]
        self.emit({"events_conflict": conflicts, "events_conflictparty": parties})
        self.intensity = self._intensity()

    def _intensity(self) -> list[list[float]]:
        """Each conflict's share of the events of each day: a base level over its active
        period, bursts around its spikes, scaled so that its total follows its Zipf weight."""
        table = []
        for spec in self.world.conflicts:
            curve = [0.0] * SPAN
            for day in range(spec.start, spec.end + 1):
                curve[day] = 1.0
            for centre, width, height in spec.spikes:
                for day in range(
                    max(spec.start, int(centre - 3 * width)),
                    min(spec.end, int(centre + 3 * width)) + 1,
                ):
                    curve[day] += height * math.exp(-(((day - centre) / width) ** 2))
            total = sum(curve)
            table.append([value * spec.weight / total for value in curve])
        return table

    def events_per_day(self, total: int) -> list[int]:
        """How many of ``total`` happen on each day (exact total, no randomness)."""
        weights = [sum(column) for column in zip(*self.intensity, strict=True)]
        whole = sum(weights)
        counts, done, cumulative = [], 0, 0.0
        for weight in weights:
            cumulative += weight
            upto = min(total, round(total * cumulative / whole))
            counts.append(upto - done)
            done = upto
        counts[-1] += total - done
        return counts

    # --- sources ----------------------------------------------------------------------------

    def make_sources(self) -> None:
        """Articles published as the events happen (the same bursts), ids in date order."""
        rng, world = self.rng, self.world
        per_day = self.events_per_day(self.sources)
        days = [day for day, count in enumerate(per_day) for _ in range(count)]
        days[-1] = SPAN - 1  # an article after every event
        world.source_days = days
        media = world.by_kind["media"]
        lines = []
        for pk, day in enumerate(days, start=1):
            outlet = media[pk % len(media)]
            seconds = rng.randrange(6 * 3600, 22 * 3600)
            published = moment(day, seconds)
            lines.append(
                row(
                    pk,
                    f"https://news{outlet}.example.org/{iso_day(day).replace('-', '/')}/{pk}",
                    copy_text(body_sentence(pk, 0)[:-1]),
                    outlet,
                    published,
                    "en",
                    body(pk),
                    "",
                    moment(day, seconds + rng.randrange(3600, 86400)),
                    published,
                    moment(day, seconds + rng.randrange(3600, 86400 * 3)),
                )
            )
            if len(lines) == CHUNK * 2:
                self.emit({"events_source": lines})
                lines = []
        self.emit({"events_source": lines})

    # --- events -----------------------------------------------------------------------------

    def make_events(self) -> None:
        rng, world = self.rng, self.world
        per_day = self.events_per_day(self.total)
        conflicts = world.conflicts
        kinds, statuses = weighted(KIND_WEIGHTS), weighted(STATUS_WEIGHTS)
        precisions = weighted(PRECISION_WEIGHTS)
        # Names and aliases as COPY writes them, by actor id (lists beat dicts here).
        size = max(world.names) + 1
        self.name_text = [copy_text(world.names.get(pk, "")) for pk in range(size)]
        self.alias_text = [
            SEP.join(copy_text(a) for a in world.aliases.get(pk, ())) for pk in range(size)
        ]
        # The articles an event on a day may cite: published that day or within the week after.
        days = world.source_days
        self.first_source = [bisect.bisect_left(days, day) for day in range(SPAN)]
        self.source_window = [
            max(1, bisect.bisect_right(days, day + 7) - self.first_source[day])
            for day in range(SPAN)
        ]
        self.proposals: dict[tuple[int, bool], deque] = defaultdict(lambda: deque(maxlen=60))
        self.truces: dict[tuple[int, bool], deque] = defaultdict(lambda: deque(maxlen=10))
        self.tables: dict[str, list[str]] = {table: [] for table in EVENT_TABLES}
        done = 0
        r = rng.random
        indices = range(len(conflicts))
        for day, count in enumerate(per_day):
            if not count:
                continue
            weights = list(itertools.accumulate(self.intensity[i][day] for i in indices))
            for index in rng.choices(indices, cum_weights=weights, k=count):
                self.event(
                    day,
                    conflicts[index],
                    kinds[int(r() * 100)],
                    statuses[int(r() * 100)],
                    precisions[int(r() * 100)],
                )
                done += 1
                if done % CHUNK == 0:
                    self.flush(done)
        if done % CHUNK:
            self.flush(done)

    def flush(self, done: int) -> None:
        tables, self.tables = self.tables, {table: [] for table in EVENT_TABLES}
        self.emit(tables)
        self.progress(done, self.total)

    def side(self, spec: ConflictSpec, other_than: int | None = None) -> tuple[int, int]:
        """(actor, party): a party of the conflict other than ``other_than``, speaking for
        itself or through one of the people serving it."""
        r = self.rng.random
        parties = spec.parties
        position = int(r() * len(parties))
        party = parties[position]
        if party == other_than:
            party = parties[(position + 1) % len(parties)]
        people = self.world.people.get(party)
        if people and r() < 0.4:
            return people[int(r() * len(people))], party
        return party, party

    def event(self, day: int, spec: ConflictSpec, kind: str, status: str, precision: str):
        r, names, tables = self.rng.random, self.world.names, self.tables
        pk = next(self._event_ids)
        conflict = spec.id
        published = status == PUBLISHED
        place_index = int(r() * len(PLACES))
        place = PLACES[place_index]
        near = f" near {place}" if r() < 0.5 else ""
        topic = TOPICS[int(r() * len(TOPICS))]
        earlier = self.proposals[conflict, published]
        if kind == RESPONSE and not earlier:
            kind = PROPOSAL  # nothing to answer yet
        roles: list[tuple[int, str]]
        responder = None
        end_day = None
        mediators = self.world.mediators
        if kind == PROPOSAL:
            proposer, party = self.side(spec)
            addressee, _ = self.side(spec, other_than=party)
            roles = [(proposer, Role.PROPOSER), (addressee, Role.ADDRESSEE)]
            if mediators and r() < 0.4:
                mediator = mediators[int(r() * len(mediators))]
                if mediator != proposer and mediator != addressee:
                    roles.append((mediator, Role.MEDIATOR))
            title = f"{names[proposer]} proposes a {topic}{near}"
            line, truce = self.proposal(pk, day, earlier)
            tables["events_proposal"].append(line)
            proposed = Proposed(pk, published, truce, addressee)
            self.proposals[conflict, False].append(proposed)
            if truce:
                self.truces[conflict, False].append(pk)
            if published:
                self.proposals[conflict, True].append(proposed)
                if truce:
                    self.truces[conflict, True].append(pk)
        elif kind == RESPONSE:
            roles = []  # a response's only actor is its responder
            answered = earlier[int(r() * len(earlier))]
            if r() < 0.6:
                responder = answered.addressee
            else:
                responder, _ = self.side(spec)
            stance = STANCES[int(r() * len(STANCES))]
            title = f"{names[responder]} {RESPONSE_VERBS[stance]} the {topic} proposal"
            conditions = CONDITIONS.format(topic) if stance == CONDITIONAL else ""
            tables["events_response"].append(
                f"{pk}\t{answered.id}\t{responder}\t{stance}\t{conditions}\n"
            )
        elif kind == MEETING:
            first, party = self.side(spec)
            second, _ = self.side(spec, other_than=party)
            roles = [(first, Role.DELEGATION)]
            if second != first:
                roles.append((second, Role.DELEGATION))
            country = ""
            if mediators and r() < 0.7:
                host = mediators[int(r() * len(mediators))]
                if host != first and host != second:
                    roles.append((host, Role.HOST if r() < 0.5 else Role.MEDIATOR))
                    country = self.world.countries[host]
            title = f"Talks on the {topic} in {place}"
            if precision == DAY and r() < 0.3:
                end_day = min(SPAN - 1, day + 1 + int(r() * 3))
            outcome = CLAUSES[int(r() * len(CLAUSES))].capitalize() + "." if r() < 0.5 else ""
            tables["events_meeting"].append(
                f"{pk}\t{place} conference centre\t{country}\t"
                f"{MEETING_FORMATS[int(r() * len(MEETING_FORMATS))]}\t{outcome}\n"
            )
            if earlier:
                self.links(pk, earlier)
        else:
            accuser, party = self.side(spec)
            accused = [a for a in spec.parties if a != party]
            if len(accused) > 1 and r() < 0.6:
                accused = [accused[int(r() * len(accused))]]
            roles = [(accuser, Role.ACCUSER), *((a, Role.ACCUSED) for a in accused)]
            title = f"{names[accuser]} accuses {names[accused[0]]} of shelling near {place}"
            truces = self.truces[conflict, published]
            truce = truces[-1 - int(r() * len(truces))] if truces and r() < 0.7 else N
            allegation = SENTENCES[int(r() * len(SENTENCES))]
            tables["events_violationaccusation"].append(
                f"{pk}\t{truce}\t{iso_day(max(0, day - int(r() * 3)))}\t{place}\t"
                f"{allegation}\t{VERIFICATIONS[int(r() * len(VERIFICATIONS))]}\n"
            )
        # In actor order, the order in which PostgreSQL reads an event's participants (by
        # the index on event, actor, role) when it computes the search document itself.
        roles.sort()
        date, period_end = dated(day, precision, end_day)
        summary = SENTENCES[int(r() * len(SENTENCES))]
        quotes = self.citations(pk, day, roles, responder)
        places = self.locations(pk, place_index) if pk % 10 < LOCATION_TENTHS else ""
        participants = tables["events_participant"]
        next_participant = self._participant_ids
        for actor, role in roles:
            participants.append(f"{next(next_participant)}\t{pk}\t{actor}\t{role}\n")
        name_text, alias_text = self.name_text, self.alias_text
        # events.search.document_expression's parts, joined by its separator (escaped).
        document = SEP.join(
            (
                title,
                summary,
                quotes,
                SEP.join([name_text[actor] for actor, _ in roles]),
                SEP.join([alias_text[actor] for actor, _ in roles if alias_text[actor]]),
                name_text[responder] if responder else "",
                alias_text[responder] if responder else "",
            )
        )
        if places:
            # The locations' names, in id order, last and only when there is one.
            document += SEP + places
        created = 86400 + int(r() * 86400 * 3)
        tables["events_event"].append(
            f"{pk}\t{kind}\t{conflict}\t{date}\t{precision}\t{period_end}\t"
            f"{N if end_day is None else iso_day(end_day)}\t{title}\t{summary}\t{status}\t"
            f"{N}\t{N}\t{moment(day, created)}\t{moment(day, created + int(r() * 2592000))}\t"
            f"{document}\n"
        )

    def locations(self, pk: int, place_index: int) -> str:
        """The place the event names as its location; for some a second one, the next town
        of the region. Returns their names as the search document holds them."""
        rows, table, ids = place_rows(), self.tables["events_location"], self._location_ids
        indexes = [place_index]
        if pk // 10 % 10 < SECOND_LOCATION_TENTHS:
            indexes.append((place_index + 1) % len(rows))
        for index in indexes:
            table.append(f"{next(ids)}\t{pk}\t{rows[index]}")
        return SEP.join(copy_text(PLACES[index]) for index in indexes)

    def proposal(self, pk: int, day: int, earlier: deque) -> tuple[str, bool]:
        """The proposal's row, with a period and an outcome that agree; and whether it is a
        truce (what an accusation of a violation can name)."""
        r = self.rng.random
        kind = PROPOSAL_KINDS[int(r() * len(PROPOSAL_KINDS))]
        talks = kind == TALKS
        purpose = PURPOSES[int(r() * len(PURPOSES))]
        occasion = OCCASIONS[int(r() * len(OCCASIONS))] if purpose == HOLIDAY else ""
        proposed_start = proposed_end = effective = ended = N
        end_reason = monitoring = ""
        if r() < 0.35:  # took effect; most have ended since
            start = day + int(r() * 8)
            effective = iso_day(start)
            if r() < 0.85:
                ended = iso_day(start + 1 + int(r() * 90))
                end_reason = END_REASONS[int(r() * len(END_REASONS))]
                outcome = COLLAPSED if end_reason == BROKE_DOWN else EXPIRED
            else:
                outcome = STILL_IN_EFFECT[int(r() * len(STILL_IN_EFFECT))]
            if r() < 0.3:
                monitoring = "Observers of the mediators verify it."
        else:  # offered for a period, which did not (or not yet) take effect
            if r() < 0.7:
                start = day + int(r() * 15)
                proposed_start = iso_day(start)
                if r() < 0.8:
                    proposed_end = iso_day(start + 1 + int(r() * 60))
            outcome = NOT_IN_EFFECT[int(r() * len(NOT_IN_EFFECT))]
        links = [N, N, N]  # extends, counters, replaces
        if earlier and r() < 0.15:
            links[int(r() * 3)] = earlier[-1 - int(r() * min(5, len(earlier)))].id
        scope = "" if talks else SCOPES[int(r() * len(SCOPES))]
        # Truces only (talks have a format instead).
        arrangement = "" if talks else ARRANGEMENTS[bisect.bisect(ARRANGEMENT_SHARES, r())]
        talks_format = TALKS_FORMATS[int(r() * len(TALKS_FORMATS))] if talks else ""
        duration = DURATIONS[int(r() * len(DURATIONS))]
        # Agreed when it took effect (a truce one side declared is not agreed); some of those
        # agreements are texts, published at a URL of their own. Who ended it is not named.
        written = text_url = stage = ""
        agreed = N
        if effective != N and arrangement != UNILATERAL:
            agreed = effective
            if r() < 0.5:
                written = WRITTEN
                text_url = f"https://agreements.example.org/{pk}"
            stage = STAGES[int(r() * len(STAGES))]
        starts_at, ends_at, zone = exact_times(
            pk, *((effective, ended) if effective != N else (proposed_start, proposed_end))
        )
        line = (
            f'{pk}\t{kind}\t{scope}\t{arrangement}\t{talks_format}\t["{purpose}"]\t{occasion}\t'
            f"{proposed_start}\t{proposed_end}\t{duration}\t{effective}\t{ended}\t"
            f"{end_reason}\t{outcome}\t{monitoring}\t{N}\t{links[0]}\t{links[1]}\t{links[2]}\t"
            f"{written}\t{text_url}\t{stage}\t{agreed}\t{N}\t{starts_at}\t{ends_at}\t{zone}\n"
        )
        return line, kind not in NOT_TRUCES

    def links(self, meeting: int, earlier: deque) -> None:
        """Talks produce a proposal now and then, and discuss earlier ones."""
        r, tables = self.rng.random, self.tables
        recent = earlier[-1 - int(r() * min(8, len(earlier)))].id
        if r() < 0.25:
            table = "events_meeting_produced"
            tables[table].append(f"{next(self.ids[table])}\t{meeting}\t{recent}\n")
        if r() < 0.4:
            other = earlier[int(r() * len(earlier))].id
            table = "events_meeting_discussed"
            tables[table].append(f"{next(self.ids[table])}\t{meeting}\t{other}\n")
            if other != recent and r() < 0.3:
                tables[table].append(f"{next(self.ids[table])}\t{meeting}\t{recent}\n")

    def citations(self, pk: int, day: int, roles, responder) -> str:
        """1–3 citations of articles published on the event's day or within the week after
        (never before it), each quoting one sentence of its article's body; returns the quotes
        joined as the search document holds them."""
        r = self.rng.random
        first, window = self.first_source[day], self.source_window[day]
        last = len(self.world.source_days) - 1
        media = self.world.by_kind["media"]
        citations = self.tables["events_citation"]
        next_citation = self._citation_ids
        quotes = []
        for _ in range(CITATIONS_PER_EVENT[int(r() * len(CITATIONS_PER_EVENT))]):
            source = min(last, first + int(r() * window)) + 1
            quote = body_sentence(source, int(r() * SENTENCES_PER_BODY))
            speaker = N
            if r() < 0.3:
                if roles:
                    speaker = roles[int(r() * len(roles))][0]
                elif responder:
                    speaker = responder
            via = media[int(r() * len(media))] if r() < 0.1 else N
            quotes.append(quote)
            citations.append(f"{next(next_citation)}\t{pk}\t{source}\t{quote}\t{speaker}\t{via}\n")
        return SEP.join(quotes)
