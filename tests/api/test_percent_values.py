"""A "%" in any filter value is text: a 400 or an answer, never a server error."""

import pytest

from events.api.urls import router
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import ActorFactory, ConflictFactory

pytestmark = pytest.mark.django_db

LISTS = [
    (prefix, name)
    for prefix, viewset, _ in router.registry
    for name in viewset.filterset_class.base_filters
]
VALUES = ["%", "%s", "%d", "%(noun)s", "100%", "russia,%s"]


@pytest.mark.parametrize(("endpoint", "name"), LISTS, ids=[f"{e}-{n}" for e, n in LISTS])
@pytest.mark.parametrize("value", VALUES)
def test_a_percent_sign_in_any_filter_is_never_a_server_error(anonymous, endpoint, name, value):
    ActorFactory(slug="russia")
    response = anonymous.get(f"/api/v1/{endpoint}/", {name: value})
    assert response.status_code in (200, 400), (response.status_code, response.content[:300])
    if response.status_code == 400:
        assert name in response.json()


def test_an_unknown_slug_with_a_percent_sign_is_named_as_typed(anonymous):
    ConflictFactory(slug="russia-ukraine-war")
    response = anonymous.get("/api/v1/events/", {"conflict": "%(x)s", "kind": "%d"})
    assert response.status_code == 400
    assert response.json() == {
        "conflict": ["Unknown conflict: %(x)s."],
        "kind": ["Unknown value: %d. Expected one of: proposal, response, meeting, accusation."],
    }
