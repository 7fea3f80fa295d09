"""The exact times of a truce, and the moments its dates stand for.

A proposal's period is in dates: the effective period (``effective_from``–``ended_on``) when
it took effect on a known day, else the proposed one (``proposed_start``–``proposed_end``), as
``in_effect_on`` reads them. Where the article gives the hour, ``starts_at`` and ``ends_at``
refine that period's first and last day, in the proposal's ``time_zone`` (an IANA name).

A period is half-open: in effect from its start, inclusive, until its end, exclusive. A truce
"from 18:00 on 19 April until midnight on 21 April" (Moscow time) starts at
2025-04-19T18:00+03:00 and ends at 2025-04-21T00:00+03:00; its last day in effect, the end
date the time refines, is 20 April. Without a time, a date stands for its whole day in the
proposal's time zone, UTC when it has none.
"""

import datetime
import functools
import zoneinfo
from collections.abc import Mapping

from django.core.exceptions import ValidationError

UTC = datetime.UTC
# The smallest step of a stored time: the moment before an end is the last one in effect.
TICK = datetime.timedelta(microseconds=1)
# A period's date fields, by the time that refines them: (effective period, proposed period).
REFINED = {
    "starts_at": ("effective_from", "proposed_start"),
    "ends_at": ("ended_on", "proposed_end"),
}
TIME_FIELDS = tuple(REFINED)
# Every column a period's bounds are computed from.
PERIOD_FIELDS = (
    "effective_from",
    "ended_on",
    "proposed_start",
    "proposed_end",
    "starts_at",
    "ends_at",
    "time_zone",
)


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The IANA time zones this system knows (the tzdata package's, else the system's)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name: str) -> None:
    if name not in time_zone_names():
        raise ValidationError(
            "Unknown time zone “%(name)s”: give an IANA name such as Europe/Moscow, Europe/Kyiv "
            "or UTC.",
            code="unknown_time_zone",
            params={"name": name},
        )


def zone_of(name: str | None) -> datetime.tzinfo:
    """The time zone a proposal's times and dates are read in: its own, else UTC."""
    return zoneinfo.ZoneInfo(name) if name and name in time_zone_names() else UTC


def in_utc(moment: datetime.datetime) -> datetime.datetime:
    """An aware moment in UTC; a ValidationError when it falls outside years 1 to 9999 there."""
    try:
        return moment.astimezone(UTC)
    except OverflowError as error:
        raise ValidationError(
            "Enter a date and time between years 1 and 9999.", code="overflow"
        ) from error


def localize(moment: datetime.datetime, zone_name: str) -> datetime.datetime:
    """A time typed without a UTC offset, read in ``zone_name``; an aware one as it is."""
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment
    if not zone_name or zone_name not in time_zone_names():
        raise ValidationError(
            "This time has no UTC offset: give one (2025-04-19T18:00:00+03:00) or the "
            "proposal's time zone.",
            code="naive_time",
        )
    return in_utc(moment.replace(tzinfo=zoneinfo.ZoneInfo(zone_name)))


def local_day(moment: datetime.datetime, zone: datetime.tzinfo) -> datetime.date:
    return moment.astimezone(zone).date()


def last_day(end: datetime.datetime, zone: datetime.tzinfo) -> datetime.date:
    """The last day in effect of a period ending (exclusively) at ``end``: midnight ends the
    day before."""
    return local_day(end - TICK, zone)


def day_start(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime | None:
    """The first moment of ``day`` in ``zone``, in UTC; None when it is before year 1."""
    try:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone).astimezone(UTC)
    except OverflowError:
        return None


def refined_period(values: Mapping) -> tuple[str, str]:
    """The names of the date fields the times refine: the effective period's when it took
    effect on a known day, else the proposed period's (``in_effect_on``'s rule)."""
    column = 0 if values.get("effective_from") is not None else 1
    return REFINED["starts_at"][column], REFINED["ends_at"][column]


def bounds(
    values: Mapping,
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The moments (UTC) a proposal's period starts (inclusive) and ends (exclusive), from
    ``values`` (its PERIOD_FIELDS): the exact times when known, else the first moment of its
    first day and of the day after its last, in its time zone. No start: it has no period; no
    end: open-ended."""
    zone = zone_of(values.get("time_zone"))
    start_field, end_field = refined_period(values)
    first, last = values.get(start_field), values.get(end_field)
    if first is None:
        return None, None
    start = values.get("starts_at") or day_start(first, zone) or datetime.datetime.min
    start = start.replace(tzinfo=UTC) if start.tzinfo is None else start
    end = values.get("ends_at")
    if end is None and last is not None and last < datetime.date.max:
        end = day_start(last + datetime.timedelta(days=1), zone)
    return start, end


def in_effect_at(values: Mapping, moment: datetime.datetime) -> bool:
    """Whether the period of a proposal (its PERIOD_FIELDS) holds ``moment`` (aware)."""
    start, end = bounds(values)
    return start is not None and start <= moment and (end is None or moment < end)


def time_errors(values: Mapping) -> dict[str, str]:
    """Why a proposal's exact times disagree with the dates they refine (by time field): the
    start's local date is the first day, the end's the last day in effect."""
    name = values.get("time_zone")
    if not name or name not in time_zone_names():
        return {}  # the time zone's own rules name the problem
    zone = zone_of(name)
    errors = {}
    for time_field, date_field in zip(TIME_FIELDS, refined_period(values), strict=True):
        moment = values.get(time_field)
        if moment is None or moment.tzinfo is None:
            continue
        day = last_day(moment, zone) if time_field == "ends_at" else local_day(moment, zone)
        typed = values.get(date_field)
        if typed == day:
            continue
        label = date_field.replace("_", " ")
        shown = f"{moment.astimezone(zone):%Y-%m-%d %H:%M} ({name})"
        what = "its last day in effect" if time_field == "ends_at" else "its first day"
        if typed is None:
            errors[time_field] = (
                f"{shown} refines a date: set {label} to {day.isoformat()}, {what}."
            )
        else:
            errors[time_field] = (
                f"{shown} makes {day.isoformat()} {what}, but {label} is "
                f"{typed.isoformat()}: the time and the date must agree."
            )
    return errors
