"""Actors are unambiguous, in the admin: the actor form, its alias and affiliation inlines,
the affiliation form, and what editors may change of an actor published events show."""

import html

import pytest
from django.urls import reverse

from actors.models import Actor, ActorAlias, ActorPreviousSlug, Affiliation
from events.models import Conflict
from tests.actors.published import event_showing
from tests.admin.helpers import inline_management
from tests.factories import ActorAliasFactory, ActorFactory, AffiliationFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:actors_actor_add")


def change_url(actor) -> str:
    return reverse("admin:actors_actor_change", args=[actor.pk])


def actor_form(aliases=(), affiliations=(), initial_affiliations=0, **fields) -> dict:
    data = {
        "slug": "russia",
        "name": "Russia",
        "kind": "state",
        "country": "",
        "description": "",
        "wikidata_id": "",
        "ucdp_actor_id": "",
        **fields,
    }
    data.update(inline_management("aliases", [{"name": name} for name in aliases]))
    data.update(inline_management("affiliations", list(affiliations), initial=initial_affiliations))
    return data


def page_text(response) -> str:
    return html.unescape(response.content.decode())


# Names and aliases ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Russia", "RUSSIA", "russia"])
def test_a_name_another_actor_has_is_a_form_error(editor_client, name):
    ActorFactory(name="Russia", slug="russia")

    page = editor_client.post(ADD, actor_form(slug="rf", name=name))

    assert page.status_code == 200
    assert "Another actor already has this name (ignoring case)." in page_text(page)
    assert Actor.objects.count() == 1


def test_a_name_that_is_another_actors_alias_is_a_form_error(editor_client):
    ActorAliasFactory(actor=ActorFactory(name="Russia", slug="russia"), name="the Kremlin")

    page = editor_client.post(ADD, actor_form(slug="kremlin", name="The Kremlin"))

    assert page.status_code == 200
    assert "“the Kremlin” is an alias of Russia: a name or an alias names one actor." in (
        page_text(page)
    )
    assert not Actor.objects.filter(slug="kremlin").exists()


@pytest.mark.parametrize("alias", ["Ukraine", "UKRAINE"])
def test_an_alias_that_is_another_actors_name_is_a_form_error(editor_client, alias):
    ActorFactory(name="Ukraine", slug="ukraine")

    page = editor_client.post(ADD, actor_form(aliases=["Moscow", alias]))

    assert page.status_code == 200
    assert f"“{alias}” is the name of another actor (Ukraine, ukraine)" in page_text(page)
    assert not Actor.objects.filter(slug="russia").exists()
    assert not ActorAlias.objects.exists()


def test_100_aliases_are_accepted_and_101_refused(editor_client):
    too_many = editor_client.post(ADD, actor_form(aliases=[f"Alias {n}" for n in range(101)]))
    enough = editor_client.post(ADD, actor_form(aliases=[f"Alias {n}" for n in range(100)]))

    assert too_many.status_code == 200
    assert "An actor has at most 100 aliases." in page_text(too_many)
    assert enough.status_code == 302
    assert ActorAlias.objects.filter(actor__slug="russia").count() == 100


# Affiliations --------------------------------------------------------------------------------


def test_a_state_with_an_affiliation_inline_is_a_form_error(editor_client):
    ukraine = ActorFactory(name="Ukraine", slug="ukraine")

    page = editor_client.post(
        ADD, actor_form(affiliations=[{"organization": ukraine.pk, "role": "Neighbour"}])
    )

    assert page.status_code == 200
    assert "Russia is a state: only a person is affiliated with a state or organization." in (
        page_text(page)
    )
    assert not Affiliation.objects.exists()


def test_an_affiliation_inline_with_a_person_as_organization_is_a_form_error(editor_client):
    putin = ActorFactory(name="Vladimir Putin", slug="vladimir-putin", kind="person")

    page = editor_client.post(
        ADD,
        actor_form(
            slug="dmitry-peskov",
            name="Dmitry Peskov",
            kind="person",
            affiliations=[{"organization": putin.pk, "role": "Spokesperson"}],
        ),
    )

    assert page.status_code == 200
    assert "Vladimir Putin is a person: a person is affiliated with a state" in page_text(page)
    assert not Affiliation.objects.exists()


def test_an_affiliated_person_cannot_become_a_state_in_the_admin(editor_client):
    affiliation = AffiliationFactory(
        person__name="Vladimir Putin", organization__name="Russia", role="President"
    )
    putin = affiliation.person
    row = {
        "id": affiliation.pk,
        "person": putin.pk,
        "organization": affiliation.organization.pk,
        "role": "President",
    }

    page = editor_client.post(
        change_url(putin),
        actor_form(
            slug=putin.slug,
            name=putin.name,
            kind="state",
            affiliations=[row],
            initial_affiliations=1,
        ),
    )

    assert page.status_code == 200
    assert "This actor is affiliated as a person (President of Russia)" in page_text(page)
    assert Actor.objects.get(pk=putin.pk).kind == "person"


@pytest.mark.parametrize(
    "field, message",
    [
        ("person", "Interfax is a media: only a person is affiliated"),
        ("organization", "Dmitry Peskov is a person: a person is affiliated with a state"),
    ],
)
def test_the_affiliation_form_names_the_wrong_kind(editor_client, field, message):
    people = {
        "person": ActorFactory(name="Dmitry Peskov", slug="dmitry-peskov", kind="person"),
        "organization": ActorFactory(name="Russia", slug="russia"),
    }
    people[field] = {
        "person": ActorFactory(name="Interfax", slug="interfax", kind="media"),
        "organization": people["person"],
    }[field]
    if field == "organization":
        people["person"] = ActorFactory(name="Aide", slug="aide", kind="person")

    page = editor_client.post(
        reverse("admin:actors_affiliation_add"),
        {
            "person": people["person"].pk,
            "organization": people["organization"].pk,
            "role": "Spokesperson",
            "start_date": "",
            "end_date": "",
        },
    )

    assert page.status_code == 200
    assert message in page_text(page)
    assert not Affiliation.objects.exists()


# Published actors: who changes the name and slug ---------------------------------------------


def test_an_editor_sees_a_published_actors_name_and_slug_read_only(editor_client):
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia)

    page = editor_client.get(change_url(russia))

    assert page.status_code == 200
    body = page_text(page)
    assert 'name="name"' not in body
    assert 'name="slug"' not in body
    assert 'name="kind"' in body


def test_an_editor_cannot_change_a_published_actors_name_or_slug(editor_client):
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia)

    page = editor_client.post(
        change_url(russia),
        actor_form(slug="rf", name="Russian Federation", description="A state."),
    )

    assert page.status_code == 302
    russia.refresh_from_db()
    assert (russia.name, russia.slug, russia.description) == ("Russia", "russia", "A state.")
    assert not ActorPreviousSlug.objects.exists()


def test_an_editor_changes_an_actor_that_only_drafts_show(editor_client):
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia, status="draft")

    assert 'name="slug"' in page_text(editor_client.get(change_url(russia)))
    page = editor_client.post(change_url(russia), actor_form(slug="rf", name="RF"))

    assert page.status_code == 302
    assert Actor.objects.filter(pk=russia.pk, slug="rf", name="RF").exists()


def test_a_reviewer_changes_a_published_actors_slug_and_sees_the_old_one(reviewer_client):
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia)

    page = reviewer_client.post(change_url(russia), actor_form(slug="rf", name="Russia"))

    assert page.status_code == 302
    assert list(ActorPreviousSlug.objects.values_list("slug", "actor")) == [("russia", russia.pk)]
    body = page_text(reviewer_client.get(change_url(russia)))
    assert 'name="slug"' in body
    assert "Old slugs" in body
    assert ">russia<" in body


def test_another_actors_old_slug_is_a_form_error(reviewer_client):
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia)
    russia.slug = "rf"
    russia.save()

    page = reviewer_client.post(ADD, actor_form(slug="russia", name="Russia (band)"))

    assert page.status_code == 200
    assert "“russia” used to be the slug of Russia and still leads there" in page_text(page)


# Slugs from names ----------------------------------------------------------------------------


@pytest.mark.parametrize("dash", ["\u2013", "\u2014", "\u2212"])
def test_a_blank_slug_is_made_from_the_name_with_its_dashes(editor_client, dash):
    page = editor_client.post(ADD, actor_form(slug="", name=f"Hamas{dash}Fatah committee"))

    assert page.status_code == 302
    assert Actor.objects.get().slug == "hamas-fatah-committee"


@pytest.mark.parametrize(
    "url", [ADD, reverse("admin:events_conflict_add")], ids=["actor", "conflict"]
)
def test_the_slug_typed_from_the_name_keeps_its_dashes_in_the_browser(editor_client, url):
    body = page_text(editor_client.get(url))

    # After Django's URLify, which it wraps.
    assert body.index("admin/js/urlify.js") < body.index("actors/urlify_dashes.js")


# History → Restore ---------------------------------------------------------------------------


def restore(client, actor, version, **changes):
    url = reverse("admin:actors_actor_simple_history", args=[actor.pk, version.history_id])
    return client.post(url, actor_form(**changes))


def test_restoring_a_published_actors_old_name_and_slug_is_a_reviewers_change(
    editor_client, reviewer_client
):
    russia = ActorFactory(name="Russian Federation", slug="rf")
    first = russia.history.latest()
    russia.name, russia.slug = "Russia", "russia"
    russia.save()
    event_showing(russia)

    by_editor = restore(editor_client, russia, first, slug="rf", name="Russian Federation")
    russia.refresh_from_db()
    kept = (russia.name, russia.slug)
    by_reviewer = restore(reviewer_client, russia, first, slug="rf", name="Russian Federation")
    russia.refresh_from_db()

    assert by_editor.status_code == 302
    assert kept == ("Russia", "russia")
    assert by_reviewer.status_code == 302
    assert (russia.name, russia.slug) == ("Russian Federation", "rf")
    assert list(ActorPreviousSlug.objects.values_list("slug", "actor")) == [("russia", russia.pk)]


# Other datasets' identifiers ----------------------------------------------------------------


def test_a_gleditsch_ward_code_is_refused_on_an_actor_that_is_no_state(editor_client):
    page = editor_client.post(ADD, actor_form(kind="person", name="Vladimir Putin", gw_code=365))

    assert page.status_code == 200
    assert "Only a state has a Gleditsch–Ward code." in page_text(page)
    assert not Actor.objects.exists()


def test_a_state_is_saved_with_its_gleditsch_ward_code(editor_client):
    page = editor_client.post(ADD, actor_form(gw_code=365))

    assert page.status_code == 302
    assert Actor.objects.get().gw_code == 365


def test_a_conflict_is_saved_with_its_ucdp_ids_and_dyads(editor_client):
    data = {"slug": "", "name": "Russia–Ukraine war", "start_date": "", "ucdp_conflict_id": "13243"}
    data.update(inline_management("party_links", []))
    data.update(inline_management("dyads", [{"ucdp_dyad_id": 14280}, {"ucdp_dyad_id": 14281}]))

    page = editor_client.post(reverse("admin:events_conflict_add"), data)

    assert page.status_code == 302, page_text(page)
    conflict = Conflict.objects.get()
    assert conflict.ucdp_conflict_id == 13243
    assert sorted(conflict.dyads.values_list("ucdp_dyad_id", flat=True)) == [14280, 14281]


def test_a_conflicts_dyad_listed_twice_is_refused(editor_client):
    data = {"slug": "", "name": "Russia–Ukraine war", "start_date": "", "ucdp_conflict_id": ""}
    data.update(inline_management("party_links", []))
    data.update(inline_management("dyads", [{"ucdp_dyad_id": 14280}, {"ucdp_dyad_id": 14280}]))

    page = editor_client.post(reverse("admin:events_conflict_add"), data)

    assert page.status_code == 200
    assert not Conflict.objects.exists()
