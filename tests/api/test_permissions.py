"""Who reads and who writes through the API, as a table of personas and endpoints.

Anyone reads published records (or only token holders, with API_READ_REQUIRES_TOKEN); drafts and
records in review are for editors and reviewers; writing needs Django model permissions.
"""

import pytest

from events.models import Event, Proposal
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.api.personas import token_client
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    AffiliationFactory,
    ConflictFactory,
    MeetingFactory,
    ProposalFactory,
    PublicSourceFactory,
    ResponseFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

KIND_FACTORIES = {
    "proposals": ProposalFactory,
    "responses": ResponseFactory,
    "meetings": MeetingFactory,
    "accusations": AccusationFactory,
}
EVENT_ENDPOINTS = [*KIND_FACTORIES, "events"]
STATUSES = [Event.Status.PUBLISHED, Event.Status.IN_REVIEW, Event.Status.DRAFT]
PUBLIC = ["anonymous", "analyst"]
CURATORS = ["editor_api", "reviewer_api"]


@pytest.fixture
def records(db):
    """One record of each kind in each status, keyed (endpoint, status) → id."""
    conflict = ConflictFactory(slug="war", name="War")
    ids = {}
    for endpoint, factory in KIND_FACTORIES.items():
        for status in STATUSES:
            extra = {}
            if endpoint == "responses":  # to a proposal above, not one more of its own
                extra["proposal"] = Proposal.objects.get(pk=ids["proposals", STATUSES[0]])
            event = factory(conflict=conflict, editorial_status=status, **extra)
            ids[endpoint, status] = event.pk
            ids["events", status, endpoint] = event.pk
    return ids


def ids_of(records, endpoint, statuses) -> set[int]:
    if endpoint == "events":
        return {pk for key, pk in records.items() if key[0] == "events" and key[1] in statuses}
    return {records[endpoint, status] for status in statuses}


def list_ids(client, endpoint) -> set[int]:
    response = client.get(f"/api/v1/{endpoint}/", {"page_size": 100})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("endpoint", EVENT_ENDPOINTS)
@pytest.mark.parametrize("persona", PUBLIC)
def test_public_lists_show_published_records_only(request, records, persona, endpoint):
    client = request.getfixturevalue(persona)

    assert list_ids(client, endpoint) == ids_of(records, endpoint, [Event.Status.PUBLISHED])


@pytest.mark.parametrize(
    ("status", "expected"),
    [(Event.Status.PUBLISHED, 200), (Event.Status.IN_REVIEW, 404), (Event.Status.DRAFT, 404)],
)
@pytest.mark.parametrize("endpoint", EVENT_ENDPOINTS)
@pytest.mark.parametrize("persona", PUBLIC)
def test_public_details_of_unpublished_records_are_not_found(
    request, records, persona, endpoint, status, expected
):
    client = request.getfixturevalue(persona)
    pk = (
        records[endpoint, status] if endpoint != "events" else records["events", status, "meetings"]
    )

    response = client.get(f"/api/v1/{endpoint}/{pk}/")

    assert response.status_code == expected, response.content


@pytest.mark.parametrize("endpoint", [*EVENT_ENDPOINTS, "sources", "affiliations"])
def test_an_id_out_of_range_is_not_found(anonymous, endpoint):
    response = anonymous.get(f"/api/v1/{endpoint}/{10**20}/")

    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", EVENT_ENDPOINTS)
@pytest.mark.parametrize("persona", CURATORS)
def test_curators_see_drafts_and_reviews_in_lists(request, records, persona, endpoint):
    client = request.getfixturevalue(persona)

    assert list_ids(client, endpoint) == ids_of(records, endpoint, STATUSES)


@pytest.mark.parametrize("endpoint", KIND_FACTORIES)
@pytest.mark.parametrize("persona", CURATORS)
def test_curators_open_drafts(request, records, persona, endpoint):
    client = request.getfixturevalue(persona)

    response = client.get(f"/api/v1/{endpoint}/{records[endpoint, Event.Status.DRAFT]}/")

    assert response.status_code == 200
    assert response.json()["editorial_status"] == "draft"


@pytest.fixture
def reference_data(db):
    """Records without an editorial status: public as soon as they exist (a source, as soon
    as a published event cites it)."""
    person, state = ActorFactory(slug="putin"), ActorFactory(slug="russia")
    affiliation = AffiliationFactory(person=person, organization=state)
    return {
        "actors": "putin",
        "affiliations": affiliation.pk,
        "conflicts": ConflictFactory(slug="war").slug,
        # A source is public once a published event cites it (tests/api/test_source_text.py).
        "sources": PublicSourceFactory().pk,
    }


@pytest.mark.parametrize("endpoint", ["actors", "affiliations", "conflicts", "sources"])
@pytest.mark.parametrize("persona", [*PUBLIC, *CURATORS])
def test_everyone_reads_reference_data(request, reference_data, persona, endpoint):
    client = request.getfixturevalue(persona)

    assert client.get(f"/api/v1/{endpoint}/").status_code == 200
    assert client.get(f"/api/v1/{endpoint}/{reference_data[endpoint]}/").status_code == 200


# A published record of each writable endpoint and a body valid for POST, so that a refusal
# can only come from the permission check.
@pytest.fixture
def writable(db):
    conflict = ConflictFactory(slug="war", name="War")
    ActorFactory(slug="russia")
    ActorFactory(slug="peskov", kind="person")
    published = {"editorial_status": Event.Status.PUBLISHED, "conflict": conflict}
    event = {"conflict": "war", "date": "2025-04-20", "title": "Something happened"}
    proposal = ProposalFactory(**published)
    return {
        "actors": ("russia", {"slug": "ukraine", "name": "Ukraine", "kind": "state"}),
        "affiliations": (
            AffiliationFactory(organization=ActorFactory(slug="kremlin")).pk,
            {"person": "peskov", "organization": "kremlin", "role": "Member"},
        ),
        "conflicts": ("war", {"slug": "peace", "name": "Peace"}),
        "sources": (SourceFactory().pk, {"url": "https://example.org/new", "title": "New"}),
        "proposals": (proposal.pk, {**event, "proposal_kind": "ceasefire"}),
        "responses": (
            ResponseFactory(**published, proposal=proposal).pk,
            {**event, "proposal": proposal.pk, "responder": "russia", "stance": "accepted"},
        ),
        "meetings": (MeetingFactory(**published).pk, event),
        "accusations": (AccusationFactory(**published).pk, event),
    }


WRITABLE = ["actors", "affiliations", "conflicts", "sources", *KIND_FACTORIES]


@pytest.mark.parametrize("endpoint", WRITABLE)
@pytest.mark.parametrize("method", ["post", "patch", "delete"])
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),  # no credentials: the token scheme asks for them
        ("analyst", 403),  # a valid token without model permissions
    ],
)
def test_readers_cannot_write(request, writable, persona, expected, method, endpoint):
    client = request.getfixturevalue(persona)
    key, body = writable[endpoint]
    url = f"/api/v1/{endpoint}/" if method == "post" else f"/api/v1/{endpoint}/{key}/"
    before = Event.objects.count()

    response = getattr(client, method)(url, body, format="json")

    assert response.status_code == expected, response.content
    assert "detail" in response.json()
    assert Event.objects.count() == before


def test_a_staff_token_without_model_permissions_cannot_write(writable):
    client = token_client(UserFactory(username="staff-no-group", is_staff=True))
    before = Proposal.objects.count()

    response = client.post("/api/v1/proposals/", writable["proposals"][1], format="json")

    assert response.status_code == 403
    assert Proposal.objects.count() == before


@pytest.mark.parametrize("endpoint", WRITABLE)
@pytest.mark.parametrize("persona", CURATORS)
def test_curators_create(request, writable, persona, endpoint):
    client = request.getfixturevalue(persona)

    response = client.post(f"/api/v1/{endpoint}/", writable[endpoint][1], format="json")

    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("persona", "status", "expected"),
    [
        ("editor_api", "draft", 403),  # another's draft; reviewers delete any
        ("reviewer_api", "draft", 204),
        ("reviewer_api", "in_review", 204),
        ("reviewer_api", "published", 403),  # retracted instead, so readers learn of it
        ("reviewer_api", "retracted", 403),
    ],
)
def test_only_reviewers_delete_events_and_only_unpublished_ones(request, persona, status, expected):
    client = request.getfixturevalue(persona)
    meeting = MeetingFactory(editorial_status=status)

    response = client.delete(f"/api/v1/meetings/{meeting.pk}/")

    assert response.status_code == expected
    assert Event.objects.filter(pk=meeting.pk).exists() == (expected != 204)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", (401, 403)), ("analyst", (200,)), ("editor_api", (200,))],
)
@pytest.mark.parametrize("endpoint", ["actors", "conflicts", "proposals", "events"])
def test_reads_can_require_a_token(request, settings, records, persona, expected, endpoint):
    settings.API_READ_REQUIRES_TOKEN = True
    client = request.getfixturevalue(persona)

    response = client.get(f"/api/v1/{endpoint}/")

    assert response.status_code in expected, response.content


def test_a_required_token_still_shows_analysts_published_records_only(settings, records, analyst):
    settings.API_READ_REQUIRES_TOKEN = True

    assert list_ids(analyst, "proposals") == {records["proposals", Event.Status.PUBLISHED]}


def test_a_wrong_token_is_refused(records, anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = anonymous.get("/api/v1/proposals/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
