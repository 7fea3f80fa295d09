"""The proposals' ceasefire fields through the API: each filter's exact rows, writes and their
400s, and the codes derived from them, in lists (built from values) and details (serialized)."""

import pytest

from events.models import Event
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import ConflictFactory, ProposalFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def published(**fields):
    return ProposalFactory(editorial_status=Event.Status.PUBLISHED, **fields)


def found(client, query: str) -> set[int]:
    response = client.get(f"{API}/proposals/?page_size=1000&{query}")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def arrangements(db) -> dict[str, int]:
    """A published proposal of each arrangement, "" not coded."""
    return {
        value: published(arrangement=value).pk
        for value in ["unilateral", "bilateral", "multilateral", ""]
    }


@pytest.mark.parametrize(
    "query,expected",
    [
        ("arrangement=unilateral", {"unilateral"}),
        ("arrangement=bilateral", {"bilateral"}),
        ("arrangement=multilateral", {"multilateral"}),
        ("arrangement=bilateral,multilateral", {"bilateral", "multilateral"}),
        ("arrangement=unilateral&arrangement=bilateral", {"unilateral", "bilateral"}),
        # The flag arrangement replaced: false is every other proposal, not coded ones too.
        ("unilateral=true", {"unilateral"}),
        ("unilateral=false", {"bilateral", "multilateral", ""}),
        ("unilateral=true&arrangement=bilateral", set()),
    ],
)
def test_arrangement_finds_exactly_its_proposals(anonymous, arrangements, query, expected):
    assert found(anonymous, query) == {arrangements[value] for value in expected}


@pytest.mark.parametrize("value", ["Unilateral", "one-sided", "true"])
def test_an_unknown_arrangement_is_a_400_naming_it(anonymous, value):
    response = anonymous.get(f"{API}/proposals/?arrangement={value}")

    assert response.status_code == 400
    assert list(response.json()) == ["arrangement"]


@pytest.mark.parametrize(
    "arrangement,kind,cameo",
    [
        ("unilateral", "ceasefire", "0871"),  # declare truce
        ("unilateral", "humanitarian_pause", "0871"),
        ("bilateral", "ceasefire", "0256"),  # an offer: appeal for de-escalation
        ("multilateral", "ceasefire", "0256"),
        ("", "ceasefire", "0256"),
        ("unilateral", "prisoner_exchange", "0353"),  # no truce: an intent to release
    ],
)
def test_only_a_unilateral_truce_is_a_declared_one(anonymous, arrangement, kind, cameo):
    proposal = published(arrangement=arrangement, proposal_kind=kind)

    row = anonymous.get(f"{API}/proposals/?id={proposal.pk}").json()["results"][0]
    detail = anonymous.get(f"{API}/proposals/{proposal.pk}/").json()

    assert row["codes"]["cameo"] == detail["codes"]["cameo"] == cameo
    assert row["arrangement"] == detail["arrangement"] == arrangement


def test_an_editor_writes_the_arrangement(editor_api):
    conflict = ConflictFactory()
    body = {"conflict": conflict.slug, "date": "2025-04-19", "title": "Truce"}

    created = editor_api.post(
        f"{API}/proposals/", {**body, "proposal_kind": "ceasefire", "arrangement": "bilateral"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["arrangement"] == "bilateral"

    url = f"{API}/proposals/{created.json()['id']}/"
    refused = editor_api.patch(url, {"arrangement": "one-sided"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["arrangement"]

    cleared = editor_api.patch(url, {"arrangement": ""}, format="json")
    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["arrangement"] == ""
