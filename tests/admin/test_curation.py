"""Curating an article in the admin: forms, messages, the article beside the form."""

import pytest
from django.urls import reverse

from actors.models import Actor
from events.models import Citation, Event, Proposal, Source
from tests.admin.helpers import inline_management, proposal_form
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ADD_PROPOSAL = reverse("admin:events_proposal_add")


@pytest.fixture
def article():
    return SourceFactory(
        title="Putin proposes talks",
        body="Putin said: “We always have a positive attitude toward a truce.”\n\nKyiv  disagreed.",
    )


def test_editor_adds_a_proposal_citing_an_article(editor_client, editor, article):
    conflict = ConflictFactory()
    russia = ActorFactory(name="Russia")
    data = proposal_form(
        conflict,
        participants=[(russia, "proposer")],
        # Straight quote marks and other spacing than the article's still match.
        citations=[(article, 'Putin said: "We always have a   positive attitude')],
    )
    response = editor_client.post(ADD_PROPOSAL, data, follow=True)
    assert response.status_code == 200
    assert "was added successfully" in response.content.decode()
    proposal = Proposal.objects.get()
    assert proposal.editorial_status == Event.Status.DRAFT
    assert proposal.created_by == editor
    assert proposal.citations.get().source == article
    assert proposal.participants.get().actor == russia


def test_quote_not_in_article_is_refused_with_a_message(editor_client, article):
    data = proposal_form(ConflictFactory(), citations=[(article, "We reject every truce")])
    response = editor_client.post(ADD_PROPOSAL, data)
    assert response.status_code == 200
    assert "This quote does not occur in the article “Putin proposes talks”" in (
        response.content.decode()
    )
    assert not Proposal.objects.exists()
    assert not Citation.objects.exists()


def test_constraint_violation_reaches_editor_as_message(editor_client, article):
    data = proposal_form(
        ConflictFactory(),
        proposed_start="2025-04-20",
        proposed_end="2025-04-10",
        talks_format="bilateral",
    )
    response = editor_client.post(ADD_PROPOSAL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The proposed end cannot be before the proposed start." in body
    assert "A talks format applies only to proposals of talks." in body
    assert not Proposal.objects.exists()


def test_accuser_and_accused_same_actor_is_a_form_error(editor_client):
    russia = ActorFactory(name="Russia")
    data = proposal_form(
        ConflictFactory(),
        participants=[(russia, "accuser"), (russia, "accused")],
        verification="unverified",
    )
    response = editor_client.post(reverse("admin:events_violationaccusation_add"), data)
    assert response.status_code == 200
    assert "Russia cannot be both accuser and accused." in response.content.decode()
    assert not Event.objects.exists()


def test_a_kind_offers_only_its_own_roles(editor_client):
    russia = ActorFactory(name="Russia")
    data = proposal_form(ConflictFactory(), participants=[(russia, "accuser")])
    response = editor_client.post(ADD_PROPOSAL, data)
    assert "Select a valid choice. accuser is not one of the available choices." in (
        response.content.decode()
    )
    assert not Proposal.objects.exists()


def test_add_from_article_prefills_citation_and_shows_text(editor_client, article):
    response = editor_client.get(ADD_PROPOSAL, {"source": article.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{article.pk}" selected>' in body
    assert 'aria-label="Article text"' in body
    assert "Kyiv  disagreed." in body


def test_source_page_links_to_adding_each_kind(editor_client, article):
    response = editor_client.get(reverse("admin:events_source_change", args=[article.pk]))
    body = response.content.decode()
    for model in ["proposal", "response", "meeting", "violationaccusation"]:
        assert f"/admin/events/{model}/add/?source={article.pk}" in body


def test_change_form_highlights_cited_quotes(editor_client, article):
    citation = CitationFactory(source=article, quote="Kyiv disagreed.")
    url = reverse("admin:events_proposal_change", args=[citation.event.pk])
    body = editor_client.get(url).content.decode()
    assert "<mark>Kyiv  disagreed.</mark>" in body


def test_search_finds_events_by_actor_alias(editor_client):
    russia = ActorFactory(name="Russia")
    ActorAliasFactory(actor=russia, name="the Kremlin")
    hit = ProposalFactory(title="Energy pause")
    ParticipantFactory(event=hit, actor=russia)
    miss = ProposalFactory(title="Other talks")
    response = editor_client.get(reverse("admin:events_proposal_changelist"), {"q": "kremlin"})
    body = response.content.decode()
    assert hit.title in body
    assert miss.title not in body


def test_search_finds_events_by_quote(editor_client):
    hit = CitationFactory(quote="30-day truce").event
    miss = ProposalFactory(title="Unrelated")
    response = editor_client.get(reverse("admin:events_event_changelist"), {"q": "30-day"})
    body = response.content.decode()
    assert hit.title in body
    assert miss.title not in body


def test_deleting_a_cited_source_is_refused_in_the_admin(reviewer_client):
    citation = CitationFactory()
    url = reverse("admin:events_source_delete", args=[citation.source.pk])
    response = reviewer_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )
    assert Source.objects.filter(pk=citation.source.pk).exists()


def test_history_records_who_changed_what_and_revert_restores(editor_client, editor):
    proposal = ProposalFactory(title="Original title")
    url = reverse("admin:events_proposal_change", args=[proposal.pk])
    data = proposal_form(proposal.conflict, title="Edited title")
    data.update({"participants-INITIAL_FORMS": "0", "citations-INITIAL_FORMS": "0"})
    response = editor_client.post(url, data, follow=True)
    assert "was changed successfully" in response.content.decode()
    latest = proposal.history.latest()
    assert latest.title == "Edited title"
    assert latest.history_user == editor
    original = proposal.history.earliest()
    history_page = editor_client.get(reverse("admin:events_proposal_history", args=[proposal.pk]))
    assert history_page.status_code == 200
    assert "editor" in history_page.content.decode()
    # Reverting goes through the history form for the original version.
    revert_url = reverse(
        "admin:events_proposal_simple_history", args=[proposal.pk, original.history_id]
    )
    revert_page = editor_client.get(revert_url)
    assert revert_page.status_code == 200
    assert "Original title" in revert_page.content.decode()
    revert_data = proposal_form(proposal.conflict, title="Original title")
    editor_client.post(revert_url, revert_data, follow=True)
    proposal.refresh_from_db()
    assert proposal.title == "Original title"
    assert proposal.history.count() == 3


def test_moving_a_proposal_away_from_its_responses_is_a_form_error(reviewer_client):
    response = ResponseFactory()
    proposal = response.proposal
    url = reverse("admin:events_proposal_change", args=[proposal.pk])
    data = proposal_form(ConflictFactory(name="Elsewhere"), title=proposal.title)
    page = reviewer_client.post(url, data)
    assert page.status_code == 200
    message = "1 record(s) linking to this proposal belong to its current conflict"
    assert message in page.content.decode()
    proposal.refresh_from_db()
    assert proposal.conflict == response.conflict


def test_two_new_aliases_differing_in_case_are_a_form_error(editor_client):
    data = {"slug": "russia", "name": "Russia", "kind": "state", "country": "RUS"}
    data.update(inline_management("aliases", [{"name": "Moscow"}, {"name": "MOSCOW"}]))
    data.update(inline_management("affiliations", []))
    page = editor_client.post(reverse("admin:actors_actor_add"), data)
    assert page.status_code == 200
    assert "The alias “MOSCOW” is listed twice." in page.content.decode()
    assert not Actor.objects.exists()
