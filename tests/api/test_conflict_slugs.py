"""A conflict's slug is made from its name, dashes kept, when none is given."""

import pytest
from django.urls import reverse

from events.models import Conflict
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import ConflictFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Israel–Hamas war", "israel-hamas-war"),  # en dash
        ("Israel—Hamas war", "israel-hamas-war"),  # em dash
        ("Israel-Hamas war", "israel-hamas-war"),  # hyphen-minus
        ("Israel−Hamas war", "israel-hamas-war"),  # minus sign
    ],
)
def test_a_conflict_posted_without_a_slug_gets_one_from_its_name(editor_api, name, slug):
    response = editor_api.post("/api/v1/conflicts/", {"name": name}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == slug
    assert Conflict.objects.get().slug == slug


def test_a_made_slug_that_is_taken_is_a_400_naming_slug(editor_api):
    ConflictFactory(name="Israel-Hamas war", slug="israel-hamas-war")
    response = editor_api.post("/api/v1/conflicts/", {"name": "Israel–Hamas war"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["slug"]
    assert Conflict.objects.count() == 1


def test_a_typed_slug_is_kept(editor_api):
    response = editor_api.post(
        "/api/v1/conflicts/", {"name": "Israel–Hamas war", "slug": "gaza-war"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "gaza-war"


def test_the_admin_makes_the_slug_when_left_blank(editor_client):
    response = editor_client.post(
        reverse("admin:events_conflict_add"),
        {
            "name": "Israel–Hamas war",
            "slug": "",
            "party_links-TOTAL_FORMS": "0",
            "party_links-INITIAL_FORMS": "0",
            "dyads-TOTAL_FORMS": "0",
            "dyads-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Conflict.objects.get().slug == "israel-hamas-war"
