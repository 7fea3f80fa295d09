"""The permission matrix: every API route and method, and every admin page, for each persona.

Each row names a route (its URL name), a method (or an admin page's action) and the state of
the record it acts on; its cell is the status each persona gets, in the order of PERSONAS:

- ``anonymous``: no credentials;
- ``plain``: a signed-in user in no group, not staff (an analyst's read token);
- ``editor``: staff, in the group "Editors";
- ``reviewer``: staff, in the group "Reviewers";
- ``superuser``.

The expectations are the README's rules ("For editors"): anyone reads published records;
editors and reviewers also read drafts, events in review and retracted events; editors add and
change drafts and events in review, submit them and return them to draft; reviewers also
publish, retract, change published and retracted events and delete drafts and events in review;
editors delete only their own drafts that were never published; published and retracted events
are retracted, never deleted, whoever asks. Editors add and change actors, affiliations,
conflicts and sources; deleting them is for reviewers.

The coverage tests fail when a route or method exists that no row lists, so that a new endpoint
or admin page cannot escape the matrix.
"""

from dataclasses import dataclass

import pytest
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from events.models import Event
from tests import factories
from tests.api.personas import token_client

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "plain", "editor", "reviewer", "superuser")

ALL_200 = (200, 200, 200, 200, 200)
CURATORS_READ = (404, 404, 200, 200, 200)  # an unpublished record: not found for the public
SIGNED_IN = (401, 200, 200, 200, 200)
CURATORS_CREATE = (401, 403, 400, 400, 400)  # an empty body: a 400 naming the fields
CURATORS_CHANGE = (401, 403, 200, 200, 200)
REVIEWERS_CHANGE = (401, 403, 403, 200, 200)
REVIEWERS_REPLACE = (401, 403, 403, 400, 400)
REVIEWERS_DELETE = (401, 403, 403, 204, 204)
CURATORS_DELETE = (401, 403, 204, 204, 204)
NOBODY_DELETES = (401, 403, 403, 403, 403)

# The four kinds' endpoints (proposals, responses, meetings, accusations) share these rows:
# (route after the basename, method, record state) → statuses.
KIND_ROWS = {
    ("list", "get", "-"): ALL_200,
    ("list", "post", "-"): CURATORS_CREATE,
    ("export-csv", "get", "-"): ALL_200,
    ("export-jsonl", "get", "-"): ALL_200,
    ("detail", "get", "published"): ALL_200,
    ("detail", "get", "draft"): CURATORS_READ,
    ("detail", "get", "in review"): CURATORS_READ,
    ("detail", "get", "retracted"): CURATORS_READ,
    ("detail", "patch", "draft"): CURATORS_CHANGE,
    ("detail", "patch", "in review"): CURATORS_CHANGE,
    ("detail", "patch", "published"): REVIEWERS_CHANGE,
    ("detail", "patch", "retracted"): REVIEWERS_CHANGE,
    ("detail", "put", "draft"): CURATORS_CREATE,
    ("detail", "put", "published"): REVIEWERS_REPLACE,
    ("detail", "delete", "draft"): REVIEWERS_DELETE,
    ("detail", "delete", "own draft"): CURATORS_DELETE,
    ("detail", "delete", "own draft, once published"): REVIEWERS_DELETE,
    ("detail", "delete", "in review"): REVIEWERS_DELETE,
    ("detail", "delete", "published"): NOBODY_DELETES,
    ("detail", "delete", "retracted"): NOBODY_DELETES,
    ("submit", "post", "draft"): CURATORS_CHANGE,
    ("return-to-draft", "post", "in review"): CURATORS_CHANGE,
    ("publish", "post", "in review"): REVIEWERS_CHANGE,
    ("retract", "post", "published"): REVIEWERS_CHANGE,
}
# Actors, affiliations, conflicts and sources: curated reference data, no editorial status.
REFERENCE_ROWS = {
    ("list", "get", "-"): ALL_200,
    ("list", "post", "-"): CURATORS_CREATE,
    ("detail", "get", "-"): ALL_200,
    ("detail", "patch", "-"): CURATORS_CHANGE,
    ("detail", "put", "-"): CURATORS_CREATE,
    ("detail", "delete", "-"): REVIEWERS_DELETE,
}
# The rows of the read-only tables of every event's participants and citations.
ROW_TABLE_ROWS = {
    ("list", "get", "-"): ALL_200,
    ("export-csv", "get", "-"): ALL_200,
    ("export-jsonl", "get", "-"): ALL_200,
    ("detail", "get", "published"): ALL_200,
    ("detail", "get", "draft"): CURATORS_READ,
}
KIND_BASENAMES = ("proposal", "response", "meeting", "accusation")
REFERENCE_BASENAMES = ("actor", "affiliation", "conflict", "source")
ROW_TABLE_BASENAMES = ("participant", "citation")

API_MATRIX = {
    ("api-root", "get", "-"): ALL_200,
    ("schema", "get", "-"): ALL_200,
    ("api-docs", "get", "-"): ALL_200,
    ("login", "get", "-"): ALL_200,  # the browsable API's session login: a form, open to all
    ("login", "post", "-"): ALL_200,  # an empty form: shown again with its errors
    ("login", "put", "-"): ALL_200,
    ("logout", "post", "-"): ALL_200,
    ("event-list", "get", "-"): ALL_200,
    ("event-export-csv", "get", "-"): ALL_200,
    ("event-export-jsonl", "get", "-"): ALL_200,
    ("event-detail", "get", "published"): ALL_200,
    ("event-detail", "get", "draft"): CURATORS_READ,
    ("event-detail", "get", "in review"): CURATORS_READ,
    ("event-detail", "get", "retracted"): CURATORS_READ,
    ("conflict-counts", "get", "-"): ALL_200,
    ("conflict-accusation-matrix", "get", "-"): ALL_200,
    ("source-suggestions", "get", "-"): SIGNED_IN,
    **{(f"{b}-{r}", m, s): v for b in KIND_BASENAMES for (r, m, s), v in KIND_ROWS.items()},
    **{
        (f"{b}-{r}", m, s): v
        for b in REFERENCE_BASENAMES
        for (r, m, s), v in REFERENCE_ROWS.items()
    },
    **{
        (f"{b}-{r}", m, s): v
        for b in ROW_TABLE_BASENAMES
        for (r, m, s), v in ROW_TABLE_ROWS.items()
    },
}


# --- the personas and the records each row acts on ------------------------------------------


@dataclass
class World:
    """The persona's client and user (None when anonymous), and another editor's user."""

    client: APIClient
    user: object
    other: object


@pytest.fixture
def world(request, db) -> World:
    persona = request.node.callspec.params["persona"]
    other = factories.UserFactory(username="other-editor", groups=["Editors"])
    if persona == "anonymous":
        return World(APIClient(), None, other)
    user = {
        "plain": lambda: factories.UserFactory(username="plain", is_staff=False),
        "editor": lambda: factories.UserFactory(username="editor", groups=["Editors"]),
        "reviewer": lambda: factories.UserFactory(username="reviewer", groups=["Reviewers"]),
        "superuser": lambda: factories.UserFactory(username="root", is_superuser=True),
    }[persona]()
    return World(token_client(user), user, other)


KIND_FACTORIES = {
    "proposal": factories.ProposalFactory,
    "response": factories.ResponseFactory,
    "meeting": factories.MeetingFactory,
    "accusation": factories.AccusationFactory,
}
STATES = {
    "draft": Event.Status.DRAFT,
    "own draft": Event.Status.DRAFT,
    "own draft, once published": Event.Status.PUBLISHED,
    "in review": Event.Status.IN_REVIEW,
    "published": Event.Status.PUBLISHED,
    "retracted": Event.Status.RETRACTED,
}


def make_event(kind: str, state: str, world: World) -> Event:
    """A cited event of ``kind`` in ``state``, created by the persona (its own) or another
    editor; a workflow step needs the citation."""
    creator = world.user if state.startswith("own") else world.other
    extra = {}
    if kind == "response":  # a published response answers a published proposal
        extra["proposal__editorial_status"] = Event.Status.PUBLISHED
    event = KIND_FACTORIES[kind](editorial_status=STATES[state], created_by=creator, **extra)
    if state == "own draft, once published":  # its history shows it published
        event.editorial_status = Event.Status.DRAFT
        event.save()
    factories.CitationFactory(event=event)
    role = "accuser" if kind == "accusation" else "proposer"
    factories.ParticipantFactory(event=event, role=role)
    return event


def api_kwargs(name: str, state: str, world: World) -> dict:
    """The URL arguments of route ``name``, creating the record it acts on."""
    basename = name.partition("-")[0]
    if name in ("login", "logout"):
        return {}
    try:
        reverse(name)
        return {}  # a list, an export or a page of its own: no record
    except NoReverseMatch:
        pass
    if basename in KIND_FACTORIES or basename == "event":
        return {"pk": make_event(basename if basename != "event" else "meeting", state, world).pk}
    if basename in ROW_TABLE_BASENAMES:
        event = make_event("proposal", state, world)
        return {"pk": getattr(event, f"{basename}s").get().pk}
    if basename == "actor":
        return {"slug": factories.ActorFactory(name="Unused actor").slug}
    if basename == "conflict":
        return {"slug": factories.ConflictFactory(name="Unused conflict").slug}
    if basename == "affiliation":
        return {"pk": factories.AffiliationFactory().pk}
    if basename == "source":
        return {"pk": factories.SourceFactory().pk}
    raise AssertionError(f"no record for {name}")


def cells(matrix: dict) -> list:
    """One test per cell, its id reading like the row: ``proposal-detail delete [draft] editor``."""
    return [
        pytest.param(
            name, method, state, persona, status, id=f"{name} {method} [{state}] {persona}"
        )
        for (name, method, state), statuses in matrix.items()
        for persona, status in zip(PERSONAS, statuses, strict=True)
    ]


@pytest.mark.parametrize(("name", "method", "state", "persona", "expected"), cells(API_MATRIX))
def test_api(world, name, method, state, persona, expected):
    kwargs = api_kwargs(name, state, world)
    url = reverse(f"rest_framework:{name}" if name in ("login", "logout") else name, kwargs=kwargs)
    if method == "get":
        response = world.client.get(url)
    else:
        response = getattr(world.client, method)(url, {}, format="json")

    assert response.status_code == expected, response.content[:500]
    if expected == 401:
        assert response.headers["WWW-Authenticate"].startswith("Token")
    if expected == 400 and method in ("post", "put"):
        assert isinstance(response.json(), dict) and response.json(), response.content
    if expected == 204 and name.startswith(KIND_BASENAMES):
        assert not Event.objects.filter(pk=kwargs["pk"]).exists()


# --- coverage: every route and method has a row ---------------------------------------------


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def api_routes() -> set[tuple[str, str]]:
    """(URL name, method) of every route outside the admin; a viewset route's methods are
    its ``actions``, another view's the handlers it defines."""
    routes = set()
    for path, pattern in walk(get_resolver().url_patterns):
        if path.startswith("admin/") or pattern.name is None:
            continue
        actions = getattr(pattern.callback, "actions", None)
        if actions is None:
            view = getattr(pattern.callback, "cls", None) or pattern.callback.view_class
            actions = {
                m: m
                for m in ("get", "post", "put", "patch", "delete")
                if hasattr(view, m) and m in view.http_method_names
            }
        # HEAD answers as GET does.
        routes |= {(pattern.name, method) for method in actions if method != "head"}
    return routes


def test_every_api_route_and_method_has_a_row():
    listed = {(name, method) for name, method, _ in API_MATRIX}

    assert api_routes() - listed == set()


def test_every_api_row_names_a_route_that_exists():
    listed = {(name, method) for name, method, _ in API_MATRIX}

    assert listed - api_routes() == set()
