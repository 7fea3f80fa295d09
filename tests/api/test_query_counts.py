"""Every list costs the same few queries for 1 row as for 100: no query per row (no N+1).

Each test builds 101 rich rows (several actors in several roles, two citations with speaker
and via, links to other records) and reads a page of 1 row, then a page of 100 rows; the
largest pages (50 and 1000 rows) stay within the same bound.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event, Participant
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorAliasFactory,
    ActorFactory,
    AffiliationFactory,
    CitationFactory,
    ConflictFactory,
    LocationFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED = Event.Status.PUBLISHED
ROLES = Participant.Role


class World:
    """A conflict, a pool of actors and sources, and a maker of rows for each list."""

    def __init__(self):
        self.conflict = ConflictFactory(slug="war", name="War")
        self.actors = [ActorFactory(slug=f"actor-{n}") for n in range(8)]
        outlet = ActorFactory(slug="tass", kind="media")
        self.sources = [
            SourceFactory(outlet=outlet, archive_url=f"https://archive.example.org/{n}")
            for n in range(3)
        ]
        self.cycle = itertools.cycle(range(1000))

    def pick(self, count: int) -> list:
        """``count`` different actors, not the same ones each time."""
        start = next(self.cycle)
        return [self.actors[(start + i) % len(self.actors)] for i in range(count)]

    def event(self, factory, roles, **fields):
        """A published event with two actors in each of ``roles`` and two citations."""
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=next(self.cycle) % 300)
        event = factory(conflict=self.conflict, date=day, editorial_status=PUBLISHED, **fields)
        actors = self.pick(2 * len(roles))
        for index, role in enumerate(roles):
            for actor in actors[2 * index : 2 * index + 2]:
                ParticipantFactory(event=event, actor=actor, role=role)
        speaker, via = self.pick(2)
        for source in self.sources[:2]:
            CitationFactory(event=event, source=source, speaker=speaker, via=via)
        # Two places: the first gives the row's latitude and longitude.
        LocationFactory(event=event)
        LocationFactory(event=event, name="Kyiv", admin1="UA-30", latitude=None, longitude=None)
        return event

    def proposal(self):
        proposal = self.event(ProposalFactory, [ROLES.PROPOSER, ROLES.ADDRESSEE, ROLES.MEDIATOR])
        # Links to other proposals are ids: they must not cost a query each.
        proposal.extends = ProposalFactory(conflict=self.conflict)
        proposal.save()
        return proposal

    def response(self):
        proposal = ProposalFactory(conflict=self.conflict)
        return self.event(ResponseFactory, [], proposal=proposal, responder=self.pick(1)[0])

    def meeting(self):
        meeting = self.event(MeetingFactory, [ROLES.MEDIATOR, ROLES.HOST, ROLES.DELEGATION])
        meeting.produced.set([ProposalFactory(conflict=self.conflict)])
        meeting.discussed.set([ProposalFactory(conflict=self.conflict)])
        return meeting

    def accusation(self):
        return self.event(AccusationFactory, [ROLES.ACCUSER, ROLES.ACCUSED])

    def actor(self):
        actor = ActorFactory()
        ActorAliasFactory(actor=actor)
        ActorAliasFactory(actor=actor)
        AffiliationFactory(person=actor, organization=self.pick(1)[0])

    def affiliation(self):
        AffiliationFactory(person=ActorFactory(kind="person"), organization=self.pick(1)[0])

    def conflict_row(self):
        ConflictFactory().parties.set(self.pick(2))

    def source(self):
        # A source the public sees: a published event cites it.
        if not hasattr(self, "citing"):
            self.citing = ProposalFactory(conflict=self.conflict, editorial_status=PUBLISHED)
        CitationFactory(event=self.citing, source=SourceFactory(outlet=self.pick(1)[0]))

    def timeline(self):
        # Every kind in turn, so the timeline mixes them.
        kind = [self.proposal, self.response, self.meeting, self.accusation]
        kind[next(self.cycle) % 4]()


MAKERS = {
    "actors": World.actor,
    "affiliations": World.affiliation,
    "conflicts": World.conflict_row,
    "sources": World.source,
    "events": World.timeline,
    "proposals": World.proposal,
    "responses": World.response,
    "meetings": World.meeting,
    "accusations": World.accusation,
}

# The most queries an anonymous reader's page may cost, whatever its length:
#   all lists: 1 COUNT(*) of at most API_EXACT_COUNT_LIMIT + 1 rows (none when the page reaches
#   the end of the list), 1 SELECT of the page (foreign keys shown on the
#   row joined: conflict; a response's responder and proposal; a source's outlet; an
#   affiliation's person and organization);
#   actors: + aliases, + affiliations with their organizations;
#   conflicts: + parties, + UCDP dyads;
#   events and every kind: + participants with their actors, + citations with their source,
#   speaker and via, + locations (a timeline row's proposal_kind, outcome, stance and proposal
#   come with the page: its kinds' tables joined, a meeting's proposal a subquery);
#   meetings: + produced, + discussed.
MAX_QUERIES = {
    "actors": 4,
    "affiliations": 2,
    "conflicts": 4,
    "sources": 2,
    "events": 5,
    "proposals": 5,
    "responses": 5,
    "meetings": 7,
    "accusations": 5,
}
EVENT_LISTS = ["events", "proposals", "responses", "meetings", "accusations"]


def queries_for(client, url: str, params: dict, rows: int | None) -> list[str]:
    """The SQL of one GET of ``url`` with a page of ``rows`` rows."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, {**params, "page_size": rows})
    assert response.status_code == 200, response.content
    if params.get("format") == "csv":
        assert response.content.decode().count("\n") >= rows
    else:
        assert len(response.json()["results"]) == rows
    return [query["sql"] for query in context.captured_queries]


def assert_constant(client, endpoint: str, params: dict | None = None, maker=None) -> list[str]:
    """Build 101 rows; a page of 1 and a page of 100 cost the same queries (both have a next
    page, so both count the rows). Returns them."""
    params = params or {}
    world = World()
    for _ in range(101):
        (maker or MAKERS[endpoint])(world)
    url = f"/api/v1/{endpoint}/"
    one = queries_for(client, url, params, rows=1)
    hundred = queries_for(client, url, params, rows=100)
    assert len(hundred) == len(one), "\n".join(hundred)
    return one


@pytest.mark.parametrize("endpoint", MAKERS)
def test_a_list_costs_the_same_queries_for_1_and_100_rows(
    anonymous, endpoint, django_assert_max_num_queries
):
    one = assert_constant(anonymous, endpoint)

    for size in (50, 100, 1000):
        with django_assert_max_num_queries(MAX_QUERIES[endpoint]):
            anonymous.get(f"/api/v1/{endpoint}/", {"page_size": size})
    assert len(one) <= MAX_QUERIES[endpoint], "\n".join(one)


@pytest.mark.parametrize("endpoint", EVENT_LISTS)
def test_an_editors_list_costs_the_same_queries_for_1_and_100_rows(
    editor_api, endpoint, django_assert_max_num_queries
):
    assert_constant(editor_api, endpoint)

    # The reader's queries, plus: the token with its user, the user's permissions and the
    # permissions of the user's groups (asked once, to decide whether drafts are shown).
    for size in (50, 1000):
        with django_assert_max_num_queries(MAX_QUERIES[endpoint] + 3):
            editor_api.get(f"/api/v1/{endpoint}/", {"page_size": size})


def test_the_csv_timeline_costs_the_same_queries_for_1_and_100_rows(
    anonymous, django_assert_max_num_queries
):
    one = assert_constant(anonymous, "events", {"format": "csv"})

    # COUNT(*), the page, participants with actors, citations with source, speaker and via,
    # locations.
    with django_assert_max_num_queries(5):
        anonymous.get("/api/v1/events/", {"page_size": 100, "format": "csv"})
    assert len(one) <= 5, "\n".join(one)


def test_a_filtered_timeline_costs_the_same_queries_for_1_and_100_rows(
    anonymous, django_assert_max_num_queries
):
    every_actor = ",".join(f"actor-{n}" for n in range(8))
    params = {"actor": every_actor, "conflict": "war", "include_affiliates": "true"}

    one = assert_constant(anonymous, "events", params, maker=World.accusation)

    # The actor and conflict filters look up their slugs, include_affiliates the people
    # ever affiliated with the actors, then COUNT(*), the page, participants with their
    # actors, citations with source, speaker and via, locations.
    with django_assert_max_num_queries(8):
        anonymous.get("/api/v1/events/", {"page_size": 100, **params})
    assert len(one) <= 8, "\n".join(one)


def timed_truce(world):
    """A proposal in effect with its exact hours, shown in its time zone."""
    proposal = World.proposal(world)
    proposal.outcome = "expired"
    day = proposal.effective_from = proposal.ended_on = datetime.date(2025, 4, 20)
    proposal.starts_at = datetime.datetime.combine(day, datetime.time(6))
    proposal.ends_at = datetime.datetime.combine(day, datetime.time(18))
    proposal.time_zone = "Europe/Kyiv"
    proposal.save()


@pytest.mark.parametrize("endpoint", ["proposals", "events"])
def test_in_effect_at_costs_one_query_more_for_1_and_100_rows(
    anonymous, endpoint, django_assert_max_num_queries
):
    moment = "2025-04-20T12:00:00+03:00"
    one = assert_constant(anonymous, endpoint, {"in_effect_at": moment}, maker=timed_truce)

    # The proposals in effect around that day with their periods (their exact bounds decide),
    # then the list's own queries.
    with django_assert_max_num_queries(MAX_QUERIES[endpoint] + 1):
        anonymous.get(f"/api/v1/{endpoint}/", {"page_size": 100, "in_effect_at": moment})
    assert len(one) <= MAX_QUERIES[endpoint] + 1, "\n".join(one)
