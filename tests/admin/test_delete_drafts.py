"""Who deletes an event (events.services.may_delete), in the admin and through the API.

Editors delete their own drafts that were never published; reviewers delete drafts and events
in review; published and retracted events are retracted, never deleted.
"""

import pytest
from django.urls import reverse

from events import services
from events.models import Event, Proposal
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import MeetingFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def delete_url(event) -> str:
    return reverse(f"admin:events_{event._meta.model_name}_delete", args=[event.pk])


def change_url(event) -> str:
    return reverse(f"admin:events_{event._meta.model_name}_change", args=[event.pk])


def exists(event) -> bool:
    return Event.objects.filter(pk=event.pk).exists()


def ever_published(user) -> Proposal:
    """A draft of ``user``'s that was published once (then restored to a draft)."""
    proposal = ProposalFactory(created_by=user, editorial_status="published")
    Proposal.objects.filter(pk=proposal.pk).update(editorial_status="draft")
    proposal.refresh_from_db()
    return proposal


@pytest.mark.parametrize(
    ("whose", "status", "expected"),
    [
        ("own", "draft", True),
        ("own", "in_review", False),  # a reviewer returns it to draft first
        ("own", "published", False),
        ("own", "retracted", False),
        ("other", "draft", False),
        ("nobody", "draft", False),
    ],
)
def test_editors_delete_only_their_own_drafts(editor, whose, status, expected):
    creator = {"own": editor, "other": UserFactory(), "nobody": None}[whose]
    proposal = ProposalFactory(created_by=creator, editorial_status=status)
    assert services.may_delete(editor, proposal) is expected


def test_editors_do_not_delete_a_draft_that_was_ever_published(editor):
    assert services.may_delete(editor, ever_published(editor)) is False


@pytest.mark.parametrize(
    ("status", "expected"),
    [("draft", True), ("in_review", True), ("published", False), ("retracted", False)],
)
def test_reviewers_delete_anyones_drafts_and_reviews(reviewer, status, expected):
    proposal = ProposalFactory(created_by=UserFactory(), editorial_status=status)
    assert services.may_delete(reviewer, proposal) is expected


def test_a_user_in_no_group_deletes_nothing():
    user = UserFactory()
    assert services.may_delete(user, ProposalFactory(created_by=user)) is False


# --- the admin -----------------------------------------------------------------------------


def test_the_change_form_shows_delete_to_the_editor_of_own_draft(editor_client, editor):
    own = ProposalFactory(created_by=editor)
    others = ProposalFactory(created_by=UserFactory())
    assert delete_url(own) in editor_client.get(change_url(own)).content.decode()
    assert delete_url(others) not in editor_client.get(change_url(others)).content.decode()


def test_the_change_form_shows_delete_to_reviewers_until_published(reviewer_client):
    draft = ProposalFactory(editorial_status="in_review")
    published = ProposalFactory(editorial_status="published")
    assert delete_url(draft) in reviewer_client.get(change_url(draft)).content.decode()
    assert delete_url(published) not in reviewer_client.get(change_url(published)).content.decode()


def test_an_editor_deletes_own_draft_in_the_admin(editor_client, editor):
    proposal = ProposalFactory(created_by=editor)
    response = editor_client.post(delete_url(proposal), {"post": "yes"})
    assert response.status_code == 302
    assert not exists(proposal)


def test_an_editor_cannot_delete_anothers_draft_in_the_admin(editor_client, editor):
    proposal = ProposalFactory(created_by=UserFactory())
    assert editor_client.post(delete_url(proposal), {"post": "yes"}).status_code == 403
    assert exists(proposal)


def test_an_editor_cannot_delete_a_once_published_draft_in_the_admin(editor_client, editor):
    proposal = ever_published(editor)
    assert editor_client.post(delete_url(proposal), {"post": "yes"}).status_code == 403
    assert exists(proposal)


def test_a_reviewer_deletes_a_meeting_in_review_in_the_admin(reviewer_client):
    meeting = MeetingFactory(editorial_status="in_review")
    response = reviewer_client.post(delete_url(meeting), {"post": "yes"})
    assert response.status_code == 302
    assert not exists(meeting)


def bulk_delete(client, events):
    return client.post(
        reverse("admin:events_proposal_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [e.pk for e in events],
            "post": "yes",
        },
    )


def test_editors_bulk_delete_their_own_drafts(editor_client, editor):
    drafts = [ProposalFactory(created_by=editor) for _ in range(2)]
    bulk_delete(editor_client, drafts)
    assert not any(exists(d) for d in drafts)


def test_the_delete_action_does_not_delete_others_drafts_by_bulk(editor_client, editor):
    own, others = ProposalFactory(created_by=editor), ProposalFactory(created_by=UserFactory())
    response = bulk_delete(editor_client, [own, others])
    assert response.status_code == 403
    assert exists(own) and exists(others)


def test_the_delete_action_is_offered_to_editors(editor_client):
    page = editor_client.get(reverse("admin:events_proposal_changelist"))
    assert 'value="delete_selected"' in page.content.decode()


# --- the API -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("whose", "status", "expected"),
    [
        ("own", "draft", 204),
        ("own", "in_review", 403),
        ("own", "published", 403),
        ("other", "draft", 403),
    ],
)
def test_editors_delete_their_own_drafts_through_the_api(
    editor_api, editor_user, whose, status, expected
):
    creator = editor_user if whose == "own" else UserFactory()
    meeting = MeetingFactory(created_by=creator, editorial_status=status)

    response = editor_api.delete(f"/api/v1/meetings/{meeting.pk}/")

    assert response.status_code == expected
    assert exists(meeting) == (expected != 204)
    if expected == 403 and status == "draft":
        assert response.json()["detail"] == services.DELETE_REFUSED


def test_the_api_refuses_deleting_a_once_published_draft(editor_api, editor_user):
    proposal = ever_published(editor_user)
    assert editor_api.delete(f"/api/v1/proposals/{proposal.pk}/").status_code == 403
    assert exists(proposal)
