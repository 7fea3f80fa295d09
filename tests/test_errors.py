"""Errors under /api/ answer in the API's JSON shape ({"detail": …}); elsewhere Django's HTML
pages stay (lib/errors.py)."""

import json
import logging

import pytest
from django.test import Client

from events.models import Conflict

LIMIT = 1000  # DATA_UPLOAD_MAX_MEMORY_SIZE in these tests, bytes


@pytest.fixture
def small_uploads(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


def conflict_body(size: int) -> str:
    """A valid conflict, padded with JSON whitespace to ``size`` bytes."""
    body = json.dumps({"slug": "a-war", "name": "A war", "start_date": "2025-01-01"})
    return body + " " * (size - len(body))


def assert_json_error(response, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["detail"]
    return body["detail"]


def test_a_body_of_the_limit_is_accepted(small_uploads, reviewer_client):
    response = reviewer_client.post(
        "/api/v1/conflicts/", conflict_body(LIMIT), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert Conflict.objects.filter(slug="a-war").exists()


def test_a_json_body_over_the_limit_is_a_json_400(small_uploads, reviewer_client):
    response = reviewer_client.post(
        "/api/v1/conflicts/", conflict_body(LIMIT + 1), content_type="application/json"
    )
    detail = assert_json_error(response, 400)
    assert detail == f"The request body is too large: at most {LIMIT} bytes are accepted."
    assert not Conflict.objects.exists()


def test_a_form_body_over_the_limit_is_a_json_400(small_uploads, reviewer_client):
    response = reviewer_client.post("/api/v1/conflicts/", {"slug": "a-war", "name": "x" * LIMIT})
    detail = assert_json_error(response, 400)
    assert detail == f"The request body is too large: at most {LIMIT} bytes are accepted."
    assert not Conflict.objects.exists()


def test_too_many_fields_is_a_json_400(settings, reviewer_client):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    response = reviewer_client.post("/api/v1/conflicts/", {f"f{n}": "x" for n in range(4)})
    assert assert_json_error(response, 400) == "Too many fields: at most 3."


def test_a_body_over_the_limit_outside_the_api_is_an_html_400(small_uploads, client):
    response = client.post("/admin/login/", {"username": "x" * LIMIT, "password": "y"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_nul_character_in_a_url_is_a_json_400_under_the_api_only(client):
    detail = assert_json_error(client.get("/api/v1/events/", {"actor": "\x00"}), 400)
    assert detail == "NUL characters are not allowed in URLs."
    response = client.get("/admin/login/", {"next": "\x00"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_path_under_the_api_is_a_json_404(client):
    detail = assert_json_error(client.get("/api/v1/nowhere/"), 404)
    assert detail == "Not found: /api/v1/nowhere/"
    assert_json_error(client.get("/api/"), 404)


def test_an_unknown_path_outside_the_api_is_an_html_404(client):
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_missing_record_is_a_json_404(client):
    assert_json_error(client.get("/api/v1/conflicts/no-such-conflict/"), 404)


def test_a_wrong_method_is_a_json_405(reviewer_client):
    detail = assert_json_error(
        reviewer_client.put("/api/v1/conflicts/", "{}", content_type="application/json"), 405
    )
    assert detail == 'Method "PUT" not allowed.'
    detail = assert_json_error(reviewer_client.delete("/api/v1/conflicts/"), 405)
    assert detail == 'Method "DELETE" not allowed.'


@pytest.mark.urls("tests.failing_urls")
def test_a_failure_under_the_api_is_a_json_500_naming_the_request_id(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/failing/", HTTP_X_REQUEST_ID="req-500")
    detail = assert_json_error(response, 500)
    assert detail == "Server error. Quote request id req-500 when reporting it."
    assert response["X-Request-ID"] == "req-500"
    # The traceback (Django's) and the answer (the handler's) are logged.
    assert any(r.exc_info and "a deliberate failure" in str(r.exc_info[1]) for r in caplog.records)
    assert "Answered 500 to GET /api/v1/failing/ (request id req-500)" in caplog.messages


@pytest.mark.urls("tests.failing_urls")
def test_a_failure_outside_the_api_is_an_html_500(caplog):
    client = Client(raise_request_exception=False)
    response = client.get("/failing/", HTTP_X_REQUEST_ID="req-html")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert response["X-Request-ID"] == "req-html"
    assert "Answered 500 to GET /failing/ (request id req-html)" in caplog.messages
