"""The public lists are read from the indexes made for them (PostgreSQL's plans).

A public list's rows are the published ones, newest first: ``event_published_date`` and, for a
conflict's, ``event_published_conflict`` hold them in that order, so that a page reads its rows
in index order and the capped count and a numbered page's ids come from the index alone. An
actor's events are looked up in ``participant_actor_role`` and ``response_responder``, which
hold the event's id. A change to the list's query that stops matching an index (its condition,
its order) fails here. On a few rows a scan is cheaper: the planner is told to avoid one.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from events.models import Event, Participant
from tests.factories import ActorFactory, ConflictFactory, ParticipantFactory, ProposalFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans"),
]

API = "/api/v1"


@pytest.fixture
def events():
    conflict = ConflictFactory(slug="war")
    party = ActorFactory(slug="party")
    made = [
        ProposalFactory(conflict=conflict, editorial_status=Event.Status.PUBLISHED)
        for _ in range(6)
    ]
    for event in made:
        ParticipantFactory(event=event, actor=party, role=Participant.Role.PROPOSER)
    return made


def queries(path: str, params: dict) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = APIClient().get(path, params)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def one(sqls: list[str], pattern: str) -> str:
    found = [sql for sql in sqls if re.search(pattern, sql)]
    assert len(found) == 1, sqls
    return found[0]


def test_a_conflicts_page_and_count_read_the_published_conflict_index(events):
    sqls = queries(f"{API}/events/", {"conflict": "war", "page_size": 2})

    count = plan(one(sqls, r"^SELECT COUNT\(\*\)"))
    page = plan(one(sqls, r'^SELECT "events_event"."id" AS "id"'))

    assert "Index Only Scan using event_published_conflict" in count, count
    assert "using event_published_conflict" in page, page
    assert "Sort" not in page.split("using event_published_conflict")[0], page


def test_a_numbered_page_finds_its_ids_in_the_published_date_index(events):
    sqls = queries(f"{API}/events/", {"page_size": 2, "page": 2})

    page = plan(one(sqls, r'^SELECT "events_event"."id" AS "id"'))

    assert "Index Only Scan using event_published_date" in page, page
    assert "OFFSET 2" in one(sqls, r'^SELECT "events_event"."id" AS "id"')


@pytest.mark.parametrize("params", [{"actor": "party"}, {"proposer": "party"}])
def test_an_actors_events_are_looked_up_in_the_covering_indexes(events, params):
    sqls = queries(f"{API}/events/", {**params, "page_size": 2})

    count = plan(one(sqls, r"^SELECT COUNT\(\*\)"))

    if "proposer" in params:
        assert "Index Only Scan using participant_actor_role" in count, count
    else:  # by event and actor (per row) or by actor (hashed): from an index either way
        assert re.search(r"Index Only Scan using participant_(actor|unique)_role", count), count
        # a response's responder takes part too
        assert "Index Only Scan using response_responder" in count, count


def test_a_conflicts_counts_by_kind_and_month_read_the_published_conflict_index(events):
    sqls = queries(f"{API}/conflicts/war/counts/", {})

    counts = plan(one(sqls, r"GROUP BY"))

    assert "Index Only Scan using event_published_conflict" in counts, counts


@pytest.mark.parametrize(
    "path,page_query",
    [
        ("proposals", r'^SELECT "events_proposal"\."event_ptr_id" AS "id"'),
        ("events", r'^SELECT "events_event"\."id" AS "id"'),
    ],
)
def test_in_effect_at_reads_periods_from_the_proposals_indexes_and_rows_by_id(
    events, path, page_query
):
    for day, proposal in enumerate(events, start=15):
        proposal.outcome = "expired"
        proposal.effective_from = proposal.ended_on = proposal.date.replace(day=day)
        proposal.save()
    sqls = queries(f"{API}/{path}/", {"in_effect_at": "2025-04-20T12:00:00Z", "page_size": 2})

    # The proposals in effect around the moment's day, as in_effect_on finds them.
    candidates = plan(one(sqls, r'AS "pk", "events_proposal"\."effective_from"'))
    page = plan(one(sqls, page_query))

    assert "Seq Scan" not in candidates, candidates
    assert re.search(r"using proposal_(outcome|effective|proposed)", candidates), candidates
    assert "= ANY ('{" in page, page  # the ids found, one array parameter
    assert "Seq Scan" not in page, page
