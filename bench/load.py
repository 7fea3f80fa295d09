"""Loading the generator's rows into PostgreSQL fast, leaving the schema as migrations made it.

While the rows go in (COPY, on a thread of their own), the curated tables' secondary indexes
are dropped and then built once at the end from their saved definitions, and a superuser's
session skips triggers and foreign-key checks (``session_replication_role = replica``): the
generator keeps those rules itself, and ``tests/bench`` checks that it does. Sequences are
moved past the generated ids; VACUUM ANALYZE ends the load.
"""

import sys
import time
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from lib.dataversion import data_changed

from .generate import COLUMNS, Generator, Writer

# The curated tables and their histories, which would otherwise describe rows that are gone.
HISTORY_APPS = ("actors", "events")


# For the load's transaction only: triggers and foreign-key checks off (the generator keeps
# their rules), memory for the index builds, no wait for the WAL at commit.
LOAD_SETTINGS = {
    "session_replication_role": "replica",
    "maintenance_work_mem": "512MB",
    "synchronous_commit": "off",
}


def set_local(cursor, settings: dict[str, str]) -> dict[str, str]:
    """Set ``settings`` for the current transaction; returns their previous values."""
    previous = {}
    for name, value in settings.items():
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        previous[name] = cursor.fetchone()[0]
    return previous


def tables_to_empty(histories: bool = True) -> list[str]:
    """Every table of the curated apps (a table the generator does not fill included, so that
    none refers to an emptied one), and with ``histories`` their history tables."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in HISTORY_APPS
        and model._meta.managed
        and not model._meta.proxy
        and (histories or not model.__name__.startswith("Historical"))
    }
    return sorted(tables)


def holds_data() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM actors_actor) OR EXISTS (SELECT 1 FROM events_event)"
            " OR EXISTS (SELECT 1 FROM events_source) OR EXISTS (SELECT 1 FROM events_conflict)"
        )
        return cursor.fetchone()[0]


def secondary_indexes(cursor) -> list[tuple[str, str]]:
    """(name, definition) of the curated tables' indexes that back no constraint and have
    no condition."""
    cursor.execute(
        """
        SELECT ic.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_class t ON t.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
        WHERE t.relname = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
          -- A partial index's condition reads back rewritten (ANY of an array of casts): it
          -- stays, so that the schema stays exactly as the migrations made it.
          AND i.indpred IS NULL
        ORDER BY t.relname, ic.relname
        """,
        [list(COLUMNS)],
    )
    return cursor.fetchall()


def index_definitions() -> list[str]:
    """Every index of the curated tables, as pg_indexes shows it (to compare before/after)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = ANY(%s) ORDER BY indexname",
            [list(COLUMNS)],
        )
        return [r[0] for r in cursor.fetchall()]


@dataclass
class LoadReport:
    rows: dict[str, int]
    events: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


class Progress:
    """Events done / total, events per second and the time left: a bar redrawn in place on
    a terminal, a plain line per chunk elsewhere (a log, CI)."""

    WIDTH = 30

    def __init__(self, out=None):
        self.out = out or sys.stderr
        self.tty = hasattr(self.out, "isatty") and self.out.isatty()
        self.started = time.perf_counter()

    def step(self, text: str) -> None:
        """A line naming the step that follows the events (index builds, VACUUM)."""
        self.out.write(f"{text}\n")
        self.out.flush()

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.perf_counter() - self.started
        rate = done / elapsed if elapsed else 0.0
        left = (total - done) / rate if rate else 0.0
        figures = f"{done:,}/{total:,} events  {rate:,.0f} events/s  ETA {left:,.0f} s"
        if self.tty:
            filled = self.WIDTH * done // max(total, 1)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.out.write(f"\r[{bar}] {figures}" + ("\n" if done >= total else ""))
        else:
            self.out.write(f"  {figures}\n")
        self.out.flush()


def load(
    events: int,
    seed: int = 1,
    conflicts: int = 50,
    actors: int = 5000,
    replace: bool = False,
    progress=None,
) -> LoadReport:
    """Fill the curated tables (emptied first when ``replace``) with generated data."""
    started = time.perf_counter()
    phases: dict[str, float] = {}
    outer_transaction = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            settings = dict(LOAD_SETTINGS)
            if not cursor.fetchone()[0]:
                del settings["session_replication_role"]  # a superuser's only
            previous = set_local(cursor, settings)
            # Emptied (already empty without --replace) in this transaction, so that COPY
            # may freeze the rows.
            tables = tables_to_empty(histories=replace)
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
            indexes = secondary_indexes(cursor)
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        # Within a caller's transaction (a test's) PostgreSQL may refuse FREEZE.
        writer = Writer(connection.connection, freeze=not outer_transaction)
        generator = Generator(events, seed, conflicts, actors, put=writer.put, progress=progress)
        try:
            rows = generator.run()
        finally:
            writer.close()
        phases["generate and copy"] = time.perf_counter() - started
        with connection.cursor() as cursor:
            mark = time.perf_counter()
            if progress is not None:
                progress.step(f"Building {len(indexes)} indexes…")
            for _, definition in indexes:
                cursor.execute(definition)
            phases["indexes"] = time.perf_counter() - mark
            for table, columns in COLUMNS.items():
                if not columns.startswith("id "):
                    continue  # a kind's table: its key is the event's
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                if sequence:
                    cursor.execute(
                        f"SELECT setval(%s, COALESCE(MAX(id), 0) + 1, false) FROM {table}",
                        [sequence],
                    )
            # Within a caller's transaction (a test's) the settings would outlast the load.
            set_local(cursor, previous)
        # COPY sends no signals: the API's cached reads and aggregates go stale here.
        data_changed()
    mark = time.perf_counter()
    if progress is not None:
        progress.step("VACUUM ANALYZE…" if not outer_transaction else "ANALYZE…")
    with connection.cursor() as cursor:
        # VACUUM cannot run inside a transaction (a test's): there ANALYZE alone.
        command = "ANALYZE" if outer_transaction else "VACUUM ANALYZE"
        cursor.execute(f"{command} {', '.join(COLUMNS)}")
    phases[command] = time.perf_counter() - mark
    return LoadReport(rows, events, time.perf_counter() - started, phases)
