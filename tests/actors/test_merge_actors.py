"""A reviewer merges duplicate actors (actors.services.merge_actors, the actors' admin action):
everything pointing to a duplicate moves to the kept actor, whose aliases and old slugs keep
the duplicate's name and slug leading to it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor, ActorAlias, ActorPreviousSlug, Affiliation
from actors.services import merge_actors
from events.models import Citation, ConflictParty, Event, Participant, Response
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorAliasFactory,
    ActorFactory,
    AffiliationFactory,
    CitationFactory,
    ConflictFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def zelenskyy(db):
    return ActorFactory(name="Volodymyr Zelenskyy", slug="zelenskyy", kind=Actor.Kind.PERSON)


@pytest.fixture
def zelensky(db):
    """The duplicate, made from an article that spells the name otherwise."""
    return ActorFactory(name="Volodymyr Zelensky", slug="zelensky", kind=Actor.Kind.PERSON)


def gone(actor) -> bool:
    return not Actor.objects.filter(pk=actor.pk).exists()


# What moves --------------------------------------------------------------------------------


def test_participations_move_to_the_kept_actor(reviewer, zelenskyy, zelensky):
    participant = ParticipantFactory(actor=zelensky, role="proposer")

    result = merge_actors(zelenskyy, [zelensky], reviewer)

    participant.refresh_from_db()
    assert participant.actor == zelenskyy
    assert result.moved["participations"] == 1
    assert gone(zelensky)


def test_citations_speaker_and_via_move(reviewer, zelenskyy, zelensky):
    spoken = CitationFactory(speaker=zelensky)
    relayed = CitationFactory(via=zelensky)

    merge_actors(zelenskyy, [zelensky], reviewer)

    assert Citation.objects.get(pk=spoken.pk).speaker == zelenskyy
    assert Citation.objects.get(pk=relayed.pk).via == zelenskyy


def test_responses_responder_moves(reviewer, zelenskyy, zelensky):
    response = ResponseFactory(responder=zelensky)

    merge_actors(zelenskyy, [zelensky], reviewer)

    assert Response.objects.get(pk=response.pk).responder == zelenskyy


def test_conflict_parties_move_and_a_party_twice_is_merged(reviewer):
    ukraine, kyiv = ActorFactory(name="Ukraine"), ActorFactory(name="Kyiv government")
    both, only_duplicate = ConflictFactory(), ConflictFactory()
    both.parties.add(ukraine, kyiv)
    only_duplicate.parties.add(kyiv)

    result = merge_actors(ukraine, [kyiv], reviewer)

    assert list(both.parties.all()) == [ukraine]
    assert list(only_duplicate.parties.all()) == [ukraine]
    assert (result.moved["conflicts as a party"], result.collapsed["conflicts as a party"]) == (
        1,
        1,
    )
    assert ConflictParty.objects.count() == 2


def test_affiliations_move_on_both_sides(reviewer):
    russia, moscow = ActorFactory(name="Russia"), ActorFactory(name="Russian Federation")
    peskov = ActorFactory(name="Dmitry Peskov", kind=Actor.Kind.PERSON)
    spokesman = AffiliationFactory(person=peskov, organization=moscow, role="Spokesperson")
    putin, putin_again = (
        ActorFactory(name="Vladimir Putin", kind=Actor.Kind.PERSON),
        ActorFactory(name="V. Putin", kind=Actor.Kind.PERSON),
    )
    president = AffiliationFactory(person=putin_again, organization=russia, role="President")

    merge_actors(russia, [moscow], reviewer)
    merge_actors(putin, [putin_again], reviewer)

    assert Affiliation.objects.get(pk=spokesman.pk).organization == russia
    assert Affiliation.objects.get(pk=president.pk).person == putin


def test_the_same_affiliation_twice_is_merged(reviewer):
    russia = ActorFactory(name="Russia")
    putin, putin_again = (
        ActorFactory(name="Vladimir Putin", kind=Actor.Kind.PERSON),
        ActorFactory(name="V. Putin", kind=Actor.Kind.PERSON),
    )
    start = datetime.date(2012, 5, 7)
    AffiliationFactory(person=putin, organization=russia, role="President", start_date=start)
    AffiliationFactory(person=putin_again, organization=russia, role="President", start_date=start)

    result = merge_actors(putin, [putin_again], reviewer)

    assert Affiliation.objects.filter(person=putin).count() == 1
    assert result.collapsed["affiliations as a person"] == 1


def test_aliases_move_and_the_duplicates_name_becomes_one(reviewer, zelenskyy, zelensky):
    ActorAliasFactory(actor=zelensky, name="Zelenskiy")

    merge_actors(zelenskyy, [zelensky], reviewer)

    assert sorted(zelenskyy.aliases.values_list("name", flat=True)) == [
        "Volodymyr Zelensky",
        "Zelenskiy",
    ]
    # q finds the kept actor's events by the duplicate's name.
    assert Actor.objects.matching_name("volodymyr zelensky").get() == zelenskyy


def test_an_outlets_articles_move(reviewer):
    interfax = ActorFactory(name="Interfax", kind=Actor.Kind.MEDIA)
    again = ActorFactory(name="Interfax news agency", kind=Actor.Kind.MEDIA)
    article = SourceFactory(outlet=again)

    merge_actors(interfax, [again], reviewer)

    article.refresh_from_db()
    assert article.outlet == interfax


def test_the_same_actor_twice_in_one_role_is_merged(reviewer, zelenskyy, zelensky):
    proposal = ProposalFactory()
    ParticipantFactory(event=proposal, actor=zelenskyy, role="proposer")
    ParticipantFactory(event=proposal, actor=zelensky, role="proposer")
    ParticipantFactory(event=proposal, actor=zelensky, role="addressee")

    result = merge_actors(zelenskyy, [zelensky], reviewer)

    rows = sorted(proposal.participants.values_list("actor__slug", "role"))
    assert rows == [("zelenskyy", "addressee"), ("zelenskyy", "proposer")]
    assert (result.moved["participations"], result.collapsed["participations"]) == (1, 1)


def test_several_duplicates_merge_at_once(reviewer, zelenskyy, zelensky):
    third = ActorFactory(name="Wolodymyr Selenskyj", slug="selenskyj", kind=Actor.Kind.PERSON)
    proposal = ProposalFactory()
    ParticipantFactory(event=proposal, actor=zelensky, role="proposer")
    ParticipantFactory(event=proposal, actor=third, role="proposer")

    merge_actors(zelenskyy, [zelensky, third], reviewer)

    assert list(proposal.participants.values_list("actor__slug", flat=True)) == ["zelenskyy"]
    assert set(zelenskyy.previous_slugs.values_list("slug", flat=True)) == {
        "zelensky",
        "selenskyj",
    }


# Slugs keep leading to the kept actor --------------------------------------------------------


def test_the_duplicates_slug_and_old_slugs_redirect_to_the_kept_actor(
    reviewer, anonymous, zelenskyy, zelensky
):
    ActorPreviousSlug.objects.create(actor=zelensky, slug="zelenskiy")

    merge_actors(zelenskyy, [zelensky], reviewer)

    for slug in ("zelensky", "zelenskiy"):
        response = anonymous.get(f"/api/v1/actors/{slug}/")
        assert response.status_code == 301
        assert response["Location"].endswith("/api/v1/actors/zelenskyy/")


def test_the_api_filters_find_the_kept_actor_by_the_duplicates_slug(
    reviewer, anonymous, zelenskyy, zelensky
):
    proposal = ProposalFactory(editorial_status="published")
    ParticipantFactory(event=proposal, actor=zelensky, role="proposer")

    merge_actors(zelenskyy, [zelensky], reviewer)

    response = anonymous.get("/api/v1/proposals/", {"actor": "zelensky"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [proposal.pk]


def test_events_showing_the_duplicate_are_marked_updated(reviewer, zelenskyy, zelensky):
    proposal = ProposalFactory()
    ParticipantFactory(event=proposal, actor=zelensky, role="proposer")
    untouched = ProposalFactory()
    before = timezone.now()

    merge_actors(zelenskyy, [zelensky], reviewer)

    assert Event.objects.get(pk=proposal.pk).updated_at >= before
    assert Event.objects.get(pk=untouched.pk).updated_at < before
    assert "Volodymyr Zelenskyy" in Event.objects.get(pk=proposal.pk).search_document


# Refusals and permissions --------------------------------------------------------------------


def test_a_merge_that_would_make_an_actor_accuse_itself_is_refused_whole(reviewer):
    russia, moscow = ActorFactory(name="Russia"), ActorFactory(name="Moscow government")
    accusation = AccusationFactory(title="Shelling during the truce")
    ParticipantFactory(event=accusation, actor=russia, role="accuser")
    ParticipantFactory(event=accusation, actor=moscow, role="accused")
    spoken = CitationFactory(speaker=moscow)

    with pytest.raises(ValidationError, match="Shelling during the truce"):
        merge_actors(russia, [moscow], reviewer)

    assert not gone(moscow)
    assert Citation.objects.get(pk=spoken.pk).speaker == moscow


def test_a_person_with_affiliations_is_not_merged_into_a_state(reviewer):
    russia = ActorFactory(name="Russia")
    peskov = ActorFactory(name="Peskov", kind=Actor.Kind.PERSON)
    AffiliationFactory(person=peskov, organization=ActorFactory(name="Kremlin staff"))

    with pytest.raises(ValidationError, match="affiliated as a person"):
        merge_actors(russia, [peskov], reviewer)

    assert not gone(peskov)


def test_editors_do_not_merge(editor, zelenskyy, zelensky):
    with pytest.raises(PermissionDenied):
        merge_actors(zelenskyy, [zelensky], editor)
    assert not gone(zelensky)


def test_an_actor_is_not_merged_into_itself(reviewer, zelenskyy):
    with pytest.raises(ValidationError):
        merge_actors(zelenskyy, [zelenskyy], reviewer)


# History -------------------------------------------------------------------------------------


def test_the_history_records_the_merge(reviewer, zelenskyy, zelensky):
    participant = ParticipantFactory(actor=zelensky)

    merge_actors(zelenskyy, [zelensky], reviewer)

    kept = zelenskyy.history.latest()
    assert kept.history_change_reason == "Merged Volodymyr Zelensky into this actor"
    assert kept.history_user == reviewer
    deleted = Actor.history.filter(id=zelensky.pk).latest()
    assert deleted.history_type == "-"
    assert deleted.history_change_reason == "Merged into Volodymyr Zelenskyy (zelenskyy)"
    moved = participant.history.latest()
    assert (moved.actor_id, moved.history_user) == (zelenskyy.pk, reviewer)
    assert moved.history_change_reason == (
        "Volodymyr Zelensky (zelensky) merged into Volodymyr Zelenskyy (zelenskyy)"
    )
    assert ActorAlias.history.filter(name="Volodymyr Zelensky", history_type="+").exists()


# The admin action ----------------------------------------------------------------------------


def post_action(client, actors, **extra):
    return client.post(
        reverse("admin:actors_actor_changelist"),
        {"action": "merge_actors", "_selected_action": [a.pk for a in actors], **extra},
    )


def test_the_merge_action_is_offered_to_reviewers_only(reviewer_client, editor_client):
    url = reverse("admin:actors_actor_changelist")
    assert 'value="merge_actors"' in reviewer_client.get(url).content.decode()
    assert 'value="merge_actors"' not in editor_client.get(url).content.decode()


def test_an_editor_posting_the_action_merges_nothing(editor_client, zelenskyy, zelensky):
    post_action(editor_client, [zelenskyy, zelensky], kept=zelenskyy.pk, confirm="Merge")
    assert not gone(zelensky)


def test_the_admin_merges_after_choosing_and_confirming(reviewer_client, zelenskyy, zelensky):
    ParticipantFactory(actor=zelensky)

    choose = post_action(reviewer_client, [zelenskyy, zelensky])
    assert choose.status_code == 200
    assert f'name="kept" value="{zelensky.pk}"' in choose.content.decode()

    confirm = post_action(reviewer_client, [zelenskyy, zelensky], kept=zelenskyy.pk)
    page = confirm.content.decode()
    assert 'id="merge-moves"' in page and "1 participations" in page
    assert not gone(zelensky)  # not before the confirmation

    merged = post_action(reviewer_client, [zelenskyy, zelensky], kept=zelenskyy.pk, confirm="Merge")
    assert merged.status_code == 302
    assert merged["Location"] == reverse("admin:actors_actor_change", args=[zelenskyy.pk])
    assert gone(zelensky)
    assert Participant.objects.get().actor == zelenskyy


def test_the_admin_shows_a_refusal_and_changes_nothing(reviewer_client):
    russia, moscow = ActorFactory(name="Russia"), ActorFactory(name="Moscow government")
    accusation = AccusationFactory()
    ParticipantFactory(event=accusation, actor=russia, role="accuser")
    ParticipantFactory(event=accusation, actor=moscow, role="accused")

    page = post_action(reviewer_client, [russia, moscow], kept=russia.pk, confirm="Merge")

    assert page.status_code == 302
    followed = reviewer_client.get(page["Location"]).content.decode()
    assert "accuse each other" in followed
    assert not gone(moscow)
