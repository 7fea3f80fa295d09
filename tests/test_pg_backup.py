"""The README's PostgreSQL backup, run for real: pg_dump in the custom format, pg_restore into a
new database, then ``migrate --check``; every row, sequence, trigger and constraint is back.

It dumps the suite's own test database (its data committed: a transactional test) and restores
it into a scratch database on the same server, dropped afterwards. Skipped on SQLite, whose
backup is a copy of its file (README).
"""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import ProposalFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent

needs_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres") or not shutil.which("pg_dump"),
    reason="pg_dump and pg_restore back up PostgreSQL (installed); SQLite's is a file copy",
)


def _server_arguments() -> list[str]:
    db = connection.settings_dict
    arguments = ["--host", db.get("HOST") or "127.0.0.1", "--username", db.get("USER") or ""]
    if db.get("PORT"):
        arguments += ["--port", str(db["PORT"])]
    return arguments


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    if connection.settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    return environment


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command, capture_output=True, text=True, env=kwargs.pop("env", _environment()), **kwargs
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result


def _contents(database: str) -> dict[str, list]:
    """Every table's rows (sorted), the sequences' values, the triggers and constraints."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        dbname=database,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    ) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        contents = {
            table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
        contents["(sequences)"] = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"
        ).fetchall()
        contents["(triggers)"] = conn.execute(
            "SELECT tgrelid::regclass::text, tgname, tgdeferrable, tginitdeferred FROM pg_trigger "
            "WHERE NOT tgisinternal ORDER BY 1, 2"
        ).fetchall()
        contents["(constraints)"] = conn.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        ).fetchall()
    return contents


@pytest.fixture
def scratch_database():
    """The name of a database to restore into (made by the test's createdb), dropped after."""
    name = f"{connection.settings_dict['NAME']}_restore_{secrets.token_hex(3)}"
    try:
        yield name
    finally:
        _run(["dropdb", *_server_arguments(), "--if-exists", "--force", name])


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_bring_back_every_row(tmp_path, scratch_database):
    call_command("load_demo", verbosity=0)
    user = UserFactory(username="rita")
    edited = ProposalFactory(created_by=user, title="Before")
    edited.title = "After"
    edited.save()
    ProposalFactory().delete()
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "tracker.dump"

    # The README's commands, in its order.
    _run(["pg_dump", *_server_arguments(), "-Fc", "-f", str(dump), source])
    _run(["createdb", *_server_arguments(), scratch_database])
    _run(
        [
            "pg_restore",
            *_server_arguments(),
            "--no-owner",
            "--exit-on-error",
            "-d",
            scratch_database,
            str(dump),
        ]
    )
    url = urlsplit(os.environ["DATABASE_URL"])
    environment = _environment() | {
        "DATABASE_URL": urlunsplit(url._replace(path=f"/{scratch_database}"))
    }
    _run(
        [sys.executable, "manage.py", "migrate", "--check"], cwd=ROOT, env=environment
    )  # nothing left to apply: the schema came back whole

    restored, original = _contents(scratch_database), _contents(source)
    assert restored.keys() == original.keys()
    for table in original:
        assert restored[table] == original[table], table
    assert original["events_event"] and original["events_historicalproposal"]
    assert original["(triggers)"]  # the migrations' triggers, restored too


def test_the_readme_shows_these_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in (
        "pg_dump -Fc -f tracker.dump",
        "createdb tracker_restored",
        "pg_restore --no-owner --exit-on-error -d tracker_restored tracker.dump",
        "python manage.py migrate --check",
        "sqlite3 db.sqlite3 \".backup 'db-backup.sqlite3'\"",
    ):
        assert command in readme, command
