"""Browser fixtures: Debian's Chromium driven through Playwright's sync API.

The browser is the system one (``/usr/bin/chromium``); Playwright's own browsers are never
downloaded. Every test here talks to ``live_server``, so its data must be committed: the tests
are transactional (the editorial groups come back after each flush through post_migrate).
"""

import os

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API keeps an asyncio event loop running in the test's thread, and Django
# refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation). The loop
# only drives the browser; the ORM calls in the tests are ordinary synchronous ones.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="package")
def browser():
    # Package scope: one launch for all browser tests, and the event loop Playwright runs is
    # gone again before the tests of other packages.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context (no cookies shared between tests), wide enough for the
    two-column layout of the event forms."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
