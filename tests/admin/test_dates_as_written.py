"""Dates typed as editors write them: a month as 2025-03, a year as 2025, a publication
date without its time."""

import datetime

import pytest
from django.urls import reverse

from events.forms import parse_period
from events.models import Event, Proposal, Source
from tests.admin.helpers import proposal_form
from tests.factories import ConflictFactory

pytestmark = pytest.mark.django_db

ADD_PROPOSAL = reverse("admin:events_proposal_add")
ADD_SOURCE = reverse("admin:events_source_add")
FORMATS = "Enter a date as YYYY-MM-DD, or YYYY-MM for a month, or YYYY for a year."


@pytest.mark.parametrize(
    "typed,chosen,date,precision",
    [
        ("2025-03", "month", datetime.date(2025, 3, 1), "month"),
        ("2025-03", "day", datetime.date(2025, 3, 1), "month"),  # a month typed is a month
        ("2025-3", "day", datetime.date(2025, 3, 1), "month"),
        ("2025", "year", datetime.date(2025, 1, 1), "year"),
        ("2025", "day", datetime.date(2025, 1, 1), "year"),
        ("2025", "month", datetime.date(2025, 1, 1), "year"),
        # A coarser precision chosen stays; the record keeps its period's first day.
        ("2025-03", "year", datetime.date(2025, 1, 1), "year"),
        ("2025-03-18", "day", datetime.date(2025, 3, 18), "day"),
        ("2025-03-18", "month", datetime.date(2025, 3, 1), "month"),
        (" 2025-04-19 ", "day", datetime.date(2025, 4, 19), "day"),
    ],
)
def test_an_event_date_is_typed_as_people_write_it(editor_client, typed, chosen, date, precision):
    data = proposal_form(ConflictFactory(), date=typed, date_precision=chosen, title="T")

    response = editor_client.post(ADD_PROPOSAL, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    proposal = Proposal.objects.get()
    assert (proposal.date, proposal.date_precision) == (date, precision)
    assert type(proposal.date) is datetime.date


@pytest.mark.parametrize("typed", ["2025-13", "2025-02-30", "March 2025", "25", "2025-03-", "x"])
def test_a_bad_event_date_names_the_expected_formats(editor_client, typed):
    data = proposal_form(ConflictFactory(), date=typed)

    response = editor_client.post(ADD_PROPOSAL, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date"] == [FORMATS]
    assert not Event.objects.exists()


def test_parse_period_tells_the_precision_it_was_written_in():
    assert parse_period("2025").precision == Event.Precision.YEAR
    assert parse_period("2025-03").precision == Event.Precision.MONTH
    assert parse_period("2025-03-18").precision == Event.Precision.DAY
    assert parse_period("2025-00") is None
    assert parse_period("2025-03-00") is None
    assert parse_period("12025") is None


def source_form(**fields) -> dict:
    return {
        "url": "https://example.org/a",
        "title": "An article",
        "language": "en",
        "body": "Text.",
        "published_at_0": "2025-04-21",
        "published_at_1": "",
        **fields,
    }


def test_a_source_is_published_on_a_day_without_a_time(editor_client):
    response = editor_client.post(ADD_SOURCE, source_form())

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Source.objects.get().published_at == datetime.datetime(2025, 4, 21, tzinfo=datetime.UTC)


def test_a_source_keeps_the_time_given(editor_client):
    response = editor_client.post(ADD_SOURCE, source_form(published_at_1="14:30"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    published = Source.objects.get().published_at
    assert published == datetime.datetime(2025, 4, 21, 14, 30, tzinfo=datetime.UTC)


def test_a_source_may_have_no_publication_date(editor_client):
    response = editor_client.post(ADD_SOURCE, source_form(published_at_0=""))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Source.objects.get().published_at is None


def test_a_time_without_a_day_is_refused(editor_client):
    response = editor_client.post(ADD_SOURCE, source_form(published_at_0="", published_at_1="9:00"))

    assert response.status_code == 200
    assert "published_at" in response.context["adminform"].form.errors
    assert not Source.objects.exists()
