"""Bounded work per request: at most Event.MAX_CITATIONS citations and Event.MAX_PARTICIPANTS
participants per event, refused as a 400 naming the field before anything is written."""

import pytest

from actors.models import Actor
from events.models import Citation, Event, Participant
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import ConflictFactory, ParticipantFactory, ProposalFactory, SourceFactory

pytestmark = pytest.mark.django_db

CITATIONS = Event.MAX_CITATIONS
PARTICIPANTS = Event.MAX_PARTICIPANTS


@pytest.fixture
def conflict():
    return ConflictFactory(name="Russia Ukraine War", slug="russia-ukraine-war")


@pytest.fixture
def slugs(db) -> list[str]:
    """More actors than one event may have."""
    Actor.objects.bulk_create(
        Actor(slug=f"actor-{n}", name=f"Actor {n}", kind=Actor.Kind.STATE)
        for n in range(PARTICIPANTS + 1)
    )
    return [f"actor-{n}" for n in range(PARTICIPANTS + 1)]


def event_body(conflict, **fields) -> dict:
    return {"conflict": conflict.slug, "date": "2025-04-19", "title": "Talks", **fields}


def citations(count: int) -> list[dict]:
    source = SourceFactory()
    return [{"source": source.pk, "quote": "30-day truce"}] * count


def test_citations_at_the_limit_are_accepted(editor_api, conflict):
    response = editor_api.post(
        "/api/v1/meetings/", event_body(conflict, citations=citations(CITATIONS)), format="json"
    )

    assert response.status_code == 201, response.json()
    assert len(response.json()["citations"]) == CITATIONS


def test_one_citation_more_than_the_limit_is_a_400_naming_citations(editor_api, conflict):
    response = editor_api.post(
        "/api/v1/meetings/",
        event_body(conflict, citations=citations(CITATIONS + 1)),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "citations": {
            "non_field_errors": [f"Ensure this field has no more than {CITATIONS} elements."]
        }
    }
    assert not Event.objects.exists()


def test_a_patch_with_too_many_citations_changes_nothing(editor_api, conflict):
    proposal = ProposalFactory(conflict=conflict, title="Energy pause")

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/",
        {"title": "Renamed", "citations": citations(CITATIONS + 1)},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["citations"]
    assert Event.objects.get().title == "Energy pause"
    assert not Citation.objects.exists()


def test_participants_at_the_limit_in_one_list_are_accepted(editor_api, conflict, slugs):
    response = editor_api.post(
        "/api/v1/meetings/",
        event_body(conflict, delegations=slugs[:PARTICIPANTS]),
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert Participant.objects.count() == PARTICIPANTS


def test_one_participant_more_in_one_list_is_a_400_naming_it(editor_api, conflict, slugs):
    response = editor_api.post(
        "/api/v1/meetings/", event_body(conflict, delegations=slugs), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "delegations": [
            f"At most {PARTICIPANTS} participants per event; this list has {PARTICIPANTS + 1}."
        ]
    }
    assert not Event.objects.exists()


def test_participants_at_the_limit_across_lists_are_accepted(editor_api, conflict, slugs):
    response = editor_api.post(
        "/api/v1/proposals/",
        event_body(
            conflict,
            proposal_kind="ceasefire",
            proposers=slugs[:60],
            addressees=slugs[60:PARTICIPANTS],
        ),
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert Participant.objects.count() == PARTICIPANTS


def across_lists_message(total: int) -> str:
    return f"At most {PARTICIPANTS} participants per event; these role lists have {total} together."


def test_one_participant_more_across_lists_is_a_400(editor_api, conflict, slugs):
    response = editor_api.post(
        "/api/v1/proposals/",
        event_body(
            conflict, proposal_kind="ceasefire", proposers=slugs[:60], addressees=slugs[60:]
        ),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"proposers": [across_lists_message(PARTICIPANTS + 1)]}
    assert not Event.objects.exists()


def test_a_patch_adding_to_the_stored_participants_beyond_the_limit_is_a_400(
    editor_api, conflict, slugs
):
    proposal = ProposalFactory(conflict=conflict)
    for actor in Actor.objects.filter(slug__in=slugs[:60]):
        ParticipantFactory(event=proposal, actor=actor, role=Participant.Role.PROPOSER)

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/", {"addressees": slugs[60:]}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"addressees": [across_lists_message(PARTICIPANTS + 1)]}
    assert Participant.objects.count() == 60


def test_a_patch_replacing_stored_participants_counts_the_new_lists(editor_api, conflict, slugs):
    proposal = ProposalFactory(conflict=conflict)
    for actor in Actor.objects.filter(slug__in=slugs[:60]):
        ParticipantFactory(event=proposal, actor=actor, role=Participant.Role.PROPOSER)

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/",
        {"proposers": slugs[:10], "addressees": slugs[10:PARTICIPANTS]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert Participant.objects.count() == PARTICIPANTS


def test_too_many_participants_across_lists_names_a_list_that_was_sent(editor_api, conflict, slugs):
    response = editor_api.post(
        "/api/v1/meetings/",
        event_body(conflict, hosts=slugs[:60], delegations=slugs[60:]),
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) <= {"hosts", "delegations"}, response.json()
