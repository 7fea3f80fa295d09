"""Date words resolved against the publication date, with their precision."""

import datetime

import pytest

from events.suggest.dates import resolve_date

WEDNESDAY = datetime.date(2023, 5, 17)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("on Monday", datetime.date(2023, 5, 15)),
        ("on Tuesday", datetime.date(2023, 5, 16)),
        ("on Wednesday", datetime.date(2023, 5, 17)),  # the publication's own day
        ("on Thursday", datetime.date(2023, 5, 11)),
        ("on Friday", datetime.date(2023, 5, 12)),
        ("on Saturday", datetime.date(2023, 5, 13)),
        ("on Sunday", datetime.date(2023, 5, 14)),
        ("last Wednesday", datetime.date(2023, 5, 10)),
    ],
)
def test_a_weekday_is_the_last_one_on_or_before_the_publication(words, expected):
    resolved = resolve_date(f"The army shelled the city {words}.", WEDNESDAY)
    assert (resolved.date, resolved.precision) == (expected, "day")


def test_a_weekday_across_a_month_boundary():
    resolved = resolve_date("It began on Friday.", datetime.date(2023, 6, 1))  # a Thursday
    assert resolved.date == datetime.date(2023, 5, 26)


def test_last_month_is_month_precision_and_crosses_the_year():
    resolved = resolve_date("Last month, talks stalled.", datetime.date(2024, 1, 3))
    assert (resolved.date, resolved.precision) == (datetime.date(2023, 12, 1), "month")


def test_yesterday_on_new_year_s_day_is_the_last_day_of_the_year():
    resolved = resolve_date("Fighting resumed yesterday.", datetime.date(2024, 1, 1))
    assert (resolved.date, resolved.precision) == (datetime.date(2023, 12, 31), "day")


def test_a_day_of_a_month_is_in_the_publication_s_year():
    resolved = resolve_date("The truce began on May 12.", WEDNESDAY)
    assert (resolved.date, resolved.precision) == (datetime.date(2023, 5, 12), "day")


def test_a_day_after_the_publication_is_last_year_s():
    resolved = resolve_date("They met on 20 December.", datetime.date(2024, 1, 5))
    assert resolved.date == datetime.date(2023, 12, 20)


def test_a_day_with_its_year_is_taken_as_written():
    resolved = resolve_date("They met on June 1, 2021.", WEDNESDAY)
    assert resolved.date == datetime.date(2021, 6, 1)


def test_a_month_alone_is_the_latest_such_month_with_month_precision():
    resolved = resolve_date("The talks in December failed.", datetime.date(2024, 1, 5))
    assert (resolved.date, resolved.precision) == (datetime.date(2023, 12, 1), "month")


def test_from_midnight_is_the_publication_s_day_in_effect_the_next():
    resolved = resolve_date("A truce holds from midnight.", WEDNESDAY)
    assert (resolved.date, resolved.precision, resolved.starts_next_day) == (
        WEDNESDAY,
        "day",
        True,
    )


def test_last_year_is_year_precision():
    resolved = resolve_date("Talks failed last year.", WEDNESDAY)
    assert (resolved.date, resolved.precision) == (datetime.date(2022, 1, 1), "year")


def test_no_date_words_give_none():
    assert resolve_date("The army shelled the city.", WEDNESDAY) is None


def test_may_the_verb_is_no_month():
    assert resolve_date("Talks may resume soon.", WEDNESDAY) is None
