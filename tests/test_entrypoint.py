"""The container start-up, run for real: docker/entrypoint.sh migrates a fresh database, collects
static files and starts gunicorn, whose whitenoise then serves the admin and its CSS.

No Docker engine is needed: the script runs from the project root with the virtualenv's
``python`` and ``gunicorn`` first on PATH, against a throw-away database on the same server as
the suite (PostgreSQL) or a temporary file (SQLite). The Dockerfile and docker-compose.yml are
checked for what the deployment relies on.
"""

import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml
from django.conf import settings

from tests.compose import compose_environment

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
START_TIMEOUT = (
    180  # seconds for migrate + collectstatic + gunicorn (a minute or more on a busy machine)
)
SECRETS = {"SECRET_KEY": "a-secret-key", "POSTGRES_PASSWORD": "a-password"}


def _is_postgresql() -> bool:
    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


def _maintenance_connection():
    """An autocommit connection to the suite's PostgreSQL server (CREATE DATABASE needs one)."""
    import psycopg

    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


@pytest.fixture
def entrypoint_database(tmp_path) -> Iterator[str]:
    """A DATABASE_URL for a database nobody else uses, removed afterwards."""
    if not _is_postgresql():
        yield f"sqlite:///{tmp_path / 'entrypoint.sqlite3'}"
        return

    from psycopg import sql

    name = f"tracker_entrypoint_{secrets.token_hex(4)}"
    with _maintenance_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    # Same server and credentials as the suite's DATABASE_URL, another database name.
    url = urlsplit(os.environ["DATABASE_URL"])
    try:
        yield urlunsplit(url._replace(path=f"/{name}"))
    finally:
        with _maintenance_connection() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _applied_migrations(database_url: str, app: str) -> int:
    if database_url.startswith("sqlite"):
        with sqlite3.connect(urlsplit(database_url).path) as conn:
            query = "SELECT count(*) FROM django_migrations WHERE app = ?"
            return conn.execute(query, [app]).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url) as conn:
        query = "SELECT count(*) FROM django_migrations WHERE app = %s"
        return conn.execute(query, [app]).fetchone()[0]


def _wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"entrypoint exited with {process.returncode}:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answered; the caller asserts on the status
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"no answer at {url} after {START_TIMEOUT}s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers: the script exec'd gunicorn in its own process group."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def test_entrypoint_migrates_collects_static_and_serves_the_admin(entrypoint_database, tmp_path):
    port = _free_port()
    static_root = tmp_path / "static"
    log = tmp_path / "entrypoint.log"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": entrypoint_database,
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "BIND": f"127.0.0.1:{port}",
        "LOAD_DEMO": "false",
        "GUNICORN_WORKERS": "2",
        # Plain HTTP on the loopback, as .env.example's local trial.
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
    }
    env.pop("SECRET_KEY_FILE", None)
    base = f"http://127.0.0.1:{port}"

    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(ENTRYPOINT)],
            cwd=tmp_path,  # the script must find the project on its own
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_answering(f"{base}/admin/login/", process, log)

        with urllib.request.urlopen(f"{base}/admin/login/", timeout=10) as response:
            assert response.status == 200
            page = response.read().decode()
        assert "Ceasefire tracker" in page

        # collectstatic ran with the manifest storage: the page links hashed file names.
        stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, f"no hashed admin stylesheet in the login page:\n{page}"
        request = urllib.request.Request(
            base + stylesheet.group(1), headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/css")
            # whitenoise, not Django, answered: compressed and cached for good.
            assert response.headers["Content-Encoding"] == "gzip"
            assert "immutable" in response.headers["Cache-Control"]

        assert (static_root / "staticfiles.json").exists()

        # The probes the Dockerfile's HEALTHCHECK and compose ask.
        for probe in ("healthz", "readyz"):
            with urllib.request.urlopen(f"{base}/{probe}", timeout=10) as response:
                assert response.status == 200
                assert json.loads(response.read())["status"] == "ok"
        assert _applied_migrations(entrypoint_database, "events") > 0
        assert _applied_migrations(entrypoint_database, "actors") > 0
    finally:
        _stop(process)
    output = log.read_text()
    if entrypoint_database.startswith("postgres"):
        assert "is ready." in output  # waited for the server before migrating
    assert "Booting worker" in output
    # The access log names each response's request id.
    assert re.search(r'"GET /readyz HTTP/1\.1" 200 .* [0-9a-f]{32}$', output, re.M), output


def test_wait_for_db_gives_up_with_a_clear_message(tmp_path):
    closed_port = _free_port()
    result = subprocess.run(
        [sys.executable, str(ROOT / "docker" / "wait_for_db.py"), "1"],
        cwd=tmp_path,
        env={
            **os.environ,
            "DATABASE_URL": f"postgres://nobody@127.0.0.1:{closed_port}/tracker",
            "DEBUG": "True",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"Database 'tracker' at 127.0.0.1:{closed_port} is still unreachable" in result.stderr


def test_entrypoint_rejects_a_mistyped_load_demo_before_touching_the_database(tmp_path):
    database = tmp_path / "untouched.sqlite3"
    result = subprocess.run(
        [str(ENTRYPOINT)],
        cwd=tmp_path,
        env={
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "DATABASE_URL": f"sqlite:///{database}",
            "DEBUG": "True",
            "LOAD_DEMO": "yes",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "LOAD_DEMO must be true or false, not 'yes'" in result.stderr
    assert not database.exists()


def test_entrypoint_script_is_executable_and_strict():
    assert os.access(ENTRYPOINT, os.X_OK)
    text = ENTRYPOINT.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert "exec gunicorn tracker.wsgi:application" in text
    # Sync workers are killed after --timeout seconds of one request, which cuts a whole
    # export short; a threaded worker keeps its heartbeat while a thread streams.
    assert "--worker-class gthread" in text


def test_dockerfile_runs_the_entrypoint_as_a_non_root_user_with_a_healthcheck():
    instructions = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert instructions[0] == "FROM python:3.11-slim"
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(line.startswith("RUN pip install -r requirements.txt") for line in instructions)
    assert any(re.match(r"ENV .*\bDEBUG=False\b", line) for line in instructions)
    assert any(line.startswith("HEALTHCHECK") and "/readyz" in line for line in instructions)
    assert "EXPOSE 8000" in instructions
    assert instructions[-1] == 'ENTRYPOINT ["docker/entrypoint.sh"]'

    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".venv", ".git", "db.sqlite3", "staticfiles", "local-admin.txt"):
        assert path in ignored
    assert any("__pycache__" in pattern for pattern in ignored)


def test_compose_starts_web_after_a_healthy_postgres_with_a_named_volume():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, web = compose["services"]["db"], compose["services"]["web"]

    assert db["image"] == "postgres:17"
    assert {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"} <= set(db["environment"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume, mount = db["volumes"][0].split(":", 1)
    assert volume in compose["volumes"]  # named, so the data survives `docker compose down`
    assert mount == "/var/lib/postgresql/data"

    assert web["build"] == "."
    assert web["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert "8000:8000" in web["ports"]
    environment = web["environment"]
    interpolated = compose_environment("web", SECRETS)
    assert urlsplit(interpolated["DATABASE_URL"]).hostname == "db"
    # No built-in secret: compose refuses to start without them.
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"]
    assert db["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "/readyz" in " ".join(web["healthcheck"]["test"])
    assert environment["DEBUG"] == "False"
    assert environment["ALLOWED_HOSTS"] == "localhost,127.0.0.1"
    assert environment["LOAD_DEMO"] == "${LOAD_DEMO:-true}"
    # Every worker shares one cache (the API's data version, the aggregates).
    assert urlsplit(environment["REDIS_URL"]).hostname == "redis"
    assert "redis-cli" in compose["services"]["redis"]["healthcheck"]["test"]


def test_compose_scale_profile_reads_from_a_streaming_replica_behind_a_proxy():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    # `docker compose up` without a profile still starts the database and one web only.
    assert sorted(name for name, s in services.items() if "profiles" not in s) == [
        "db",
        "redis",
        "web",
    ]
    assert {name for name, s in services.items() if "scale" in s.get("profiles", [])} == {
        "db-replica",
        "web-read",
        "proxy",
    }

    # The primary accepts replication connections with a password.
    hba_file = services["db"]["command"][-1].split("=", 1)[1]
    hba_mount = next(v for v in services["db"]["volumes"] if v.split(":")[1] == hba_file)
    hba = (ROOT / hba_mount.split(":")[0]).read_text()
    assert re.search(r"^host\s+replication\s+all\s+all\s+scram-sha-256$", hba, re.M)

    replica = services["db-replica"]
    assert replica["image"] == "postgres:17"
    assert replica["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "pg_isready" in " ".join(replica["healthcheck"]["test"])
    assert any(v.startswith("pgdata-replica:") for v in replica["volumes"])
    script = next(v for v in replica["volumes"] if v.startswith("./docker/")).split(":")[0]
    assert replica["entrypoint"][-1] == next(
        v.split(":")[1] for v in replica["volumes"] if v.startswith(script)
    )
    bootstrap = (ROOT / script).read_text()
    assert re.search(r"pg_basebackup .*-R -X stream", bootstrap.replace("\\\n", " "))
    assert "hot_standby=on" in bootstrap

    web = services["web-read"]
    assert web["deploy"]["replicas"] >= 2
    assert web["depends_on"]["web"] == {"condition": "service_healthy"}  # web migrated
    interpolated = compose_environment("web-read", SECRETS)
    assert urlsplit(interpolated["DATABASE_URL"]).hostname == "db"
    assert urlsplit(interpolated["DATABASE_REPLICA_URLS"]).hostname == "db-replica"
    assert web["environment"]["LOAD_DEMO"] == "false"
    # The same shared cache as web: a write there changes the validators served here.
    assert web["environment"]["REDIS_URL"] == services["web"]["environment"]["REDIS_URL"]

    proxy = services["proxy"]
    assert "8080:80" in proxy["ports"]
    config = next(v for v in proxy["volumes"] if v.startswith("./docker/")).split(":")[0]
    assert re.search(r"upstream \w+ \{[^}]*server web-read:8000", (ROOT / config).read_text())


def test_releases_live_in_a_named_volume_the_app_user_owns():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web, web_read = compose["services"]["web"], compose["services"]["web-read"]
    root = web["environment"]["RELEASES_ROOT"]

    # Written by `make_release` in web, kept across rebuilds, read by the read-only webs.
    assert f"releases:{root}" in web["volumes"]
    assert "releases" in compose["volumes"]
    assert web_read["environment"]["RELEASES_ROOT"] == root
    assert f"releases:{root}:ro" in web_read["volumes"]

    # A new named volume takes the owner of the image's directory: the unprivileged user.
    instructions = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    made = re.search(r"RUN mkdir -p ([^&]*)&& chown app:app (.*)", instructions)
    assert made and root in made.group(1).split() and root in made.group(2).split()
    # Releases made on a developer's machine stay out of the image.
    assert "var" in (ROOT / ".dockerignore").read_text().split()
