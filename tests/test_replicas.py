"""Reads from a real streaming replica (scripts/ensure-replica runs one on 127.0.0.1:5433).

The replica alias reads the test database pytest creates on the primary (TEST MIRROR): it
receives the tables and rows by replication, so these tests commit (``transaction=True``)
and wait until the replica has replayed the primary's WAL before they read.

Which database answered is told by the queries each connection ran. Without a replica
(DATABASE_REPLICA_URLS unset or unreachable) the tests skip, except in CI (CI=true), where a
missing replica is a failure: `make test` and .ci/run start one.
"""

import os
import time

import pytest
from django.conf import settings
from django.db import DatabaseError, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from lib.replicas import PIN_COOKIE, PrimaryReplicaRouter, replica_lag
from tests.api.personas import token_client
from tests.factories import CitationFactory, ProposalFactory, UserFactory

REPLICA = "replica"
TIMEOUT = 30  # seconds a replica may take to replay a commit before the test fails
DATABASES = ["default", REPLICA] if REPLICA in settings.DATABASES else ["default"]


def on_the_replica(test):
    """A test that commits (the replica only sees committed rows) and reads the replica."""
    test = pytest.mark.django_db(transaction=True, databases=DATABASES)(test)
    return pytest.mark.usefixtures("replica")(test)


def _sql(alias: str, query: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def wait_until(condition, what: str) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not {what} within {TIMEOUT}s")
        time.sleep(0.05)


def wait_for_replica(done: str = "replay") -> None:
    """Until the replica has received (``done="receive"``) or replayed everything the primary
    has written so far."""
    position = _sql("default", "SELECT pg_current_wal_lsn()")
    query = f"SELECT pg_last_wal_{done}_lsn() >= %s::pg_lsn"
    wait_until(lambda: _sql(REPLICA, query, [position]), f"{done} {position}")


@pytest.fixture
def replica():
    """The replica, caught up with the primary; a skip (a failure in CI) when there is none."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("replicas are PostgreSQL's; this run uses another database")
    reason = None
    if REPLICA not in settings.DATABASES:
        reason = "DATABASE_REPLICA_URLS is not set (scripts/ensure-replica starts a replica)"
    else:
        try:
            if not _sql(REPLICA, "SELECT pg_is_in_recovery()"):
                reason = f"{REPLICA} is not a replica: it is not in recovery"
        except DatabaseError as error:
            reason = f"the replica cannot be reached ({error}); run scripts/ensure-replica"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    wait_for_replica()


class Replay:
    """Pauses and resumes the replica's replay of the primary's WAL (it still receives it)."""

    def pause(self) -> None:
        _sql(REPLICA, "SELECT pg_wal_replay_pause()::text")
        state = "SELECT pg_get_wal_replay_pause_state()"
        wait_until(lambda: _sql(REPLICA, state) == "paused", "pause its replay")

    def resume(self) -> None:
        _sql(REPLICA, "SELECT pg_wal_replay_resume()::text")
        wait_for_replica()


@pytest.fixture
def replay(replica):
    """Replay, resumed after the test whatever happened."""
    yield Replay()
    _sql(REPLICA, "SELECT pg_wal_replay_resume()::text")


class Queries:
    """The queries each database ran during a block."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections[REPLICA])
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc_info):
        self.replica.__exit__(*exc_info)
        self.primary.__exit__(*exc_info)


def published_proposal(title: str = "Easter truce"):
    return CitationFactory(event=ProposalFactory(title=title, editorial_status="published")).event


@on_the_replica
@pytest.mark.parametrize(
    "url", ["/api/v1/proposals/", "/api/v1/events/", "/api/v1/proposals/export.csv"]
)
def test_an_anonymous_list_or_export_reads_from_the_replica(url):
    published_proposal()
    wait_for_replica()

    with Queries() as queries:
        response = Client().get(url)
        # An export streams: its rows are read while the body is sent.
        body = b"".join(response.streaming_content if response.streaming else [response.content])

    assert response.status_code == 200
    assert "Easter truce" in body.decode()
    assert len(queries.primary) == 0
    assert len(queries.replica) > 0
    # The connection that answered is the standby's.
    assert _sql(REPLICA, "SELECT pg_is_in_recovery()") is True


@on_the_replica
def test_an_editor_reads_their_write_in_the_next_request_and_the_public_after_replay(
    reviewer_client, replay
):
    proposal = published_proposal()
    wait_for_replica()
    replay.pause()
    detail = f"/api/v1/proposals/{proposal.pk}/"

    with Queries() as queries:
        written = reviewer_client.patch(
            detail, {"title": "Easter truce, extended"}, content_type="application/json"
        )
    assert written.status_code == 200, written.content
    assert len(queries.primary) > 0
    assert len(queries.replica) == 0
    assert written.cookies[PIN_COOKIE]["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS

    # The very next request of the editor reads the primary: their own write.
    with Queries() as queries:
        read = reviewer_client.get(detail)
    assert read.json()["title"] == "Easter truce, extended"
    assert len(queries.replica) == 0

    # The public reads the replica, which has not replayed the write yet.
    with Queries() as queries:
        public = Client().get(detail)
    assert public.json()["title"] == "Easter truce"
    assert len(queries.primary) == 0

    replay.resume()
    with Queries() as queries:
        public = Client().get(detail)
    assert public.json()["title"] == "Easter truce, extended"
    assert len(queries.primary) == 0
    assert len(queries.replica) > 0


@on_the_replica
@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param({"HTTP_AUTHORIZATION": "Token 0123456789abcdef"}, id="a token"),
        pytest.param({"HTTP_COOKIE": f"{PIN_COOKIE}=1"}, id="the pin cookie of a write"),
        pytest.param({"HTTP_COOKIE": "sessionid=x"}, id="a session cookie"),
    ],
)
def test_a_read_with_credentials_or_after_a_write_reads_from_the_primary(credentials):
    proposal = published_proposal()
    wait_for_replica()

    with Queries() as queries:
        Client().get(f"/api/v1/proposals/{proposal.pk}/", **credentials)

    assert len(queries.primary) > 0
    assert len(queries.replica) == 0


@on_the_replica
def test_a_token_holders_write_goes_to_the_primary():
    client = token_client(UserFactory(username="api-editor", groups=["Editors"]))

    with Queries() as queries:
        response = client.post(
            "/api/v1/actors/", {"slug": "russia", "name": "Russia", "kind": "state"}, format="json"
        )

    assert response.status_code == 201, response.content
    assert Actor.objects.using("default").filter(slug="russia").exists()
    assert len(queries.primary) > 0
    assert len(queries.replica) == 0
    assert PIN_COOKIE in response.cookies


@on_the_replica
def test_a_replica_further_behind_than_the_max_lag_is_not_read(settings, replay):
    settings.DATABASE_REPLICA_MAX_LAG = 1
    replay.pause()
    proposal = published_proposal()
    wait_for_replica(done="receive")
    wait_until(lambda: replica_lag(REPLICA) > 1, "fall more than a second behind")
    detail = f"/api/v1/proposals/{proposal.pk}/"

    with Queries() as queries:
        response = Client().get(detail)
    assert response.status_code == 200
    assert len(queries.primary) > 0
    assert len(queries.replica) == 1  # how far behind it is, and nothing else

    # Caught up, it is read again.
    replay.resume()
    with Queries() as queries:
        response = Client().get(detail)
    assert response.status_code == 200
    assert len(queries.primary) == 0
    assert len(queries.replica) > 1  # its lag, then the proposal


def test_migrations_run_on_the_primary_only():
    router = PrimaryReplicaRouter()

    assert router.allow_migrate("default", "events") is True
    assert router.allow_migrate("replica", "events") is False
    assert router.allow_migrate("replica2", "actors", model_name="actor") is False


@pytest.mark.django_db
def test_without_replicas_an_anonymous_read_uses_the_primary(settings):
    settings.DATABASE_READ_REPLICAS = []
    proposal = ProposalFactory(editorial_status="published")

    with CaptureQueriesContext(connections["default"]) as queries:
        response = Client().get(f"/api/v1/proposals/{proposal.pk}/")

    assert response.status_code == 200
    assert len(queries) > 0
    assert PIN_COOKIE not in response.cookies
