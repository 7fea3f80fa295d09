"""The editorial workflow through the API: the same steps and rules as the admin."""

import pytest

from events.models import Event
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import CitationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def cited(**fields):
    return CitationFactory(event=ProposalFactory(**fields)).event


def status_of(event) -> str:
    return Event.objects.get(pk=event.pk).editorial_status


def test_editor_submits_and_reviewer_publishes(editor_api, reviewer_api, reviewer_user):
    proposal = cited()
    response = editor_api.post(f"/api/v1/proposals/{proposal.pk}/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["editorial_status"] == "in_review"
    response = reviewer_api.post(f"/api/v1/proposals/{proposal.pk}/publish/")
    assert response.status_code == 200, response.content
    assert status_of(proposal) == Event.Status.PUBLISHED
    assert proposal.history.latest().history_user == reviewer_user


@pytest.mark.parametrize("step", ["publish", "retract"])
def test_editor_may_not_publish_or_retract(editor_api, step):
    proposal = cited(editorial_status=Event.Status.IN_REVIEW)
    response = editor_api.post(f"/api/v1/proposals/{proposal.pk}/{step}/")
    assert response.status_code == 403
    assert status_of(proposal) == Event.Status.IN_REVIEW


def test_a_step_that_does_not_apply_is_a_conflict_with_the_reason(reviewer_api):
    draft = cited(title="Still a draft")
    response = reviewer_api.post(f"/api/v1/proposals/{draft.pk}/publish/")
    assert response.status_code == 409
    assert "“Still a draft” was not published: it is draft" in response.json()["detail"]


def test_an_uncited_draft_cannot_be_submitted(editor_api):
    uncited = ProposalFactory(title="No evidence")
    response = editor_api.post(f"/api/v1/proposals/{uncited.pk}/submit/")
    assert response.status_code == 409
    assert "has no citation" in response.json()["detail"]


def test_retracting_turns_the_record_into_a_tombstone_for_readers(reviewer_api, anonymous):
    proposal = cited(editorial_status=Event.Status.PUBLISHED)
    before = anonymous.get("/api/v1/events/").json()["results"][0]["updated_at"]
    assert reviewer_api.post(f"/api/v1/proposals/{proposal.pk}/retract/").status_code == 200
    rows = anonymous.get("/api/v1/events/", {"updated_after": before}).json()["results"]
    assert [set(row) for row in rows] == [{"id", "kind", "editorial_status", "updated_at"}]
    assert anonymous.get("/api/v1/events/").json()["count"] == 0


def test_editor_cannot_change_a_published_record(editor_api, reviewer_api):
    proposal = cited(editorial_status=Event.Status.PUBLISHED, title="As published")
    response = editor_api.patch(f"/api/v1/proposals/{proposal.pk}/", {"title": "Edited"})
    assert response.status_code == 403
    assert "reviewers only" in response.json()["detail"]
    assert Event.objects.get(pk=proposal.pk).title == "As published"
    response = reviewer_api.patch(f"/api/v1/proposals/{proposal.pk}/", {"title": "Corrected"})
    assert response.status_code == 200
    assert Event.objects.get(pk=proposal.pk).title == "Corrected"


def test_anonymous_cannot_take_a_step(anonymous):
    proposal = cited(editorial_status=Event.Status.PUBLISHED)
    assert anonymous.post(f"/api/v1/proposals/{proposal.pk}/retract/").status_code == 401


def test_a_step_the_user_may_not_take_is_refused_before_its_version_is_compared(editor_api):
    proposal = CitationFactory(event=ProposalFactory(editorial_status="in_review")).event
    response = editor_api.post(
        f"/api/v1/proposals/{proposal.pk}/publish/", HTTP_IF_MATCH='"stale"', format="json"
    )
    assert response.status_code == 403
    assert Event.objects.get(pk=proposal.pk).editorial_status == "in_review"
