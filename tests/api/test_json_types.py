"""A JSON body's values are of the types the schema documents: DRF alone would take 5 for "5",
"5" for 5 or "true" for true, so a request the schema forbids would be accepted. Each wrong
value is a 400 naming its field (nested ones dotted), and nothing is written."""

import pytest

from actors.models import Actor
from events.models import Conflict, Event, Proposal, Source
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import ActorFactory, ConflictFactory, SourceFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.mark.parametrize(
    "body, errors",
    [
        ({"body": 0}, {"body": ["Expected a string."]}),
        ({"title": True}, {"title": ["Expected a string."]}),
        ({"published_at": 20250101}, {"published_at": ["Expected a string."]}),
    ],
)
def test_a_number_for_a_string_is_refused(reviewer_api, body, errors):
    source = SourceFactory(body="The text.")

    response = reviewer_api.patch(f"{API}/sources/{source.pk}/", body, "json")

    assert response.status_code == 400
    assert response.json() == errors
    source.refresh_from_db()
    assert source.body == "The text."


def test_list_items_and_slugs_are_checked_by_position(reviewer_api):
    conflict = ConflictFactory()
    ActorFactory(slug="0")

    response = reviewer_api.patch(
        f"{API}/conflicts/{conflict.slug}/", {"parties": ["0", 0]}, "json"
    )

    assert response.status_code == 400
    assert response.json() == {"parties[1]": ["Expected a string."]}
    assert list(Conflict.objects.get(pk=conflict.pk).parties.all()) == []


def test_aliases_are_strings(reviewer_api):
    actor = ActorFactory()

    response = reviewer_api.patch(f"{API}/actors/{actor.slug}/", {"aliases": [0]}, "json")

    assert response.status_code == 400
    assert response.json() == {"aliases[0]": ["Expected a string."]}
    assert list(Actor.objects.get(pk=actor.pk).aliases.all()) == []


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("arrangement", True, "a string"),
        ("arrangement", 1, "a string"),
        ("duration_hours", "24", "an integer"),
        ("duration_hours", True, "an integer"),
        ("extends", "1", "an integer"),
        ("proposal_kind", 1, "a string"),
        ("citations", {}, "a list"),
    ],
)
def test_kinds_refuse_values_of_another_type(reviewer_api, field, value, expected):
    conflict = ConflictFactory()
    body = {"conflict": conflict.slug, "date": "2025-04-20", "title": "Truce", field: value}

    response = reviewer_api.post(f"{API}/proposals/", body, "json")

    assert response.status_code == 400
    assert response.json() == {field: [f"Expected {expected}."]}
    assert not Proposal.objects.exists()


def test_nested_citations_are_checked_by_dotted_name(reviewer_api):
    conflict = ConflictFactory()
    source = SourceFactory()
    body = {
        "conflict": conflict.slug,
        "date": "2025-04-20",
        "title": "Truce",
        "citations": [{"source": source.pk, "quote": 5}],
    }

    response = reviewer_api.post(f"{API}/proposals/", body, "json")

    assert response.status_code == 400
    assert response.json() == {"citations[0].quote": ["Expected a string."]}
    assert not Event.objects.exists()


def test_values_of_the_right_types_and_nulls_pass(reviewer_api):
    conflict = ConflictFactory()
    body = {
        "conflict": conflict.slug,
        "date": "2025-04-20",
        "title": "Truce",
        "proposal_kind": "ceasefire",
        "arrangement": "",
        "duration_hours": 24,
        "extends": None,
        "proposers": [],
    }

    response = reviewer_api.post(f"{API}/proposals/", body, "json")

    assert response.status_code == 201, response.json()
    assert Proposal.objects.get().duration_hours == 24


def test_form_bodies_keep_their_text(reviewer_api):
    source = SourceFactory(body="The text.")

    response = reviewer_api.patch(f"{API}/sources/{source.pk}/", {"title": "5"}, "multipart")

    assert response.status_code == 200
    assert Source.objects.get(pk=source.pk).title == "5"
