"""Actors are unambiguous: the model layer's rules and the database's.

A name names one actor (no other actor's name or alias, ignoring case), an affiliation links a
person to a non-person, an old slug keeps leading to its actor, and slugs keep their dashes.
"""

import shutil
import subprocess
from pathlib import Path

import django
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from actors.models import Actor, ActorAlias, ActorPreviousSlug, Affiliation
from events.models import Event
from lib.text import slugify_name
from tests.actors.published import WAYS_OF_SHOWING, event_showing
from tests.factories import ActorAliasFactory, ActorFactory, AffiliationFactory

pytestmark = pytest.mark.django_db

NAME_TAKEN = (
    "Another actor already has this name (ignoring case). If it is the same actor, use that "
    "one; otherwise tell them apart, e.g. “Georgia (country)”."
)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers are PostgreSQL's"
)


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


# Names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Russia", "russia", "RUSSIA", "rUSSIA"])
def test_a_name_another_actor_has_in_any_case_is_refused_on_name(name):
    ActorFactory(name="Russia", slug="russia")

    errors = errors_of(Actor(name=name, slug="rf", kind=Actor.Kind.STATE))

    assert errors == {"name": [NAME_TAKEN]}


def test_the_database_refuses_a_second_actor_with_the_same_name_in_another_case():
    ActorFactory(name="Russia", slug="russia")

    with pytest.raises(IntegrityError), transaction.atomic():
        Actor.objects.create(name="RUSSIA", slug="rf", kind=Actor.Kind.STATE)

    assert Actor.objects.count() == 1


def test_an_actor_keeps_its_own_name_when_saved_again():
    russia = ActorFactory(name="Russia", slug="russia")

    russia.full_clean()
    russia.save()

    assert Actor.objects.get().name == "Russia"


@pytest.mark.parametrize("name", ["the Kremlin", "THE KREMLIN", "The kremlin"])
def test_a_name_that_is_another_actors_alias_is_refused_on_name(name):
    ActorAliasFactory(actor=ActorFactory(name="Russia", slug="russia"), name="the Kremlin")

    errors = errors_of(Actor(name=name, slug="kremlin", kind=Actor.Kind.GOVERNMENT))

    assert errors == {
        "name": [
            "“the Kremlin” is an alias of Russia: a name or an alias names one actor. Use that "
            "actor, or remove the alias from it first."
        ]
    }


def test_renaming_an_actor_to_its_own_alias_is_allowed():
    russia = ActorFactory(name="Russia", slug="russia")
    ActorAliasFactory(actor=russia, name="Russian Federation")

    russia.name = "russian federation"
    russia.full_clean()
    russia.save()

    assert Actor.objects.get().name == "russian federation"


@pytest.mark.parametrize("alias", ["Ukraine", "ukraine", "UKRAINE"])
def test_an_alias_that_is_another_actors_name_is_refused_on_name(alias):
    ActorFactory(name="Ukraine", slug="ukraine")
    russia = ActorFactory(name="Russia", slug="russia")

    errors = errors_of(ActorAlias(actor=russia, name=alias))

    assert errors == {
        "name": [
            f"“{alias}” is the name of another actor (Ukraine, ukraine): a name or an alias "
            "names one actor."
        ]
    }


def test_an_alias_equal_to_its_own_actors_name_is_not_ambiguous():
    russia = ActorFactory(name="Russia", slug="russia")

    alias = ActorAlias(actor=russia, name="RUSSIA")
    alias.full_clean()
    alias.save()

    assert list(russia.aliases.values_list("name", flat=True)) == ["RUSSIA"]


@postgresql_only
def test_the_database_refuses_an_actor_named_as_another_actors_alias():
    ActorAliasFactory(actor=ActorFactory(name="Russia", slug="russia"), name="the Kremlin")

    with pytest.raises(IntegrityError, match="alias of another actor"), transaction.atomic():
        Actor.objects.create(name="The KREMLIN", slug="kremlin", kind=Actor.Kind.GOVERNMENT)
    ukraine = ActorFactory(name="Ukraine", slug="ukraine")
    with pytest.raises(IntegrityError, match="alias of another actor"), transaction.atomic():
        Actor.objects.filter(pk=ukraine.pk).update(name="the kremlin")

    assert not Actor.objects.filter(slug="kremlin").exists()
    assert Actor.objects.get(pk=ukraine.pk).name == "Ukraine"


@postgresql_only
def test_the_database_refuses_an_alias_that_is_another_actors_name():
    ActorFactory(name="Ukraine", slug="ukraine")
    russia = ActorFactory(name="Russia", slug="russia")

    with pytest.raises(IntegrityError, match="name of another actor"), transaction.atomic():
        ActorAlias.objects.create(actor=russia, name="UKRAINE")
    ActorAlias.objects.create(actor=russia, name="RUSSIA")  # its own name: not ambiguous

    assert list(ActorAlias.objects.values_list("name", flat=True)) == ["RUSSIA"]


# Affiliations --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(set(Actor.Kind) - {Actor.Kind.PERSON}))
def test_an_affiliation_of_a_non_person_is_refused_on_person(kind):
    actor = ActorFactory(name="Wagner", slug="wagner", kind=kind)
    russia = ActorFactory(name="Russia", slug="russia")

    errors = errors_of(Affiliation(person=actor, organization=russia, role="Contractor"))

    label = Actor.Kind(kind).label.lower()
    assert errors == {
        "person": [
            f"Wagner is a {label}: only a person is affiliated with a state or organization."
        ]
    }


def test_an_affiliation_with_a_person_as_organization_is_refused_on_organization():
    putin = ActorFactory(name="Vladimir Putin", slug="vladimir-putin", kind=Actor.Kind.PERSON)
    peskov = ActorFactory(name="Dmitry Peskov", slug="dmitry-peskov", kind=Actor.Kind.PERSON)

    errors = errors_of(Affiliation(person=peskov, organization=putin, role="Spokesperson"))

    assert errors == {
        "organization": [
            "Vladimir Putin is a person: a person is affiliated with a state, government, "
            "organization, armed group or media, not with another person."
        ]
    }


@pytest.mark.parametrize("kind", sorted(set(Actor.Kind) - {Actor.Kind.PERSON}))
def test_a_person_is_affiliated_with_any_non_person(kind):
    putin = ActorFactory(name="Vladimir Putin", slug="vladimir-putin", kind=Actor.Kind.PERSON)
    organization = ActorFactory(name="Organization", slug="organization", kind=kind)

    affiliation = Affiliation(person=putin, organization=organization, role="Member")
    affiliation.full_clean()
    affiliation.save()

    assert list(organization.members.values_list("person__slug", flat=True)) == ["vladimir-putin"]


def test_an_affiliated_person_cannot_become_a_state():
    affiliation = AffiliationFactory(
        person__name="Vladimir Putin", organization__name="Russia", role="President"
    )
    putin = affiliation.person

    putin.kind = Actor.Kind.STATE
    errors = errors_of(putin)

    assert errors == {
        "kind": [
            "This actor is affiliated as a person (President of Russia): it stays a person "
            "while it has affiliations."
        ]
    }


def test_an_organization_with_members_cannot_become_a_person():
    affiliation = AffiliationFactory(
        person__name="Dmitry Peskov", organization__name="Kremlin", role="Spokesperson"
    )
    kremlin = affiliation.organization

    kremlin.kind = Actor.Kind.PERSON
    errors = errors_of(kremlin)

    assert errors == {
        "kind": [
            "People are affiliated with this actor (Dmitry Peskov, Spokesperson): a person "
            "cannot be the organization of an affiliation."
        ]
    }


def test_an_organization_with_members_may_change_to_another_non_person_kind():
    kremlin = AffiliationFactory(organization__name="Kremlin").organization

    kremlin.kind = Actor.Kind.GOVERNMENT
    kremlin.full_clean()
    kremlin.save()

    assert Actor.objects.get(pk=kremlin.pk).kind == Actor.Kind.GOVERNMENT


# Slugs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dash",
    [
        "-",  # hyphen-minus
        "\u2010",  # hyphen
        "\u2011",  # non-breaking hyphen
        "\u2012",  # figure dash
        "\u2013",  # en dash
        "\u2014",  # em dash
        "\u2015",  # horizontal bar
        "\u2212",  # minus sign
        "\ufe63",  # small hyphen-minus
        "\uff0d",  # fullwidth hyphen-minus
        "\u2e3a",  # two-em dash
    ],
)
def test_a_slug_keeps_the_dashes_of_the_name(dash):
    assert slugify_name(f"Israel{dash}Hamas war") == "israel-hamas-war"
    assert slugify_name(f"Israel {dash} Hamas war") == "israel-hamas-war"


def test_a_slug_is_otherwise_djangos():
    assert slugify_name("  Côte d’Ivoire (Gbagbo) ") == "cote-divoire-gbagbo"
    assert slugify_name("Russia–Ukraine war") == "russia-ukraine-war"
    assert slugify_name("—") == ""


def test_an_actor_saved_without_a_slug_gets_one_from_its_name():
    actor = Actor.objects.create(name="Hamas–Fatah committee", kind=Actor.Kind.ORGANIZATION)

    assert Actor.objects.get(pk=actor.pk).slug == "hamas-fatah-committee"


def test_a_blank_slug_is_made_from_the_name_before_the_uniqueness_check():
    ActorFactory(name="Israel", slug="israel-hamas-war")

    errors = errors_of(Actor(name="Israel—Hamas war", kind=Actor.Kind.STATE))

    assert errors == {"slug": ["Actor with this Slug already exists."]}


def test_a_name_without_letters_for_a_slug_needs_a_slug():
    errors = errors_of(Actor(name="Хамас", kind=Actor.Kind.ARMED_GROUP))

    assert errors == {"slug": ["No slug can be made from this name: enter one (letters a–z)."]}


@pytest.mark.parametrize("how", WAYS_OF_SHOWING)
def test_a_changed_slug_of_an_actor_published_events_show_keeps_leading_to_it(how):
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia, how)

    russia.slug = "russian-federation"
    russia.save()

    assert list(ActorPreviousSlug.objects.values_list("slug", "actor")) == [("russia", russia.pk)]
    assert Actor.objects.by_slugs(["russia", "russian-federation"]) == {
        "russia": russia,
        "russian-federation": russia,
    }


@pytest.mark.parametrize("status", sorted(set(Event.Status) - {Event.Status.PUBLISHED}))
def test_a_changed_slug_that_no_published_event_showed_is_free_again(status):
    russia = ActorFactory(name="Russia", slug="rusia")
    event_showing(russia, "participant", status=status)

    russia.slug = "russia"
    russia.save()

    assert not ActorPreviousSlug.objects.exists()
    assert Actor.objects.by_slugs(["rusia"]) == {}


def test_an_old_slug_is_recorded_on_every_path_that_saves_the_actor():
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia)

    # A history restore saves an earlier version; a command may save any field.
    russia.slug = "rf"
    russia.save(update_fields=["slug"])
    russia.history.earliest().instance.save()

    assert Actor.objects.get(pk=russia.pk).slug == "russia"
    assert list(ActorPreviousSlug.objects.values_list("slug", "actor")) == [("rf", russia.pk)]


def test_an_actor_may_take_back_its_own_old_slug():
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia)
    russia.slug = "rf"
    russia.save()

    russia.slug = "russia"
    russia.full_clean()
    russia.save()

    assert list(ActorPreviousSlug.objects.values_list("slug", flat=True)) == ["rf"]


def test_another_actors_old_slug_is_refused_on_slug():
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia)
    russia.slug = "russian-federation"
    russia.save()

    errors = errors_of(Actor(name="Russia (band)", slug="russia", kind=Actor.Kind.ORGANIZATION))

    assert errors == {
        "slug": ["“russia” used to be the slug of Russia and still leads there: choose another."]
    }


@postgresql_only
def test_the_database_refuses_another_actors_old_slug():
    russia = ActorFactory(name="Russia", slug="russia")
    event_showing(russia)
    russia.slug = "russian-federation"
    russia.save()

    with pytest.raises(IntegrityError, match="still leads to another actor"), transaction.atomic():
        Actor.objects.create(name="Russia (band)", slug="russia", kind=Actor.Kind.ORGANIZATION)


def test_current_slugs_win_over_old_ones_and_unknown_ones_are_left_out():
    russia = ActorFactory(name="Russia", slug="russia")
    ukraine = ActorFactory(name="Ukraine", slug="ukraine")
    event_showing(russia)
    russia.slug = "rf"
    russia.save()

    assert Actor.objects.by_slugs(["ukraine", "russia", "rf", "atlantis"]) == {
        "ukraine": ukraine,
        "russia": russia,
        "rf": russia,
    }


# The admin's slug in the browser -------------------------------------------------------------

ADMIN_JS = Path(django.__file__).parent / "contrib/admin/static/admin/js/urlify.js"
DASHES_JS = Path(__file__).parents[2] / "actors/static/actors/urlify_dashes.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
@pytest.mark.parametrize("dash", ["-", "\u2010", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212"])
def test_the_admins_slug_keeps_the_dashes_of_the_name(dash):
    name = f"Israel{dash}Hamas war"
    script = f"""
        globalThis.window = globalThis;
        {ADMIN_JS.read_text()}
        const before = window.URLify({name!r}, 100, false);
        {DASHES_JS.read_text()}
        {DASHES_JS.read_text()}
        process.stdout.write(JSON.stringify([before, window.URLify({name!r}, 100, false)]));
    """
    result = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, check=True, timeout=30
    )

    before, after = __import__("json").loads(result.stdout)
    assert after == slugify_name(name) == "israel-hamas-war"
    if dash != "-":
        assert before == "israelhamas-war"  # what Django's URLify alone makes of it
