"""What a new event's form starts with: the actors its article names, the conflict and the
proposal it most likely is about, the roles its participant rows usually take."""

import pytest

from actors.services import actors_named_in
from events import services
from events.models import Event, Meeting, Proposal, Response, ViolationAccusation
from tests.admin.helpers import proposal_form
from tests.factories import (
    AccusationFactory,
    ActorAliasFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ProposalFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


# -- the actors an article names ---------------------------------------------------------


def names(text: str) -> list[tuple[str, str]]:
    return [(hit.actor.name, hit.words) for hit in actors_named_in(text)]


def test_names_and_aliases_are_found_in_the_order_the_article_gives_them():
    rsf = ActorFactory(name="Rapid Support Forces")
    ActorAliasFactory(actor=rsf, name="RSF")
    ActorFactory(name="Saudi Arabia")
    ActorFactory(name="Egypt")  # not named
    text = "The RSF told Saudi Arabia that the Rapid Support Forces would attend."
    assert names(text) == [("Rapid Support Forces", "RSF"), ("Saudi Arabia", "Saudi Arabia")]


def test_case_is_ignored_except_for_names_written_in_capitals():
    ActorFactory(name="United States")
    us = ActorFactory(name="US Army")
    ActorAliasFactory(actor=us, name="US")
    assert names("the united states said") == [("United States", "united states")]
    assert names("let us talk") == []
    assert names("The US said") == [("US Army", "US")]


def test_a_possessive_names_its_owner_and_whole_words_only():
    ActorFactory(name="Sudan")
    ActorFactory(name="Iran")
    assert names("Sudan's army and Sudan’s navy") == [("Sudan", "Sudan")]
    assert names("The Sudanese army and Iranian drones") == []


def test_a_name_does_not_run_over_punctuation():
    ActorFactory(name="Saudi Arabia")
    assert names("in Saudi, Arabia was") == []
    assert names("in Saudi\nArabia was") == [("Saudi Arabia", "Saudi Arabia")]


def test_an_actor_named_twice_is_listed_once_at_its_first_mention():
    kremlin = ActorFactory(name="Russia")
    ActorAliasFactory(actor=kremlin, name="the Kremlin")
    ActorFactory(name="Ukraine")
    text = "Ukraine said the Kremlin lied; Russia denied it. Ukraine again."
    assert names(text) == [("Ukraine", "Ukraine"), ("Russia", "the Kremlin")]


def test_two_queries_whatever_the_number_of_actors(django_assert_num_queries):
    for i in range(30):
        ActorFactory(name=f"Brigade {i}")
    with django_assert_num_queries(2):
        assert len(actors_named_in(" ".join(f"Brigade {i}." for i in range(30)))) == 30


def test_an_empty_article_names_nobody(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert actors_named_in("  ") == []


# -- the conflict and the proposal a new event starts with ---------------------------------


def test_conflict_defaults_to_the_newest_event_citing_the_article(editor):
    article = SourceFactory()
    older, newer = ConflictFactory(), ConflictFactory()
    CitationFactory(event=ProposalFactory(conflict=older), source=article)
    CitationFactory(event=MeetingFactory(conflict=newer), source=article)
    ProposalFactory(conflict=ConflictFactory(), created_by=editor)  # the editor's own: later
    defaults = services.curation_defaults(editor, Meeting, article.pk)
    assert defaults["conflict"] == newer.pk


def test_conflict_defaults_to_the_editors_newest_event_when_the_article_has_none(editor, reviewer):
    article = SourceFactory()
    mine, newer_mine = ConflictFactory(), ConflictFactory()
    ProposalFactory(conflict=mine, created_by=editor)
    ProposalFactory(conflict=newer_mine, created_by=editor)
    ProposalFactory(conflict=ConflictFactory(), created_by=reviewer)  # someone else's
    assert services.curation_defaults(editor, Proposal, article.pk) == {"conflict": newer_mine.pk}
    assert services.curation_defaults(editor, Proposal) == {"conflict": newer_mine.pk}


def test_no_default_for_a_first_event(editor):
    assert services.curation_defaults(editor, Proposal, SourceFactory().pk) == {}
    assert services.curation_defaults(editor, Proposal, "not-an-id") == {}


@pytest.mark.parametrize("model", [Response, ViolationAccusation])
def test_the_article_s_only_proposal_is_the_default_link(editor, model):
    article = SourceFactory()
    proposal = ProposalFactory()
    CitationFactory(event=proposal, source=article)
    CitationFactory(event=proposal, source=article, quote=article.body[:5])  # cited twice
    CitationFactory(event=AccusationFactory(conflict=proposal.conflict), source=article)
    assert services.curation_defaults(editor, model, article.pk)["proposal"] == proposal.pk


@pytest.mark.parametrize("model", [Proposal, Meeting])
def test_kinds_without_a_proposal_field_get_no_proposal(editor, model):
    article = SourceFactory()
    CitationFactory(event=ProposalFactory(), source=article)
    assert "proposal" not in services.curation_defaults(editor, model, article.pk)


def test_no_proposal_default_when_the_article_reports_two_or_a_retracted_one(editor):
    article = SourceFactory()
    first = ProposalFactory()
    CitationFactory(event=first, source=article)
    CitationFactory(event=ProposalFactory(conflict=first.conflict), source=article)
    assert "proposal" not in services.curation_defaults(editor, Response, article.pk)
    other = SourceFactory()
    CitationFactory(event=ProposalFactory(editorial_status=Event.Status.RETRACTED), source=other)
    assert "proposal" not in services.curation_defaults(editor, Response, other.pk)


def test_the_add_form_starts_with_the_defaults_and_the_url_wins(editor_client, editor):
    article = SourceFactory()
    proposal = ProposalFactory(created_by=editor)
    CitationFactory(event=proposal, source=article)
    response = editor_client.get(f"/admin/events/violationaccusation/add/?source={article.pk}")
    form = response.context["adminform"].form
    assert form.initial["conflict"] == proposal.conflict_id
    assert form.initial["proposal"] == proposal.pk
    other = ConflictFactory()
    response = editor_client.get(
        f"/admin/events/violationaccusation/add/?source={article.pk}&conflict={other.pk}"
    )
    assert response.context["adminform"].form.initial["conflict"] == str(other.pk)


# -- participant rows, the article panel, the kind ------------------------------------------


def participant_forms(response):
    (formset,) = [
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "participants"
    ]
    return formset.formset.forms


@pytest.mark.parametrize(
    "path, roles",
    [
        ("proposal", ["proposer", "addressee", "addressee"]),
        ("meeting", ["host", "delegation", "delegation"]),
        ("violationaccusation", ["accuser", "accused"]),
    ],
)
def test_new_events_participant_rows_start_with_the_usual_roles(editor_client, path, roles):
    forms = participant_forms(editor_client.get(f"/admin/events/{path}/add/"))
    assert [f.initial.get("role") for f in forms] == roles


def test_a_saved_event_offers_one_blank_row(editor_client):
    proposal = ProposalFactory()
    forms = participant_forms(editor_client.get(f"/admin/events/proposal/{proposal.pk}/change/"))
    assert [f.initial.get("role") for f in forms] == [None]


def test_rows_left_with_only_their_default_role_are_not_saved(editor_client):
    article = SourceFactory(body="Russia proposed a truce.")
    actor, conflict = ActorFactory(), ConflictFactory()
    data = proposal_form(
        conflict,
        participants=[(actor, "proposer")],
        citations=[(article, "Russia proposed a truce.")],
    )
    # The browser posts the other default rows too, with their roles and no actor.
    data.update(
        {
            "participants-TOTAL_FORMS": "3",
            "participants-1-role": "addressee",
            "participants-1-actor": "",
            "participants-2-role": "addressee",
            "participants-2-actor": "",
        }
    )
    response = editor_client.post("/admin/events/proposal/add/", data)
    assert response.status_code == 302, response.context["errors"]
    assert [(p.actor, p.role) for p in Proposal.objects.get().participants.all()] == [
        (actor, "proposer")
    ]


def test_the_article_panel_offers_the_actors_it_names_and_the_other_kinds(editor_client):
    saudi = ActorFactory(name="Saudi Arabia")
    ActorFactory(name="Qatar")
    article = SourceFactory(body="Saudi Arabia hosted the talks.")
    page = editor_client.get(f"/admin/events/meeting/add/?source={article.pk}").content.decode()
    assert f'data-actor-id="{saudi.pk}"' in page
    assert "Qatar" not in page
    assert "events/actor_chips.js" in page
    for kind in ("proposal", "response", "meeting", "violationaccusation"):
        assert f'href="/admin/events/{kind}/add/?source={article.pk}"' in page


def test_a_response_has_no_participant_rows_to_fill(editor_client):
    saudi = ActorFactory(name="Saudi Arabia")
    article = SourceFactory(body="Saudi Arabia welcomed it.")
    page = editor_client.get(f"/admin/events/response/add/?source={article.pk}").content.decode()
    assert f'data-actor-id="{saudi.pk}"' not in page
    assert f'href="/admin/events/meeting/add/?source={article.pk}"' in page


def test_a_proposal_s_kind_is_one_click(editor_client):
    page = editor_client.get("/admin/events/proposal/add/").content.decode()
    assert 'type="radio" name="proposal_kind" value="humanitarian_pause"' in page
