"""Every response carries X-Request-ID and every log record of its request names it
(lib/requestid.py, the LOGGING filter in tracker/settings.py)."""

import io
import logging
import re

import pytest
from django.test import Client

from lib.requestid import RequestIdFilter

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_a_request_without_an_id_gets_a_new_one(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "incoming",
    ["abc", "4f3a9c1e-8b7d-4c2a-9e1f-0a1b2c3d4e5f", "lb.1:req_2-x", "a", "x" * 128],
)
def test_a_sane_incoming_id_is_kept(client, incoming):
    assert client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["", "x" * 129, "two words", "<script>", "id;drop", "é", "a/b", "line\nbreak"],
)
def test_an_insane_incoming_id_is_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert GENERATED.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
def test_redirects_api_answers_and_errors_carry_the_id(client):
    for path, status in [("/", 302), ("/api/v1/conflicts/", 200), ("/api/v1/nowhere/", 404)]:
        response = client.get(path, HTTP_X_REQUEST_ID="req-1")
        assert response.status_code == status, path
        assert response["X-Request-ID"] == "req-1", path


def test_the_https_redirect_carries_the_id(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/admin/", HTTP_X_REQUEST_ID="req-redirect")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/admin/"
    assert response["X-Request-ID"] == "req-redirect"


@pytest.fixture
def console():
    """What the project's console handler (settings.LOGGING) writes, captured."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.django_db
def test_the_logs_name_the_request_id(client, console):
    client.get("/api/v1/nowhere/", HTTP_X_REQUEST_ID="req-logged")
    # Django logs the 404 after the middleware has returned: the id is still there.
    assert "WARNING django.request [req-logged] Not Found: /api/v1/nowhere/" in console.getvalue()


def test_a_record_outside_a_request_shows_a_dash(console):
    logging.getLogger("tracker.test").warning("outside any request")
    assert "WARNING tracker.test [-] outside any request" in console.getvalue()


def test_a_record_logged_inside_the_request_names_its_id(client, console):
    # The view's decorator logs a wrong method's 405 while the request is handled.
    client.post("/healthz", HTTP_X_REQUEST_ID="req-405")
    assert "WARNING django.request [req-405] Method Not Allowed (POST): /healthz" in (
        console.getvalue()
    )
