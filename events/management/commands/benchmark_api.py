"""``manage.py benchmark_api``: the analysts' API timed against hand-written SQL.

Fills a database whose name contains "bench" with synthetic conflicts, actors, sources and
events (bulk inserts, not factories), then asks the API several analysts' questions through
Django's test client and asks the same questions in hand-written SQL, checks that both return
the same ids in the same order, and prints the timings side by side. It prints numbers and
asserts nothing about speed: it is the yardstick for "a million events within 2x of SQL".
"""

import csv
import datetime
import io
import math
import random
import statistics
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from actors.models import Actor, ActorAlias, Affiliation
from events.models import (
    Citation,
    Conflict,
    ConflictParty,
    Event,
    Meeting,
    Participant,
    Proposal,
    Response,
    Source,
    ViolationAccusation,
)
from events.search import refresh_search_documents

REFUSAL = (
    "point DATABASE_URL at a database whose name contains 'bench'; it is filled with "
    "synthetic events"
)

FIRST_DAY = datetime.date(2014, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)
CHUNK = 5000  # events generated and inserted per transaction (and per progress line)
PAGE = 50  # the API's default page size
CSV_PAGE = 1000  # the API's largest page

KIND_WEIGHTS = {
    Event.Kind.PROPOSAL: 40,
    Event.Kind.RESPONSE: 30,
    Event.Kind.MEETING: 10,
    Event.Kind.ACCUSATION: 20,
}
CONFLICT_WEIGHTS = [45, 25, 15, 10, 5]  # one big war, a long tail
STATUS_WEIGHTS = {
    Event.Status.PUBLISHED: 90,
    Event.Status.DRAFT: 4,
    Event.Status.IN_REVIEW: 3,
    Event.Status.RETRACTED: 3,
}
PRECISION_WEIGHTS = {
    Event.Precision.DAY: 85,
    Event.Precision.MONTH: 12,
    Event.Precision.YEAR: 3,
}

# Fictional places: each is in about 1 in 40 titles, summaries and quotes, so that a search
# for one finds a few percent of the events, as a search for a town would.
PLACES = [
    head + tail
    for head in ("Ar", "Bel", "Cor", "Dra", "Est", "Fal", "Gal", "Har")
    for tail in ("dena", "vast", "mir", "vik", "moor")
]
SEARCHED_PLACE = "Corvik"
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
]
RESPONSE_VERBS = {
    Response.Stance.ACCEPTED: "accepts",
    Response.Stance.REJECTED: "rejects",
    Response.Stance.WELCOMED: "welcomes",
    Response.Stance.CONSIDERING: "considers",
    Response.Stance.CONDITIONAL: "sets conditions for",
    Response.Stance.DISMISSED: "dismisses",
    Response.Stance.COUNTERED: "counters",
}
AFFILIATION_ROLES = ["President", "Foreign minister", "Spokesperson", "Negotiator", "Commander"]


def _sentence_pool(size: int = 2000) -> list[str]:
    rng = random.Random(0)
    return [
        f"{rng.choice(SPEAKERS)} said the {rng.choice(TOPICS)} near {rng.choice(PLACES)} "
        f"{rng.choice(CLAUSES)}."
        for _ in range(size)
    ]


SENTENCES = _sentence_pool()
SENTENCES_PER_BODY = 5


def body_sentence(source_number: int, k: int) -> str:
    """The k-th sentence of synthetic source number ``source_number`` (no lookup table needed
    to quote a source exactly)."""
    return SENTENCES[(source_number * 7919 + k * 104729) % len(SENTENCES)]


# The curated tables, children first: what the command fills and empties.
CURATED_MODELS = [
    Citation,
    Participant,
    Meeting.produced.through,
    Meeting.discussed.through,
    Response,
    ViolationAccusation,
    Meeting,
    Proposal,
    Event,
    Source,
    ConflictParty,
    Conflict,
    Affiliation,
    ActorAlias,
    Actor,
]


@dataclass
class World:
    """The actors and conflicts events are drawn from (ids only)."""

    conflicts: list[int]
    parties: dict[int, list[int]]  # conflict -> states and armed groups
    people: dict[int, list[int]]  # state -> persons affiliated with it
    mediators: list[int]
    sources: list[tuple[int, int]]  # (id, number) of each source
    names: dict[int, str]


@dataclass
class Question:
    """One analyst's question, asked of the API and in hand-written SQL."""

    name: str
    url: str
    sql: str
    params: list
    is_csv: bool = False


@dataclass
class Result:
    question: Question
    rows: int
    queries: int
    api_ms: list[float]
    sql_ms: list[float]
    same: bool


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def insert_rows(model, objs: list) -> None:
    """Insert ``model``'s own columns of ``objs`` in multi-row INSERTs.

    Django's bulk_create refuses models with multi-table inheritance, so the kinds are written
    in two steps: the Event rows by bulk_create, then these child rows with event_ptr_id set.
    """
    if not objs:
        return
    fields = model._meta.local_concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = max(1, min(connection.ops.bulk_batch_size(fields, objs), 30000 // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            part = objs[start : start + batch]
            params = [
                f.get_db_prep_save(getattr(obj, f.attname), connection)
                for obj in part
                for f in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
                + ", ".join([row] * len(part)),
                params,
            )


class Generator:
    """Synthetic curated data, written with bulk inserts and reported as it goes."""

    def __init__(self, count: int, seed: int, log: Callable[[str], None]):
        self.count = count
        self.rng = random.Random(seed)
        self.log = log
        self.rows: dict[str, int] = defaultdict(int)
        # The latest proposals of each conflict, for responses and accusations to refer to.
        self.recent_proposals: dict[int, deque] = defaultdict(lambda: deque(maxlen=200))

    def _bulk(self, model, objs: list) -> list:
        created = model.objects.bulk_create(objs, batch_size=2000)
        self.rows[model._meta.db_table] += len(objs)
        return created

    def run(self) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            world = self.world()
        done = 0
        while done < self.count:
            size = min(CHUNK, self.count - done)
            with transaction.atomic():
                self.events(world, done, size)
            done += size
            elapsed = time.perf_counter() - started
            total = sum(self.rows.values())
            self.log(
                f"  {done:>10,} / {self.count:,} events   {total:>10,} rows   "
                f"{total / elapsed:>8,.0f} rows/s"
            )
        elapsed = time.perf_counter() - started
        total = sum(self.rows.values())
        self.log(
            f"Generated {self.count:,} events ({total:,} rows) in {elapsed:.1f} s: "
            f"{self.count / elapsed:,.0f} events/s, {total / elapsed:,.0f} rows/s."
        )

    def world(self) -> World:
        """Conflicts, ~200 actors with affiliations, and the sources events cite."""
        rng = self.rng
        specs = (
            [(Actor.Kind.STATE, "State", 40), (Actor.Kind.PERSON, "Person", 120)]
            + [(Actor.Kind.ORGANIZATION, "Organization", 15)]
            + [(Actor.Kind.ARMED_GROUP, "Armed group", 10), (Actor.Kind.MEDIA, "Media", 15)]
        )
        actors = self._bulk(
            Actor,
            [
                Actor(slug=f"bench-{kind.replace('_', '-')}-{i}", name=f"{label} {i}", kind=kind)
                for kind, label, n in specs
                for i in range(1, n + 1)
            ],
        )
        by_kind: dict[str, list[int]] = defaultdict(list)
        for actor in actors:
            by_kind[actor.kind].append(actor.pk)
        names = {actor.pk: actor.name for actor in actors}

        conflicts = self._bulk(
            Conflict,
            [
                Conflict(slug=f"bench-war-{i}", name=f"War {i}", start_date=FIRST_DAY)
                for i in range(1, len(CONFLICT_WEIGHTS) + 1)
            ],
        )
        states = by_kind[Actor.Kind.STATE]
        groups = by_kind[Actor.Kind.ARMED_GROUP]
        parties: dict[int, list[int]] = {}
        for n, conflict in enumerate(conflicts):
            # Distinct states per conflict, and an armed group in some.
            chosen = states[n * 4 : n * 4 + rng.randint(2, 4)]
            if n % 2:
                chosen.append(groups[n])
            parties[conflict.pk] = chosen
        self._bulk(
            ConflictParty,
            [ConflictParty(conflict_id=c, actor_id=a) for c, ids in parties.items() for a in ids],
        )

        # Persons serve the party states, some for a period, some moving on to an organization.
        party_states = [a for ids in parties.values() for a in ids if a in set(states)]
        people: dict[int, list[int]] = defaultdict(list)
        affiliations = []
        organizations = by_kind[Actor.Kind.ORGANIZATION]
        for i, person in enumerate(by_kind[Actor.Kind.PERSON]):
            state = party_states[i % len(party_states)]
            people[state].append(person)
            start = self._day(FIRST_DAY, datetime.date(2020, 12, 31))
            end = None
            if rng.random() < 0.3:
                end = start + datetime.timedelta(days=rng.randint(365, 2500))
            if rng.random() < 0.1:
                start = end = None  # undated: always
            affiliations.append(
                Affiliation(
                    person_id=person,
                    organization_id=state,
                    role=rng.choice(AFFILIATION_ROLES),
                    start_date=start,
                    end_date=end,
                )
            )
            if end is not None and rng.random() < 0.3:
                affiliations.append(
                    Affiliation(
                        person_id=person,
                        organization_id=rng.choice(organizations),
                        role="Envoy",
                        start_date=end + datetime.timedelta(days=1),
                    )
                )
        self._bulk(Affiliation, affiliations)

        media = by_kind[Actor.Kind.MEDIA]
        sources = self._bulk(
            Source,
            [
                Source(
                    url=f"https://bench.example.org/articles/{n}",
                    title=f"Article {n}: {body_sentence(n, 0)}",
                    outlet_id=rng.choice(media),
                    published_at=self._moment(),
                    language="en",
                    body=" ".join(body_sentence(n, k) for k in range(SENTENCES_PER_BODY)),
                )
                for n in range(max(10, self.count // 5))
            ],
        )
        return World(
            conflicts=[c.pk for c in conflicts],
            parties=parties,
            people=people,
            mediators=organizations + states[-10:],
            sources=[(s.pk, n) for n, s in enumerate(sources)],
            names=names,
        )

    def _day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def _moment(self) -> datetime.datetime:
        day = self._day(FIRST_DAY, LAST_DAY)
        return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)

    def _pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _side(self, world: World, conflict: int, other_than: int | None = None) -> tuple:
        """(actor, party): a party of the conflict other than ``other_than``, speaking for
        itself or through one of the people serving it."""
        rng = self.rng
        party = rng.choice([p for p in world.parties[conflict] if p != other_than])
        if world.people.get(party) and rng.random() < 0.5:
            return rng.choice(world.people[party]), party
        return party, party

    def events(self, world: World, first: int, size: int) -> None:
        """``size`` events, dated in their slice of 2014–2025 so that ids follow dates."""
        rng = self.rng
        span = (LAST_DAY - FIRST_DAY).days
        days = sorted(
            rng.randint(span * first // self.count, max(0, span * (first + size) // self.count - 1))
            for _ in range(size)
        )
        proposals_so_far = {c: len(self.recent_proposals[c]) for c in world.conflicts}
        events = []
        for day in days:
            conflict = rng.choices(world.conflicts, weights=CONFLICT_WEIGHTS)[0]
            kind = self._pick(KIND_WEIGHTS)
            if kind == Event.Kind.RESPONSE and not proposals_so_far[conflict]:
                kind = Event.Kind.PROPOSAL  # nothing to respond to yet
            if kind == Event.Kind.PROPOSAL:
                proposals_so_far[conflict] += 1
            precision = self._pick(PRECISION_WEIGHTS)
            event = Event(
                kind=kind,
                conflict_id=conflict,
                date=FIRST_DAY + datetime.timedelta(days=day),
                date_precision=precision,
                editorial_status=self._pick(STATUS_WEIGHTS),
                title="",
                summary=rng.choice(SENTENCES),
            )
            if kind == Event.Kind.MEETING and precision == Event.Precision.DAY:
                if rng.random() < 0.3:
                    event.end_date = event.date + datetime.timedelta(days=rng.randint(1, 3))
            event.normalize_date()  # the model's own rule for date and period_end
            events.append(event)

        # Step 1 of the multi-table insert: the Event rows, whose ids the kinds' rows take.
        # Titles need the participants, so they are set before the insert.
        details = [self._detail(world, event) for event in events]
        self._bulk(Event, events)
        children: dict[type, list] = defaultdict(list)
        participants, citations = [], []
        for event, (model, fields, roles) in zip(events, details, strict=True):
            if model is Proposal:
                self.recent_proposals[event.conflict_id].append(event.pk)
            elif "proposal_id" in fields:
                fields["proposal_id"] = rng.choice(self.recent_proposals[event.conflict_id])
            children[model].append(model(event_ptr_id=event.pk, **fields))
            participants.extend(
                Participant(event_id=event.pk, actor_id=actor, role=role) for actor, role in roles
            )
            for _ in range(rng.randint(1, 2)):
                source_id, number = rng.choice(world.sources)
                citations.append(
                    Citation(
                        event_id=event.pk,
                        source_id=source_id,
                        quote=body_sentence(number, rng.randrange(SENTENCES_PER_BODY)),
                        speaker_id=roles[0][0] if rng.random() < 0.3 else None,
                    )
                )
        # Step 2: the kinds' rows; proposals first, which responses refer to.
        for model in (Proposal, Response, Meeting, ViolationAccusation):
            insert_rows(model, children[model])
            self.rows[model._meta.db_table] += len(children[model])
        self._bulk(Participant, participants)
        self._bulk(Citation, citations)
        # Bulk inserts send no signals: the chunk's search documents in one UPDATE.
        refresh_search_documents(Event.objects.filter(pk__gte=events[0].pk, pk__lte=events[-1].pk))

    def _detail(self, world: World, event: Event) -> tuple[type, dict, list]:
        """The kind's own fields, its participants (actor, role) and the event's title."""
        rng = self.rng
        conflict = event.conflict_id
        place = rng.choice(PLACES)
        topic = rng.choice(TOPICS)
        names = world.names
        Role = Participant.Role
        if event.kind == Event.Kind.PROPOSAL:
            proposer, side = self._side(world, conflict)
            addressee, _ = self._side(world, conflict, other_than=side)
            roles = [(proposer, Role.PROPOSER), (addressee, Role.ADDRESSEE)]
            if rng.random() < 0.4:
                roles.append((rng.choice(world.mediators), Role.MEDIATOR))
            event.title = f"{names[proposer]} proposes a {topic} near {place}"
            return Proposal, self._proposal_fields(event), roles
        if event.kind == Event.Kind.RESPONSE:
            responder, _ = self._side(world, conflict)
            stance = rng.choice(list(Response.Stance))
            mediators = rng.sample(world.mediators, rng.randint(1, 2))
            event.title = f"{names[responder]} {RESPONSE_VERBS[stance]} the {topic} proposal"
            fields = {"proposal_id": None, "responder_id": responder, "stance": stance}
            return Response, fields, [(m, Role.MEDIATOR) for m in mediators]
        if event.kind == Event.Kind.MEETING:
            first, side = self._side(world, conflict)
            second, _ = self._side(world, conflict, other_than=side)
            roles = [(first, Role.DELEGATION), (second, Role.DELEGATION)]
            if rng.random() < 0.7:
                roles.append((rng.choice(world.mediators), rng.choice([Role.HOST, Role.MEDIATOR])))
            event.title = f"Talks on the {topic} in {place}"
            fields = {
                "venue": f"{place} conference centre",
                "meeting_format": rng.choice(list(Meeting.Format)),
            }
            return Meeting, fields, roles
        accuser, side = self._side(world, conflict)
        accused = [a for a in world.parties[conflict] if a != side]
        accused = rng.sample(accused, min(len(accused), rng.randint(1, 2)))
        roles = [(accuser, Role.ACCUSER), *((a, Role.ACCUSED) for a in accused)]
        event.title = f"{names[accuser]} accuses {names[accused[0]]} of shelling near {place}"
        fields = {
            "incident_date": event.date,
            "location": place,
            "allegation": rng.choice(SENTENCES),
            "verification": rng.choice(list(ViolationAccusation.Verification)),
        }
        if self.recent_proposals[conflict] and rng.random() < 0.5:
            fields["proposal_id"] = None  # the truce it breaks, chosen once ids are known
        return ViolationAccusation, fields, roles

    def _proposal_fields(self, event: Event) -> dict:
        rng = self.rng
        kind = rng.choices(list(Proposal.ProposalKind), weights=[30, 15, 15, 20, 8, 7, 5])[0]
        talks = kind == Proposal.ProposalKind.TALKS
        fields = {
            "proposal_kind": kind,
            "scope": "" if talks else rng.choice(list(Proposal.Scope)),
            "unilateral": not talks and rng.random() < 0.2,
            "talks_format": rng.choice(list(Proposal.TalksFormat)) if talks else "",
            "purpose": rng.choice(list(Proposal.Purpose)),
            "duration_hours": rng.choice([None, None, 24, 72, 720]),
            "outcome": rng.choice(
                [Proposal.Outcome.PROPOSED, Proposal.Outcome.REJECTED, Proposal.Outcome.ACCEPTED]
            ),
        }
        chance = rng.random()
        if chance < 0.35:  # took effect, and mostly ended
            start = event.date + datetime.timedelta(days=rng.randint(0, 7))
            fields["effective_from"] = start
            if rng.random() < 0.9:
                fields["ended_on"] = start + datetime.timedelta(days=rng.randint(1, 90))
                fields["end_reason"] = rng.choice(list(Proposal.EndReason))
                fields["outcome"] = Proposal.Outcome.EXPIRED
            else:
                fields["outcome"] = Proposal.Outcome.IN_EFFECT
        elif chance < 0.8:  # only proposed for a period
            start = event.date + datetime.timedelta(days=rng.randint(1, 14))
            fields["proposed_start"] = start
            if rng.random() < 0.9:
                fields["proposed_end"] = start + datetime.timedelta(days=rng.randint(1, 60))
        return fields


def _full_text_sql() -> str:
    """Events matching ``q``, as the API's filter defines a match on this database."""
    if connection.vendor == "postgresql":
        # The expression of the search document's GIN index (migration 0008).
        return f"""
            SELECT e.id FROM events_event e
            WHERE e.editorial_status = 'published'
              AND to_tsvector('english'::regconfig, COALESCE(e.search_document, ''))
                  @@ websearch_to_tsquery('english'::regconfig, %s)
            ORDER BY e.date DESC, e.id DESC LIMIT {PAGE}"""
    # Other databases: a case-insensitive substring of the search document.
    return f"""
        SELECT e.id FROM events_event e
        WHERE e.editorial_status = 'published' AND e.search_document LIKE %s ESCAPE '\\'
        ORDER BY e.date DESC, e.id DESC LIMIT {PAGE}"""


def questions() -> list[Question]:
    """The analysts' questions, with parameters drawn from the data so that they find rows."""
    published = Event.objects.published()

    def most_frequent(queryset, field: str) -> str:
        row = queryset.values(field).annotate(n=Count("id")).order_by("-n", field).first()
        return row[field] if row else ""

    conflict = most_frequent(published, "conflict__slug")
    if not conflict:
        raise CommandError("There are no published events to ask about.")
    actor = most_frequent(
        Participant.objects.filter(event__conflict__slug=conflict, actor__kind=Actor.Kind.STATE),
        "actor__slug",
    )
    # The state (or organization) with the most people serving it.
    organization = most_frequent(Affiliation.objects.all(), "organization__slug")
    after, before = datetime.date(2022, 1, 1), datetime.date(2023, 12, 31)
    day = datetime.date(2020, 6, 15)
    text = SEARCHED_PLACE if connection.vendor == "postgresql" else f"%{SEARCHED_PLACE}%"
    # Every endpoint orders newest first: date DESC, id DESC.
    return [
        Question(
            "timeline",
            "/api/v1/events/",
            f"""SELECT id FROM events_event WHERE editorial_status = 'published'
                ORDER BY date DESC, id DESC LIMIT {PAGE}""",
            [],
        ),
        Question(
            "conflict+actor+dates",
            "/api/v1/events/?"
            + urlencode(
                {"conflict": conflict, "actor": actor, "date_after": after, "date_before": before}
            ),
            f"""SELECT e.id FROM events_event e
                WHERE e.editorial_status = 'published'
                  AND e.conflict_id = (SELECT id FROM events_conflict WHERE slug = %s)
                  AND e.period_end >= %s AND e.date <= %s
                  AND e.id IN (
                      SELECT p.event_id FROM events_participant p
                      JOIN actors_actor a ON a.id = p.actor_id WHERE a.slug = %s
                      UNION
                      SELECT r.event_ptr_id FROM events_response r
                      JOIN actors_actor a ON a.id = r.responder_id WHERE a.slug = %s)
                ORDER BY e.date DESC, e.id DESC LIMIT {PAGE}""",
            [conflict, after, before, actor, actor],
        ),
        Question(
            "proposals in_effect_on",
            f"/api/v1/proposals/?in_effect_on={day}",
            f"""SELECT e.id FROM events_proposal p JOIN events_event e ON e.id = p.event_ptr_id
                WHERE e.editorial_status = 'published'
                AND p.outcome IN ('accepted', 'partially_accepted', 'in_effect', 'expired',
                                  'collapsed')
                AND (
                    (p.effective_from <= %s AND (p.ended_on IS NULL OR p.ended_on >= %s))
                    OR (p.effective_from IS NULL AND p.proposed_start <= %s
                        AND (p.proposed_end IS NULL OR p.proposed_end >= %s)))
                ORDER BY e.date DESC, e.id DESC LIMIT {PAGE}""",
            [day] * 4,
        ),
        Question(
            "full-text q",
            f"/api/v1/events/?q={SEARCHED_PLACE}",
            _full_text_sql(),
            [text],
        ),
        Question(
            "accuser+affiliates",
            f"/api/v1/accusations/?accuser={organization}&include_affiliates=true",
            f"""SELECT e.id FROM events_violationaccusation v
                JOIN events_event e ON e.id = v.event_ptr_id
                WHERE e.editorial_status = 'published' AND e.id IN (
                    SELECT p.event_id FROM events_participant p
                    JOIN actors_actor a ON a.id = p.actor_id
                    WHERE p.role = 'accuser' AND a.slug = %s
                    UNION
                    SELECT p.event_id FROM events_participant p
                    JOIN events_event pe ON pe.id = p.event_id
                    JOIN actors_affiliation f ON f.person_id = p.actor_id
                    JOIN actors_actor o ON o.id = f.organization_id
                    WHERE p.role = 'accuser' AND o.slug = %s
                      AND (f.start_date IS NULL OR f.start_date <= pe.date)
                      AND (f.end_date IS NULL OR f.end_date >= pe.date))
                ORDER BY e.date DESC, e.id DESC LIMIT {PAGE}""",
            [organization, organization],
        ),
        Question(
            f"csv page of {CSV_PAGE}",
            f"/api/v1/events/?conflict={conflict}&page_size={CSV_PAGE}&format=csv",
            f"""SELECT id FROM events_event
                WHERE editorial_status = 'published'
                  AND conflict_id = (SELECT id FROM events_conflict WHERE slug = %s)
                ORDER BY date DESC, id DESC LIMIT {CSV_PAGE}""",
            [conflict],
            is_csv=True,
        ),
    ]


class Command(BaseCommand):
    help = (
        "Fill a database whose name contains 'bench' with N synthetic events, time analysts' "
        "questions through the API and in hand-written SQL (median and p95 of R runs after "
        "a warm-up), check both return the same ids, print a table, then delete the data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--events", type=int, help="How many events to generate (not with --reuse)."
        )
        parser.add_argument(
            "--repeat", type=int, default=10, help="Timed runs per question (default 10)."
        )
        parser.add_argument(
            "--keep", action="store_true", help="Leave the synthetic data in the database."
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Benchmark the events already in the database (left by --keep) instead of "
            "generating new ones.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--allow-any-database",
            action="store_true",
            help="For the test suite only: run on its test database, whatever its name.",
        )

    def handle(self, *args, **options):
        name = str(connection.settings_dict.get("NAME") or "")
        if "bench" not in name.lower() and not options["allow_any_database"]:
            raise CommandError(f"Refusing to use the database {name!r}: {REFUSAL}.")
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        existing = Event.objects.count()
        if existing and not options["reuse"]:
            raise CommandError(
                f"The database already holds {existing:,} events (from a run with --keep?): "
                "pass --reuse to benchmark them, or empty it."
            )
        if not existing and (options["events"] or 0) < 1:
            raise CommandError("Pass --events N (at least 1): the database holds no events.")

        # DEBUG off throughout, as in production: no query log (it would hold every INSERT).
        with override_settings(DEBUG=False):
            try:
                if not existing:
                    self.stdout.write(f"Generating {options['events']:,} synthetic events…")
                    Generator(options["events"], options["seed"], self.stdout.write).run()
                    self._analyze()
                results = self._benchmark(options["repeat"], options["verbosity"])
            finally:
                if not options["keep"]:
                    self._delete()
        mismatches = [r.question.name for r in results if not r.same]
        if mismatches:
            raise CommandError(
                f"MISMATCH: the API and the SQL returned different ids for: "
                f"{', '.join(mismatches)}."
            )

    def _analyze(self) -> None:
        if connection.vendor != "postgresql":
            return
        # VACUUM also sets the visibility map that index-only scans rely on, as autovacuum
        # would in production; it cannot run in a transaction (the test suite's), ANALYZE can.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write("Analyzed the tables.")

    def _delete(self) -> None:
        tables = [model._meta.db_table for model in CURATED_MODELS]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Inside a transaction (the test suite's) deferred foreign-key checks of the
                # inserts are still pending, and TRUNCATE refuses to run while they are.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
                cursor.execute(f"TRUNCATE {quoted} CASCADE")
            else:
                for table in tables:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        self.stdout.write("Deleted the synthetic data (conflicts, actors, sources, events).")

    def _benchmark(self, repeat: int, verbosity: int) -> list[Result]:
        asked = questions()
        self.stdout.write("")
        for question in asked:
            self.stdout.write(f"{question.name:<24} {question.url}")
        self.stdout.write("")
        client = Client()
        results = []
        # An anonymous reader, who sees the public record.
        with override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], API_READ_REQUIRES_TOKEN=False
        ):
            for question in asked:
                results.append(self._ask(client, question, repeat, verbosity))
        self._table(results)
        return results

    def _ask(self, client: Client, question: Question, repeat: int, verbosity: int) -> Result:
        # Each request empties the query log, so the capture must start from an empty one.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(question.url)  # warm-up, and the queries it takes
        api_queries = list(captured.captured_queries)  # read before the next request resets
        if response.status_code != 200:
            raise CommandError(
                f"{question.url} answered {response.status_code}: {response.content[:500]!r}"
            )
        if question.is_csv:
            reader = csv.DictReader(io.StringIO(response.content.decode()))
            api_ids = [int(row["id"]) for row in reader]
        else:
            api_ids = [row["id"] for row in response.json()["results"]]

        def run_sql() -> list[int]:
            with connection.cursor() as cursor:
                cursor.execute(question.sql, question.params)
                return [row[0] for row in cursor.fetchall()]

        sql_ids = run_sql()  # warm-up
        api_ms = self._time(lambda: client.get(question.url), repeat)
        sql_ms = self._time(run_sql, repeat)
        same = api_ids == sql_ids
        if not same:
            self.stderr.write(
                f"MISMATCH in {question.name}: API {len(api_ids)} ids {api_ids[:10]}…, "
                f"SQL {len(sql_ids)} ids {sql_ids[:10]}…"
            )
        if verbosity > 1:
            self.stdout.write(f"-- {question.name}: the API's queries")
            for query in api_queries:
                self.stdout.write(f"{query['sql']};  -- {float(query['time']) * 1000:.1f} ms")
            self.stdout.write(f"-- {question.name}: the hand-written SQL\n{question.sql}")
        return Result(question, len(api_ids), len(api_queries), api_ms, sql_ms, same)

    @staticmethod
    def _time(call: Callable, repeat: int) -> list[float]:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        return times

    def _table(self, results: list[Result]) -> None:
        header = (
            f"{'question':<24} {'rows':>5} {'queries':>7}  {'API median':>10} {'API p95':>8}  "
            f"{'SQL median':>10} {'SQL p95':>8}  {'API/SQL':>7}  ids"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            ratio = median(r.api_ms) / median(r.sql_ms) if median(r.sql_ms) else float("inf")
            self.stdout.write(
                f"{r.question.name:<24} {r.rows:>5} {r.queries:>7}  "
                f"{median(r.api_ms):>10.1f} {p95(r.api_ms):>8.1f}  "
                f"{median(r.sql_ms):>10.1f} {p95(r.sql_ms):>8.1f}  "
                f"{ratio:>6.1f}x  {'same' if r.same else 'MISMATCH'}"
            )
        self.stdout.write("Times in ms; API through Django's test client, SQL through a cursor.")
