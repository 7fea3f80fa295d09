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
