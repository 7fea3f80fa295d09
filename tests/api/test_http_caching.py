"""HTTP caching of the API's reads: validators and Cache-Control for the public, 304 for a
conditional GET that still holds, nothing shared for signed-in readers, and every way of
writing curated data changes the validators."""

import datetime
import io
import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse
from django.utils.http import http_date, parse_http_date

from actors.services import merge_actors
from events import services
from events.models import Event
from lib.concurrency import etag_of
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
PUBLISHED = Event.Status.PUBLISHED


@pytest.fixture
def proposal(db):
    event = ProposalFactory(conflict=ConflictFactory(slug="war"), editorial_status=PUBLISHED)
    CitationFactory(event=event)
    ParticipantFactory(event=event, actor=ActorFactory(slug="russia"))
    return event


def validators(client, path=EVENTS, **params) -> tuple[str, str]:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response["ETag"], response["Last-Modified"]


def test_an_anonymous_read_is_public_with_validators(anonymous, proposal, settings):
    settings.API_CACHE_MAX_AGE = 90
    response = anonymous.get(EVENTS)

    assert response.status_code == 200
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert parse_http_date(response["Last-Modified"]) <= datetime.datetime.now().timestamp()
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=90"}
    assert {"Accept", "Authorization", "Cookie"} <= set(response["Vary"].split(", "))


def test_a_conditional_get_that_still_holds_is_a_304_without_a_query(
    anonymous, proposal, django_assert_num_queries
):
    etag, last_modified = validators(anonymous)

    with django_assert_num_queries(0):
        response = anonymous.get(EVENTS, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "public" in response["Cache-Control"]

    with django_assert_num_queries(0):
        response = anonymous.get(EVENTS, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


def test_if_modified_since_one_second_before_the_change_is_a_200(anonymous, proposal):
    _, last_modified = validators(anonymous)
    earlier = http_date(parse_http_date(last_modified) - 1)

    assert anonymous.get(EVENTS, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
    # The same second is "not modified since" (the equal edge).
    assert anonymous.get(EVENTS, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_another_etag_is_a_200(anonymous, proposal):
    response = anonymous.get(EVENTS, HTTP_IF_NONE_MATCH='"something-else"')
    assert response.status_code == 200
    assert response.json()["results"]


def test_the_query_string_and_the_format_have_their_own_etags(anonymous, proposal):
    plain, _ = validators(anonymous)
    filtered, _ = validators(anonymous, conflict="war")
    csv, _ = validators(anonymous, format="csv")
    assert len({plain, filtered, csv}) == 3
    by_accept = anonymous.get(EVENTS, HTTP_ACCEPT="text/csv")
    assert by_accept["ETag"] not in {plain, csv}


def test_a_signed_in_reader_gets_private_no_store_answers(
    anonymous, editor_api, editor_client, proposal
):
    etag, _ = validators(anonymous)
    for client in (editor_api, editor_client):
        response = client.get(EVENTS, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
        assert not response.has_header("ETag")


def test_a_detail_keeps_its_records_etag_and_answers_304_on_it(anonymous, proposal):
    path = f"/api/v1/proposals/{proposal.pk}/"
    response = anonymous.get(path)
    record_etag = response["ETag"]
    assert "public" in response["Cache-Control"]

    assert anonymous.get(path, HTTP_IF_NONE_MATCH=record_etag).status_code == 304
    # A write's If-Match still takes the detail's ETag: the record's version.
    proposal.refresh_from_db()
    assert record_etag == etag_of(proposal)


def test_an_error_is_not_made_cacheable(anonymous, proposal):
    response = anonymous.get(EVENTS, {"date_after": "not-a-date"})
    assert response.status_code == 400
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


def test_pages_outside_the_api_are_left_alone(client):
    response = client.get(reverse("admin:login"))
    assert not response.has_header("ETag")


# --- every way of writing changes the validators ----------------------------------------------


def api_create(clients, proposal):
    source = SourceFactory(body="They agreed to a truce.")
    body = {
        "conflict": "war",
        "date": "2025-04-19",
        "title": "A truce",
        "proposal_kind": "ceasefire",
        "citations": [{"source": source.pk, "quote": "a truce"}],
    }
    response = clients["editor_api"].post("/api/v1/proposals/", body, format="json")
    assert response.status_code == 201, response.content


def api_update(clients, proposal):
    response = clients["reviewer_api"].patch(
        f"/api/v1/proposals/{proposal.pk}/", {"title": "Renamed"}, format="json"
    )
    assert response.status_code == 200, response.content


def api_delete(clients, proposal):
    draft = ProposalFactory(conflict=proposal.conflict)
    clients["reset"]()
    response = clients["reviewer_api"].delete(f"/api/v1/proposals/{draft.pk}/")
    assert response.status_code == 204, response.content


def api_retract(clients, proposal):
    response = clients["reviewer_api"].post(f"/api/v1/proposals/{proposal.pk}/retract/")
    assert response.status_code == 200, response.content


def admin_action(clients, proposal):
    response = clients["reviewer_client"].post(
        reverse("admin:events_proposal_changelist"),
        {"action": "retract", ACTION_CHECKBOX_NAME: [proposal.pk]},
    )
    assert response.status_code == 302
    assert Event.objects.get(pk=proposal.pk).editorial_status == Event.Status.RETRACTED


def workflow_service(clients, proposal):
    result = services.change_status([proposal], "retract", clients["reviewer_user"])
    assert not result.skipped


def import_file(clients, proposal, tmp_path):
    path = tmp_path / "sources.jsonl"
    path.write_text(json.dumps({"url": "https://news.example.org/new", "title": "New"}) + "\n")
    call_command("import_sources", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def merge(clients, proposal):
    kept, duplicate = ActorFactory(slug="kept"), ActorFactory(slug="duplicate")
    clients["reset"]()
    merge_actors(kept, [duplicate], clients["reviewer_user"])


def link_change(clients, proposal):
    meeting = MeetingFactory(conflict=proposal.conflict, editorial_status=PUBLISHED)
    clients["reset"]()
    meeting.produced.set([proposal])


WRITES = [
    api_create,
    api_update,
    api_delete,
    api_retract,
    admin_action,
    workflow_service,
    import_file,
    merge,
    link_change,
]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__ for w in WRITES])
def test_every_write_changes_the_validators(
    write,
    request,
    anonymous,
    proposal,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    clients = {
        name: request.getfixturevalue(name)
        for name in ("editor_api", "reviewer_api", "reviewer_client", "reviewer_user")
    }
    before = {}

    def reset():
        # The validators just before the write itself (after setting up what it writes).
        before["etag"] = validators(anonymous)[0]

    clients["reset"] = reset
    reset()
    with django_capture_on_commit_callbacks(execute=True):
        if write is import_file:
            write(clients, proposal, tmp_path)
        else:
            write(clients, proposal)

    response = anonymous.get(EVENTS, HTTP_IF_NONE_MATCH=before["etag"])
    assert response.status_code == 200
    assert response["ETag"] != before["etag"]
