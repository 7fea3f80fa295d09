"""A proposal's exact times through the API, and every event's explicit period.

starts_at and ends_at are read in the proposal's time zone with its UTC offset and written in
ISO 8601 (a time without an offset is read in time_zone); a refused write names the field.
date_start and date_end are the first and last day a row's dated period covers.
"""

import datetime
import zoneinfo

import pytest

from events.models import Event, Proposal
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ConflictFactory,
    MeetingFactory,
    ProposalFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
UTC = datetime.UTC


def easter_truce(**fields) -> Proposal:
    values = {
        "editorial_status": Event.Status.PUBLISHED,
        "date": datetime.date(2025, 4, 19),
        "outcome": Proposal.Outcome.EXPIRED,
        "effective_from": datetime.date(2025, 4, 19),
        "ended_on": datetime.date(2025, 4, 20),
        "starts_at": datetime.datetime(2025, 4, 19, 18, tzinfo=MOSCOW),
        "ends_at": datetime.datetime(2025, 4, 21, tzinfo=MOSCOW),
        "time_zone": "Europe/Moscow",
        **fields,
    }
    return ProposalFactory(**values)


def times_of(row: dict) -> dict:
    return {name: row[name] for name in ("starts_at", "ends_at", "time_zone")}


# --- reads --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["list", "detail", "export.jsonl"])
def test_times_are_shown_in_the_proposal_s_time_zone_with_its_offset(anonymous, path):
    truce = easter_truce()
    if path == "list":
        row = anonymous.get(f"{API}/proposals/").json()["results"][0]
    elif path == "detail":
        row = anonymous.get(f"{API}/proposals/{truce.pk}/").json()
    else:
        import json

        row = json.loads(anonymous.get(f"{API}/proposals/export.jsonl").getvalue().splitlines()[0])
    assert times_of(row) == {
        "starts_at": "2025-04-19T18:00:00+03:00",
        "ends_at": "2025-04-21T00:00:00+03:00",
        "time_zone": "Europe/Moscow",
    }


def test_times_in_utc_end_in_z_and_a_proposal_without_times_shows_nulls(anonymous):
    easter_truce(
        starts_at=datetime.datetime(2025, 4, 19, 15, tzinfo=UTC),
        ends_at=datetime.datetime(2025, 4, 20, 21, tzinfo=UTC),
        time_zone="UTC",
    )
    ProposalFactory(editorial_status=Event.Status.PUBLISHED, date=datetime.date(2025, 4, 18))
    rows = anonymous.get(f"{API}/proposals/").json()["results"]
    assert [times_of(row) for row in rows] == [
        {
            "starts_at": "2025-04-19T15:00:00Z",
            "ends_at": "2025-04-20T21:00:00Z",
            "time_zone": "UTC",
        },
        {"starts_at": None, "ends_at": None, "time_zone": ""},
    ]


def test_csv_shows_the_times_with_their_offset(anonymous):
    easter_truce()
    text = anonymous.get(f"{API}/proposals/", {"format": "csv"}).content.decode()
    header, row = text.splitlines()[:2]
    columns = dict(zip(header.split(","), row.split(","), strict=False))
    assert columns["starts_at"] == "2025-04-19T18:00:00+03:00"
    assert columns["ends_at"] == "2025-04-21T00:00:00+03:00"
    assert columns["time_zone"] == "Europe/Moscow"


# --- writes -------------------------------------------------------------------------------------


def body(**fields) -> dict:
    return {
        "conflict": ConflictFactory(slug="war").slug,
        "title": "Easter truce",
        "date": "2025-04-19",
        "proposal_kind": "ceasefire",
        "outcome": "expired",
        "effective_from": "2025-04-19",
        "ended_on": "2025-04-20",
        **fields,
    }


@pytest.mark.parametrize(
    "starts_at",
    [
        "2025-04-19T18:00:00+03:00",
        "2025-04-19T15:00:00Z",
        "2025-04-19T17:00:00+02:00",
        "2025-04-19T18:00:00",  # read in time_zone
        "2025-04-19T18:00",
    ],
)
def test_a_time_is_written_with_any_offset_or_none_and_read_back_in_the_time_zone(
    editor_api, starts_at
):
    response = editor_api.post(
        f"{API}/proposals/",
        body(starts_at=starts_at, ends_at="2025-04-21T00:00", time_zone="Europe/Moscow"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert times_of(response.json()) == {
        "starts_at": "2025-04-19T18:00:00+03:00",
        "ends_at": "2025-04-21T00:00:00+03:00",
        "time_zone": "Europe/Moscow",
    }
    stored = Proposal.objects.get()
    assert stored.starts_at == datetime.datetime(2025, 4, 19, 15, tzinfo=UTC)


def test_a_time_without_an_offset_is_read_in_the_stored_time_zone(editor_api):
    truce = easter_truce(editorial_status=Event.Status.DRAFT)
    response = editor_api.patch(
        f"{API}/proposals/{truce.pk}/", {"starts_at": "2025-04-19T20:00:00"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["starts_at"] == "2025-04-19T20:00:00+03:00"
    truce.refresh_from_db()
    assert truce.starts_at == datetime.datetime(2025, 4, 19, 17, tzinfo=UTC)


def test_changing_the_time_zone_keeps_the_moments_and_checks_their_dates(editor_api):
    truce = easter_truce(editorial_status=Event.Status.DRAFT)
    response = editor_api.patch(
        f"{API}/proposals/{truce.pk}/", {"time_zone": "Asia/Dubai"}, format="json"
    )
    # 00:00 Moscow on the 21st is 01:00 in Dubai: the 21st is in effect there.
    assert response.status_code == 400
    assert list(response.json()) == ["ends_at"]
    response = editor_api.patch(
        f"{API}/proposals/{truce.pk}/",
        {"time_zone": "Asia/Dubai", "ended_on": "2025-04-21"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["ends_at"] == "2025-04-21T01:00:00+04:00"


@pytest.mark.parametrize(
    "fields,field,message",
    [
        (
            {"starts_at": "2025-04-19T18:00:00", "time_zone": ""},
            "starts_at",
            "no UTC offset",
        ),
        (
            {"starts_at": "2025-04-19T18:00:00+03:00", "ended_on": None},
            "time_zone",
            "Give the time zone",
        ),
        ({"time_zone": "Moscow"}, "time_zone", "IANA name"),
        ({"starts_at": "tomorrow at six", "time_zone": "UTC"}, "starts_at", "Datetime"),
        (
            {
                "starts_at": "2025-04-19T18:00:00+03:00",
                "ends_at": "2025-04-19T18:00:00+03:00",
                "time_zone": "Europe/Moscow",
                "ended_on": "2025-04-19",
            },
            "ends_at",
            "It must end after it starts.",
        ),
        (
            {"starts_at": "2025-04-20T18:00:00+03:00", "time_zone": "Europe/Moscow"},
            "starts_at",
            "effective from is 2025-04-19",
        ),
        (
            {"ends_at": "9999-12-31T23:59:59-14:00", "time_zone": "UTC"},
            "ends_at",
            "",
        ),
        (
            {"ends_at": "9999-12-31T23:59:59", "time_zone": "America/New_York"},
            "ends_at",
            "between years 1 and 9999",
        ),
    ],
)
def test_a_refused_time_names_its_field(editor_api, fields, field, message):
    response = editor_api.post(f"{API}/proposals/", body(**fields), format="json")
    assert response.status_code == 400, response.json()
    errors = response.json()
    assert list(errors) == [field], errors
    assert message in " ".join(errors[field])
    assert not Proposal.objects.exists()


# --- date_start and date_end --------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields,start,end",
    [
        ({"date": datetime.date(2025, 3, 18)}, "2025-03-18", "2025-03-18"),
        (
            {"date": datetime.date(2025, 3, 18), "date_precision": "month"},
            "2025-03-01",
            "2025-03-31",
        ),
        (
            {"date": datetime.date(2024, 2, 10), "date_precision": "month"},
            "2024-02-01",
            "2024-02-29",
        ),
        (
            {"date": datetime.date(2025, 3, 18), "date_precision": "year"},
            "2025-01-01",
            "2025-12-31",
        ),
    ],
)
@pytest.mark.parametrize(
    "endpoint,factory",
    [
        ("proposals", ProposalFactory),
        ("responses", ResponseFactory),
        ("meetings", MeetingFactory),
        ("accusations", AccusationFactory),
        ("events", ProposalFactory),
        ("events", MeetingFactory),
    ],
)
def test_date_start_and_date_end_are_the_period_s_first_and_last_day(
    anonymous, endpoint, factory, fields, start, end
):
    record = factory(editorial_status=Event.Status.PUBLISHED, **fields)
    rows = anonymous.get(f"{API}/{endpoint}/").json()["results"]
    row = next(row for row in rows if row["id"] == record.pk)
    assert (row["date_start"], row["date_end"]) == (start, end)
    detail = anonymous.get(row["url"]).json()
    assert (detail["date_start"], detail["date_end"]) == (start, end)


@pytest.mark.parametrize("endpoint", ["meetings", "events"])
def test_talks_over_several_days_end_on_their_last_day(anonymous, endpoint):
    MeetingFactory(
        editorial_status=Event.Status.PUBLISHED,
        date=datetime.date(2025, 3, 11),
        end_date=datetime.date(2025, 3, 13),
    )
    # A month-precision date whose end_date is earlier than the month's end: the month's end.
    MeetingFactory(
        editorial_status=Event.Status.PUBLISHED,
        date=datetime.date(2025, 2, 1),
        date_precision="month",
        end_date=datetime.date(2025, 2, 3),
    )
    rows = anonymous.get(f"{API}/{endpoint}/").json()["results"]
    assert [(r["date_start"], r["date_end"], r["end_date"]) for r in rows] == [
        ("2025-03-11", "2025-03-13", "2025-03-13"),
        ("2025-02-01", "2025-02-28", "2025-02-03"),
    ]


def test_date_start_and_date_end_are_read_only(editor_api):
    response = editor_api.post(
        f"{API}/proposals/",
        body(date_start="2020-01-01", date_end="2030-01-01", effective_from=None, ended_on=None),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["date_start"], response.json()["date_end"]) == (
        "2025-04-19",
        "2025-04-19",
    )


def test_the_schema_documents_the_new_fields(anonymous):
    schema = anonymous.get("/api/schema/", {"format": "json"}).json()
    proposal = schema["components"]["schemas"]["Proposal"]["properties"]
    assert proposal["starts_at"]["format"] == "date-time"
    assert proposal["starts_at"]["nullable"] is True
    assert proposal["date_start"]["readOnly"] is True
    assert proposal["date_end"]["format"] == "date"
    event = schema["components"]["schemas"]["Event"]["properties"]
    assert {"date_start", "date_end"} <= set(event)
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert parameters["in_effect_at"]["schema"]["format"] == "date-time"
