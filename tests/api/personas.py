"""The API's named personas, each an ``APIClient`` carrying its DRF token.

A test module brings them in with ``from tests.api.personas import *``, so that pytest finds
them by name and they take precedence over any conftest fixture of the same name. The names
differ from ``tests/conftest.py``'s ``editor``/``reviewer`` (users with a session client):

- ``anonymous``: no credentials at all;
- ``analyst``: the read token of a user in no group (no model permission);
- ``editor_api``: the token of a user in the group "Editors" (created by a migration);
- ``reviewer_api``: the token of a user in the group "Reviewers".
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

# What ``from tests.api.personas import *`` brings into a test module: the fixtures.
__all__ = [
    "anonymous",
    "analyst_user",
    "analyst",
    "editor_user",
    "editor_api",
    "reviewer_user",
    "reviewer_api",
]


def token_client(user) -> APIClient:
    """A client that sends ``Authorization: Token …`` as an analyst's script would."""
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def analyst_user(db):
    return UserFactory(username="analyst", is_staff=False)


@pytest.fixture
def analyst(analyst_user):
    return token_client(analyst_user)


@pytest.fixture
def editor_user(db):
    return UserFactory(username="api-editor", groups=["Editors"])


@pytest.fixture
def editor_api(editor_user):
    return token_client(editor_user)


@pytest.fixture
def reviewer_user(db):
    return UserFactory(username="api-reviewer", groups=["Reviewers"])


@pytest.fixture
def reviewer_api(reviewer_user):
    return token_client(reviewer_user)
