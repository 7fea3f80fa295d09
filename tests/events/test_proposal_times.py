"""A truce's exact times: the model's rules (events.times) and the moments its dates stand for.

The Easter truce of the seed article, as Moscow announced it: from 18:00 on 19 April until
midnight on 21 April, Moscow time (UTC+3): 30 hours, its days in effect 19 and 20 April.
"""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from events import times
from events.models import Proposal
from tests.events.test_constraints import assert_refused_by_database
from tests.factories import ConflictFactory, ProposalFactory

pytestmark = pytest.mark.django_db

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
UTC = datetime.UTC
APRIL_19 = datetime.date(2025, 4, 19)
APRIL_20 = datetime.date(2025, 4, 20)
APRIL_21 = datetime.date(2025, 4, 21)
STARTS = datetime.datetime(2025, 4, 19, 18, tzinfo=MOSCOW)
ENDS = datetime.datetime(2025, 4, 21, 0, tzinfo=MOSCOW)


def easter_truce(**fields) -> Proposal:
    values = {
        "conflict": ConflictFactory(),
        "date": APRIL_19,
        "outcome": "expired",
        "effective_from": APRIL_19,
        "ended_on": APRIL_20,
        "starts_at": STARTS,
        "ends_at": ENDS,
        "time_zone": "Europe/Moscow",
        **fields,
    }
    return ProposalFactory.build(**values)


def errors_of(proposal: Proposal) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        proposal.full_clean()
    return error.value.message_dict


def test_the_easter_truce_with_its_hours_is_valid_and_lasts_30_hours():
    truce = easter_truce()
    truce.full_clean()
    truce.save()
    truce.refresh_from_db()
    assert truce.starts_at == datetime.datetime(2025, 4, 19, 15, tzinfo=UTC)
    assert truce.ends_at - truce.starts_at == datetime.timedelta(hours=30)


def test_an_end_at_its_start_is_refused_by_the_model_and_the_database():
    truce = easter_truce(ends_at=STARTS, ended_on=APRIL_19)
    assert errors_of(truce) == {"ends_at": ["It must end after it starts."]}
    assert_refused_by_database(truce.save)


def test_an_end_a_second_after_its_start_is_valid():
    easter_truce(ends_at=STARTS + datetime.timedelta(seconds=1), ended_on=APRIL_19).full_clean()


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_a_time_without_a_time_zone_is_refused_by_the_model_and_the_database(field):
    truce = easter_truce(time_zone="", **{"starts_at" if field == "ends_at" else "ends_at": None})
    assert errors_of(truce) == {"time_zone": ["Give the time zone the exact times are in."]}
    assert_refused_by_database(truce.save)


def test_a_time_zone_alone_is_valid():
    easter_truce(starts_at=None, ends_at=None).full_clean()


@pytest.mark.parametrize("name", ["Moscow", "Europe/Atlantis", "UTC+3", "../etc/passwd", "utc"])
def test_an_unknown_time_zone_is_refused(name):
    errors = errors_of(easter_truce(starts_at=None, ends_at=None, time_zone=name))
    assert list(errors) == ["time_zone"]
    assert "IANA name" in errors["time_zone"][0]


@pytest.mark.parametrize("name", ["Europe/Moscow", "Europe/Kyiv", "UTC", "Asia/Riyadh"])
def test_iana_time_zones_are_accepted(name):
    easter_truce(starts_at=None, ends_at=None, time_zone=name).full_clean()


def test_a_time_without_an_offset_is_read_in_the_time_zone():
    truce = easter_truce(starts_at=datetime.datetime(2025, 4, 19, 18))
    truce.full_clean()
    assert truce.starts_at == STARTS
    truce.save()
    truce.refresh_from_db()
    assert truce.starts_at == STARTS


def test_a_time_without_an_offset_or_a_time_zone_is_refused_naming_it():
    truce = easter_truce(starts_at=datetime.datetime(2025, 4, 19, 18), ends_at=None, time_zone="")
    errors = errors_of(truce)
    assert "no UTC offset" in errors["starts_at"][0]


# --- the times agree with the dates they refine ---------------------------------------------


def test_the_start_s_local_date_is_the_effective_from_date():
    # 18:00 in Moscow is 15:00 UTC, the same day; 01:00 in Moscow is the day before in UTC.
    early = datetime.datetime(2025, 4, 19, 1, tzinfo=MOSCOW)
    easter_truce(starts_at=early).full_clean()
    errors = errors_of(easter_truce(effective_from=APRIL_20, ended_on=APRIL_20))
    assert errors == {
        "starts_at": [
            "2025-04-19 18:00 (Europe/Moscow) makes 2025-04-19 its first day, but effective "
            "from is 2025-04-20: the time and the date must agree."
        ]
    }


def test_local_dates_are_the_time_zone_s_not_utc_s():
    # 23:30 UTC on 18 April is 02:30 on 19 April in Moscow: 19 April is the first day.
    late = datetime.datetime(2025, 4, 18, 23, 30, tzinfo=UTC)
    easter_truce(starts_at=late).full_clean()
    assert "starts_at" in errors_of(easter_truce(starts_at=late, time_zone="UTC"))


def test_midnight_ends_the_day_before():
    easter_truce(ends_at=ENDS, ended_on=APRIL_20).full_clean()
    errors = errors_of(easter_truce(ends_at=ENDS, ended_on=APRIL_21))
    assert errors == {
        "ends_at": [
            "2025-04-21 00:00 (Europe/Moscow) makes 2025-04-20 its last day in effect, but "
            "ended on is 2025-04-21: the time and the date must agree."
        ]
    }


def test_a_second_after_midnight_is_in_the_new_day():
    after = ENDS + datetime.timedelta(seconds=1)
    easter_truce(ends_at=after, ended_on=APRIL_21).full_clean()
    assert "ends_at" in errors_of(easter_truce(ends_at=after, ended_on=APRIL_20))


def test_without_an_effective_period_the_times_refine_the_proposed_one():
    fields = {"effective_from": None, "ended_on": None, "outcome": "rejected"}
    easter_truce(proposed_start=APRIL_19, proposed_end=APRIL_20, **fields).full_clean()
    errors = errors_of(easter_truce(proposed_start=APRIL_20, proposed_end=APRIL_21, **fields))
    assert set(errors) == {"starts_at", "ends_at"}
    assert "proposed start is 2025-04-20" in errors["starts_at"][0]
    assert "proposed end is 2025-04-21" in errors["ends_at"][0]


def test_with_an_effective_period_the_proposed_dates_do_not_count():
    easter_truce(proposed_start=APRIL_21, proposed_end=APRIL_21).full_clean()


def test_a_time_needs_the_date_it_refines():
    errors = errors_of(easter_truce(ended_on=None))
    assert errors == {
        "ends_at": [
            "2025-04-21 00:00 (Europe/Moscow) refines a date: set ended on to 2025-04-20, its "
            "last day in effect."
        ]
    }


# --- the moments a period stands for (events.times.bounds) ------------------------------------


def period(**values) -> dict:
    return {name: values.get(name) for name in times.PERIOD_FIELDS}


def test_bounds_are_the_exact_times_when_known():
    assert times.bounds(
        period(
            effective_from=APRIL_19,
            ended_on=APRIL_20,
            starts_at=STARTS,
            ends_at=ENDS,
            time_zone="Europe/Moscow",
        )
    ) == (STARTS, ENDS)


def test_bounds_of_dates_are_their_whole_days_in_the_time_zone_else_utc():
    days = {"proposed_start": APRIL_19, "proposed_end": APRIL_20}
    assert times.bounds(period(**days)) == (
        datetime.datetime(2025, 4, 19, tzinfo=UTC),
        datetime.datetime(2025, 4, 21, tzinfo=UTC),
    )
    assert times.bounds(period(**days, time_zone="Europe/Moscow")) == (
        datetime.datetime(2025, 4, 18, 21, tzinfo=UTC),
        datetime.datetime(2025, 4, 20, 21, tzinfo=UTC),
    )


def test_an_open_period_has_no_end_and_a_period_without_a_start_no_bounds():
    assert times.bounds(period(effective_from=APRIL_19))[1] is None
    assert times.bounds(period(proposed_end=APRIL_20)) == (None, None)


def test_bounds_at_the_ends_of_the_calendar_do_not_overflow():
    first, last = datetime.date.min, datetime.date.max
    start, end = times.bounds(
        period(proposed_start=first, proposed_end=last, time_zone="Asia/Tokyo")
    )
    assert end is None
    assert start.tzinfo is not None
    assert times.in_effect_at(
        period(proposed_start=first, time_zone="Asia/Tokyo"),
        datetime.datetime.max.replace(tzinfo=UTC),
    )
