"""The Content Security Policy (django-csp, tracker/settings.py) blocks nothing the project's
own pages need: the admin with its scripts (autocomplete, inline rows, the article beside the
form), the API docs (Swagger UI from drf-spectacular-sidecar) and DRF's browsable
API work in Chromium, and the browser reports no violation on any of them."""

import pytest
from playwright.sync_api import Page, expect

from events.models import Event
from tests.e2e.test_editorial_workflow import choose_autocomplete, log_in
from tests.factories import ActorFactory, ConflictFactory, ProposalFactory, SourceFactory

# Every violation the browser sees, as the event it fires on the document (the console also
# prints it; both are collected so that none is missed).
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}`
  );
});
"""


@pytest.fixture
def watched(page: Page):
    """The page, with the CSP violations it meets collected in ``page.violations``."""
    messages = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.add_init_script(COLLECT_VIOLATIONS)
    page.violations = messages
    return page


def violations(page: Page) -> list[str]:
    return page.violations + page.evaluate("window.__cspViolations || []")


def policy_of(page: Page, url: str) -> str:
    response = page.goto(url)
    assert response.ok, url
    return response.headers["content-security-policy"]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_admin_works_under_the_policy(watched: Page, live_server, editor):
    page = watched
    conflict = ConflictFactory(name="Russia–Ukraine war", slug="russia-ukraine-war")
    ActorFactory(name="Russia", slug="russia", country="RUS")
    source = SourceFactory(body="Russia declared a truce for Easter on Saturday.")
    proposal = ProposalFactory(conflict=conflict, title="Easter truce")

    log_in(page, live_server.url, editor)
    policy = policy_of(page, f"{live_server.url}/admin/")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy

    # The article beside the form, the autocompletes and the inline rows: all scripts.
    page.goto(f"{live_server.url}/admin/events/proposal/add/?source={source.pk}")
    expect(page.locator("body")).to_contain_text("Russia declared a truce for Easter")
    choose_autocomplete(page, "id_conflict", conflict.name)
    choose_autocomplete(page, "id_participants-0-actor", "Russia", option="Russia · State · RUS")
    rows = page.locator("#participants-group tr.form-row:not(.empty-form)")
    before = rows.count()
    page.locator("#participants-group .add-row a").click()
    expect(rows).to_have_count(before + 1)

    for path in (
        "/admin/events/proposal/",
        f"/admin/events/proposal/{proposal.pk}/change/",
        f"/admin/events/proposal/{proposal.pk}/history/",
        "/admin/events/source/",
        "/admin/actors/actor/",
    ):
        response = page.goto(live_server.url + path)
        assert response.ok, path
        expect(page.locator("#content")).to_be_visible()
    assert Event.objects.count() == 1  # nothing saved on the way
    assert violations(page) == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_api_docs_work_under_the_policy(watched: Page, live_server):
    page = watched
    policy_of(page, f"{live_server.url}/api/docs/")
    # Swagger UI read the schema and lists its operations.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ceasefire-tracker API")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    # An operation opens (Swagger UI's own scripts and styles).
    page.locator(".opblock-tag-section .opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert violations(page) == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_browsable_api_works_under_the_policy(watched: Page, live_server, editor):
    page = watched
    ConflictFactory(name="Russia–Ukraine war", slug="russia-ukraine-war")
    policy_of(page, f"{live_server.url}/api-auth/login/")  # the browsable API's own login
    expect(page.locator("form #id_username")).to_be_visible()
    log_in(page, live_server.url, editor)
    policy_of(page, f"{live_server.url}/api/v1/conflicts/")
    expect(page.locator(".response-info")).to_contain_text("russia-ukraine-war")
    # The format menu and the forms are the browsable API's scripts (Bootstrap, jQuery).
    page.locator(".format-selection .dropdown-toggle").first.click()
    expect(page.locator(".format-selection .dropdown-menu").first).to_be_visible()
    assert violations(page) == []

    # Logging out from the user menu (a form, no inline script) ends the session.
    page.locator(".navbar .pull-right .dropdown-toggle").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.locator(".navbar .pull-right")).to_contain_text("Log in")
    assert violations(page) == []
