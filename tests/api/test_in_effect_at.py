"""in_effect_at=<moment>: the proposals in effect at that moment, on the proposals' list and the
timeline. A period runs from its exact start (inclusive) to its exact end (exclusive) when
known, else over the whole days of its dates in the proposal's time zone, UTC when it has none.

Each test asks for the exact set of its proposals' ids: a row too many fails it.
"""

import datetime
import zoneinfo

import pytest
from rest_framework.test import APIClient

from events.models import Event, Proposal
from tests.factories import ConflictFactory, ProposalFactory, ResponseFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
ENDPOINTS = ["proposals", "events"]
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


def published(**fields) -> Proposal:
    fields.setdefault("outcome", Proposal.Outcome.EXPIRED)
    fields.setdefault("date", datetime.date(2025, 4, 19))
    return ProposalFactory(editorial_status=Event.Status.PUBLISHED, **fields)


def found(endpoint: str, moment: str) -> set[int]:
    response = APIClient().get(f"{API}/{endpoint}/", {"in_effect_at": moment, "page_size": 100})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def truces(db):
    """The Easter truce with its hours (18:00 on 19 April until midnight on 21 April, Moscow
    time), and proposals known by their dates only: without a time zone (UTC days), in
    Moscow's (UTC+3) and in Los Angeles' (UTC−7 in April)."""
    days = {
        "proposed_start": datetime.date(2025, 4, 19),
        "proposed_end": datetime.date(2025, 4, 20),
    }
    return {
        "exact": published(
            effective_from=datetime.date(2025, 4, 19),
            ended_on=datetime.date(2025, 4, 20),
            starts_at=datetime.datetime(2025, 4, 19, 18, tzinfo=MOSCOW),
            ends_at=datetime.datetime(2025, 4, 21, tzinfo=MOSCOW),
            time_zone="Europe/Moscow",
        ),
        "utc_days": published(**days),
        "moscow_days": published(**days, time_zone="Europe/Moscow"),
        "la_days": published(**days, time_zone="America/Los_Angeles"),
    }


def names(truces: dict, ids: set[int]) -> set[str]:
    assert ids <= {p.pk for p in truces.values()}, ids
    return {name for name, proposal in truces.items() if proposal.pk in ids}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "moment,in_effect",
    [
        # The exact start is in effect; a second before it is not.
        ("2025-04-19T18:00:00+03:00", {"exact", "utc_days", "moscow_days", "la_days"}),
        ("2025-04-19T17:59:59+03:00", {"utc_days", "moscow_days", "la_days"}),
        # The same moments written in UTC.
        ("2025-04-19T15:00:00Z", {"exact", "utc_days", "moscow_days", "la_days"}),
        ("2025-04-19T14:59:59Z", {"utc_days", "moscow_days", "la_days"}),
        # The exact end is no longer in effect; a second before it is.
        ("2025-04-20T23:59:59+03:00", {"exact", "utc_days", "moscow_days", "la_days"}),
        ("2025-04-21T00:00:00+03:00", {"utc_days", "la_days"}),
    ],
)
def test_the_exact_start_is_in_effect_and_the_exact_end_is_not(truces, endpoint, moment, in_effect):
    assert names(truces, found(endpoint, moment)) == in_effect


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "moment,in_effect",
    [
        # A proposal without a time zone: its days in UTC, 00:00 to 23:59:59 inclusive.
        ("2025-04-19T00:00:00Z", {"utc_days", "moscow_days"}),
        ("2025-04-18T23:59:59Z", {"moscow_days"}),
        ("2025-04-20T23:59:59Z", {"utc_days", "la_days"}),
        ("2025-04-21T00:00:00Z", {"la_days"}),
        # Moscow's 19 April begins at 21:00 UTC on the 18th (across midnight UTC).
        ("2025-04-18T21:00:00Z", {"moscow_days"}),
        ("2025-04-18T20:59:59Z", set()),
        ("2025-04-20T20:59:59Z", {"exact", "utc_days", "moscow_days", "la_days"}),
        ("2025-04-20T21:00:00Z", {"utc_days", "la_days"}),
        # Los Angeles' 20 April ends at 07:00 UTC on the 21st.
        ("2025-04-21T06:59:59Z", {"la_days"}),
        ("2025-04-21T07:00:00Z", set()),
        ("2025-04-19T07:00:00Z", {"utc_days", "moscow_days", "la_days"}),
        ("2025-04-19T06:59:59Z", {"utc_days", "moscow_days"}),
        # Any offset names the same moment: 23:59:59 in Los Angeles is 06:59:59 UTC next day.
        ("2025-04-20T23:59:59-07:00", {"la_days"}),
    ],
)
def test_dates_stand_for_their_whole_days_in_the_proposal_s_time_zone(
    truces, endpoint, moment, in_effect
):
    assert names(truces, found(endpoint, moment)) == in_effect


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_open_period_is_in_effect_from_its_start_on(db, endpoint):
    opened = published(
        effective_from=datetime.date(2025, 4, 19),
        starts_at=datetime.datetime(2025, 4, 19, 18, tzinfo=MOSCOW),
        time_zone="Europe/Moscow",
        outcome=Proposal.Outcome.IN_EFFECT,
    )
    assert found(endpoint, "2025-04-19T14:59:59Z") == set()
    assert found(endpoint, "2025-04-19T15:00:00Z") == {opened.pk}
    assert found(endpoint, "2026-01-01T00:00:00Z") == {opened.pk}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("outcome", Proposal.Outcome.values)
def test_only_proposals_that_took_effect_are_in_effect(db, endpoint, outcome):
    proposal = published(
        proposed_start=datetime.date(2025, 4, 19),
        proposed_end=datetime.date(2025, 4, 20),
        starts_at=datetime.datetime(2025, 4, 19, 18, tzinfo=MOSCOW),
        ends_at=datetime.datetime(2025, 4, 21, tzinfo=MOSCOW),
        time_zone="Europe/Moscow",
        outcome=outcome,
    )
    expected = {proposal.pk} if outcome in Proposal.TOOK_EFFECT else set()
    assert found(endpoint, "2025-04-20T12:00:00Z") == expected


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_effective_period_wins_over_the_proposed_one(db, endpoint):
    later = published(
        proposed_start=datetime.date(2025, 4, 19),
        proposed_end=datetime.date(2025, 4, 20),
        effective_from=datetime.date(2025, 4, 25),
    )
    assert found(endpoint, "2025-04-20T12:00:00Z") == set()
    assert found(endpoint, "2025-04-25T00:00:00Z") == {later.pk}


def test_unpublished_proposals_stay_hidden_and_other_kinds_are_not_in_effect(truces):
    draft = ProposalFactory(
        proposed_start=datetime.date(2025, 4, 19), outcome=Proposal.Outcome.IN_EFFECT
    )
    ResponseFactory(
        proposal=truces["utc_days"],
        conflict=truces["utc_days"].conflict,
        editorial_status=Event.Status.PUBLISHED,
        date=draft.date,
    )
    assert names(truces, found("events", "2025-04-19T12:00:00Z")) == {
        "utc_days",
        "moscow_days",
        "la_days",
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_in_effect_at_narrows_with_other_filters(truces, endpoint):
    other = ConflictFactory(slug="other-war")
    elsewhere = published(
        conflict=other,
        proposed_start=datetime.date(2025, 4, 19),
        proposed_end=datetime.date(2025, 4, 20),
    )
    response = APIClient().get(
        f"{API}/{endpoint}/", {"in_effect_at": "2025-04-19T12:00:00Z", "conflict": "other-war"}
    )
    assert {row["id"] for row in response.json()["results"]} == {elsewhere.pk}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("day", ["2025-04-18", "2025-04-19", "2025-04-20", "2025-04-21"])
def test_in_effect_on_a_day_is_in_effect_at_some_moment_of_that_local_day(truces, endpoint, day):
    """in_effect_on keeps its meaning: the dates are the proposal's local days, and the
    exact times agree with them."""
    response = APIClient().get(f"{API}/{endpoint}/", {"in_effect_on": day})
    on_the_day = {row["id"] for row in response.json()["results"]}
    expected = {
        "2025-04-18": set(),
        "2025-04-19": {"exact", "utc_days", "moscow_days", "la_days"},
        "2025-04-20": {"exact", "utc_days", "moscow_days", "la_days"},
        "2025-04-21": set(),
    }[day]
    assert names(truces, on_the_day) == expected


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "value",
    [
        "tomorrow",
        "2025-04-19",  # a day is not a moment
        "2025-04-19T18:00:00",  # no offset: a clock's reading in an unknown place
        "2025-04-19 18:00",
        "2025-04-19T25:00:00Z",
        "2025-02-30T00:00:00Z",
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-14:00",  # after year 9999 in UTC
        "2025-04-19T18:00:00+25:00",
    ],
)
def test_a_malformed_or_naive_moment_is_a_400_naming_the_filter(db, endpoint, value):
    response = APIClient().get(f"{API}/{endpoint}/", {"in_effect_at": value})
    assert response.status_code == 400, (value, response.content)
    assert list(response.json()) == ["in_effect_at"]


def test_a_naive_moment_is_told_to_give_its_offset(db):
    response = APIClient().get(f"{API}/proposals/", {"in_effect_at": "2025-04-19T18:00:00"})
    assert "UTC offset" in response.json()["in_effect_at"][0]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
def test_the_first_and_last_moments_of_the_calendar_are_answered(db, endpoint, value):
    everlasting = published(proposed_start=datetime.date(1, 1, 1), time_zone="Asia/Tokyo")
    assert found(endpoint, value) == {everlasting.pk}
