"""Actors are unambiguous, through the API: names and aliases name one actor, affiliations
link a person to a non-person, old slugs keep answering, reviewers change what published
events show, slugs come from names with their dashes, at most 100 aliases."""

import pytest
from django.db import connection

from actors.models import Actor, ActorAlias, ActorPreviousSlug, Affiliation
from tests.actors.published import WAYS_OF_SHOWING, event_showing
from tests.api.personas import *  # noqa: F403
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    AffiliationFactory,
    ConflictFactory,
    ParticipantFactory,
    ProposalFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

LOCKED = "Published events show this actor: a reviewer changes its {}."


def post_actor(client, **fields):
    return client.post(
        "/api/v1/actors/", {"kind": "state", **fields}, format="json", HTTP_HOST="testserver"
    )


def renamed_published_actor(**fields) -> Actor:
    """Russia, shown by a published proposal, whose slug was then changed to rf."""
    russia = ActorFactory(name="Russia", slug="russia", **fields)
    event_showing(russia)
    russia.slug = "rf"
    russia.save()
    return russia


# Names and aliases ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Russia", "russia", "RUSSIA"])
def test_a_name_another_actor_has_is_refused_on_name(editor_api, name):
    ActorFactory(name="Russia", slug="russia")

    response = post_actor(editor_api, slug="rf", name=name)

    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["name"]
    assert "Another actor already has this name" in response.json()["name"][0]
    assert Actor.objects.count() == 1


@pytest.mark.parametrize("name", ["the Kremlin", "THE KREMLIN"])
def test_a_name_that_is_another_actors_alias_is_refused_on_name(editor_api, name):
    ActorAliasFactory(actor=ActorFactory(name="Russia", slug="russia"), name="the Kremlin")

    response = post_actor(editor_api, slug="kremlin", name=name, kind="government")

    assert response.status_code == 400
    assert response.json() == {
        "name": [
            "“the Kremlin” is an alias of Russia: a name or an alias names one actor. Use that "
            "actor, or remove the alias from it first."
        ]
    }
    assert not Actor.objects.filter(slug="kremlin").exists()


def test_renaming_an_actor_to_another_actors_alias_is_refused_on_name(editor_api):
    ActorAliasFactory(actor=ActorFactory(name="Russia", slug="russia"), name="Moscow")
    city = ActorFactory(name="Moscow city", slug="moscow-city", kind="government")

    response = editor_api.patch(f"/api/v1/actors/{city.slug}/", {"name": "MOSCOW"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["name"]
    assert Actor.objects.get(pk=city.pk).name == "Moscow city"


@pytest.mark.parametrize("alias", ["Ukraine", "ukraine", "UKRAINE"])
def test_an_alias_that_is_another_actors_name_is_refused_on_aliases(editor_api, alias):
    ActorFactory(name="Ukraine", slug="ukraine")

    response = post_actor(editor_api, slug="russia", name="Russia", aliases=["Moscow", alias])

    assert response.status_code == 400
    assert response.json() == {
        "aliases": [
            f"“{alias}” is the name of another actor (Ukraine, ukraine): a name or an alias "
            "names one actor."
        ]
    }
    assert not Actor.objects.filter(slug="russia").exists()


def test_an_actor_keeps_its_name_among_its_own_aliases(editor_api):
    russia = ActorFactory(name="Russia", slug="russia")
    ActorAliasFactory(actor=russia, name="Moscow")

    response = editor_api.patch(
        "/api/v1/actors/russia/", {"name": "Russia", "aliases": ["Moscow", "RUSSIA"]}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert sorted(russia.aliases.values_list("name", flat=True)) == ["Moscow", "RUSSIA"]


def test_an_alias_of_another_actor_in_another_case_is_refused_on_aliases(editor_api):
    ActorAliasFactory(actor=ActorFactory(name="Russia", slug="russia"), name="the Kremlin")

    response = post_actor(editor_api, slug="rf", name="RF", aliases=["THE KREMLIN"])

    assert response.status_code == 400
    assert response.json() == {"aliases": ["Already the alias of another actor: the Kremlin."]}


# Aliases: how many, and how fast -------------------------------------------------------------


def test_more_than_100_aliases_are_refused_on_aliases(editor_api):
    response = post_actor(
        editor_api, slug="russia", name="Russia", aliases=[f"Alias {n}" for n in range(101)]
    )

    assert response.status_code == 400
    assert response.json() == {"aliases": ["An actor has at most 100 aliases."]}
    assert not Actor.objects.exists()


def test_100_aliases_are_checked_in_a_few_queries(editor_api, django_assert_max_num_queries):
    ActorAliasFactory(actor=ActorFactory(name="Ukraine", slug="ukraine"), name="Kyiv")
    names = [f"Alias {n}" for n in range(Actor.MAX_ALIASES)]

    # The token; user and group permissions; the slug unique (serializer); the aliases of
    # other actors (one query for all 100); the names of other actors (one query); the model's
    # clean: the name another actor's alias, the slug another actor's old slug, the slug
    # unique, the Wikidata ID unique (a savepoint around it), the name unique, the
    # Gleditsch–Ward code's two checks (a savepoint around each); savepoint, insert, history,
    # the 100 aliases (one insert), release; aliases and affiliations of the answer.
    with django_assert_max_num_queries(26):
        response = post_actor(editor_api, slug="russia", name="Russia", aliases=names)

    assert response.status_code == 201, response.json()
    assert ActorAlias.objects.filter(actor__slug="russia").count() == 100


def test_100_aliases_with_one_taken_are_refused_in_a_few_queries(
    editor_api, django_assert_max_num_queries
):
    ActorAliasFactory(actor=ActorFactory(name="Ukraine", slug="ukraine"), name="Alias 99")
    names = [f"alias {n}" for n in range(Actor.MAX_ALIASES)]

    with django_assert_max_num_queries(8):
        response = post_actor(editor_api, slug="russia", name="Russia", aliases=names)

    assert response.status_code == 400
    assert response.json() == {"aliases": ["Already the alias of another actor: Alias 99."]}


# Affiliations --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["state", "organization", "media"])
def test_an_affiliation_of_a_non_person_is_refused_on_person(editor_api, kind):
    ActorFactory(name="Interfax", slug="interfax", kind=kind)
    ActorFactory(name="Russia", slug="russia")

    response = editor_api.post(
        "/api/v1/affiliations/",
        {"person": "interfax", "organization": "russia", "role": "Agency"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["person"]
    assert "only a person is affiliated" in response.json()["person"][0]
    assert not Affiliation.objects.exists()


def test_an_affiliation_with_a_person_is_refused_on_organization(editor_api):
    ActorFactory(name="Vladimir Putin", slug="vladimir-putin", kind="person")
    ActorFactory(name="Dmitry Peskov", slug="dmitry-peskov", kind="person")

    response = editor_api.post(
        "/api/v1/affiliations/",
        {"person": "dmitry-peskov", "organization": "vladimir-putin", "role": "Spokesperson"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["organization"]
    assert "Vladimir Putin is a person" in response.json()["organization"][0]


def test_moving_an_affiliation_to_a_person_is_refused_on_organization(editor_api):
    affiliation = AffiliationFactory()
    ActorFactory(name="Dmitry Peskov", slug="dmitry-peskov", kind="person")

    response = editor_api.patch(
        f"/api/v1/affiliations/{affiliation.pk}/", {"organization": "dmitry-peskov"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["organization"]


def test_an_affiliated_person_cannot_become_a_state(editor_api):
    putin = AffiliationFactory(person__slug="vladimir-putin", person__name="Putin").person

    response = editor_api.patch("/api/v1/actors/vladimir-putin/", {"kind": "state"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["kind"]
    assert Actor.objects.get(pk=putin.pk).kind == "person"


def test_an_organization_with_members_cannot_become_a_person(editor_api):
    AffiliationFactory(organization__slug="kremlin", organization__name="Kremlin")

    response = editor_api.patch("/api/v1/actors/kremlin/", {"kind": "person"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["kind"]


# Old slugs -----------------------------------------------------------------------------------


def test_an_old_slug_redirects_permanently_to_the_actor(anonymous, django_assert_num_queries):
    renamed_published_actor()

    # the actor by slug (not found); the old slug with its actor.
    with django_assert_num_queries(2):
        response = anonymous.get("/api/v1/actors/russia/?format=json")

    assert response.status_code == 301
    assert response["Location"] == "http://testserver/api/v1/actors/rf/?format=json"
    assert anonymous.get(response["Location"]).json()["slug"] == "rf"


def test_an_unknown_slug_is_still_not_found(anonymous):
    renamed_published_actor()

    assert anonymous.get("/api/v1/actors/atlantis/").status_code == 404


def test_the_current_slug_answers_in_as_many_queries_as_before(
    anonymous, django_assert_num_queries
):
    renamed_published_actor()

    # the actor; its aliases; its affiliations with their organizations.
    with django_assert_num_queries(3):
        response = anonymous.get("/api/v1/actors/rf/")

    assert response.status_code == 200
    assert response.json()["slug"] == "rf"


@pytest.mark.parametrize("how", WAYS_OF_SHOWING)
def test_a_reviewer_changes_a_published_actors_slug_and_the_old_one_keeps_leading_to_it(
    reviewer_api, how
):
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia, how)

    response = reviewer_api.patch("/api/v1/actors/russia/", {"slug": "rf"}, format="json")

    assert response.status_code == 200, response.json()
    assert list(ActorPreviousSlug.objects.values_list("slug", "actor")) == [("russia", russia.pk)]
    assert reviewer_api.get("/api/v1/actors/russia/").status_code == 301


def test_filters_take_an_old_slug_for_the_actor_it_now_names(anonymous):
    russia = ActorFactory(name="Russia", slug="russia")
    proposal = ParticipantFactory(
        event=ProposalFactory(editorial_status="published", title="Easter truce"), actor=russia
    ).event
    russia.slug = "rf"
    russia.save()

    by_old = anonymous.get("/api/v1/proposals/", {"proposer": "russia"})
    by_both = anonymous.get("/api/v1/events/", {"actor": "russia,rf"})

    assert by_old.status_code == 200, by_old.json()
    assert [row["id"] for row in by_old.json()["results"]] == [proposal.pk]
    assert [row["id"] for row in by_both.json()["results"]] == [proposal.pk]
    assert anonymous.get("/api/v1/proposals/", {"proposer": "rusia"}).status_code == 400


def test_affiliation_filters_take_an_old_slug(anonymous):
    russia = renamed_published_actor()
    affiliation = AffiliationFactory(organization=russia)

    response = anonymous.get("/api/v1/affiliations/", {"organization": "russia"})

    assert [row["id"] for row in response.json()["results"]] == [affiliation.pk]


def test_a_role_list_written_with_an_old_slug_names_the_actor(editor_api):
    russia = renamed_published_actor()
    conflict = ConflictFactory(slug="russia-ukraine-war", name="Russia–Ukraine war")
    source = SourceFactory(body="Moscow declared a truce.")

    response = editor_api.post(
        "/api/v1/proposals/",
        {
            "conflict": conflict.slug,
            "date": "2025-04-19",
            "title": "Truce",
            "proposal_kind": "ceasefire",
            "proposers": ["russia"],
            "citations": [{"source": source.pk, "quote": "declared a truce", "speaker": "russia"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["proposers"] == ["rf"]
    assert response.json()["citations"][0]["speaker"] == "rf"
    assert russia.participations.filter(event_id=response.json()["id"]).exists()


def test_an_old_and_a_current_slug_of_one_actor_are_one_actor_listed_twice(editor_api):
    renamed_published_actor()
    conflict = ConflictFactory(slug="russia-ukraine-war")

    response = editor_api.post(
        "/api/v1/proposals/",
        {
            "conflict": conflict.slug,
            "date": "2025-04-19",
            "title": "Truce",
            "proposal_kind": "ceasefire",
            "proposers": ["russia", "rf"],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"proposers": ["An actor is listed twice."]}


def test_another_actors_old_slug_is_refused_on_slug(reviewer_api):
    renamed_published_actor()

    response = post_actor(reviewer_api, slug="russia", name="Russia (band)", kind="organization")

    assert response.status_code == 400
    assert response.json() == {
        "slug": ["“russia” used to be the slug of Russia and still leads there: choose another."]
    }


# Who changes a published actor's name and slug -----------------------------------------------


@pytest.mark.parametrize("field, value", [("name", "Russian Federation"), ("slug", "rf")])
@pytest.mark.parametrize("how", WAYS_OF_SHOWING)
def test_an_editor_cannot_change_what_published_events_show(editor_api, field, value, how):
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia, how)

    response = editor_api.patch("/api/v1/actors/russia/", {field: value}, format="json")

    assert response.status_code == 400
    assert response.json() == {field: [LOCKED.format(field)]}
    assert Actor.objects.filter(name="Russia", slug="russia").exists()


def test_an_editor_sending_the_same_name_and_slug_changes_the_rest(editor_api):
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia)

    response = editor_api.put(
        "/api/v1/actors/russia/",
        {"slug": "russia", "name": "Russia", "kind": "state", "description": "A state."},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert Actor.objects.get(pk=russia.pk).description == "A state."


def test_an_editor_changes_an_actor_that_only_drafts_show(editor_api):
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia, status="in_review")

    response = editor_api.patch(
        "/api/v1/actors/russia/", {"name": "Russian Federation", "slug": "rf"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert Actor.objects.get(pk=russia.pk).slug == "rf"
    assert not ActorPreviousSlug.objects.exists()


def test_a_reviewer_changes_a_published_actors_name(reviewer_api):
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia)

    response = reviewer_api.patch(
        "/api/v1/actors/russia/", {"name": "Russian Federation"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert Actor.objects.get(pk=russia.pk).name == "Russian Federation"


# Slugs made from names -----------------------------------------------------------------------


@pytest.mark.parametrize("dash", ["\u2013", "\u2014", "\u2212", "\u2010"])
def test_an_actor_created_without_a_slug_gets_one_from_its_name(editor_api, dash):
    response = post_actor(editor_api, name=f"Hamas{dash}Fatah committee", kind="organization")

    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "hamas-fatah-committee"
    assert Actor.objects.get().slug == "hamas-fatah-committee"


def test_a_slug_made_from_the_name_that_is_taken_is_refused_on_slug(editor_api):
    ActorFactory(name="Hamas Fatah", slug="hamas-fatah")

    response = post_actor(editor_api, name="Hamas–Fatah", kind="organization")

    assert response.status_code == 400
    assert list(response.json()) == ["slug"]
    assert Actor.objects.count() == 1


def test_a_name_without_latin_letters_needs_a_slug(editor_api):
    response = post_actor(editor_api, name="Хамас", kind="armed_group")

    assert response.status_code == 400
    assert response.json() == {
        "slug": ["No slug can be made from this name: enter one (letters a–z)."]
    }


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lowers ASCII letters only",
)
def test_names_and_aliases_in_other_scripts_clash_in_any_case(editor_api):
    ActorAliasFactory(actor=ActorFactory(name="Россия", slug="rossiya"), name="Москва")

    taken_alias = post_actor(editor_api, slug="ru", name="RU", aliases=["МОСКВА"])
    taken_name = post_actor(editor_api, slug="ru", name="РОССИЯ")
    alias_is_name = post_actor(editor_api, slug="ru", name="RU", aliases=["россия"])

    assert taken_alias.json() == {"aliases": ["Already the alias of another actor: Москва."]}
    assert list(taken_name.json()) == ["name"]
    assert list(alias_is_name.json()) == ["aliases"]
    assert Actor.objects.count() == 1
