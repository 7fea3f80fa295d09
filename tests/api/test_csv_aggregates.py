"""The aggregates in CSV are tidy: one row per cell, its keys as columns, a header even when
there is no cell; their JSON is unchanged."""

import csv
import datetime
import io

import pytest

from events.models import Event, Participant
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED = Event.Status.PUBLISHED
WAR = "/api/v1/conflicts/war"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


@pytest.fixture
def war(db):
    war = ConflictFactory(slug="war")
    russia, ukraine, poland = (ActorFactory(slug=s) for s in ("russia", "ukraine", "poland"))
    march, april = datetime.date(2025, 3, 10), datetime.date(2025, 4, 2)
    for day in (march, march, april):
        ProposalFactory(conflict=war, date=day, editorial_status=PUBLISHED)
    MeetingFactory(conflict=war, date=april, editorial_status=PUBLISHED)
    for accusers, accused in (
        ([ukraine], [russia]),
        ([ukraine, poland], [russia]),
        ([russia], [ukraine]),
    ):
        accusation = AccusationFactory(conflict=war, date=march, editorial_status=PUBLISHED)
        for actor in accusers:
            ParticipantFactory(event=accusation, actor=actor, role=Participant.Role.ACCUSER)
        for actor in accused:
            ParticipantFactory(event=accusation, actor=actor, role=Participant.Role.ACCUSED)
    return war


@pytest.mark.parametrize("how", [{"format": "csv"}, {"HTTP_ACCEPT": "text/csv"}])
def test_counts_in_csv_are_one_row_per_month_and_kind(anonymous, war, how):
    params = {"format": "csv"} if "format" in how else {}
    headers = {k: v for k, v in how.items() if k != "format"}

    rows = csv_rows(anonymous.get(f"{WAR}/counts/", params, **headers))

    assert rows == [
        ["month", "kind", "count"],
        ["2025-03", "accusation", "3"],
        ["2025-03", "proposal", "2"],
        ["2025-04", "meeting", "1"],
        ["2025-04", "proposal", "1"],
    ]


def test_the_accusation_matrix_in_csv_is_one_row_per_pair(anonymous, war):
    rows = csv_rows(anonymous.get(f"{WAR}/accusation-matrix/", {"format": "csv"}))

    assert rows == [
        ["accuser", "accused", "count"],
        ["poland", "russia", "1"],
        ["russia", "ukraine", "1"],
        ["ukraine", "russia", "2"],
    ]


@pytest.mark.parametrize(
    ("endpoint", "header"),
    [
        ("counts", ["month", "kind", "count"]),
        ("accusation-matrix", ["accuser", "accused", "count"]),
    ],
)
def test_an_aggregate_without_cells_is_its_header(anonymous, war, endpoint, header):
    params = {"format": "csv", "date_after": "2026-01-01"}

    assert csv_rows(anonymous.get(f"{WAR}/{endpoint}/", params)) == [header]


def test_the_period_applies_in_csv(anonymous, war):
    # The period's first and last day are the day of the April events.
    params = {"format": "csv", "date_after": "2025-04-02", "date_before": "2025-04-02"}

    rows = csv_rows(anonymous.get(f"{WAR}/counts/", params))

    assert rows[1:] == [["2025-04", "meeting", "1"], ["2025-04", "proposal", "1"]]


def test_the_json_of_the_aggregates_is_unchanged(anonymous, war):
    counts = anonymous.get(f"{WAR}/counts/").json()
    matrix = anonymous.get(f"{WAR}/accusation-matrix/").json()

    assert counts == {
        "conflict": "war",
        "counts": [
            {"month": "2025-03", "kind": "accusation", "count": 3},
            {"month": "2025-03", "kind": "proposal", "count": 2},
            {"month": "2025-04", "kind": "meeting", "count": 1},
            {"month": "2025-04", "kind": "proposal", "count": 1},
        ],
    }
    assert matrix == {
        "conflict": "war",
        "accusers": ["poland", "russia", "ukraine"],
        "accused": ["russia", "ukraine"],
        "matrix": [
            {"accuser": "poland", "accused": "russia", "count": 1},
            {"accuser": "russia", "accused": "ukraine", "count": 1},
            {"accuser": "ukraine", "accused": "russia", "count": 2},
        ],
    }


@pytest.mark.parametrize("endpoint", ["counts", "accusation-matrix"])
def test_a_bad_period_in_csv_is_a_json_400(anonymous, war, endpoint):
    response = anonymous.get(f"{WAR}/{endpoint}/", {"format": "csv", "date_after": "2025-02-30"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["date_after"]
