"""schemathesis against the API's live schema, on a throw-away database.

A new database is made next to DATABASE_URL's (PostgreSQL: ``<name>_schemathesis_<pid>`` on the
same server; SQLite: a temporary file), migrated and loaded with the demo data; gunicorn serves
the project from it on a free port of 127.0.0.1. Two runs, each bounded by --max-examples:

* reads: every GET operation, anonymous;
* writes: every POST, PUT, PATCH and DELETE operation (the workflow steps too), with the token
  of a reviewer made for the run.

Checks: not_a_server_error (no 5xx), status_code_conformance (no status the schema does not
document) and negative_data_rejection (no request that breaks the schema accepted). The figures
(operations, test cases, failures by check) are printed; the exit status is 1 when any check
failed. The database and the server go away at the end, whatever happened.

    scripts/schemathesis [--max-examples N] [--seed N]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker"
CHECKS = "not_a_server_error,status_code_conformance,negative_data_rejection"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
REVIEWER = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

user = get_user_model().objects.create_user("schemathesis-reviewer")
user.groups.add(Group.objects.get(name="Reviewers"))
print(Token.objects.create(user=user).key)
"""


class ThrowAwayDatabase:
    """A new, empty database beside ``url``'s, dropped on exit."""

    def __init__(self, url: str, tmp: Path):
        self.config = dj_database_url.parse(url)
        self.postgres = "postgresql" in self.config["ENGINE"]
        if self.postgres:
            self.name = f"{self.config['NAME']}_schemathesis_{os.getpid()}"
            self.url = url.rsplit("/", 1)[0] + f"/{self.name}"
        else:
            self.url = f"sqlite:///{tmp / 'schemathesis.sqlite3'}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            dbname="postgres",
            host=self.config.get("HOST") or None,
            port=self.config.get("PORT") or None,
            user=self.config.get("USER") or None,
            password=self.config.get("PASSWORD") or None,
            autocommit=True,
        ) as connection:
            connection.execute(sql)

    def __enter__(self):
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def wait_for(url: str, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped (exit status {server.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The server did not answer {url} within {seconds} s.")


def run(name: str, schema_url: str, tmp: Path, options: argparse.Namespace, *args: str) -> dict:
    report = tmp / f"{name}.json"
    command = [
        str(BIN / "schemathesis"),
        "run",
        schema_url,
        "--checks",
        CHECKS,
        "--max-examples",
        str(options.max_examples),
        "--seed",
        str(options.seed),
        # One worker: generating in several threads trips CPython 3.11's AST compiler.
        "--workers",
        "1",
        "--no-color",
        "--generation-database",
        "none",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        *args,
    ]
    print(f"== schemathesis: {name} ==", flush=True)
    # Its own output (each failure with a curl command to reproduce it) goes to the log.
    subprocess.run(command, cwd=tmp, check=False)
    return json.loads(report.read_text())


def figures(name: str, report: dict) -> int:
    """Print a run's figures; the number of its failures and errors."""
    operations, cases = report["operations"], report["test_cases"]
    print(
        f"{name}: {operations['tested']} operations tested of {operations['selected']} selected, "
        f"{cases['generated']} test cases, {cases['unique_failures']} unique failures, "
        f"{len(report['errors'])} errors"
    )
    # Failures come grouped by kind: ST1xx a response (server error, undocumented status),
    # ST2xx a request (schema-violating request accepted).
    for failure in report["failures"]:
        print(f"  {failure['code']} {failure['title']}: {failure['count']}")
        for operation in failure.get("operations", []):
            print(f"    {operation}")
    for error in report["errors"]:
        print(f"  error: {json.dumps(error)[:300]}")
    return cases["unique_failures"] + len(report["errors"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--max-examples",
        type=int,
        default=int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10")),
        help="test cases per operation in the fuzzing phase (default 10)",
    )
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SCHEMATHESIS_SEED", "1")))
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="schemathesis-") as directory:
        tmp = Path(directory)
        url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        with ThrowAwayDatabase(url, tmp) as database:
            env = {
                **os.environ,
                "DATABASE_URL": database.url,
                "CONN_MAX_AGE": "0",
                # Thousands of requests from one client: no rate limit.
                "API_THROTTLE_ANON": "off",
                "API_THROTTLE_USER": "off",
                # Plain HTTP on the loopback, also when DEBUG=False is exported: no redirect
                # to https://, no HSTS.
                "SECURE_SSL_REDIRECT": "False",
                "SECURE_HSTS_SECONDS": "0",
            }
            manage(env, "migrate", "--noinput")
            manage(env, "load_demo")
            token = manage(env, "shell", "-c", REVIEWER).strip().splitlines()[-1]
            port = free_port()
            log = (tmp / "server.log").open("w")
            server = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "tracker.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--timeout",
                    "60",
                    # Any length of URL reaches Django, which checks it: gunicorn's own limit
                    # (4094 bytes, a 414 before the API sees the request) is a deployment's.
                    "--limit-request-line",
                    "0",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                schema_url = f"http://127.0.0.1:{port}/api/schema/?format=json"
                wait_for(schema_url, server)
                reads = run(
                    "reads (GET, anonymous)",
                    schema_url,
                    tmp,
                    options,
                    "--include-method",
                    "GET",
                    "--phases",
                    "examples,coverage,fuzzing",
                )
                writes = run(
                    "writes (POST, PUT, PATCH, DELETE, as a reviewer)",
                    schema_url,
                    tmp,
                    options,
                    *(arg for method in WRITE_METHODS for arg in ("--include-method", method)),
                    "--header",
                    f"Authorization: Token {token}",
                )
            finally:
                server.terminate()
                server.wait(timeout=30)
                log.close()
            log_lines = (tmp / "server.log").read_text().splitlines()
            tracebacks = sum("Traceback" in line for line in log_lines)
        print("== schemathesis: figures ==")
        failed = figures("reads", reads) + figures("writes", writes)
        print(f"server tracebacks logged: {tracebacks}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
