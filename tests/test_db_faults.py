"""scripts/db-faults end to end: PostgreSQL (a cluster of the script's own) stopped during a
load and started again. While it is down every answer is a 503 within 2 s (JSON with
Retry-After from the API, JSON from /readyz, a page with Retry-After from a signed-in admin);
once it is back every answer is a 200 again within 5 s, with the same gunicorn workers. The
figures of a run are in docs/reliability.md."""

import os
import shutil
import subprocess
import sys

import pytest
from django.db import connection

from bench.run import ROOT

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="stops a PostgreSQL cluster"),
    pytest.mark.skipif(
        os.geteuid() != 0 or not shutil.which("pg_createcluster"),
        reason="needs root and Debian's pg_createcluster (as in CI)",
    ),
]


def test_the_api_answers_503_while_the_database_is_down_and_recovers_without_a_restart():
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "db-faults"), "--up", "3", "--down", "4"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Result: as expected." in run.stdout
    down = [line for line in run.stdout.splitlines() if line.startswith("| while down")]
    assert [line.split("|")[2].strip() for line in down] == ["API", "/readyz", "admin"]
    for line in down:
        assert "× 503" in line and "× 200" not in line and "× 500" not in line, line
