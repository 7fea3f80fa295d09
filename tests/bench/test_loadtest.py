"""``make load`` end to end, small: generated data and the demo, gunicorn, locust's analysts
and editor for a few seconds. Every request must answer as expected (the editor's drafts are
created, read, edited with If-Match and deleted), and the app's database connections stay
within one per gunicorn thread. The figures of a full run are in docs/reliability.md."""

import os
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from bench.run import ROOT

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="generate_data and the load run on PostgreSQL"
)

DATABASE = "tracker_bench_loadtest"


def server() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"


def drop(url: str) -> None:
    with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def test_a_short_load_run_has_no_failure_and_bounded_connections():
    url = server()
    drop(url)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "bench.loadtest", "--server", url, "--database", DATABASE]
            + ["--events", "500", "--users", "6", "--spawn-rate", "6", "--duration", "8"]
            + ["--workers", "1", "--threads", "2"],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        drop(url)

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " 0 failures" in run.stdout, run.stdout
    assert "(bound: 2, one per gunicorn thread)" in run.stdout
    assert "editor: edit draft (If-Match) |" in run.stdout
    totals = next(line for line in run.stdout.splitlines() if line.startswith("| **all**"))
    requests = int(totals.split("|")[2].replace(",", ""))
    assert requests > 10, run.stdout
