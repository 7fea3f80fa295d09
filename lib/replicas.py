"""Reads from PostgreSQL replicas, for the public API only.

When ``DATABASE_REPLICA_URLS`` names streaming replicas, settings define the aliases
``replica``, ``replica2``, … and list them in ``DATABASE_READ_REPLICAS``. Then:

- ``ReplicaMiddleware`` decides once per request where its reads go. A safe request (GET,
  HEAD, OPTIONS) to the API that carries no credentials — no session cookie, no
  ``Authorization`` header — and no pin cookie reads from one replica, chosen at random.
  Everything else reads from the primary: the admin, signed-in editors (session), token
  holders (who may write and must read what they wrote), and whoever wrote in the last
  ``DATABASE_REPLICA_PIN_SECONDS``: any write (POST, PUT, PATCH, DELETE) sets the pin cookie,
  so a client that wrote, even one that then signs out, reads its own writes.
- ``PrimaryReplicaRouter`` sends reads where the middleware decided (the primary outside a
  request: management commands, the shell), every write and every read inside a transaction
  to the primary, and migrations to the primary only.
- Replication lag: a replica replays the primary's writes a moment later (milliseconds on a
  healthy network). With ``DATABASE_REPLICA_MAX_LAG`` set, a request first asks the chosen
  replica how far behind it is and reads from the primary when it is further behind than
  that many seconds, or cannot be reached.
"""

import random
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

API_PREFIX = "/api/"
PIN_COOKIE = "read_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The alias this request's reads go to; None: the primary.
_read_alias: ContextVar[str | None] = ContextVar("read_alias", default=None)

# Seconds the replica is behind: none while it has replayed all it received, else the age of
# the last transaction it replayed.
LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
    END
"""


def replica_lag(alias: str) -> float:
    """How many seconds the replica ``alias`` is behind the primary."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def reads_from_replica(request) -> bool:
    """Whether the request may read what a replica has: an anonymous read of the API."""
    return (
        request.method in SAFE_METHODS
        and request.path_info.startswith(API_PREFIX)
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and PIN_COOKIE not in request.COOKIES
    )


def choose_replica() -> str | None:
    """A replica that is recent enough (``DATABASE_REPLICA_MAX_LAG``), or None."""
    alias = random.choice(settings.DATABASE_READ_REPLICAS)
    max_lag = settings.DATABASE_REPLICA_MAX_LAG
    if max_lag is None:
        return alias
    try:
        return alias if replica_lag(alias) <= max_lag else None
    except DatabaseError:
        return None


class ReplicaMiddleware:
    """Chooses the database this request reads from, and pins a writer to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_READ_REPLICAS:
            return self.get_response(request)
        alias = choose_replica() if reads_from_replica(request) else None
        token = _read_alias.set(alias)
        try:
            response = self.get_response(request)
        except BaseException:
            _read_alias.reset(token)
            raise
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        if response.streaming:
            # A streamed export reads while the server sends it, after this returns.
            response._resource_closers.append(lambda: _read_alias.set(None))
        else:
            _read_alias.reset(token)
        return response


class PrimaryReplicaRouter:
    """Reads where the request's middleware decided; writes and migrations on the primary."""

    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # Outside an anonymous read, or inside a transaction that may have written.
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            # Related rows come from where their object came from.
            return instance._state.db
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data: an object read from a replica may be linked to one
        # read from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
