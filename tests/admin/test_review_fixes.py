"""Edits an editor could make that must neither break the rules nor end in a server error."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from actors.models import Affiliation
from events.models import Event, Proposal
from tests.admin.helpers import inline_management, proposal_form
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_editor_cannot_restore_an_old_version_of_a_published_event(editor_client):
    proposal = ProposalFactory(title="Draft title")
    old = proposal.history.latest()
    proposal.title = "Published title"
    proposal.editorial_status = Event.Status.PUBLISHED
    proposal.save()
    url = reverse("admin:events_proposal_simple_history", args=[proposal.pk, old.history_id])
    response = editor_client.post(url, proposal_form(proposal.conflict, title="Draft title"))
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert (proposal.title, proposal.editorial_status) == ("Published title", "published")


def test_restoring_a_version_keeps_the_current_status(reviewer_client):
    proposal = ProposalFactory(title="Old")
    old = proposal.history.latest()
    proposal.title = "New"
    proposal.editorial_status = Event.Status.PUBLISHED
    proposal.save()
    url = reverse("admin:events_proposal_simple_history", args=[proposal.pk, old.history_id])
    reviewer_client.post(url, proposal_form(proposal.conflict, title="Old"))
    proposal.refresh_from_db()
    assert (proposal.title, proposal.editorial_status) == ("Old", "published")


def test_swapping_accuser_and_accused_between_rows(editor_client):
    accusation = AccusationFactory()
    russia, ukraine = ActorFactory(name="Russia"), ActorFactory(name="Ukraine")
    first = ParticipantFactory(event=accusation, actor=russia, role="accuser")
    second = ParticipantFactory(event=accusation, actor=ukraine, role="accused")
    data = proposal_form(accusation.conflict, title=accusation.title, verification="unverified")
    data.update(
        inline_management(
            "participants",
            [
                {"id": first.pk, "actor": ukraine.pk, "role": "accuser"},
                {"id": second.pk, "actor": russia.pk, "role": "accused"},
            ],
            initial=2,
        )
    )
    url = reverse("admin:events_violationaccusation_change", args=[accusation.pk])
    response = editor_client.post(url, data, follow=True)
    assert "was changed successfully" in response.content.decode()
    assert set(accusation.participants.values_list("actor__name", "role")) == {
        ("Ukraine", "accuser"),
        ("Russia", "accused"),
    }


def test_an_actor_affiliated_with_itself_is_a_form_error(editor_client):
    russia = ActorFactory(name="Russia", slug="russia")
    data = {"slug": "russia", "name": "Russia", "kind": "state", "country": "RUS"}
    data.update(inline_management("aliases", []))
    data.update(inline_management("affiliations", [{"organization": russia.pk, "role": "Self"}]))
    url = reverse("admin:actors_actor_change", args=[russia.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "An actor cannot be affiliated with itself." in response.content.decode()
    assert not Affiliation.objects.exists()


def test_publishing_from_the_timeline_is_recorded_in_the_history(reviewer_client, reviewer):
    proposal = CitationFactory(event=ProposalFactory(editorial_status=Event.Status.IN_REVIEW)).event
    before = proposal.history.count()
    reviewer_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [proposal.pk]},
    )
    assert proposal.history.count() == before + 1
    assert proposal.history.latest().history_user == reviewer


def test_a_response_to_an_unpublished_proposal_is_not_published(reviewer_client):
    response = ResponseFactory(
        title="Kyiv answers", editorial_status=Event.Status.IN_REVIEW, proposal__title="Offer"
    )
    CitationFactory(event=response)
    page = reviewer_client.post(
        reverse("admin:events_response_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [response.pk]},
        follow=True,
    )
    assert "“Kyiv answers” was not published: it refers to “Offer”, which is not published" in (
        page.content.decode()
    )
    assert Event.objects.get(pk=response.pk).editorial_status == Event.Status.IN_REVIEW


@pytest.mark.parametrize("query", ["?source=%C2%B2", "?source=-1", "?source=99999999999999999999"])
def test_odd_source_parameters_are_ignored(editor_client, query):
    response = editor_client.get(reverse("admin:events_proposal_add") + query)
    assert response.status_code == 200


def test_a_nul_character_in_a_url_is_a_bad_request(editor_client):
    response = editor_client.get(reverse("admin:events_source_changelist") + "?language=%00")
    assert response.status_code == 400


def test_editor_cannot_change_the_text_of_an_article_published_events_cite(
    editor_client, reviewer_client
):
    source = SourceFactory()
    CitationFactory(source=source, event=ProposalFactory(editorial_status="published"))
    url = reverse("admin:events_source_change", args=[source.pk])
    assert 'name="body"' not in editor_client.get(url).content.decode()
    assert 'name="body"' in reviewer_client.get(url).content.decode()


def test_published_events_cannot_be_deleted_only_retracted(reviewer_client):
    proposal = ProposalFactory(editorial_status="published")
    url = reverse("admin:events_proposal_delete", args=[proposal.pk])
    assert reviewer_client.post(url, {"post": "yes"}).status_code == 403
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_deleting_a_party_to_a_conflict_is_refused_in_the_admin(reviewer_client):
    conflict = ConflictFactory()
    russia = ActorFactory(name="Russia")
    conflict.parties.add(russia)
    url = reverse("admin:actors_actor_delete", args=[russia.pk])
    response = reviewer_client.post(url, {"post": "yes"})
    assert "protected related objects" in response.content.decode()
    assert conflict.parties.filter(pk=russia.pk).exists()


def test_the_history_page_tells_who_changed_participants_and_citations(editor_client, editor):
    proposal = ProposalFactory(title="Truce")
    russia = ActorFactory(name="Russia")
    data = proposal_form(
        proposal.conflict,
        title="Truce",
        participants=[(russia, "proposer")],
        citations=[(SourceFactory(body="A truce for Easter."), "truce for Easter")],
    )
    url = reverse("admin:events_proposal_change", args=[proposal.pk])
    assert "was changed" in editor_client.post(url, data, follow=True).content.decode()
    page = editor_client.get(reverse("admin:events_proposal_history", args=[proposal.pk]))
    body = page.content.decode()
    assert "Proposer: Russia" in body
    assert "“truce for Easter”" in body
    assert body.count(">editor<") >= 2
