"""The timeline's rows: every kind, its shared fields, and what the row says of its kind —
who answered a response and how, which proposal a row is about, a proposal's kind and
outcome."""

import csv
import datetime
import io

import pytest

from events.models import Event, Proposal, Response
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    ConflictFactory,
    MeetingFactory,
    ProposalFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED = Event.Status.PUBLISHED
ROW_FIELDS = ("proposal_kind", "outcome", "proposal", "responder", "stance")


def timeline_rows(client, **params) -> dict[int, dict]:
    response = client.get("/api/v1/events/", {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


def row_fields(row: dict) -> dict:
    return {name: row[name] for name in ROW_FIELDS}


def about(**given) -> dict:
    """A row's fields as expected: those given, null the others."""
    return {name: given.get(name) for name in ROW_FIELDS}


@pytest.fixture
def story(db):
    """A proposal and everything that refers to it, each published."""
    war = ConflictFactory(slug="war")
    ukraine = ActorFactory(slug="ukraine")

    def published(factory, **fields):
        return factory(conflict=war, editorial_status=PUBLISHED, **fields)

    truce = published(
        ProposalFactory,
        proposal_kind=Proposal.ProposalKind.HUMANITARIAN_PAUSE,
        outcome=Proposal.Outcome.COLLAPSED,
    )
    talks = published(ProposalFactory, proposal_kind=Proposal.ProposalKind.TALKS)
    later = published(ProposalFactory)
    answer = published(
        ResponseFactory, proposal=truce, responder=ukraine, stance=Response.Stance.DISMISSED
    )
    violation = published(AccusationFactory, proposal=truce)
    unnamed = published(AccusationFactory)
    # Produced the later proposal and the talks (the lower id), discussed the truce.
    summit = published(MeetingFactory, outcome="Agreed to meet again.")
    summit.produced.set([later, talks])
    summit.discussed.set([truce])
    # Discussed two proposals, produced none: the lower id.
    round_two = published(MeetingFactory)
    round_two.discussed.set([later, talks])
    chat = published(MeetingFactory)
    return {
        name: event
        for name, event in locals().items()
        if isinstance(event, Event) and name != "war"
    }


def test_each_row_says_what_it_is_about(anonymous, story):
    rows = timeline_rows(anonymous)

    assert {pk: row_fields(row) for pk, row in rows.items()} == {
        story["truce"].pk: about(proposal_kind="humanitarian_pause", outcome="collapsed"),
        story["talks"].pk: about(proposal_kind="talks", outcome="proposed"),
        story["later"].pk: about(proposal_kind="ceasefire", outcome="proposed"),
        story["answer"].pk: about(
            proposal=story["truce"].pk, responder="ukraine", stance="dismissed"
        ),
        story["violation"].pk: about(proposal=story["truce"].pk),
        story["unnamed"].pk: about(),
        # A meeting's outcome is text on its detail, never in the proposal outcome column.
        story["summit"].pk: about(proposal=story["talks"].pk),
        story["round_two"].pk: about(proposal=story["talks"].pk),
        story["chat"].pk: about(),
    }


def test_a_meeting_that_produced_a_proposal_is_about_it_not_the_lower_one_it_discussed(
    anonymous, story
):
    summit = story["summit"]
    assert story["truce"].pk < story["talks"].pk  # the discussed one has the lower id

    assert timeline_rows(anonymous)[summit.pk]["proposal"] == story["talks"].pk


def test_the_row_fields_are_in_the_csv_row(anonymous, story):
    response = anonymous.get("/api/v1/events/", {"format": "csv", "page_size": 100})
    rows = {int(row["id"]): row for row in csv.DictReader(io.StringIO(response.content.decode()))}

    assert {name: rows[story["answer"].pk][name] for name in ROW_FIELDS} == {
        "proposal_kind": "",
        "outcome": "",
        "proposal": str(story["truce"].pk),
        "responder": "ukraine",
        "stance": "dismissed",
    }
    assert rows[story["truce"].pk]["outcome"] == "collapsed"


def test_the_row_fields_follow_the_status_fields_in_the_header(anonymous, story):
    results = anonymous.get("/api/v1/events/").json()["results"]

    keys = list(results[0])
    assert keys[keys.index("editorial_status") + 1 : keys.index("proposers")] == list(ROW_FIELDS)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"outcome": "collapsed"}, ["truce"]),
        ({"stance": "dismissed"}, ["answer"]),
        ({"kind": "meeting"}, ["summit", "round_two", "chat"]),
        ({"proposal_kind": "talks"}, ["talks"]),
    ],
)
def test_filters_on_the_kinds_fields_keep_the_row_fields(anonymous, story, params, expected):
    everything = timeline_rows(anonymous)

    rows = timeline_rows(anonymous, **params)

    assert set(rows) == {story[name].pk for name in expected}
    for pk, row in rows.items():
        assert row_fields(row) == row_fields(everything[pk])


def test_a_tombstone_shows_none_of_the_row_fields(anonymous, story):
    answer = story["answer"]
    answer.editorial_status = Event.Status.RETRACTED
    answer.save()

    rows = timeline_rows(anonymous, updated_after="2000-01-01T00:00:00Z")

    assert set(rows[answer.pk]) == {"id", "kind", "editorial_status", "updated_at"}


def test_a_response_row_names_its_responder(anonymous):
    ukraine = ActorFactory(slug="ukraine")
    response = ResponseFactory(
        responder=ukraine, editorial_status="published", proposal__editorial_status="published"
    )
    rows = timeline_rows(anonymous)
    assert rows[response.pk]["responder"] == "ukraine"
    assert rows[response.pk]["url"].endswith(f"/api/v1/responses/{response.pk}/")
    assert rows[response.proposal_id]["responder"] is None


def test_the_row_fields_cost_no_query_per_row(anonymous, django_assert_max_num_queries):
    # COUNT(*), the page with its kinds' fields (joined; a meeting's proposal a subquery),
    # participants with their actors, citations with source, speaker and via, locations.
    def read(page_size):
        with django_assert_max_num_queries(5):
            response = anonymous.get("/api/v1/events/", {"page_size": page_size})
        return response.json()["results"]

    war = ConflictFactory()
    day = datetime.date(2025, 3, 1)
    proposals = [
        ProposalFactory(conflict=war, editorial_status=PUBLISHED, date=day) for _ in range(3)
    ]
    for proposal in proposals:
        ResponseFactory(conflict=war, editorial_status=PUBLISHED, proposal=proposal)
        AccusationFactory(conflict=war, editorial_status=PUBLISHED, proposal=proposal)
        meeting = MeetingFactory(conflict=war, editorial_status=PUBLISHED)
        meeting.produced.set(proposals[:2])
        meeting.discussed.set(proposals[1:])

    assert len(read(1)) == 1
    assert len(read(100)) == 12
