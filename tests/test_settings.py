"""Settings come from the environment and refuse what they cannot parse."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


SHOWN = (
    "settings.DEBUG, settings.SECRET_KEY, settings.ALLOWED_HOSTS, "
    "settings.DATABASES['default']['ENGINE']"
)


def load_settings(unset=(), shown=SHOWN, **env):
    """Import the settings in a fresh interpreter and print ``shown``; return (exit code,
    output)."""
    # The suite's own replicas (make test) are not part of what a test sets.
    cleared = {"DEBUG", "SECRET_KEY", "DATABASE_REPLICA_URLS", *unset}
    environment = {k: v for k, v in os.environ.items() if k not in cleared}
    environment.update(env)
    code = f"from django.conf import settings; print({shown})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
    )
    return result.returncode, result.stdout + result.stderr


def test_a_typo_in_debug_is_an_error():
    code, output = load_settings(DEBUG="ture")
    assert code != 0
    assert "DEBUG must be True or False, not 'ture'" in output


def test_production_requires_a_secret_key():
    code, output = load_settings(DEBUG="False")
    assert code != 0
    assert "SECRET_KEY must be set when DEBUG is False" in output


def test_secret_key_is_read_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-the-file\n")
    code, output = load_settings(DEBUG="False", SECRET_KEY_FILE=str(secret))
    assert code == 0, output
    assert output.startswith("False from-the-file")


def test_sqlite_is_the_default_and_database_url_switches():
    code, output = load_settings(unset=["DATABASE_URL"])
    assert code == 0, output
    assert output.strip().endswith("django.db.backends.sqlite3")
    code, output = load_settings(DATABASE_URL="postgres://u:p@db.example:5432/x")
    assert output.strip().endswith("django.db.backends.postgresql")


def test_allowed_hosts_from_a_list():
    code, output = load_settings(ALLOWED_HOSTS="example.org, api.example.org")
    assert "['example.org', 'api.example.org']" in output


def test_the_json_depth_limit_is_a_whole_number():
    code, output = load_settings(API_MAX_JSON_DEPTH="deep")
    assert code != 0
    assert "API_MAX_JSON_DEPTH must be a whole number from 1, not 'deep'" in output
    code, output = load_settings(API_MAX_JSON_DEPTH="0")
    assert code != 0
    assert "API_MAX_JSON_DEPTH must be a whole number from 1, not '0'" in output
    code, output = load_settings(API_MAX_JSON_DEPTH="64")
    assert code == 0, output


REPLICAS = (
    "[(alias, db['HOST'], db.get('TEST', {}).get('MIRROR')) "
    "for alias, db in settings.DATABASES.items()], "
    "settings.DATABASE_READ_REPLICAS, getattr(settings, 'DATABASE_ROUTERS', []), "
    "settings.DATABASE_REPLICA_MAX_LAG"
)


def test_replica_urls_define_replica_aliases_read_through_the_router():
    code, output = load_settings(
        shown=REPLICAS,
        DATABASE_URL="postgres://u:p@primary:5432/x",
        DATABASE_REPLICA_URLS="postgres://u:p@r1:5432/x, postgres://u:p@r2:5432/x",
    )
    assert code == 0, output
    assert output.strip() == (
        "[('default', 'primary', None), ('replica', 'r1', 'default'), "
        "('replica2', 'r2', 'default')] ['replica', 'replica2'] "
        "['lib.replicas.PrimaryReplicaRouter'] None"
    )


def test_without_replica_urls_there_is_only_the_default_database():
    code, output = load_settings(shown=REPLICAS, DATABASE_URL="postgres://u:p@primary:5432/x")
    assert code == 0, output
    assert output.strip() == "[('default', 'primary', None)] [] [] None"


def test_replicas_need_a_postgresql_primary():
    code, output = load_settings(
        unset=["DATABASE_URL"], DATABASE_REPLICA_URLS="postgres://u:p@r1:5432/x"
    )
    assert code != 0
    assert "DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL" in output


def test_the_max_replica_lag_is_a_whole_number_of_seconds():
    code, output = load_settings(shown=REPLICAS, DATABASE_REPLICA_MAX_LAG="soon")
    assert code != 0
    assert "DATABASE_REPLICA_MAX_LAG must be a whole number from 0, not 'soon'" in output
    code, output = load_settings(
        shown="settings.DATABASE_REPLICA_MAX_LAG", DATABASE_REPLICA_MAX_LAG="0"
    )
    assert output.strip() == "0"
