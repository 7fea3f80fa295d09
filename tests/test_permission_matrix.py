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
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from rest_framework.authtoken.admin import TokenProxy
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events import drafts
from events.models import Event
from tests import factories
from tests.admin.helpers import suggested_proposal_body, suggestion_world
from tests.api.personas import token_client

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "plain", "editor", "reviewer", "superuser")

ALL_200 = (200, 200, 200, 200, 200)
CURATORS_READ = (404, 404, 200, 200, 200)  # an unpublished record: not found for the public
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
    ("feed-atom", "get", "-"): ALL_200,  # published records only, whoever asks
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
# Sources: curated like the above, and an article only a draft cites is not public. Its full
# text (body) is only for users who may read it (editors, reviewers): checked in every 200.
SOURCE_ROWS = {
    **{key: cells for key, cells in REFERENCE_ROWS.items() if key != ("detail", "get", "-")},
    ("detail", "get", "cited"): ALL_200,  # by a published event
    ("detail", "get", "uncited"): CURATORS_READ,  # cited by a draft only
    ("suggestions", "get", "-"): (401, 403, 200, 200, 200),  # they quote the article
}
# The rows of the read-only tables of every event's participants, citations and locations.
ROW_TABLE_ROWS = {
    ("list", "get", "-"): ALL_200,
    ("export-csv", "get", "-"): ALL_200,
    ("export-jsonl", "get", "-"): ALL_200,
    ("detail", "get", "published"): ALL_200,
    ("detail", "get", "draft"): CURATORS_READ,
}
KIND_BASENAMES = ("proposal", "response", "meeting", "accusation")
REFERENCE_BASENAMES = ("actor", "affiliation", "conflict")
ROW_TABLE_BASENAMES = ("participant", "citation", "location")

API_MATRIX = {
    ("healthz", "get", "-"): ALL_200,  # the probes: open, nothing to hide
    ("readyz", "get", "-"): ALL_200,
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
    ("event-feed-atom", "get", "-"): ALL_200,
    ("event-detail", "get", "published"): ALL_200,
    ("event-detail", "get", "draft"): CURATORS_READ,
    ("event-detail", "get", "in review"): CURATORS_READ,
    ("event-detail", "get", "retracted"): CURATORS_READ,
    ("conflict-counts", "get", "-"): ALL_200,
    ("conflict-timeline", "get", "-"): ALL_200,  # a public page (front/), published records
    ("conflict-accusation-matrix", "get", "-"): ALL_200,
    # Releases: published data only, made by a command; read-only for everyone.
    ("release-list", "get", "-"): ALL_200,
    ("release-detail", "get", "-"): ALL_200,
    ("release-file", "get", "-"): ALL_200,
    **{
        (f"{basename}-{route}", method, state): cells
        for basenames, rows in (
            (KIND_BASENAMES, KIND_ROWS),
            (REFERENCE_BASENAMES, REFERENCE_ROWS),
            (("source",), SOURCE_ROWS),
            (ROW_TABLE_BASENAMES, ROW_TABLE_ROWS),
        )
        for basename in basenames
        for (route, method, state), cells in rows.items()
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
    """The persona with its API token (no credentials when anonymous)."""
    user, other = persona_users(request.node.callspec.params["persona"])
    return World(token_client(user) if user else APIClient(), user, other)


def persona_users(persona: str) -> tuple:
    """The persona's user (None when anonymous), and another editor."""
    other = factories.UserFactory(username="other-editor", groups=["Editors"])
    user = {
        "anonymous": lambda: None,
        "plain": lambda: factories.UserFactory(username="plain", is_staff=False),
        "editor": lambda: factories.UserFactory(username="editor", groups=["Editors"]),
        "reviewer": lambda: factories.UserFactory(username="reviewer", groups=["Reviewers"]),
        "superuser": lambda: factories.UserFactory(username="root", is_superuser=True),
    }[persona]()
    return user, other


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
    factories.LocationFactory(event=event)
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
    if basename == "release":
        release = factories.release_with_files("2026.1")
        kwargs = {"version": release.version}
        return {**kwargs, "name": "CITATION.cff"} if name == "release-file" else kwargs
    if basename == "source":
        source = factories.SourceFactory()
        if state != "-":
            status = Event.Status.PUBLISHED if state == "cited" else Event.Status.DRAFT
            factories.CitationFactory(source=source, event__editorial_status=status)
        return {"pk": source.pk}
    raise AssertionError(f"no record for {name}")


# Rows where the code disagrees with the rules: the cells that reach the page fail, strictly
# (a fix makes them pass and the mark must go).
KNOWN_BUGS: dict = {}


def cells(matrix: dict) -> list:
    """One test per cell, its id reading like the row: ``proposal-detail delete [draft] editor``."""
    return [
        pytest.param(
            name,
            method,
            state,
            persona,
            status,
            id=f"{name} {method} [{state}] {persona}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name, method, state])]
            if (name, method, state) in KNOWN_BUGS and status != "login"
            else [],
        )
        for (name, method, state), statuses in matrix.items()
        for persona, status in zip(PERSONAS, statuses, strict=True)
    ]


# The routes named in a namespace: DRF's session login and the public pages' own (front/).
NAMESPACES = {
    "login": "rest_framework:",
    "logout": "rest_framework:",
    "conflict-timeline": "front:",
}


@pytest.mark.parametrize(("name", "method", "state", "persona", "expected"), cells(API_MATRIX))
def test_api(world, name, method, state, persona, expected):
    kwargs = api_kwargs(name, state, world)
    namespace = NAMESPACES.get(name, "")
    url = reverse(f"{namespace}{name}", kwargs=kwargs)
    if method == "get":
        response = world.client.get(url)
    else:
        response = getattr(world.client, method)(url, {}, format="json")

    assert response.status_code == expected, response.content[:500]
    if expected == 401:
        assert response.headers["WWW-Authenticate"].startswith("Token")
    if expected == 400 and method in ("post", "put"):
        assert isinstance(response.json(), dict) and response.json(), response.content
    if name == "source-detail" and method == "get" and expected == 200:
        assert ("body" in response.json()) is (persona in ("editor", "reviewer", "superuser"))
    if expected == 204 and name.startswith(KIND_BASENAMES):
        assert not Event.objects.filter(pk=kwargs["pk"]).exists()


# --- coverage: every route and method has a row ---------------------------------------------


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


METHODS = ("get", "post", "put", "patch", "delete")


def class_of(callback):
    """The class-based view behind ``callback``, through the decorators that wrap it."""
    todo = [callback]
    while todo:
        function = todo.pop()
        view = getattr(function, "cls", None) or getattr(function, "view_class", None)
        if view is not None:
            return view
        todo += [getattr(function, "__wrapped__", None)] + [
            cell.cell_contents for cell in getattr(function, "__closure__", None) or ()
        ]
        todo = [f for f in todo if callable(f)]
    return None


def api_routes() -> set[tuple[str, str]]:
    """(URL name, method) of every route outside the admin; a viewset route's methods are
    its ``actions``, another view's the handlers it defines."""
    routes = set()
    for path, pattern in walk(get_resolver().url_patterns):
        if path.startswith("admin/") or pattern.name is None:
            continue
        actions = getattr(pattern.callback, "actions", None)
        if actions is None:
            view = class_of(pattern.callback)
            actions = (
                [m for m in METHODS if hasattr(view, m) and m in view.http_method_names]
                if view
                else ["get"]  # a function view (the health probes): GET
            )
        # HEAD answers as GET does.
        routes |= {(pattern.name, method) for method in actions if method != "head"}
    return routes


def test_every_api_route_and_method_has_a_row():
    listed = {(name, method) for name, method, _ in API_MATRIX}

    assert api_routes() - listed == set()


def test_every_api_row_names_a_route_that_exists():
    listed = {(name, method) for name, method, _ in API_MATRIX}

    assert listed - api_routes() == set()


# --- the admin -------------------------------------------------------------------------------

# An admin cell is a status, or what a POST that comes back to its page (302) did:
LOGIN = "login"  # redirected to the admin's login page
DONE = "done"  # redirected back; the step, merge or suggestion was carried out
KEPT = "kept"  # redirected back; nothing changed (the page says why)

STAFF = (LOGIN, LOGIN, 200, 200, 200)
SUPERUSER_ONLY = (LOGIN, LOGIN, 403, 403, 200)
REVIEWERS_PAGE = (LOGIN, LOGIN, 403, 200, 200)
NO_PAGE = (LOGIN, LOGIN, 403, 403, 403)
NOT_FOUND = (LOGIN, LOGIN, 404, 404, 404)
CURATORS_STEP = (LOGIN, LOGIN, DONE, DONE, DONE)
REVIEWERS_STEP = (LOGIN, LOGIN, KEPT, DONE, DONE)
# Deleting on the confirmation page: back to the list (302) when allowed.
CURATORS_DELETE_PAGE = (LOGIN, LOGIN, 302, 302, 302)
REVIEWERS_DELETE_PAGE = (LOGIN, LOGIN, 403, 302, 302)
# Restoring an earlier version with an empty form: the form again, with its errors, when the
# user may change the record; nothing is saved either way.
CURATORS_RESTORE = (LOGIN, LOGIN, 200, 200, 200)
REVIEWERS_RESTORE = (LOGIN, LOGIN, 403, 200, 200)

# The pages every kind's admin has (proposal, response, meeting, violationaccusation):
# (page, method, record state) → cells. "simple_history" is a version's restore page.
KIND_PAGES = {
    ("changelist", "get", "-"): STAFF,
    ("add", "get", "-"): STAFF,
    ("change", "get", "draft"): STAFF,
    ("change", "get", "published"): STAFF,  # read-only to editors, the page says why
    ("change", "get", "retracted"): STAFF,
    ("history", "get", "published"): STAFF,
    ("simple_history", "get", "draft"): STAFF,
    ("simple_history", "get", "published"): STAFF,
    ("simple_history", "post", "draft"): CURATORS_RESTORE,
    ("simple_history", "post", "in review"): CURATORS_RESTORE,
    ("simple_history", "post", "published"): REVIEWERS_RESTORE,
    ("simple_history", "post", "retracted"): REVIEWERS_RESTORE,
    ("delete", "get", "draft"): REVIEWERS_PAGE,
    ("delete", "get", "own draft"): STAFF,
    ("delete", "get", "own draft, once published"): REVIEWERS_PAGE,
    ("delete", "get", "in review"): REVIEWERS_PAGE,
    ("delete", "get", "published"): NO_PAGE,
    ("delete", "get", "retracted"): NO_PAGE,
    ("delete", "post", "draft"): REVIEWERS_DELETE_PAGE,
    ("delete", "post", "own draft"): CURATORS_DELETE_PAGE,
    ("delete", "post", "in review"): REVIEWERS_DELETE_PAGE,
    ("delete", "post", "published"): NO_PAGE,
    ("changelist", "submit_for_review", "draft"): CURATORS_STEP,
    ("changelist", "return_to_draft", "in review"): CURATORS_STEP,
    ("changelist", "publish", "in review"): REVIEWERS_STEP,
    ("changelist", "retract", "published"): REVIEWERS_STEP,
}
# Actors, affiliations, conflicts, sources: editors add and change, reviewers also delete.
REFERENCE_PAGES = {
    ("changelist", "get", "-"): STAFF,
    ("add", "get", "-"): STAFF,
    ("change", "get", "-"): STAFF,
    ("history", "get", "-"): STAFF,
    ("simple_history", "get", "-"): STAFF,
    ("simple_history", "post", "-"): CURATORS_RESTORE,
    ("delete", "get", "-"): REVIEWERS_PAGE,
    ("delete", "post", "-"): REVIEWERS_DELETE_PAGE,
}
# Users, groups and tokens: the superuser's.
ACCOUNT_PAGES = {
    ("changelist", "get", "-"): SUPERUSER_ONLY,
    ("add", "get", "-"): SUPERUSER_ONLY,
    ("change", "get", "-"): SUPERUSER_ONLY,
    ("history", "get", "-"): SUPERUSER_ONLY,
    ("delete", "get", "-"): SUPERUSER_ONLY,
}
# The login lockout's records (django-axes): the superuser's; nobody adds them by hand.
LOCKOUT_PAGES = {**ACCOUNT_PAGES, ("add", "get", "-"): NO_PAGE}
ADMIN_KINDS = ("proposal", "response", "meeting", "violationaccusation")
ADMIN_REFERENCE = ("actors_actor", "actors_affiliation", "events_conflict", "events_source")
ADMIN_ACCOUNTS = ("auth_user", "auth_group", "authtoken_tokenproxy")
ADMIN_LOCKOUT = ("axes_accessattempt", "axes_accesslog", "axes_accessfailurelog")

ADMIN_MATRIX = {
    ("index", "get", "-"): STAFF,
    ("login", "get", "-"): (200, 200, 302, 302, 302),  # signed-in staff go on to the index
    ("logout", "post", "-"): (302, 302, 200, 200, 200),  # not signed in to it: to the index
    ("password_change", "get", "-"): STAFF,
    ("password_change_done", "get", "-"): STAFF,
    ("autocomplete", "get", "-"): STAFF,  # a conflict for a proposal's form
    ("jsi18n", "get", "-"): STAFF,
    ("view_on_site", "get", "-"): NOT_FOUND,  # no record has a page outside the admin
    ("app_list", "get", "events"): STAFF,
    ("app_list", "get", "auth"): (LOGIN, LOGIN, 404, 404, 200),
    ("catch_all", "get", "-"): NOT_FOUND,
    ("auth_user_password_change", "get", "-"): SUPERUSER_ONLY,
    ("actors_actor_autocomplete", "get", "-"): STAFF,  # the actor picker
    ("events_proposal_autocomplete", "get", "-"): STAFF,  # the proposal picker
    ("events_source_autocomplete", "get", "-"): STAFF,  # a citation's source picker
    ("actors_actor_changelist", "merge_actors", "-"): (LOGIN, LOGIN, KEPT, DONE, DONE),
    ("events_source_import", "get", "-"): STAFF,
    ("events_source_suggestion_create", "post", "-"): CURATORS_STEP,
    ("events_source_suggestion_cite", "post", "draft"): CURATORS_STEP,
    ("events_source_suggestion_cite", "post", "published"): REVIEWERS_STEP,
    # The timeline of all kinds: a list with the workflow's actions, no form of its own.
    ("events_event_changelist", "get", "-"): STAFF,
    ("events_event_add", "get", "-"): NO_PAGE,
    ("events_event_change", "get", "draft"): (LOGIN, LOGIN, 302, 302, 302),  # the kind's form
    ("events_event_history", "get", "draft"): (LOGIN, LOGIN, 302, 302, 302),  # the kind's
    ("events_event_simple_history", "get", "draft"): (LOGIN, LOGIN, 302, 302, 302),
    ("events_event_delete", "get", "draft"): REVIEWERS_PAGE,
    ("events_event_delete", "get", "published"): NO_PAGE,
    ("events_event_changelist", "publish", "in review"): REVIEWERS_STEP,
    # Releases: made by a command, shown read-only (to superusers: no group has them).
    ("releases_release_changelist", "get", "-"): SUPERUSER_ONLY,
    ("releases_release_change", "get", "-"): SUPERUSER_ONLY,
    ("releases_release_history", "get", "-"): SUPERUSER_ONLY,
    ("releases_release_add", "get", "-"): NO_PAGE,
    ("releases_release_delete", "get", "-"): NO_PAGE,
    **{
        (f"{prefix}_{page}", method, state): cells
        for prefixes, pages in (
            ([f"events_{kind}" for kind in ADMIN_KINDS], KIND_PAGES),
            (ADMIN_REFERENCE, REFERENCE_PAGES),
            (ADMIN_ACCOUNTS, ACCOUNT_PAGES),
            (ADMIN_LOCKOUT, LOCKOUT_PAGES),
        )
        for prefix in prefixes
        for (page, method, state), cells in pages.items()
    },
}

ADMIN_KIND_OF = {f"events_{kind}": kind for kind in ADMIN_KINDS} | {"events_event": "proposal"}
ADMIN_KIND_OF["events_violationaccusation"] = "accusation"
WORKFLOW_ACTIONS = ("submit_for_review", "return_to_draft", "publish", "retract")
SENTENCE = "Russia declared a 30-hour ceasefire with Ukraine on Saturday."
# The pickers' Django parameters: a field that picks from the picker's model.
PICKER_FIELDS = {
    "actors_actor_autocomplete": ("participant", "actor"),
    "events_proposal_autocomplete": ("response", "proposal"),
    "events_source_autocomplete": ("citation", "source"),
}


@pytest.fixture
def suggest(monkeypatch):
    """Make the suggestion engine propose one complete proposal for ``source``: what the
    engine reads is its own tests' business, who may create the draft is this one's."""

    def suggest(source):
        body = suggested_proposal_body(source, SENTENCE)
        record = {"kind": "proposal", "body": body, "quote": SENTENCE, "triggers": []}
        monkeypatch.setattr(drafts, "suggestions_for", lambda source: [record])

    return suggest


@pytest.fixture
def admin_world(request, db) -> World:
    """The persona signed in to the admin (a session; none when anonymous)."""
    user, other = persona_users(request.node.callspec.params["persona"])
    client = Client()
    if user is not None:
        client.force_login(user)
    return World(client, user, other)


LOGIN_ATTEMPT = {
    "username": "someone",
    "ip_address": "192.0.2.1",
    "user_agent": "curl",
    "http_accept": "*/*",
    "path_info": "/admin/login/",
}


def admin_record(prefix: str, state: str, world: World):
    """The record an admin page of ``prefix`` acts on."""
    if prefix in ADMIN_KIND_OF:
        return make_event(ADMIN_KIND_OF[prefix], state, world)
    return {
        "actors_actor": lambda: factories.ActorFactory(name="Unused actor"),
        "actors_affiliation": factories.AffiliationFactory,
        "events_conflict": lambda: factories.ConflictFactory(name="Unused conflict"),
        "events_source": factories.SourceFactory,
        "releases_release": factories.release_with_files,
        "auth_user": lambda: world.other,
        "auth_group": lambda: Group.objects.get(name="Editors"),
        "axes_accessattempt": lambda: AccessAttempt.objects.create(
            **LOGIN_ATTEMPT, get_data="", post_data="", failures_since_start=1
        ),
        "axes_accesslog": lambda: AccessLog.objects.create(**LOGIN_ATTEMPT),
        "axes_accessfailurelog": lambda: AccessFailureLog.objects.create(**LOGIN_ATTEMPT),
        "authtoken_tokenproxy": lambda: TokenProxy.objects.get(
            pk=Token.objects.create(user=world.other).pk
        ),
    }[prefix]()


def admin_request(name: str, method: str, state: str, world: World, suggest):
    """Send the row's request; return the response and a check of what it did (or None)."""
    client = world.client
    prefix = next((p for p in admin_prefixes() if name.startswith(p + "_")), "")
    page = name.removeprefix(prefix + "_") if prefix else name
    if page in ("change", "history", "delete", "simple_history") or (
        prefix and method in WORKFLOW_ACTIONS
    ):
        record = admin_record(prefix, state, world)
        if method in WORKFLOW_ACTIONS:
            url = reverse(f"admin:{name}")
            data = {"action": method, "_selected_action": [record.pk], "index": "0"}
            before = Event.objects.get(pk=record.pk).editorial_status
            response = client.post(url, data)
            after = Event.objects.get(pk=record.pk).editorial_status
            return response, after != before
        if page == "simple_history":
            version = record.history.order_by("history_id").first().history_id
            url = reverse(f"admin:{name}", args=[record.pk, version])
        else:
            url = reverse(f"admin:{name}", args=[record.pk])
        if method == "post":
            data = {"post": "yes"} if page == "delete" else {}
            return client.post(url, data), None
        return client.get(url), None
    return site_request(name, method, state, world, suggest)


def site_request(name: str, method: str, state: str, world: World, suggest):
    """The admin site's own pages, the pickers and the custom pages of one model."""
    client = world.client
    if name == "autocomplete":
        query = {"app_label": "events", "model_name": "proposal", "field_name": "conflict"}
        return client.get(reverse("admin:autocomplete"), query), None
    if name == "view_on_site":
        actor = factories.ActorFactory(name="Unused actor")
        content_type = ContentType.objects.get_for_model(actor)
        return client.get(reverse("admin:view_on_site", args=[content_type.pk, actor.pk])), None
    if name == "app_list":
        return client.get(reverse("admin:app_list", args=[state])), None
    if name == "catch_all":
        return client.get("/admin/no-such-page/"), None
    if name == "auth_user_password_change":
        url = reverse(f"admin:{name}", args=[world.other.pk])
        return client.get(url), None
    if name in PICKER_FIELDS:
        model_name, field_name = PICKER_FIELDS[name]
        query = {"app_label": "events", "model_name": model_name, "field_name": field_name}
        return client.get(reverse(f"admin:{name}"), {**query, "term": "a"}), None
    if method == "merge_actors":  # done: its confirmation page is shown
        actors = [factories.ActorFactory(name=f"Twin {n}") for n in (1, 2)]
        data = {"action": method, "_selected_action": [a.pk for a in actors], "index": "0"}
        response = client.post(reverse(f"admin:{name}"), data)
        shown = [template.name for template in response.templates]
        return response, "admin/merge_selected.html" in shown
    if name == "events_source_suggestion_create":
        world_ = suggestion_world(f"MOSCOW — {SENTENCE}", title="Russia declares Easter truce")
        suggest(world_["source"])
        url = reverse(f"admin:{name}", args=[world_["source"].pk, 0])
        before = Event.objects.count()
        response = client.post(url)
        return response, Event.objects.count() > before
    if name == "events_source_suggestion_cite":
        world_ = suggestion_world(f"MOSCOW — {SENTENCE}", title="Russia declares Easter truce")
        event = make_event("proposal", state, world)
        url = reverse(f"admin:{name}", args=[world_["source"].pk, 0, event.pk])
        before = event.citations.count()
        response = client.post(url)
        return response, event.citations.count() > before
    url = reverse(f"admin:{name}")
    return (client.post(url) if method == "post" else client.get(url)), None


def admin_prefixes() -> list[str]:
    """Each registered model's URL name prefix, ``app_model``."""
    return [f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry]


@pytest.mark.parametrize(("name", "method", "state", "persona", "expected"), cells(ADMIN_MATRIX))
def test_admin(admin_world, suggest, name, method, state, persona, expected):
    response, did = admin_request(name, method, state, admin_world, suggest)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    elif expected in (DONE, KEPT):
        assert response.status_code in (200, 302), response.content[:500]
        assert not response.get("Location", "").startswith(reverse("admin:login"))
        assert did is (expected == DONE)
    else:
        assert response.status_code == expected
        if expected == 302:
            assert not response["Location"].startswith(reverse("admin:login"))


def admin_routes() -> set[tuple[str, str]]:
    """The URL name of every admin page; the admin's views take GET and POST alike, so the
    coverage is by page."""
    return {
        (pattern.name or "catch_all")
        for _, pattern in walk(admin.site.get_urls())
        # "<id>/" only redirects to the change page.
        if pattern.name is not None or "url" in pattern.pattern.regex.groupindex
    }


def test_every_admin_page_has_a_row():
    listed = {name for name, _, _ in ADMIN_MATRIX}

    assert admin_routes() - listed == set()


def test_every_admin_row_names_a_page_that_exists():
    listed = {name for name, _, _ in ADMIN_MATRIX}

    assert listed - admin_routes() == set()
