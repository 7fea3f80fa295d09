"""Settings come from the environment and refuse what they cannot parse."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lib.rates import parse_rate

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


LIMITS = (
    "settings.API_THROTTLE_RATES, settings.LOGIN_FAILURE_LIMIT, settings.AXES_FAILURE_LIMIT, "
    "settings.AXES_COOLOFF_TIME, settings.CORS_ALLOWED_ORIGINS, settings.PROXY_COUNT"
)
LIMIT_VARIABLES = (
    "API_THROTTLE_ANON",
    "API_THROTTLE_USER",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_COOLOFF_MINUTES",
    "CORS_ALLOWED_ORIGINS",
    "PROXY_COUNT",
)


@pytest.mark.parametrize(
    "environment, shown",
    [
        ({}, "{'anon': (60, 60), 'user': (600, 60)} 5 5 0:15:00 [] 0"),
        (
            {
                "API_THROTTLE_ANON": "100/hour",
                "API_THROTTLE_USER": "off",
                "LOGIN_FAILURE_LIMIT": "3",
                "LOGIN_COOLOFF_MINUTES": "1",
                "CORS_ALLOWED_ORIGINS": "https://notebook.example.org, http://localhost:8888",
                "PROXY_COUNT": "1",
            },
            "{'anon': (100, 3600), 'user': None} 3 3 0:01:00 "
            "['https://notebook.example.org', 'http://localhost:8888'] 1",
        ),
    ],
    ids=["defaults", "from-the-environment"],
)
def test_rate_limits_lockout_and_cors_settings(environment, shown):
    code, output = load_settings(unset=LIMIT_VARIABLES, shown=LIMITS, **environment)
    assert code == 0, output
    assert output.strip() == shown


@pytest.mark.parametrize(
    "name, value, message",
    [
        (
            "API_THROTTLE_ANON",
            "fast",
            "API_THROTTLE_ANON must be a number of requests per period such as 60/min",
        ),
        ("LOGIN_FAILURE_LIMIT", "0", "LOGIN_FAILURE_LIMIT must be a whole number from 1"),
        ("LOGIN_COOLOFF_MINUTES", "soon", "LOGIN_COOLOFF_MINUTES must be a whole number from 1"),
        (
            "CORS_ALLOWED_ORIGINS",
            "notebook.example.org",
            "CORS_ALLOWED_ORIGINS must list origins such as https://example.org, "
            "not 'notebook.example.org'",
        ),
        (
            "CORS_ALLOWED_ORIGINS",
            "https://example.org/",
            "CORS_ALLOWED_ORIGINS must list origins such as https://example.org, "
            "not 'https://example.org/'",
        ),
    ],
)
def test_limits_refuse_what_they_cannot_parse(name, value, message):
    code, output = load_settings(**{name: value})
    assert code != 0
    assert message in output


@pytest.mark.parametrize(
    "value, rate",
    [
        ("1/s", (1, 1)),
        ("2/sec", (2, 1)),
        ("3/second", (3, 1)),
        ("60/m", (60, 60)),
        ("60/min", (60, 60)),
        ("60/minute", (60, 60)),
        ("100/h", (100, 3600)),
        ("100/hour", (100, 3600)),
        ("1000/d", (1000, 86400)),
        ("1000/day", (1000, 86400)),
        (" 60/min ", (60, 60)),
        ("off", None),
        ("", None),
        ("  ", None),
    ],
)
def test_every_spelling_of_a_rate(value, rate):
    assert parse_rate("API_THROTTLE_ANON", value) == rate


@pytest.mark.parametrize(
    "value", ["60", "0/min", "-1/min", "60/minutes", "60/Min", "60/ min", "x/min", "6O/min", "OFF"]
)
def test_a_rate_that_is_not_one_is_an_error_naming_the_variable(value):
    with pytest.raises(ValueError, match=f"API_THROTTLE_USER must be .* not {value!r}"):
        parse_rate("API_THROTTLE_USER", value)
