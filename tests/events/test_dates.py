"""Dates are sane: an event is not dated after the newest article it cites (a day's slack for
time zones), nor more than a day ahead of today; a source's publication time is not moved so
that events citing it would be. The model and the API here; the admin in
tests/admin/test_evidence_admin.py."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.models import Event, Source
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ProposalFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
PUBLISHED = datetime.date(2025, 4, 20)


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def article(day: datetime.date = PUBLISHED, **fields) -> Source:
    return SourceFactory(published_at=noon(day), **fields)


def after_article(day: datetime.date, newest: datetime.date) -> str:
    return (
        f"{day.isoformat()} is after the newest article it cites was published "
        f"({newest.isoformat()}): an article reports what happened before it."
    )


def in_future(day: datetime.date) -> str:
    return f"{day.isoformat()} is in the future (today is {timezone.localdate()})."


@pytest.fixture
def conflict():
    return ConflictFactory(name="Russia Ukraine War", slug="russia-ukraine-war")


def post_event(client, endpoint: str, conflict, sources, **fields):
    """A POST of an event citing ``sources``."""
    body = {
        "conflict": conflict.slug,
        "date": PUBLISHED.isoformat(),
        "title": "Easter truce",
        "citations": [{"source": s.pk, "quote": "30-day truce"} for s in sources],
        **fields,
    }
    return client.post(f"/api/v1/{endpoint}/", body, format="json")


def post_proposal(client, conflict, sources, **fields):
    return post_event(client, "proposals", conflict, sources, proposal_kind="ceasefire", **fields)


def post_accusation(client, conflict, sources, **fields):
    return post_event(client, "accusations", conflict, sources, date="2025-04-19", **fields)


# --- not after the newest article it cites ---------------------------------------------------


def test_a_date_one_day_after_the_article_is_accepted(editor_api, conflict):
    response = post_proposal(editor_api, conflict, [article()], date="2025-04-21")

    assert response.status_code == 201, response.json()
    assert response.json()["date"] == "2025-04-21"


def test_a_date_two_days_after_the_article_is_refused_on_date(editor_api, conflict):
    response = post_proposal(editor_api, conflict, [article()], date="2025-04-22")

    assert response.status_code == 400
    assert response.json() == {"date": [after_article(PUBLISHED + 2 * DAY, PUBLISHED)]}
    assert not Event.objects.exists()


@pytest.mark.parametrize("newer_first", [True, False])
def test_with_two_articles_the_newer_one_counts(editor_api, conflict, newer_first):
    sources = [article(PUBLISHED), article(PUBLISHED - 10 * DAY)]
    if not newer_first:
        sources.reverse()

    accepted = post_proposal(editor_api, conflict, sources, date="2025-04-21")
    refused = post_proposal(editor_api, conflict, sources, date="2025-04-22")

    assert accepted.status_code == 201, accepted.json()
    assert refused.status_code == 400
    assert refused.json() == {"date": [after_article(PUBLISHED + 2 * DAY, PUBLISHED)]}


def test_an_article_without_publication_time_does_not_date_the_event(editor_api, conflict):
    sources = [SourceFactory(published_at=None), article(PUBLISHED - 10 * DAY)]

    response = post_proposal(editor_api, conflict, sources, date="2025-04-20")

    assert response.status_code == 400
    assert response.json() == {"date": [after_article(PUBLISHED, PUBLISHED - 10 * DAY)]}
    undated = post_proposal(editor_api, conflict, sources[:1], date="2025-04-20")
    assert undated.status_code == 201, undated.json()


# (precision, the date sent, the article's publication day, accepted)
PRECISE_DATES = [
    pytest.param("month", "2025-05-31", datetime.date(2025, 4, 30), True, id="month-edge"),
    pytest.param("month", "2025-05-31", datetime.date(2025, 4, 29), False, id="month-past"),
    pytest.param("month", "2025-04-30", datetime.date(2025, 4, 1), True, id="month-same"),
    pytest.param("year", "2025-12-31", datetime.date(2024, 12, 31), True, id="year-edge"),
    pytest.param("year", "2025-12-31", datetime.date(2024, 12, 30), False, id="year-past"),
]


@pytest.mark.parametrize(("precision", "date", "published", "accepted"), PRECISE_DATES)
def test_a_month_or_year_counts_from_its_first_day(
    editor_api, conflict, precision, date, published, accepted
):
    response = post_proposal(
        editor_api, conflict, [article(published)], date=date, date_precision=precision
    )

    first_day = datetime.date.fromisoformat(date).replace(day=1)
    if precision == "year":
        first_day = first_day.replace(month=1)
    if accepted:
        assert response.status_code == 201, response.json()
        assert response.json()["date"] == first_day.isoformat()
    else:
        assert response.status_code == 400
        assert response.json() == {"date": [after_article(first_day, published)]}


def test_an_incident_one_day_after_the_article_is_accepted(editor_api, conflict):
    response = post_accusation(editor_api, conflict, [article()], incident_date="2025-04-21")

    assert response.status_code == 201, response.json()


def test_an_incident_two_days_after_the_article_is_refused_on_incident_date(editor_api, conflict):
    response = post_accusation(editor_api, conflict, [article()], incident_date="2025-04-22")

    assert response.status_code == 400
    assert response.json() == {"incident_date": [after_article(PUBLISHED + 2 * DAY, PUBLISHED)]}
    assert not Event.objects.exists()


def test_talks_may_end_after_the_article_that_announced_them(editor_api, conflict):
    response = post_event(editor_api, "meetings", conflict, [article()], end_date="2025-04-25")

    assert response.status_code == 201, response.json()


def test_patching_the_date_is_checked_against_the_stored_citations(editor_api, conflict):
    proposal = ProposalFactory(conflict=conflict, date=PUBLISHED)
    CitationFactory(event=proposal, source=article())

    refused = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/", {"date": "2025-04-22"}, format="json"
    )
    accepted = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/", {"date": "2025-04-21"}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json() == {"date": [after_article(PUBLISHED + 2 * DAY, PUBLISHED)]}
    assert accepted.status_code == 200, accepted.json()
    assert Event.objects.get(pk=proposal.pk).date == PUBLISHED + DAY


def test_patching_the_citations_to_an_older_article_is_checked(editor_api, conflict):
    proposal = ProposalFactory(conflict=conflict, date=PUBLISHED)
    CitationFactory(event=proposal, source=article())
    older = article(PUBLISHED - 2 * DAY)

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/",
        {"citations": [{"source": older.pk, "quote": "30-day truce"}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"date": [after_article(PUBLISHED, PUBLISHED - 2 * DAY)]}
    assert list(proposal.citations.values_list("source__published_at", flat=True)) == [
        noon(PUBLISHED)
    ]


# --- not in the future ---------------------------------------------------------------------


def future_days():
    today = timezone.localdate()
    return today + DAY, today + 2 * DAY


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        pytest.param(ProposalFactory, "date", id="date"),
        pytest.param(MeetingFactory, "end_date", id="end_date"),
        pytest.param(AccusationFactory, "incident_date", id="incident_date"),
    ],
)
def test_a_day_ahead_is_accepted_and_two_are_refused_by_full_clean(factory, field):
    tomorrow, after_tomorrow = future_days()
    event = factory(date=timezone.localdate())

    setattr(event, field, tomorrow)
    event.full_clean()
    setattr(event, field, after_tomorrow)
    with pytest.raises(ValidationError) as error:
        event.full_clean()

    assert error.value.message_dict == {field: [in_future(after_tomorrow)]}


@pytest.mark.parametrize(
    ("endpoint", "field", "extra"),
    [
        pytest.param("proposals", "date", {"proposal_kind": "ceasefire"}, id="proposal-date"),
        pytest.param("meetings", "end_date", {}, id="meeting-end_date"),
        pytest.param("accusations", "incident_date", {}, id="accusation-incident_date"),
    ],
)
def test_a_day_ahead_is_accepted_and_two_are_refused_by_the_api(
    editor_api, conflict, endpoint, field, extra
):
    tomorrow, after_tomorrow = future_days()
    body = {"conflict": conflict.slug, "date": timezone.localdate().isoformat(), "title": "T"}
    body.update(extra)

    refused = editor_api.post(
        f"/api/v1/{endpoint}/", {**body, field: after_tomorrow.isoformat()}, format="json"
    )
    accepted = editor_api.post(
        f"/api/v1/{endpoint}/", {**body, field: tomorrow.isoformat()}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json() == {field: [in_future(after_tomorrow)]}
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()[field] == tomorrow.isoformat()
    assert Event.objects.count() == 1


# --- a source's publication time ------------------------------------------------------------


def misdated_message(event) -> str:
    status = event.get_editorial_status_display().lower()
    return (
        "Events citing this article would then be dated after every article they cite: "
        f"“{event.title}” ({event.get_kind_display().lower()} {event.pk}, {status})."
    )


def cited_on(day: datetime.date, source: Source, status: str = "draft"):
    event = ProposalFactory(title="Easter truce", date=day, editorial_status=status)
    CitationFactory(event=event, source=source)
    return event


def test_moving_publication_so_that_a_citing_event_is_misdated_is_refused_by_the_model():
    source = article()
    event = cited_on(PUBLISHED, source)
    source.published_at = noon(PUBLISHED - 2 * DAY)

    with pytest.raises(ValidationError) as error:
        source.full_clean()

    assert error.value.message_dict == {"published_at": [misdated_message(event)]}


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.PUBLISHED])
def test_moving_publication_so_that_a_citing_event_is_misdated_is_refused_by_the_api(
    reviewer_api, status
):
    source = article()
    event = cited_on(PUBLISHED, source, status)

    response = reviewer_api.patch(
        f"/api/v1/sources/{source.pk}/",
        {"published_at": noon(PUBLISHED - 2 * DAY).isoformat()},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert response.json() == {
        "published_at": [misdated_message(event)],
        "misdated_events": [f"http://testserver/api/v1/proposals/{event.pk}/"],
    }
    source.refresh_from_db()
    assert source.published_at == noon(PUBLISHED)


def test_moving_publication_to_the_day_before_the_event_is_accepted(reviewer_api):
    source = article()
    cited_on(PUBLISHED, source)

    response = reviewer_api.patch(
        f"/api/v1/sources/{source.pk}/",
        {"published_at": noon(PUBLISHED - DAY).isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.json()
    source.refresh_from_db()
    assert source.published_at == noon(PUBLISHED - DAY)


def test_moving_publication_is_accepted_while_another_cited_article_covers_the_date(reviewer_api):
    source = article()
    event = cited_on(PUBLISHED, source)
    CitationFactory(event=event, source=article())

    response = reviewer_api.patch(
        f"/api/v1/sources/{source.pk}/",
        {"published_at": noon(PUBLISHED - 30 * DAY).isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.json()


def test_an_accusations_incident_is_checked_when_publication_moves(reviewer_api):
    source = article()
    accusation = AccusationFactory(
        title="Shelling", date=PUBLISHED - 5 * DAY, incident_date=PUBLISHED
    )
    CitationFactory(event=accusation, source=source)

    response = reviewer_api.patch(
        f"/api/v1/sources/{source.pk}/",
        {"published_at": noon(PUBLISHED - 2 * DAY).isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["misdated_events"] == [
        f"http://testserver/api/v1/accusations/{accusation.pk}/"
    ]
