"""List pages stay cheap: the same queries for 1 row and for many, no COUNT(*) of a big table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Participant
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {
    "proposal": ProposalFactory,
    "response": ResponseFactory,
    "meeting": MeetingFactory,
    "violationaccusation": AccusationFactory,
    "event": ResponseFactory,  # responses and their proposals: both kinds on the timeline
}


def make_rows(factory, count):
    conflict = ConflictFactory(name="Shared")
    for _ in range(count):
        event = factory(conflict=conflict)
        ParticipantFactory(event=event, actor=ActorFactory(), role=Participant.Role.PROPOSER)
        ParticipantFactory(event=event, actor=ActorFactory(), role=Participant.Role.ADDRESSEE)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), context.captured_queries


@pytest.mark.parametrize("model", FACTORIES)
def test_changelist_queries_do_not_grow_with_rows(reviewer_client, model):
    url = reverse(f"admin:events_{model}_changelist")
    make_rows(FACTORIES[model], 1)
    one, _ = count_queries(reviewer_client, url)
    make_rows(FACTORIES[model], 20)
    many, queries = count_queries(reviewer_client, url)
    # Session, user, permissions, the count, the page, the prefetched participants with their
    # actors, the conflict filter's choices and the year filter's range: fixed, whatever the rows.
    assert many == one, [q["sql"] for q in queries]


def test_actor_changelist_queries_do_not_grow(reviewer_client, django_assert_max_num_queries):
    url = reverse("admin:actors_actor_changelist")
    ActorFactory()
    one, _ = count_queries(reviewer_client, url)
    for _ in range(20):
        ActorFactory()
    many, _ = count_queries(reviewer_client, url)
    assert many == one


def test_big_unfiltered_list_is_not_counted_row_by_row(reviewer_client, settings):
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    make_rows(ProposalFactory, 3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_proposal")
    settings.ADMIN_ESTIMATED_COUNT_THRESHOLD = 1
    _, queries = count_queries(reviewer_client, reverse("admin:events_proposal_changelist"))
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts == [], counts
    # A filtered list is counted exactly: that number is what the editor reads.
    _, queries = count_queries(
        reviewer_client, reverse("admin:events_proposal_changelist") + "?outcome__exact=proposed"
    )
    assert any("COUNT(" in q["sql"].upper() for q in queries)


@pytest.mark.parametrize(
    "query",
    [
        "kind__exact=proposal",
        "editorial_status__exact=draft",
        "as_proposal__outcome__exact=proposed",
    ],
)
def test_timeline_filters(reviewer_client, query):
    proposal = ProposalFactory(title="A proposal")
    response = ResponseFactory(
        title="A response", proposal__title="Its proposal", editorial_status="published"
    )
    page = reviewer_client.get(reverse("admin:events_event_changelist") + "?" + query)
    body = page.content.decode()
    assert page.status_code == 200
    assert proposal.title in body
    assert response.title not in body
