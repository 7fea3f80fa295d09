"""Browser fixtures: Debian's Chromium driven through Playwright's sync API.

The browser is the system one (``/usr/bin/chromium``); Playwright's own browsers are never
downloaded. Every test here talks to ``live_server``, so its data must be committed: the tests
are transactional, and the flush that ends each of them also empties the editorial groups.
"""

import importlib
import os

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from playwright.sync_api import sync_playwright

# Playwright's sync API keeps an asyncio event loop running in the test's thread, and Django
# refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation). The loop
# only drives the browser; the ORM calls in the tests are ordinary synchronous ones.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

GROUPS_MIGRATION = ("events", "0003_editorial_groups")


def restore_editorial_groups() -> None:
    """Run the data migration that creates Editors and Reviewers again.

    A transactional test ends with ``flush``: its post_migrate signal recreates content types
    and permissions, but not the rows a data migration wrote. ``create_groups`` gets the
    migration's historical app registry, as under ``migrate``: it switches ``models_module`` on
    and off on each app config it is given, which on the global registry would make every
    later post_migrate skip all apps.
    """
    migration = importlib.import_module("events.migrations.0003_editorial_groups")
    state_apps = MigrationLoader(connection).project_state(GROUPS_MIGRATION).apps
    migration.create_groups(state_apps, None)


@pytest.fixture(autouse=True)
def editorial_groups(transactional_db):
    """The groups the personas join, back after an earlier test's flush."""
    restore_editorial_groups()


@pytest.fixture(scope="package", autouse=True)
def editorial_groups_after_last_flush(django_db_setup, django_db_blocker):
    """Leave the groups in the database for the tests that run after this package.

    Package scope makes this teardown run after the last test's flush.
    """
    yield
    with django_db_blocker.unblock():
        restore_editorial_groups()


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
