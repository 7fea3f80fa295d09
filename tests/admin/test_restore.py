"""History → Restore is an edit of the current record: the same permissions, read-only fields,
validation and workflow rules as a change made by hand, and refused when the record changed
since the restore page was opened. The same rules hold for the API's writes.

The restore form is posted as the browser sends it: the fields read from the page.
"""

import datetime

import pytest
from django.urls import reverse

from events import services
from events.models import Event, Proposal, Source
from lib.concurrency import version_of
from tests.admin.test_concurrency import form_fields, fresh, refusal, saved_by_someone_else
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import CitationFactory, ConflictFactory, ProposalFactory, SourceFactory

pytestmark = pytest.mark.django_db

FIRST_TEXT = "Both sides agreed to a “30-day truce” on Monday."
SECOND_TEXT = "Both sides agreed to a “30-day truce” on Monday. Talks follow in Istanbul."
RESTORED = "Restored an earlier version"


def restore_url(record, version) -> str:
    name = f"admin:events_{record._meta.model_name}_simple_history"
    return reverse(name, args=[record.pk, version.history_id])


def restore(client, record, version, **changes):
    """Open the restore page of ``version``, then post its form (with ``changes``)."""
    url = restore_url(record, version)
    return client.post(url, {**form_fields(client.get(url)), **changes})


def edited(record, **changes):
    """A later version of ``record``; returns the version it had before."""
    before = record.history.latest()
    for name, value in changes.items():
        setattr(record, name, value)
    record.save()
    return before


def last_change(record) -> tuple:
    """Why and by whom the record was last saved, as its history tells."""
    latest = record.history.latest()
    return latest.history_change_reason, latest.history_user


def source_fields(source) -> tuple:
    source.refresh_from_db()
    return source.title, source.url, source.body


@pytest.fixture
def source_with_history(db):
    """An article whose title, URL and text changed, cited by a published event."""
    source = SourceFactory(
        title="First title", url="https://news.example.org/first", body=FIRST_TEXT
    )
    first = edited(
        source, title="Second title", url="https://news.example.org/second", body=SECOND_TEXT
    )
    published = ProposalFactory(editorial_status=Event.Status.PUBLISHED, title="Truce")
    CitationFactory(event=published, source=source, quote="30-day truce")
    return source, first


# Sources cited by published events ---------------------------------------------------------


def test_an_editors_restore_keeps_the_text_and_urls_of_a_cited_article(
    editor_client, editor, source_with_history
):
    source, first = source_with_history
    url = restore_url(source, first)
    data = form_fields(editor_client.get(url))
    assert "body" not in data and "url" not in data  # shown, not editable

    # Even sent by hand, the locked fields are not taken.
    page = editor_client.post(url, {**data, "body": FIRST_TEXT, "url": first.url})

    assert page.status_code == 302
    assert source_fields(source) == ("First title", "https://news.example.org/second", SECOND_TEXT)
    assert last_change(source) == (RESTORED, editor)


def test_a_reviewer_restores_the_text_when_every_quote_still_occurs(
    reviewer_client, reviewer, source_with_history
):
    source, first = source_with_history

    page = restore(reviewer_client, source, first)

    assert page.status_code == 302
    assert source_fields(source) == ("First title", "https://news.example.org/first", FIRST_TEXT)
    assert last_change(source) == (RESTORED, reviewer)


def test_a_reviewer_cannot_restore_a_text_that_loses_a_cited_quote(
    reviewer_client, source_with_history
):
    source, first = source_with_history
    talks = ProposalFactory(editorial_status=Event.Status.PUBLISHED, title="Istanbul talks")
    CitationFactory(event=talks, source=source, quote="Talks follow in Istanbul")
    versions = source.history.count()

    page = restore(reviewer_client, source, first)

    assert page.status_code == 200
    body = page.content.decode()
    assert "1 quote(s) citing this article would no longer occur in its text" in body
    assert f'<a href="/admin/events/proposal/{talks.pk}/change/">Istanbul talks</a>' in body
    source.refresh_from_db()
    assert (source.title, source.body) == ("Second title", SECOND_TEXT)
    assert source.history.count() == versions


# Events --------------------------------------------------------------------------------------


def test_an_editor_cannot_restore_a_published_event(editor_client):
    proposal = ProposalFactory(title="Draft title")
    old = edited(proposal, title="Published title", editorial_status=Event.Status.PUBLISHED)
    versions = proposal.history.count()

    page = editor_client.post(restore_url(proposal, old), {"title": "Draft title"})

    assert page.status_code == 403
    assert fresh(proposal).title == "Published title"
    assert proposal.history.count() == versions


def test_a_restore_keeps_the_current_status(editor_client, editor):
    proposal = CitationFactory(event=ProposalFactory(title="Old")).event
    old = edited(proposal, title="New")
    services.change_status([proposal], "submit", editor)

    page = restore(editor_client, proposal, old)

    assert page.status_code == 302
    now = fresh(proposal)
    assert (now.title, now.editorial_status) == ("Old", Event.Status.IN_REVIEW)
    assert last_change(proposal) == (RESTORED, editor)
    assert proposal.history.latest().editorial_status == Event.Status.IN_REVIEW


def test_restoring_a_published_version_of_a_retracted_event_keeps_it_retracted(
    reviewer_client, reviewer
):
    proposal = CitationFactory(
        event=ProposalFactory(title="Old", editorial_status=Event.Status.PUBLISHED)
    ).event
    published = edited(proposal, title="New")
    services.change_status([proposal], "retract", reviewer)

    page = restore(reviewer_client, proposal, published)

    assert page.status_code == 302
    now = fresh(proposal)
    assert (now.title, now.editorial_status) == ("Old", Event.Status.RETRACTED)


def test_a_restored_link_to_a_proposal_now_in_another_conflict_is_refused(editor_client):
    conflict = ConflictFactory(name="War A")
    offer = ProposalFactory(conflict=conflict, title="Offer")
    proposal = ProposalFactory(conflict=conflict, title="Extension", extends=offer)
    linked = edited(proposal, extends=None)
    edited(offer, conflict=ConflictFactory(name="War B"))
    versions = proposal.history.count()

    page = restore(editor_client, proposal, linked)

    assert page.status_code == 200
    assert "“Offer” belongs to another conflict (War B)" in page.content.decode()
    assert fresh(proposal).extends is None
    assert proposal.history.count() == versions


def test_a_restored_date_after_the_newest_cited_article_is_refused(editor_client):
    proposal = ProposalFactory(title="Truce", date=datetime.date(2025, 4, 25))
    later = edited(proposal, date=datetime.date(2025, 4, 19))
    article = SourceFactory(published_at=datetime.datetime(2025, 4, 20, 12, tzinfo=datetime.UTC))
    CitationFactory(event=proposal, source=article)
    versions = proposal.history.count()

    page = restore(editor_client, proposal, later)

    assert page.status_code == 200
    assert (
        "2025-04-25 is after the newest article it cites was published (2025-04-20)"
        in page.content.decode()
    )
    assert fresh(proposal).date == datetime.date(2025, 4, 19)
    assert proposal.history.count() == versions


def test_a_restored_date_within_a_day_of_the_article_is_accepted(editor_client):
    proposal = ProposalFactory(title="Truce", date=datetime.date(2025, 4, 21))
    later = edited(proposal, date=datetime.date(2025, 4, 19))
    article = SourceFactory(published_at=datetime.datetime(2025, 4, 20, 12, tzinfo=datetime.UTC))
    CitationFactory(event=proposal, source=article)

    assert restore(editor_client, proposal, later).status_code == 302
    assert fresh(proposal).date == datetime.date(2025, 4, 21)


# A stale restore -----------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [ProposalFactory, SourceFactory], ids=["event", "source"])
def test_the_restore_page_carries_the_current_version(editor_client, factory):
    record = factory(title="Old")
    old = edited(record, title="New")

    data = form_fields(editor_client.get(restore_url(record, old)))

    assert data["title"] == ["Old"]
    assert data["record_version"] == [version_of(fresh(record))]


@pytest.mark.parametrize("factory", [ProposalFactory, SourceFactory], ids=["event", "source"])
def test_a_restore_opened_before_another_save_is_refused(editor_client, reviewer, factory):
    record = factory(title="Old")
    old = edited(record, title="New")
    url = restore_url(record, old)
    data = form_fields(editor_client.get(url))
    saved_by_someone_else(record, reviewer, title="Meanwhile")
    versions = record.history.count()

    page = editor_client.post(url, data)

    assert page.status_code == 200
    assert refusal(reviewer, record, "New", "Meanwhile") in page.content.decode()
    assert fresh(record).title == "Meanwhile"
    assert record.history.count() == versions


# The same rules through the API --------------------------------------------------------------


def test_an_editor_cannot_change_a_cited_articles_text_through_the_api(
    editor_api, source_with_history
):
    source, _ = source_with_history
    url = f"/api/v1/sources/{source.pk}/"

    refused = editor_api.patch(url, {"body": FIRST_TEXT, "title": "First title"}, format="json")
    accepted = editor_api.patch(url, {"title": "First title"}, format="json")

    assert refused.status_code == 400
    assert refused.json()["body"] == ["Published events cite this article: a reviewer changes it."]
    assert accepted.status_code == 200
    source.refresh_from_db()
    assert (source.title, source.body) == ("First title", SECOND_TEXT)


def test_a_reviewer_cannot_drop_a_cited_quote_from_the_text_through_the_api(
    reviewer_api, source_with_history
):
    source, _ = source_with_history
    talks = ProposalFactory(editorial_status=Event.Status.PUBLISHED, title="Istanbul talks")
    CitationFactory(event=talks, source=source, quote="Talks follow in Istanbul")

    response = reviewer_api.patch(
        f"/api/v1/sources/{source.pk}/", {"body": FIRST_TEXT}, format="json"
    )

    assert response.status_code == 400
    assert "would no longer occur in its text" in response.json()["body"][0]
    assert response.json()["orphaned_events"] == [f"http://testserver/api/v1/proposals/{talks.pk}/"]
    assert Source.objects.get(pk=source.pk).body == SECOND_TEXT


def test_an_editor_cannot_change_a_published_event_through_the_api(editor_api):
    proposal = ProposalFactory(title="Published title", editorial_status=Event.Status.PUBLISHED)

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/", {"title": "Draft title"}, format="json"
    )

    assert response.status_code == 403
    assert fresh(proposal).title == "Published title"


def test_a_link_to_a_proposal_of_another_conflict_is_refused_through_the_api(editor_api):
    offer = ProposalFactory(conflict=ConflictFactory(name="War B"), title="Offer")
    proposal = ProposalFactory(conflict=ConflictFactory(name="War A"), title="Extension")

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/", {"extends": offer.pk}, format="json"
    )

    assert response.status_code == 400
    assert "“Offer” belongs to another conflict (War B)" in response.json()["extends"][0]
    assert Proposal.objects.get(pk=proposal.pk).extends is None


def test_a_date_after_the_newest_cited_article_is_refused_through_the_api(editor_api):
    proposal = ProposalFactory(title="Truce", date=datetime.date(2025, 4, 19))
    article = SourceFactory(published_at=datetime.datetime(2025, 4, 20, 12, tzinfo=datetime.UTC))
    CitationFactory(event=proposal, source=article)

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/", {"date": "2025-04-25"}, format="json"
    )

    assert response.status_code == 400
    assert (
        "after the newest article it cites was published (2025-04-20)"
        in (response.json()["date"][0])
    )
    assert fresh(proposal).date == datetime.date(2025, 4, 19)
