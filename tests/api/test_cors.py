"""CORS for reading the API from other sites' pages: the origins of CORS_ALLOWED_ORIGINS may
GET and HEAD under /api/ (and send their preflights); other origins, other methods and other
paths get no CORS headers."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/conflicts/"
ALLOWED = "https://notebook.example.org"


@pytest.fixture(autouse=True)
def origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED, "http://localhost:8888"]


def preflight(client, origin, method="GET", path=URL):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )


def allowed(response) -> bool:
    """Whether the browser lets the page read the answer (or send the request)."""
    return response.get("Access-Control-Allow-Origin") == ALLOWED


def test_a_preflight_from_an_allowed_origin_is_allowed_to_get(client):
    response = preflight(client, ALLOWED)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_from_another_origin_gets_no_cors_headers(client):
    assert allowed(preflight(client, ALLOWED))
    for origin in ("https://elsewhere.example.org", "http://notebook.example.org"):
        response = preflight(client, origin)
        assert not allowed(response)
        assert "Access-Control-Allow-Methods" not in response


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_preflight_for_a_write_gets_no_cors_headers(client, method):
    assert allowed(preflight(client, ALLOWED, method="GET"))
    response = preflight(client, ALLOWED, method=method)
    assert not allowed(response)
    assert "Access-Control-Allow-Methods" not in response


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_read_from_an_allowed_origin_may_be_read_by_its_page(client, method):
    response = getattr(client, method)(URL, HTTP_ORIGIN=ALLOWED)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    exposed = response["Access-Control-Expose-Headers"].split(", ")
    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"} <= set(
        exposed
    )


def test_a_read_from_another_origin_gets_no_cors_headers(client):
    assert allowed(client.get(URL, HTTP_ORIGIN=ALLOWED))
    response = client.get(URL, HTTP_ORIGIN="https://elsewhere.example.org")
    assert response.status_code == 200
    assert not allowed(response)


def test_a_write_from_an_allowed_origin_gets_no_cors_headers(client):
    client.force_login(UserFactory(username="cors-editor", groups=["Editors"]))
    assert allowed(client.get(URL, HTTP_ORIGIN=ALLOWED))
    response = client.post(
        URL, {"slug": "x", "name": "X"}, content_type="application/json", HTTP_ORIGIN=ALLOWED
    )
    assert not allowed(response)


def test_pages_outside_the_api_get_no_cors_headers(client):
    assert allowed(client.get(URL, HTTP_ORIGIN=ALLOWED))
    response = client.get("/admin/login/", HTTP_ORIGIN=ALLOWED)
    assert response.status_code == 200
    assert not allowed(response)
    assert not allowed(preflight(client, ALLOWED, path="/admin/login/"))


def test_no_origin_is_allowed_unless_listed(client, settings):
    assert allowed(client.get(URL, HTTP_ORIGIN=ALLOWED))
    settings.CORS_ALLOWED_ORIGINS = []
    assert not allowed(client.get(URL, HTTP_ORIGIN=ALLOWED))
    assert not allowed(preflight(client, ALLOWED))
