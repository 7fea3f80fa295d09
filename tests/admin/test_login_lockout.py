"""Logins that check a password lock out after LOGIN_FAILURE_LIMIT failures in a row for one
username from one address, for the cool-off counted from the last attempt: the admin's login
and the browsable API's (/api-auth/login/)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.db.models import F

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
COOL_OFF = datetime.timedelta(minutes=15)
LOGINS = ["/admin/login/", "/api-auth/login/"]


@pytest.fixture(autouse=True)
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = COOL_OFF


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", groups=["Editors"])


def log_in(client, url, password, username="editor", address="127.0.0.1"):
    return client.post(
        url, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def age_attempts(by: datetime.timedelta) -> None:
    """The failures happened ``by`` earlier than recorded."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - by)


@pytest.mark.parametrize("url", LOGINS)
def test_one_failure_short_of_the_limit_the_right_password_still_logs_in(client, editor, url):
    assert [log_in(client, url, "wrong").status_code for _ in range(2)] == [200, 200]
    assert log_in(client, url, PASSWORD).status_code == 302
    assert signed_in(client)
    client.logout()
    # The success started the count again: the limit is three new failures away.
    assert [log_in(client, url, "wrong").status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.parametrize("url", LOGINS)
def test_the_limit_th_failure_locks_out_even_the_right_password(client, editor, url):
    assert [log_in(client, url, "wrong").status_code for _ in range(2)] == [200, 200]
    locked = log_in(client, url, "wrong")
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    text = locked.content.decode()
    assert "Too many failed logins: 3 in a row for “editor” from your address." in text
    assert "refused for 15 minutes, counted from the last attempt" in text
    refused = log_in(client, url, PASSWORD)
    assert refused.status_code == 429
    assert not signed_in(client)


def test_the_lock_lifts_when_the_cool_off_has_passed_since_the_last_attempt(client, editor):
    for _ in range(3):
        log_in(client, LOGINS[0], "wrong")
    age_attempts(COOL_OFF - datetime.timedelta(seconds=30))
    # Still inside the cool-off: refused, and this attempt starts the wait again.
    assert log_in(client, LOGINS[0], PASSWORD).status_code == 429
    age_attempts(COOL_OFF - datetime.timedelta(seconds=30))
    assert log_in(client, LOGINS[0], PASSWORD).status_code == 429
    age_attempts(COOL_OFF + datetime.timedelta(seconds=1))
    assert log_in(client, LOGINS[0], PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_lockout_on_the_admin_holds_on_the_api_login(client, editor):
    for _ in range(3):
        log_in(client, LOGINS[0], "wrong")
    assert log_in(client, LOGINS[1], PASSWORD).status_code == 429
    assert not signed_in(client)


def test_the_lock_is_for_that_username_from_that_address(client, editor):
    UserFactory(username="reviewer", groups=["Reviewers"])
    for _ in range(3):
        log_in(client, LOGINS[0], "wrong")
    assert log_in(client, LOGINS[0], PASSWORD).status_code == 429
    assert log_in(client, LOGINS[0], PASSWORD, username="reviewer").status_code == 302
    client.logout()
    assert log_in(client, LOGINS[0], PASSWORD, address="203.0.113.7").status_code == 302
