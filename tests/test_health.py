"""/healthz answers while the process is up, without the database; /readyz answers 200 when
the database does and 503 otherwise (lib/health.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_answers_without_the_database(client):
    # No django_db mark: pytest-django refuses any database access in this test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_asks_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_probes_take_get_and_head_only(client):
    for probe in ("/healthz", "/readyz"):
        assert client.head(probe).status_code == 200
        assert client.post(probe).status_code == 405


@pytest.mark.django_db
def test_the_probes_are_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/admin/login/").status_code == 301


# The app in a fresh interpreter whose database is a server that is not there: nothing
# listens on 127.0.0.1:1, so connecting is refused at once.
PROBES = """
import django, json
from django.test.utils import setup_test_environment
django.setup()
setup_test_environment()
from django.test import Client
client = Client()
for path in ("/healthz", "/readyz"):
    response = client.get(path, HTTP_X_REQUEST_ID="probe-" + path.strip("/"))
    print(json.dumps([path, response.status_code, response.json()]))
"""


def test_readyz_is_a_503_when_the_database_is_unreachable():
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DATABASE_REPLICA_URLS", "REDIS_URL")
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBES],
        cwd=ROOT,
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DATABASE_URL": "postgres://tracker@127.0.0.1:1/tracker",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert answers == [
        ["/healthz", 200, {"status": "ok"}],
        ["/readyz", 503, {"detail": "The database is unreachable."}],
    ]
    # The reason is logged, under the request's id.
    assert "WARNING lib.health [probe-readyz] Not ready: the database is unreachable:" in (
        result.stderr
    )
