"""The aggregates are computed once per data version and kept in the shared cache: every
reader reuses them until a write of curated data (a publication, a retraction, any change),
after which the next response counts it."""

import datetime

import pytest
import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event, Participant
from lib import dataversion
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    ParticipantFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db

COUNTS = "/api/v1/conflicts/war/counts/"
MATRIX = "/api/v1/conflicts/war/accusation-matrix/"
PUBLISHED = Event.Status.PUBLISHED
needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="REDIS_URL is not set: the shared cache is local memory (set REDIS_URL, as .ci/run "
    "does when Redis answers on 127.0.0.1:6379, to test against Redis)",
)


@pytest.fixture
def war(db):
    return ConflictFactory(slug="war", name="War")


def cited_proposal(conflict, status=PUBLISHED):
    event = ProposalFactory(
        conflict=conflict, date=datetime.date(2025, 3, 8), editorial_status=status
    )
    CitationFactory(event=event)
    return event


def total(response) -> int:
    assert response.status_code == 200, response.content
    return sum(cell["count"] for cell in response.json()["counts"])


def queries_of(client, path: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()


def test_an_aggregate_is_computed_once_per_data_version(anonymous, analyst, war):
    cited_proposal(war)
    first_queries, first = queries_of(anonymous, COUNTS)
    # Asked again, the same data: the conflict (with its parties) is looked up, the events
    # are not counted again.
    second_queries, second = queries_of(anonymous, COUNTS)
    assert second == first
    assert second_queries == first_queries - 1
    # Another reader (a token: one more query for it) shares it.
    assert queries_of(analyst, COUNTS) == (second_queries + 1, first)


def test_the_period_has_its_own_cached_aggregate(anonymous, war):
    cited_proposal(war)
    assert total(anonymous.get(COUNTS)) == 1
    assert total(anonymous.get(COUNTS, {"date_after": "2025-03-09"})) == 0
    # The equal edge: an event on date_after is within the period.
    assert total(anonymous.get(COUNTS, {"date_after": "2025-03-08"})) == 1


@pytest.mark.parametrize(
    "step, status, before, after",
    [("publish", Event.Status.IN_REVIEW, 1, 2), ("retract", PUBLISHED, 2, 1)],
)
def test_a_publication_or_retraction_changes_the_next_counts(
    anonymous, reviewer_api, war, step, status, before, after, django_capture_on_commit_callbacks
):
    cited_proposal(war)
    changed = cited_proposal(war, status=status)
    assert total(anonymous.get(COUNTS)) == before

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_api.post(f"/api/v1/proposals/{changed.pk}/{step}/")
    assert response.status_code == 200, response.content

    assert total(anonymous.get(COUNTS)) == after


def test_a_new_participant_changes_the_next_accusation_matrix(
    anonymous, war, django_capture_on_commit_callbacks
):
    russia, ukraine = ActorFactory(slug="russia"), ActorFactory(slug="ukraine")
    accusation = AccusationFactory(conflict=war, editorial_status=PUBLISHED)
    ParticipantFactory(event=accusation, actor=russia, role=Participant.Role.ACCUSER)
    assert anonymous.get(MATRIX).json()["matrix"] == []

    with django_capture_on_commit_callbacks(execute=True):
        ParticipantFactory(event=accusation, actor=ukraine, role=Participant.Role.ACCUSED)

    matrix = anonymous.get(MATRIX).json()["matrix"]
    assert matrix == [{"accuser": "russia", "accused": "ukraine", "count": 1}]


def test_a_lost_version_starts_a_new_one(war):
    before = dataversion.current_version()
    cache.delete(dataversion.KEY)
    assert dataversion.current_version() not in (None, before)


@needs_redis
def test_the_shared_cache_is_redis_and_every_process_sees_the_version(
    anonymous, war, django_capture_on_commit_callbacks
):
    assert isinstance(caches["default"], RedisCache)
    with django_capture_on_commit_callbacks(execute=True):
        cited_proposal(war)
    version = dataversion.current_version()
    # What another process reads: its own connection to the same Redis.
    raw = redis.Redis.from_url(settings.REDIS_URL)
    assert raw.exists(cache.make_and_validate_key(dataversion.KEY))
    other = caches.create_connection("default")
    assert other.get(dataversion.KEY) == version

    assert total(anonymous.get(COUNTS)) == 1
    # The other process finds the aggregate computed here.
    keys = raw.keys(cache.make_and_validate_key("aggregate:counts:*"))
    assert keys


def test_with_replicas_a_fresh_change_is_neither_cached_nor_validated(
    anonymous, war, settings, django_capture_on_commit_callbacks
):
    # A replica may replay the change a moment later: until the pin's seconds have passed,
    # what a read finds is not kept under the new version.
    settings.DATABASE_READ_REPLICAS = ["replica"]
    settings.DATABASE_REPLICA_PIN_SECONDS = 3600
    with django_capture_on_commit_callbacks(execute=True):
        cited_proposal(war)
    response = anonymous.get(COUNTS)
    assert not response.has_header("ETag")
    assert "no-cache" in response["Cache-Control"]
    first_queries, _ = queries_of(anonymous, COUNTS)
    assert queries_of(anonymous, COUNTS)[0] == first_queries  # counted again: not kept

    # Settled (the pin's seconds passed: 0 here): kept and validated again.
    settings.DATABASE_REPLICA_PIN_SECONDS = 0
    assert anonymous.get(COUNTS).has_header("ETag")
    assert queries_of(anonymous, COUNTS)[0] == first_queries - 1
