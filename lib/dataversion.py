"""One version of everything the API shows, changed by every write.

The version is a token kept in the default cache (Redis when ``REDIS_URL`` is set, so every
process shares it; local memory otherwise, for one process). Every committed write of curated
data gives it a new value (events/signals.py connects the receivers), so that:

- anonymous API reads carry ``ETag`` and ``Last-Modified`` derived from it without a query
  (lib/httpcache.py), and a conditional GET is answered 304 before the view runs;
- the aggregates cached in the shared cache are keyed by it, so a write makes them stale at
  once without deleting anything (``cached``).

A write sets a new value at once and again when its transaction commits: a reader never keeps
what it read before the commit under the version of after it. A cache that lost the key (a
restart of local memory, an eviction) starts a new version, never an old one again.
"""

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

KEY = "data-version"


def _new_version() -> str:
    """A version never seen before: the time of the change (for ``Last-Modified``) and a
    random part (two changes within the same microsecond differ too)."""
    return f"{time.time():.6f}-{secrets.token_hex(4)}"


def current_version() -> str:
    """The version of the data now (a cache read; a new version if the cache has none)."""
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, _new_version(), timeout=None)
        version = cache.get(KEY)
    return version


def changed_at(version: str) -> datetime:
    """When the data last changed, to the second (``Last-Modified``'s precision)."""
    seconds = int(float(version.split("-", 1)[0]))
    return datetime.fromtimestamp(seconds, tz=UTC)


def bump() -> None:
    """A new version now (after a commit)."""
    cache.set(KEY, _new_version(), timeout=None)


def data_changed(using: str | None = None) -> None:
    """A write of curated data: a new version now, and another once the transaction commits
    (queued once per transaction). Readers between the two see the data of before the commit
    under a version that the commit replaces, so nothing they cache outlives it."""
    bump()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
        callback is bump for _, callback, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(bump, using=using)


def settled(version: str) -> bool:
    """Whether what is read now may be kept under ``version``. Anonymous API reads may go to
    a streaming replica (lib/replicas.py), which replays a commit a moment after the primary:
    until ``DATABASE_REPLICA_PIN_SECONDS`` after a change (the writer's own reads stay on the
    primary that long too), a replica's answer may still be the data of before it, and is
    neither cached nor given validators. Without replicas, always."""
    if not getattr(settings, "DATABASE_READ_REPLICAS", None):
        return True
    age = time.time() - float(version.split("-", 1)[0])
    return age >= settings.DATABASE_REPLICA_PIN_SECONDS


def cached(name: str, parts: tuple, compute: Callable[[], object], timeout: int | None):
    """``compute()``, kept in the cache under ``name``, ``parts`` and the data version: a write
    makes the stored value stale (it is never read again and expires after ``timeout``)."""
    version = current_version()
    digest = hashlib.sha256(repr((version, parts)).encode()).hexdigest()[:32]
    key = f"{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        if settled(version):
            cache.set(key, value, timeout=timeout)
    return value
