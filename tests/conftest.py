"""Shared fixtures: the named personas every permission test reads like a table."""

import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", groups=["Editors"])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", groups=["Reviewers"])


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer_client(reviewer):
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Full-strength hashing only slows the suite down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def reads_from_the_primary(request, settings):
    """A replica never sees what a test writes inside its transaction, rolled back at the end:
    only tests that ask for the replica database (tests/test_replicas.py) read from one."""
    if not settings.DATABASE_READ_REPLICAS:
        return
    marker = request.node.get_closest_marker("django_db")
    databases = (marker.kwargs.get("databases") if marker else None) or ()
    if databases != "__all__" and "replica" not in databases:
        settings.DATABASE_READ_REPLICAS = []


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """The suite makes many requests as one client: no throttle and no login lockout, except
    in the tests about them (tests/api/test_throttling.py, tests/admin/test_login_lockout.py).
    The lockout needs the request in ``authenticate()``, which ``Client.login`` does not pass."""
    settings.API_THROTTLE_RATES = {"anon": None, "user": None}
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def releases_root(settings, tmp_path):
    """Releases (``make_release``, /api/v1/releases/) are written and read under a directory of
    the test's own, never the project's; the files' addresses are the test client's."""
    settings.RELEASES_ROOT = tmp_path / "releases"
    settings.RELEASE_SITE_URL = "http://testserver"
    return settings.RELEASES_ROOT


# Data migrations' tests (tests/migrator.py): ``migrator.before(...)`` / ``migrator.after(...)``.
from tests.migrator import migrator  # noqa: E402, F401
