"""No lost updates through the API.

- A PATCH writes only the fields it sends: a stale copy of the record cannot overwrite a field
  another request wrote, nor the editorial status.
- Writes and workflow steps lock the record's row and read it again: concurrent requests queue
  instead of undoing each other (tested with threads on PostgreSQL).
- A detail has an ``ETag``; a write or step with a stale ``If-Match`` is a 412 and writes
  nothing.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from rest_framework.test import APIRequestFactory

from events import services
from events.api.serializers import ProposalSerializer, SourceSerializer
from events.models import Event, Proposal, Source
from lib.concurrency import etag_of
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.api.personas import token_client
from tests.factories import (
    AccusationFactory,
    CitationFactory,
    MeetingFactory,
    ProposalFactory,
    PublicSourceFactory,
    ResponseFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

KINDS = {
    "proposals": ProposalFactory,
    "responses": ResponseFactory,
    "meetings": MeetingFactory,
    "accusations": AccusationFactory,
}
# What a PUT may not send back from a GET.
READ_ONLY = {"id", "kind", "url", "editorial_status", "codes", "created_at", "updated_at"}
STALE_DETAIL = "The record changed since you read it"


def cited(**fields) -> Proposal:
    return CitationFactory(event=ProposalFactory(**fields)).event


def detail(record) -> str:
    endpoint = "sources" if isinstance(record, Source) else f"{record.kind}s"
    return f"/api/v1/{endpoint}/{record.pk}/"


def stored(record):
    return type(record).objects.get(pk=record.pk)


def as_request_of(user):
    """A request by ``user``, as a serializer's context carries it."""
    request = APIRequestFactory().patch("/")
    request.user = user
    return request


# 1. A PATCH writes only the fields it sends ---------------------------------------------------


def save_stale(serializer_class, stale, data: dict, user) -> None:
    """A partial update of ``stale``, a copy read before others wrote the record."""
    serializer = serializer_class(
        stale, data=data, partial=True, context={"request": as_request_of(user)}
    )
    assert serializer.is_valid(), serializer.errors
    serializer.save()


def test_a_stale_copy_of_an_event_does_not_overwrite_a_field_it_did_not_send(
    editor_api, editor_user
):
    proposal = ProposalFactory(title="Truce", summary="")
    stale = Proposal.objects.get(pk=proposal.pk)
    meanwhile = editor_api.patch(detail(proposal), {"summary": "Written meanwhile"}, format="json")
    assert meanwhile.status_code == 200

    save_stale(ProposalSerializer, stale, {"title": "Easter truce"}, editor_user)

    assert (stored(proposal).title, stored(proposal).summary) == (
        "Easter truce",
        "Written meanwhile",
    )


def test_a_stale_copy_of_an_event_does_not_undo_a_publish(reviewer_api, editor_user):
    proposal = cited(editorial_status=Event.Status.IN_REVIEW, title="Truce")
    stale = Proposal.objects.get(pk=proposal.pk)
    assert reviewer_api.post(detail(proposal) + "publish/").status_code == 200

    save_stale(ProposalSerializer, stale, {"title": "Easter truce"}, editor_user)

    assert (stored(proposal).title, stored(proposal).editorial_status) == (
        "Easter truce",
        Event.Status.PUBLISHED,
    )


def test_a_stale_copy_of_a_source_does_not_overwrite_a_field_it_did_not_send(
    editor_api, editor_user
):
    source = SourceFactory(title="Article", body="Both sides agreed to a truce.")
    stale = Source.objects.get(pk=source.pk)
    new_text = "Both sides agreed to a 30-day truce."
    assert editor_api.patch(detail(source), {"body": new_text}, format="json").status_code == 200

    save_stale(SourceSerializer, stale, {"title": "Truce agreed"}, editor_user)

    assert (stored(source).title, stored(source).body) == ("Truce agreed", new_text)


def test_a_patch_of_the_title_leaves_a_summary_written_meanwhile(editor_api, reviewer_api):
    proposal = ProposalFactory(title="Truce", summary="")
    read = editor_api.get(detail(proposal)).json()
    assert (
        reviewer_api.patch(detail(proposal), {"summary": "Meanwhile"}, format="json").status_code
        == 200
    )

    response = editor_api.patch(detail(proposal), {"title": "Easter truce"}, format="json")

    assert response.status_code == 200
    assert read["summary"] == ""
    assert (response.json()["title"], response.json()["summary"]) == ("Easter truce", "Meanwhile")
    assert stored(proposal).summary == "Meanwhile"


def test_a_patch_never_writes_the_editorial_status(editor_api):
    proposal = cited(title="Truce")
    history = proposal.history.count()

    response = editor_api.patch(
        detail(proposal), {"title": "Easter truce", "editorial_status": "published"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["editorial_status"] == "draft"
    assert (stored(proposal).title, stored(proposal).editorial_status) == ("Easter truce", "draft")
    assert proposal.history.count() == history + 1


# 2. Concurrent requests queue on the row lock (PostgreSQL) -----------------------------------


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only")


def in_threads(*requests):
    """Each request in its own thread (its own connection), all released at once."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=10)
            results[index] = request()
        except Exception as error:  # reported by the test, not lost in the thread
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return results


def started(request):
    """``request`` running in a thread of its own; its result in the returned list."""
    result: list = []

    def run():
        try:
            result.append(request())
        except Exception as error:
            result.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def wait_until_a_request_waits_for_a_lock(timeout: float = 10) -> None:
    """Until another connection waits for a lock this one holds (pg_locks is live)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("no request waited for the lock")


@pytest.fixture
def second_reviewer_api(db):
    return token_client(UserFactory(username="api-reviewer-2", groups=["Reviewers"]))


@pytest.fixture
def second_editor_api(db):
    return token_client(UserFactory(username="api-editor-2", groups=["Editors"]))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_a_patch_racing_a_publish_keeps_both_or_refuses_one(
    postgresql_only, editor_api, reviewer_api, round_
):
    proposal = cited(editorial_status=Event.Status.IN_REVIEW, title="Truce")

    patch, publish = in_threads(
        lambda: editor_api.patch(detail(proposal), {"title": "Easter truce"}, format="json"),
        lambda: reviewer_api.post(detail(proposal) + "publish/"),
    )

    assert publish.status_code == 200, publish.content
    now = stored(proposal)
    assert now.editorial_status == Event.Status.PUBLISHED
    if patch.status_code == 200:
        assert now.title == "Easter truce"
    else:
        # Published first: the record is then a reviewer's to change.
        assert patch.status_code == 403
        assert now.title == "Truce"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_a_patch_racing_a_retract_keeps_both(
    postgresql_only, reviewer_api, second_reviewer_api, round_
):
    proposal = cited(editorial_status=Event.Status.PUBLISHED, title="Truce")

    patch, retract = in_threads(
        lambda: reviewer_api.patch(detail(proposal), {"title": "Easter truce"}, format="json"),
        lambda: second_reviewer_api.post(detail(proposal) + "retract/"),
    )

    assert (patch.status_code, retract.status_code) == (200, 200)
    now = stored(proposal)
    assert (now.title, now.editorial_status) == ("Easter truce", Event.Status.RETRACTED)


@pytest.mark.django_db(transaction=True)
def test_two_editors_patching_different_fields_at_once_keep_both(
    postgresql_only, editor_api, second_editor_api
):
    proposal = ProposalFactory(title="Truce", summary="")

    first, second = in_threads(
        lambda: editor_api.patch(detail(proposal), {"title": "Easter truce"}, format="json"),
        lambda: second_editor_api.patch(detail(proposal), {"summary": "For Easter"}, format="json"),
    )

    assert (first.status_code, second.status_code) == (200, 200)
    assert (stored(proposal).title, stored(proposal).summary) == ("Easter truce", "For Easter")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_editors_patching_with_the_same_if_match_one_wins(
    postgresql_only, editor_api, second_editor_api, round_
):
    proposal = ProposalFactory(title="Truce")
    tag = editor_api.get(detail(proposal))["ETag"]
    history = proposal.history.count()

    responses = in_threads(
        lambda: editor_api.patch(
            detail(proposal), {"title": "First"}, format="json", HTTP_IF_MATCH=tag
        ),
        lambda: second_editor_api.patch(
            detail(proposal), {"title": "Second"}, format="json", HTTP_IF_MATCH=tag
        ),
    )

    assert sorted(r.status_code for r in responses) == [200, 412]
    winner = next(r for r in responses if r.status_code == 200)
    assert stored(proposal).title == winner.json()["title"]
    assert proposal.history.count() == history + 1


def retitled(proposal, title: str) -> None:
    """An edit through the ORM, as the admin saves one."""
    record = Proposal.objects.get(pk=proposal.pk)
    record.title = title
    record.save()


def sent_during_a_locked_change(proposal, change, request):
    """The response to ``request``, sent while this connection holds the record's row lock
    and makes ``change``; it is answered once the change is committed."""
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=proposal.pk)
        change()
        thread, result = started(request)
        wait_until_a_request_waits_for_a_lock()
        assert thread.is_alive()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the request never finished"
    return result[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "status, step, after",
    [
        (Event.Status.IN_REVIEW, "publish", Event.Status.PUBLISHED),
        (Event.Status.PUBLISHED, "retract", Event.Status.RETRACTED),
    ],
)
def test_a_patch_waits_for_a_step_in_progress_and_keeps_it(
    postgresql_only, second_reviewer_api, reviewer_user, status, step, after
):
    proposal = cited(editorial_status=status, title="Truce")

    response = sent_during_a_locked_change(
        proposal,
        lambda: services.change_status([proposal], step, reviewer_user),
        lambda: second_reviewer_api.patch(
            detail(proposal), {"title": "Easter truce"}, format="json"
        ),
    )

    assert response.status_code == 200, response
    # It read the record after the step: the response shows the step's status.
    assert response.json()["editorial_status"] == after
    now = stored(proposal)
    assert (now.title, now.editorial_status) == ("Easter truce", after)


@pytest.mark.django_db(transaction=True)
def test_a_publish_waits_for_an_edit_in_progress_and_keeps_it(postgresql_only, reviewer_api):
    proposal = cited(editorial_status=Event.Status.IN_REVIEW, title="Truce")

    response = sent_during_a_locked_change(
        proposal,
        lambda: retitled(proposal, "Easter truce"),
        lambda: reviewer_api.post(detail(proposal) + "publish/"),
    )

    assert response.status_code == 200, response
    assert response.json()["title"] == "Easter truce"
    now = stored(proposal)
    assert (now.title, now.editorial_status) == ("Easter truce", Event.Status.PUBLISHED)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", ["patch", "publish"])
def test_a_write_with_the_version_read_before_an_edit_in_progress_is_refused(
    postgresql_only, reviewer_api, step
):
    proposal = cited(editorial_status=Event.Status.IN_REVIEW, title="Truce")
    tag = reviewer_api.get(detail(proposal))["ETag"]

    def write():
        if step == "patch":
            return reviewer_api.patch(
                detail(proposal), {"title": "Mine"}, format="json", HTTP_IF_MATCH=tag
            )
        return reviewer_api.post(detail(proposal) + "publish/", HTTP_IF_MATCH=tag)

    response = sent_during_a_locked_change(
        proposal, lambda: retitled(proposal, "Easter truce"), write
    )

    # It waited for the edit, then saw that the record was no longer the one it had read.
    assert response.status_code == 412, response
    now = stored(proposal)
    assert (now.title, now.editorial_status) == ("Easter truce", Event.Status.IN_REVIEW)


# 3. ETag and If-Match -------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", KINDS)
def test_an_events_detail_has_its_version_as_etag(editor_api, endpoint):
    event = KINDS[endpoint]()

    response = editor_api.get(f"/api/v1/{endpoint}/{event.pk}/")

    assert response.status_code == 200
    assert response["ETag"] == etag_of(stored(event)) == f'"{stored(event).updated_at.isoformat()}"'


def test_a_sources_detail_has_its_version_as_etag(anonymous):
    source = PublicSourceFactory()

    response = anonymous.get(detail(source))

    assert response["ETag"] == etag_of(stored(source))


# request -> the status the record must be in, and how it is sent
EVENT_WRITES = {
    "patch": (Event.Status.DRAFT, lambda api, url, body, h: api.patch(url, body, "json", **h)),
    "put": (Event.Status.DRAFT, lambda api, url, body, h: api.put(url, body, "json", **h)),
    "delete": (Event.Status.DRAFT, lambda api, url, body, h: api.delete(url, **h)),
    "submit": (Event.Status.DRAFT, lambda api, url, body, h: api.post(url + "submit/", **h)),
    "publish": (Event.Status.IN_REVIEW, lambda api, url, body, h: api.post(url + "publish/", **h)),
    "retract": (Event.Status.PUBLISHED, lambda api, url, body, h: api.post(url + "retract/", **h)),
    "return-to-draft": (
        Event.Status.IN_REVIEW,
        lambda api, url, body, h: api.post(url + "return-to-draft/", **h),
    ),
}


def put_body(api, url: str, **changes) -> dict:
    """The record as read, with ``changes``: what a client PUTs back."""
    body = {k: v for k, v in api.get(url).json().items() if k not in READ_ONLY}
    body.pop("citations")  # kept as they are
    return {**body, **changes}


@pytest.mark.parametrize("write", EVENT_WRITES)
def test_an_event_write_with_a_stale_if_match_is_refused_and_writes_nothing(reviewer_api, write):
    status, send = EVENT_WRITES[write]
    proposal = cited(editorial_status=status, title="Truce")
    url = detail(proposal)
    stale = reviewer_api.get(url)["ETag"]
    body = put_body(reviewer_api, url, title="Mine")
    meanwhile = stored(proposal)
    meanwhile.summary = "Meanwhile"
    meanwhile.save()
    history = proposal.history.count()

    response = send(reviewer_api, url, body, {"HTTP_IF_MATCH": stale})

    assert response.status_code == 412, response.content
    assert STALE_DETAIL in response.json()["detail"]
    now = stored(proposal)
    assert (now.title, now.summary, now.editorial_status) == ("Truce", "Meanwhile", status)
    assert proposal.history.count() == history
    assert response.get("ETag") is None


@pytest.mark.parametrize("write", EVENT_WRITES)
def test_an_event_write_with_the_current_if_match_succeeds_with_a_new_etag(reviewer_api, write):
    status, send = EVENT_WRITES[write]
    proposal = cited(editorial_status=status, title="Truce")
    url = detail(proposal)
    current = reviewer_api.get(url)["ETag"]
    body = put_body(reviewer_api, url, title="Mine")

    response = send(reviewer_api, url, body, {"HTTP_IF_MATCH": current})

    if write == "delete":
        assert response.status_code == 204
        assert not Event.objects.filter(pk=proposal.pk).exists()
        return
    assert response.status_code == 200, response.content
    assert response["ETag"] != current
    assert response["ETag"] == reviewer_api.get(url)["ETag"] == etag_of(stored(proposal))
    if write in ("patch", "put"):
        assert stored(proposal).title == "Mine"
    else:
        assert stored(proposal).editorial_status == response.json()["editorial_status"] != status


SOURCE_WRITES = {k: EVENT_WRITES[k][1] for k in ("patch", "put", "delete")}


@pytest.mark.parametrize("write", SOURCE_WRITES)
def test_a_source_write_with_a_stale_if_match_is_refused_and_writes_nothing(reviewer_api, write):
    source = SourceFactory(title="Article")
    url = detail(source)
    stale = reviewer_api.get(url)["ETag"]
    body = {**reviewer_api.get(url).json(), "title": "Mine"}
    body.pop("id")
    Source.objects.filter(pk=source.pk).get().save()  # someone saved it meanwhile
    history = source.history.count()

    response = SOURCE_WRITES[write](reviewer_api, url, body, {"HTTP_IF_MATCH": stale})

    assert response.status_code == 412, response.content
    assert stored(source).title == "Article"
    assert source.history.count() == history


@pytest.mark.parametrize("write", SOURCE_WRITES)
def test_a_source_write_with_the_current_if_match_succeeds_with_a_new_etag(reviewer_api, write):
    source = SourceFactory(title="Article")
    url = detail(source)
    current = reviewer_api.get(url)["ETag"]
    body = {**reviewer_api.get(url).json(), "title": "Mine"}
    body.pop("id")

    response = SOURCE_WRITES[write](reviewer_api, url, body, {"HTTP_IF_MATCH": current})

    if write == "delete":
        assert response.status_code == 204
        assert not Source.objects.filter(pk=source.pk).exists()
        return
    assert response.status_code == 200, response.content
    assert stored(source).title == "Mine"
    assert response["ETag"] != current
    assert response["ETag"] == reviewer_api.get(url)["ETag"]


@pytest.mark.parametrize(
    "if_match, expected",
    [
        (None, 200),
        ("*", 200),
        ("{current}", 200),
        ('"2000-01-01T00:00:00+00:00", {current}', 200),
        ("W/{current}", 200),
        ('W/"2000-01-01T00:00:00+00:00", W/{current}', 200),
        ('"2000-01-01T00:00:00+00:00"', 412),
        ('W/"stale", "other"', 412),
        ("{unquoted}", 412),
    ],
)
def test_if_match_forms(editor_api, if_match, expected):
    proposal = ProposalFactory(title="Truce")
    current = editor_api.get(detail(proposal))["ETag"]
    headers = {}
    if if_match is not None:
        headers["HTTP_IF_MATCH"] = if_match.format(current=current, unquoted=current.strip('"'))

    response = editor_api.patch(detail(proposal), {"title": "Mine"}, format="json", **headers)

    assert response.status_code == expected, response.content
    assert stored(proposal).title == ("Mine" if expected == 200 else "Truce")


@pytest.mark.parametrize("endpoint", KINDS)
def test_every_kind_refuses_a_stale_patch(editor_api, endpoint):
    event = KINDS[endpoint](title="Before")
    url = f"/api/v1/{endpoint}/{event.pk}/"
    stale = editor_api.get(url)["ETag"]
    assert editor_api.patch(url, {"summary": "Meanwhile"}, format="json").status_code == 200

    refused = editor_api.patch(url, {"title": "Mine"}, format="json", HTTP_IF_MATCH=stale)
    current = editor_api.get(url)["ETag"]
    accepted = editor_api.patch(url, {"title": "Mine"}, format="json", HTTP_IF_MATCH=current)

    assert refused.status_code == 412
    assert accepted.status_code == 200, accepted.content
    assert (stored(event).title, stored(event).summary) == ("Mine", "Meanwhile")
