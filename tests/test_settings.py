"""Settings come from the environment and refuse what they cannot parse."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from lib.rates import parse_rate
from tests.compose import compose_environment

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


# --- HTTPS, HSTS and the proxy's header -------------------------------------------------------

HTTPS = (
    "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
    "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD, "
    "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
    "getattr(settings, 'SECURE_PROXY_SSL_HEADER', None)"
)
BOOLEAN_SWITCHES = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]
HTTPS_SWITCHES = [*BOOLEAN_SWITCHES, "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER"]


def test_https_is_on_by_default_when_debug_is_off():
    code, output = load_settings(
        unset=HTTPS_SWITCHES, shown=HTTPS, DEBUG="False", SECRET_KEY="s" * 50
    )
    assert code == 0, output
    assert output.strip() == "True 31536000 True True True True None"


def test_https_is_off_by_default_in_development():
    code, output = load_settings(unset=HTTPS_SWITCHES, shown=HTTPS)
    assert code == 0, output
    assert output.strip() == "False 0 False False False False None"


@pytest.mark.parametrize(
    ("spelling", "value"),
    [("True", True), ("true", True), ("1", True), ("False", False), ("false", False), ("0", False)],
)
def test_the_https_switches_take_every_boolean_spelling(spelling, value):
    switches = dict.fromkeys(BOOLEAN_SWITCHES, spelling)
    code, output = load_settings(
        unset=HTTPS_SWITCHES, shown=HTTPS, DEBUG="False", SECRET_KEY="s" * 50, **switches
    )
    assert code == 0, output
    assert output.strip() == f"{value} 31536000 {value} {value} {value} {value} None"


@pytest.mark.parametrize("name", BOOLEAN_SWITCHES)
def test_a_typo_in_an_https_switch_is_an_error(name):
    code, output = load_settings(DEBUG="False", SECRET_KEY="s" * 50, **{name: "yes"})
    assert code != 0
    assert f"{name} must be True or False, not 'yes'" in output


def test_hsts_seconds_is_a_whole_number_from_zero():
    code, output = load_settings(shown=HTTPS, SECURE_HSTS_SECONDS="a year")
    assert code != 0
    assert "SECURE_HSTS_SECONDS must be a whole number from 0, not 'a year'" in output
    code, output = load_settings(shown=HTTPS, SECURE_HSTS_SECONDS="-1")
    assert code != 0
    assert "SECURE_HSTS_SECONDS must be a whole number from 0, not '-1'" in output
    code, output = load_settings(shown="settings.SECURE_HSTS_SECONDS", SECURE_HSTS_SECONDS="0")
    assert output.strip() == "0"
    code, output = load_settings(shown="settings.SECURE_HSTS_SECONDS", SECURE_HSTS_SECONDS="60")
    assert output.strip() == "60"


def test_the_proxy_ssl_header_is_trusted_only_when_configured():
    shown = "getattr(settings, 'SECURE_PROXY_SSL_HEADER', None)"
    code, output = load_settings(
        unset=["SECURE_PROXY_SSL_HEADER"], shown=shown, DEBUG="False", SECRET_KEY="s" * 50
    )
    assert code == 0, output
    assert output.strip() == "None"
    code, output = load_settings(
        shown=shown, DEBUG="False", SECRET_KEY="s" * 50, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"
    )
    assert output.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
    code, output = load_settings(shown=shown, SECURE_PROXY_SSL_HEADER="x-forwarded-proto")
    assert output.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
    code, output = load_settings(shown=shown, SECURE_PROXY_SSL_HEADER="  ")
    assert output.strip() == "None"


@pytest.mark.parametrize("header", ["X Forwarded Proto", "X-Forwarded-Proto: https", "-X", "X_"])
def test_a_proxy_ssl_header_that_is_no_header_name_is_an_error(header):
    code, output = load_settings(SECURE_PROXY_SSL_HEADER=header)
    assert code != 0
    assert "SECURE_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto" in output


# --- The compose file's production environment ------------------------------------------------


def check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess:
    # Only the compose file's variables (and what finds the interpreter): nothing of the
    # suite's own environment leaks into the check.
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
    )


SECRETS = {"SECRET_KEY": secrets.token_urlsafe(50), "POSTGRES_PASSWORD": "a-password"}


def test_compose_requires_a_secret_key_and_a_database_password():
    with pytest.raises(LookupError, match="SECRET_KEY: set SECRET_KEY"):
        compose_environment("web", {"POSTGRES_PASSWORD": "a-password"})
    with pytest.raises(LookupError, match="POSTGRES_PASSWORD: set POSTGRES_PASSWORD"):
        compose_environment("web", {"SECRET_KEY": "k"})
    for service in ("db", "web-read", "db-replica"):
        with pytest.raises(LookupError, match="POSTGRES_PASSWORD"):
            compose_environment(service, {"SECRET_KEY": "k"})


@pytest.mark.parametrize("service", ["web", "web-read"])
def test_check_deploy_reports_nothing_with_the_compose_environment(service):
    result = check_deploy(compose_environment(service, SECRETS))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced).", (
        result.stdout + result.stderr
    )
    assert "WARNINGS" not in result.stderr and "?: (security" not in result.stderr


def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


def test_the_env_example_runs_a_plain_http_trial():
    variables = env_example()
    assert {"SECRET_KEY", "POSTGRES_PASSWORD"} <= set(variables)
    environment = compose_environment("web", variables)
    code = f"from django.conf import settings; print({HTTPS})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            **environment,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False 0 False False False False None"
    # check --deploy names exactly what the trial switched off, and nothing else.
    result = check_deploy(environment)
    reported = sorted(set(re.findall(r"\(security\.(W\d+)\)", result.stderr)))
    assert reported == ["W004", "W008", "W012", "W016"], result.stderr
