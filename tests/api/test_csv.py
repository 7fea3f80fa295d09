"""``?format=csv`` on every list: the JSON rows flattened, with their evidence."""

import csv
import datetime
import io
import json

import pytest

from events.models import Event, Participant
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorAliasFactory,
    ActorFactory,
    AffiliationFactory,
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

# Each list endpoint, the column that identifies a row, and a filter it honours.
LISTS = {
    "actors": ("slug", {"kind": "state"}),
    "affiliations": ("id", {"organization": "russia"}),
    "conflicts": ("slug", {}),
    "sources": ("id", {}),
    "events": ("id", {"conflict": "russia-ukraine-war", "ordering": "title"}),
    "proposals": ("id", {"actor": "russia"}),
    "responses": ("id", {"stance": "rejected,accepted"}),
    "meetings": ("id", {"mediator": "turkey"}),
    "accusations": ("id", {"accused": "russia"}),
}


@pytest.fixture
def timeline(db):
    """Two conflicts; every kind, published, with participants and citations."""
    war = ConflictFactory(slug="russia-ukraine-war", name="Russia Ukraine War")
    other = ConflictFactory(slug="other-war", name="Other War")
    russia, ukraine, turkey = (ActorFactory(slug=s) for s in ("russia", "ukraine", "turkey"))
    ActorFactory(slug="putin", kind="person")
    ActorAliasFactory(actor=russia, name="the Kremlin")
    AffiliationFactory(person=ActorFactory(slug="peskov", kind="person"), organization=russia)
    AffiliationFactory(person=ActorFactory(slug="zelensky", kind="person"), organization=ukraine)
    source = SourceFactory(
        url="https://news.example.org/truce",
        archive_url="https://archive.example.org/truce",
        body="Both sides agreed to a “30-day truce” on Monday. Talks will follow.",
    )

    def cite(event, quote="30-day truce"):
        CitationFactory(event=event, source=source, quote=quote)

    def take_part(event, *pairs):
        for actor, role in pairs:
            ParticipantFactory(event=event, actor=actor, role=role)

    for day in range(1, 5):
        conflict = war if day != 4 else other
        date = datetime.date(2025, 3, day)
        proposal = ProposalFactory(
            conflict=conflict, date=date, editorial_status=PUBLISHED, title=f"Truce {5 - day}"
        )
        take_part(
            proposal,
            (russia, Participant.Role.PROPOSER),
            (turkey, Participant.Role.PROPOSER),
            (ukraine, Participant.Role.ADDRESSEE),
        )
        cite(proposal)
        cite(proposal, "Talks will follow.")
        response = ResponseFactory(
            conflict=conflict,
            date=date,
            proposal=proposal,
            responder=ukraine,
            stance="rejected" if day % 2 else "accepted",
            editorial_status=PUBLISHED,
        )
        cite(response)
        meeting = MeetingFactory(conflict=conflict, date=date, editorial_status=PUBLISHED)
        take_part(meeting, (turkey, Participant.Role.MEDIATOR))
        cite(meeting, "Talks will follow.")
        accusation = AccusationFactory(conflict=conflict, date=date, editorial_status=PUBLISHED)
        take_part(
            accusation, (ukraine, Participant.Role.ACCUSER), (russia, Participant.Role.ACCUSED)
        )
        cite(accusation)
    # A draft is in neither format for a public reader.
    ProposalFactory(conflict=war, title="Unpublished")
    return {"source": source}


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def as_dicts(rows: list[list[str]]) -> list[dict]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


@pytest.mark.parametrize("endpoint", LISTS)
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
def test_csv_has_the_rows_of_the_json_in_the_same_order(anonymous, timeline, endpoint, filtered):
    key, filters = LISTS[endpoint]
    params = {"page_size": 100, **(filters if filtered else {})}

    results = anonymous.get(f"/api/v1/{endpoint}/", params).json()["results"]
    rows = read_csv(anonymous.get(f"/api/v1/{endpoint}/", {**params, "format": "csv"}))

    header, *body = rows
    assert key in header
    assert header not in body  # exactly one header row
    assert len(body) == len(results)
    assert [row[key] for row in as_dicts(rows)] == [str(result[key]) for result in results]
    assert results, "the data should give each list some rows"


@pytest.mark.parametrize("endpoint", LISTS)
def test_csv_columns_are_the_json_keys_flattened(anonymous, timeline, endpoint):
    results = anonymous.get(f"/api/v1/{endpoint}/").json()["results"]
    header = read_csv(anonymous.get(f"/api/v1/{endpoint}/", {"format": "csv"}))[0]

    for name, value in results[0].items():
        if isinstance(value, dict):
            assert {f"{name}.{sub}" for sub in value} <= set(header)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            # A list of objects (citations, affiliations): one column per key, in place.
            assert {f"{name}.{sub}" for sub in value[0]} <= set(header)
            assert name not in header
        elif value == []:
            # Empty: a list of slugs (one column) or of objects (a column per key).
            assert name in header or any(column.startswith(f"{name}.") for column in header)
        else:
            assert name in header


def test_role_lists_are_json_arrays(anonymous, timeline):
    rows = as_dicts(read_csv(anonymous.get("/api/v1/proposals/", {"format": "csv"})))

    assert {row["proposers"] for row in rows} == {'["russia","turkey"]'}
    assert {row["addressees"] for row in rows} == {'["ukraine"]'}
    assert {row["mediators"] for row in rows} == {"[]"}


@pytest.mark.parametrize(
    "endpoint", ["events", "proposals", "responses", "meetings", "accusations"]
)
def test_citations_travel_with_every_row(anonymous, timeline, endpoint):
    results = anonymous.get(f"/api/v1/{endpoint}/").json()["results"]
    rows = as_dicts(read_csv(anonymous.get(f"/api/v1/{endpoint}/", {"format": "csv"})))

    for result, row in zip(results, rows, strict=True):
        citations = result["citations"]
        assert citations, "every row of the data is cited"
        for column in ("quote", "source_url", "archive_url", "source", "speaker"):
            assert json.loads(row[f"citations.{column}"]) == [c[column] for c in citations]
    assert {json.loads(row["citations.source_url"])[0] for row in rows} == {
        "https://news.example.org/truce"
    }
    assert {json.loads(row["citations.archive_url"])[0] for row in rows} == {
        "https://archive.example.org/truce"
    }


def test_a_proposal_row_keeps_each_quote(anonymous, timeline):
    rows = as_dicts(read_csv(anonymous.get("/api/v1/proposals/", {"format": "csv"})))

    assert rows[0]["citations.quote"] == '["30-day truce","Talks will follow."]'


def test_a_filter_is_honoured_in_csv(anonymous, timeline):
    rows = as_dicts(
        read_csv(anonymous.get("/api/v1/events/", {"format": "csv", "kind": "proposal"}))
    )

    assert [row["kind"] for row in rows] == ["proposal"] * 4
    assert "Unpublished" not in {row["title"] for row in rows}


def test_a_combined_filter_is_honoured_in_csv(anonymous, timeline):
    params = {"kind": "accusation,meeting", "conflict": "other-war", "date_after": "2025-03-04"}

    results = anonymous.get("/api/v1/events/", params).json()["results"]
    rows = as_dicts(read_csv(anonymous.get("/api/v1/events/", {**params, "format": "csv"})))

    assert sorted(row["kind"] for row in rows) == ["accusation", "meeting"]
    assert [row["id"] for row in rows] == [str(r["id"]) for r in results]


def test_a_bad_filter_in_csv_is_a_400_naming_it(anonymous, timeline):
    response = anonymous.get("/api/v1/events/", {"format": "csv", "kind": "truce"})

    assert response.status_code == 400
    assert b"kind" in response.content


def test_csv_is_paginated_like_json_with_a_link_to_the_next_page(anonymous, timeline):
    response = anonymous.get("/api/v1/events/", {"format": "csv", "page_size": 5})

    rows = read_csv(response)
    assert len(rows) == 1 + 5
    assert "cursor=" in response["Link"] and 'rel="next"' in response["Link"]


def test_citation_columns_are_there_even_when_no_row_is_cited(anonymous):
    ProposalFactory(editorial_status=PUBLISHED)

    header = read_csv(anonymous.get("/api/v1/events/", {"format": "csv"}))[0]

    assert {"citations.quote", "citations.source_url", "citations.archive_url"} <= set(header)


def test_an_empty_result_still_has_its_header(anonymous, timeline):
    rows = read_csv(anonymous.get("/api/v1/events/", {"format": "csv", "q": "zebra"}))

    assert len(rows) == 1
    assert "id" in rows[0]
