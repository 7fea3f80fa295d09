"""draft → in_review → published (→ retracted): who may move an event where."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from events.models import Event
from tests.factories import CitationFactory, ProposalFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_proposal_changelist")


def run_action(client, action, *events):
    return client.post(
        CHANGELIST,
        {"action": action, ACTION_CHECKBOX_NAME: [e.pk for e in events]},
        follow=True,
    )


def cited_proposal(**kwargs):
    return CitationFactory(event=ProposalFactory(**kwargs)).event


def status_of(event):
    return Event.objects.get(pk=event.pk).editorial_status


def test_editor_submits_a_draft_for_review(editor_client):
    proposal = cited_proposal()
    response = run_action(editor_client, "submit_for_review", proposal)
    assert "1 event(s) submitted for review." in response.content.decode()
    assert status_of(proposal) == Event.Status.IN_REVIEW


def test_editor_cannot_publish(editor_client):
    proposal = cited_proposal(editorial_status=Event.Status.IN_REVIEW)
    page = editor_client.get(CHANGELIST).content.decode()
    assert 'value="submit_for_review"' in page
    assert 'value="publish"' not in page
    assert 'value="retract"' not in page
    run_action(editor_client, "publish", proposal)
    assert status_of(proposal) == Event.Status.IN_REVIEW


def test_editor_cannot_set_status_in_the_form(editor_client):
    proposal = cited_proposal()
    page = editor_client.get(reverse("admin:events_proposal_change", args=[proposal.pk]))
    assert 'name="editorial_status"' not in page.content.decode()


def test_reviewer_publishes_and_retracts(reviewer_client, reviewer):
    proposal = cited_proposal(editorial_status=Event.Status.IN_REVIEW)
    response = run_action(reviewer_client, "publish", proposal)
    assert "1 event(s) published." in response.content.decode()
    assert status_of(proposal) == Event.Status.PUBLISHED
    assert proposal.history.latest().history_user == reviewer
    run_action(reviewer_client, "retract", proposal)
    assert status_of(proposal) == Event.Status.RETRACTED


def test_publishing_skips_drafts_with_a_reason(reviewer_client):
    draft = cited_proposal(title="Still a draft")
    response = run_action(reviewer_client, "publish", draft)
    assert "“Still a draft” was not published: it is draft" in response.content.decode()
    assert status_of(draft) == Event.Status.DRAFT


def test_event_without_citation_cannot_be_submitted(editor_client):
    uncited = ProposalFactory(title="No evidence")
    response = run_action(editor_client, "submit_for_review", uncited)
    assert "“No evidence” was not submitted for review: it has no citation" in (
        response.content.decode()
    )
    assert status_of(uncited) == Event.Status.DRAFT


def test_editor_cannot_edit_a_published_event(editor_client, reviewer_client):
    proposal = cited_proposal(editorial_status=Event.Status.PUBLISHED)
    url = reverse("admin:events_proposal_change", args=[proposal.pk])
    editor_page = editor_client.get(url).content.decode()
    assert 'name="title"' not in editor_page  # read-only view
    assert 'name="title"' in reviewer_client.get(url).content.decode()


def test_editor_returns_an_event_in_review_to_draft(editor_client):
    proposal = cited_proposal(editorial_status=Event.Status.IN_REVIEW)
    run_action(editor_client, "return_to_draft", proposal)
    assert status_of(proposal) == Event.Status.DRAFT


def test_timeline_actions_work_across_kinds(reviewer_client):
    proposal = cited_proposal(editorial_status=Event.Status.IN_REVIEW)
    reviewer_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [proposal.pk]},
    )
    assert status_of(proposal) == Event.Status.PUBLISHED
