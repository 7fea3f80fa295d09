"""``…/export.csv`` and ``…/export.jsonl``: every row of a list, streamed, with its filters."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection

from events.api.exports import ExportMixin
from events.models import Event, Participant
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.api.test_query_counts import MAKERS, World
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED = Event.Status.PUBLISHED
ROLES = Participant.Role

# Every list with an export, and a filter of its own that keeps some rows and drops others.
EXPORTS = {
    "events": {"conflict": "war", "kind": "proposal,accusation"},
    "proposals": {"proposer": "russia"},
    "responses": {"stance": "rejected"},
    "meetings": {"mediator": "turkey"},
    "accusations": {"accused": "russia"},
    "participants": {"conflict": "war", "role": "proposer,accused"},
    "citations": {"kind": "meeting"},
}


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 2 rows, so that a few rows already take several chunks."""
    monkeypatch.setattr(ExportMixin, "export_chunk_size", 2)


@pytest.fixture
def timeline(db):
    """Two conflicts, every kind published on four days, with participants and citations;
    a draft of each kind that public readers never see."""
    war = ConflictFactory(slug="war", name="War")
    other = ConflictFactory(slug="other", name="Other")
    russia, ukraine, turkey = (ActorFactory(slug=s) for s in ("russia", "ukraine", "turkey"))
    source = SourceFactory(
        url="https://news.example.org/truce",
        archive_url="https://archive.example.org/truce",
        body="Both sides agreed to a “30-day truce” on Monday. Talks will follow.",
    )
    for day in range(1, 5):
        fields = {
            "conflict": war if day != 4 else other,
            "date": datetime.date(2025, 3, day),
            "editorial_status": PUBLISHED,
        }
        proposal = ProposalFactory(title=f"Truce {5 - day}", **fields)
        ParticipantFactory(event=proposal, actor=russia, role=ROLES.PROPOSER)
        ParticipantFactory(event=proposal, actor=turkey, role=ROLES.PROPOSER)
        ParticipantFactory(event=proposal, actor=ukraine, role=ROLES.ADDRESSEE)
        CitationFactory(event=proposal, source=source, quote="30-day truce", speaker=russia)
        CitationFactory(event=proposal, source=source, quote="Talks will follow.", via=turkey)
        stance = "rejected" if day % 2 else "accepted"
        response = ResponseFactory(proposal=proposal, responder=ukraine, stance=stance, **fields)
        CitationFactory(event=response, source=source)
        meeting = MeetingFactory(**fields)
        ParticipantFactory(event=meeting, actor=turkey, role=ROLES.MEDIATOR)
        meeting.produced.set([proposal])
        CitationFactory(event=meeting, source=source, quote="Talks will follow.")
        accusation = AccusationFactory(proposal=proposal, **fields)
        ParticipantFactory(event=accusation, actor=ukraine, role=ROLES.ACCUSER)
        ParticipantFactory(event=accusation, actor=russia, role=ROLES.ACCUSED)
        CitationFactory(event=accusation, source=source)
    drafts = [
        factory(conflict=war, date=datetime.date(2025, 3, 2))
        for factory in (ProposalFactory, ResponseFactory, MeetingFactory, AccusationFactory)
    ]
    for draft in drafts:
        ParticipantFactory(event=draft, actor=russia, role=ROLES.PROPOSER)
        CitationFactory(event=draft, source=source)
    return drafts


def body(response) -> str:
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def all_pages(client, endpoint: str, params: dict, fmt: str | None = None):
    """Every page of the paginated list, 3 rows a page: CSV rows (one header) or JSON rows."""
    rows, header, page = [], None, 1
    while True:
        query = {**params, "page_size": 3, "page": page}
        if fmt:
            query["format"] = fmt
        response = client.get(f"/api/v1/{endpoint}/", query)
        assert response.status_code == 200, response.content
        if fmt == "csv":
            header, *page_rows = csv_rows(response.content.decode("utf-8"))
            rows.extend(page_rows)
            more = response.has_header("Link")
        else:
            data = response.json()
            rows.extend(data["results"])
            more = bool(data["next"])
        if not more:
            return [header, *rows] if fmt == "csv" else rows
        page += 1


@pytest.mark.parametrize("endpoint", EXPORTS)
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
def test_csv_export_is_every_page_of_the_csv_list(
    anonymous, timeline, small_chunks, endpoint, filtered
):
    params = EXPORTS[endpoint] if filtered else {}

    exported = csv_rows(body(anonymous.get(f"/api/v1/{endpoint}/export.csv", params)))

    assert exported == all_pages(anonymous, endpoint, params, "csv")
    assert len(exported) >= 3, "the data should give the export some rows"


@pytest.mark.parametrize("endpoint", EXPORTS)
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
def test_jsonl_export_is_every_row_of_the_json_list(
    anonymous, timeline, small_chunks, endpoint, filtered
):
    params = EXPORTS[endpoint] if filtered else {}

    response = anonymous.get(f"/api/v1/{endpoint}/export.jsonl", params)

    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    text = body(response)
    assert text.endswith("\n")
    lines = text.split("\n")[:-1]
    assert [json.loads(line) for line in lines] == all_pages(anonymous, endpoint, params)
    assert len(lines) >= 2


# A selection of fields of each list: an export has the same columns as its pages.
SELECTIONS = {
    "events": "id,title,citations",
    "proposals": "id,proposers,codes",
    "responses": "id,responder",
    "meetings": "id,mediators",
    "accusations": "date,accused",
    "participants": "event,actor",
    "citations": "event,quote,source_url",
}


@pytest.mark.parametrize("endpoint", EXPORTS)
def test_fields_select_the_exports_columns_as_the_lists(anonymous, timeline, endpoint):
    params = {"fields": SELECTIONS[endpoint]}

    exported = csv_rows(body(anonymous.get(f"/api/v1/{endpoint}/export.csv", params)))
    lines = body(anonymous.get(f"/api/v1/{endpoint}/export.jsonl", params)).splitlines()

    assert exported == all_pages(anonymous, endpoint, params, "csv")
    assert [json.loads(line) for line in lines] == all_pages(anonymous, endpoint, params)
    assert len(exported[0]) < 12


@pytest.mark.parametrize("endpoint", EXPORTS)
@pytest.mark.parametrize("extension", ["csv", "jsonl"])
def test_an_export_is_an_attachment_named_after_its_list(anonymous, timeline, endpoint, extension):
    response = anonymous.get(f"/api/v1/{endpoint}/export.{extension}")

    body(response)
    assert response["Content-Disposition"] == f'attachment; filename="{endpoint}.{extension}"'


def test_the_csv_export_is_utf8_text_csv(anonymous, timeline):
    ProposalFactory(title="Перемирие «на Пасху»", editorial_status=PUBLISHED)

    response = anonymous.get("/api/v1/events/export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = csv_rows(body(response))
    title = header.index("title")
    assert "Перемирие «на Пасху»" in [row[title] for row in rows]


@pytest.mark.parametrize("endpoint", EXPORTS)
def test_an_empty_csv_export_is_the_header_of_the_empty_list(anonymous, timeline, endpoint):
    params = {"date_after": "2030-01-01"}

    exported = csv_rows(body(anonymous.get(f"/api/v1/{endpoint}/export.csv", params)))

    assert exported == all_pages(anonymous, endpoint, params, "csv")
    assert len(exported) == 1
    assert exported[0][0] in ("id", "event")


@pytest.mark.parametrize("endpoint", EXPORTS)
def test_an_empty_jsonl_export_is_an_empty_file(anonymous, timeline, endpoint):
    response = anonymous.get(f"/api/v1/{endpoint}/export.jsonl", {"date_after": "2030-01-01"})

    assert body(response) == ""


def test_the_date_filter_keeps_the_rows_on_its_day(anonymous, timeline):
    exported = body(anonymous.get("/api/v1/proposals/export.jsonl", {"date_after": "2025-03-03"}))

    assert [json.loads(line)["date"] for line in exported.splitlines()] == [
        "2025-03-04",
        "2025-03-03",
    ]


@pytest.mark.parametrize("endpoint", EXPORTS)
@pytest.mark.parametrize("extension", ["csv", "jsonl"])
def test_a_bad_filter_is_a_json_400_naming_it_before_any_row(
    anonymous, timeline, endpoint, extension
):
    response = anonymous.get(f"/api/v1/{endpoint}/export.{extension}", {"conflict": "nowhere"})

    assert response.status_code == 400
    assert not response.streaming
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"conflict": ["Unknown conflict: nowhere."]}


@pytest.mark.parametrize("param", ["page", "page_size"])
def test_an_export_has_no_pages(anonymous, timeline, param):
    response = anonymous.get("/api/v1/events/export.csv", {param: "2"})

    assert response.status_code == 400
    assert list(response.json()) == [param]


def test_a_client_asking_for_csv_still_gets_its_errors_as_json(anonymous, timeline):
    response = anonymous.get(
        "/api/v1/events/export.jsonl", {"kind": "truce"}, HTTP_ACCEPT="text/csv"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["kind"]


def test_ordering_orders_the_export_as_the_list(anonymous, timeline, small_chunks):
    exported = body(anonymous.get("/api/v1/proposals/export.jsonl", {"ordering": "title"}))

    titles = [json.loads(line)["title"] for line in exported.splitlines()]
    assert titles == ["Truce 1", "Truce 2", "Truce 3", "Truce 4"]


def test_the_default_order_is_the_lists_newest_first(anonymous, timeline, small_chunks):
    exported = body(anonymous.get("/api/v1/events/export.jsonl"))

    rows = [json.loads(line) for line in exported.splitlines()]
    assert [(r["date"], r["id"]) for r in rows] == sorted(
        ((r["date"], r["id"]) for r in rows), reverse=True
    )
    assert len(rows) == 16


def test_public_readers_export_published_records_only(anonymous, timeline):
    exported = body(anonymous.get("/api/v1/events/export.jsonl", {"conflict": "war"}))

    ids = {json.loads(line)["id"] for line in exported.splitlines()}
    assert ids == set(
        Event.objects.filter(conflict__slug="war", editorial_status=PUBLISHED).values_list(
            "id", flat=True
        )
    )


def test_editors_export_drafts_too(editor_api, timeline):
    exported = body(editor_api.get("/api/v1/events/export.jsonl", {"conflict": "war"}))

    ids = {json.loads(line)["id"] for line in exported.splitlines()}
    assert ids == set(Event.objects.filter(conflict__slug="war").values_list("id", flat=True))
    assert {draft.pk for draft in timeline} <= ids


def test_retracted_records_come_as_tombstones_with_updated_after(anonymous, timeline):
    elsewhere = ConflictFactory(slug="elsewhere")
    retracted = ProposalFactory(conflict=elsewhere, editorial_status=Event.Status.RETRACTED)
    ProposalFactory(conflict=elsewhere)  # a draft: not even a tombstone
    since = (retracted.updated_at - datetime.timedelta(seconds=1)).isoformat()

    exported = body(
        anonymous.get(
            "/api/v1/proposals/export.jsonl", {"updated_after": since, "conflict": "elsewhere"}
        )
    )

    assert [json.loads(line) for line in exported.splitlines()] == [
        {
            "id": retracted.pk,
            "kind": "proposal",
            "editorial_status": "retracted",
            "updated_at": retracted.updated_at.isoformat().replace("+00:00", "Z"),
        }
    ]


# The queries of an export by a public reader: the rows (one query, read chunk by chunk
# through a cursor), then per chunk the prefetches of the list — participants with their
# actors, citations with source, speaker and via, locations, and for meetings the proposals
# produced and discussed.
PREFETCHES = {"events": 3, "proposals": 3, "responses": 3, "meetings": 5, "accusations": 3}


@pytest.mark.parametrize("endpoint", PREFETCHES)
@pytest.mark.parametrize("extension", ["csv", "jsonl"])
def test_an_export_costs_the_same_queries_for_each_chunk(
    anonymous, monkeypatch, endpoint, extension, django_assert_max_num_queries
):
    world = World()
    for _ in range(30):
        MAKERS[endpoint](world)
    monkeypatch.setattr(ExportMixin, "export_chunk_size", 10)

    # 30 rows, 3 chunks: the rows, then each chunk's prefetches.
    with django_assert_max_num_queries(1 + PREFETCHES[endpoint] * 3):
        text = body(anonymous.get(f"/api/v1/{endpoint}/export.{extension}"))

    assert len(csv_rows(text)) == 31 if extension == "csv" else text.count("\n") == 30


@pytest.mark.parametrize("endpoint", ["participants", "citations"])
def test_a_long_table_export_is_one_query(
    anonymous, timeline, small_chunks, endpoint, django_assert_max_num_queries
):
    # The rows with their event, actor or article joined: no prefetch, one query in all.
    with django_assert_max_num_queries(1):
        text = body(anonymous.get(f"/api/v1/{endpoint}/export.csv"))

    assert text.count("\n") > 10


@pytest.mark.parametrize("endpoint", EXPORTS)
def test_the_schema_documents_an_export_with_the_lists_filters(anonymous, endpoint):
    schema = anonymous.get("/api/schema/", {"format": "json"}).json()
    listed = {p["name"] for p in schema["paths"][f"/api/v1/{endpoint}/"]["get"]["parameters"]}

    for extension, media_type in (("csv", "text/csv"), ("jsonl", "application/x-ndjson")):
        operation = schema["paths"][f"/api/v1/{endpoint}/export.{extension}"]["get"]
        exported = {p["name"] for p in operation["parameters"]}
        assert exported == listed - {"page", "page_size", "cursor", "count", "format"}
        assert list(operation["responses"]["200"]["content"]) == [media_type]


def test_a_jsonl_row_stays_on_one_line_whatever_its_text(anonymous, timeline):
    title = "Line\u2028separator, next\x85line, paragraph\u2029end, new\nline"
    ProposalFactory(conflict=ConflictFactory(slug="war"), title=title, editorial_status=PUBLISHED)

    text = body(anonymous.get("/api/v1/proposals/export.jsonl", {"q": "separator"}))

    assert len(text.splitlines()) == 1
    assert json.loads(text)["title"] == title


def server_side_cursors() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        return [name for (name,) in cursor.fetchall()]


def test_postgresql_streams_an_export_from_a_server_side_cursor(anonymous, timeline, small_chunks):
    if connection.vendor != "postgresql":
        pytest.skip("a named cursor is PostgreSQL's")
    stream = iter(anonymous.get("/api/v1/events/export.jsonl").streaming_content)

    first = next(stream)
    while_streaming = server_side_cursors()
    rest = b"".join(stream)

    assert len(while_streaming) == 1  # the rows not yet sent wait in the database
    assert server_side_cursors() == []  # and the cursor is closed at the end
    assert (first + rest).decode().count("\n") == 16
