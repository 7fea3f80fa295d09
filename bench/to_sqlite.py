"""The published data of a PostgreSQL database copied into a SQLite file, for Datasette.

What an anonymous reader of the API sees: published events with their kinds' rows,
participants, citations, locations, and the actors, conflicts, affiliations and sources
(without their text) they refer to. Table and column names are PostgreSQL's, so the
benchmark's questions read alike in both. Indexes are those a competent Datasette user would
add for the questions (each commented), a full-text table over the events' search documents
(FTS5, Porter stemming), then ANALYZE. It prints its progress, table by table.

    .venv/bin/python -m bench.to_sqlite postgres://postgres@127.0.0.1:5432/tracker_bench out.db

The file is rebuilt only when the database changed (its events' count and latest update are
recorded in the file's ``bench_meta`` table); ``--force`` rebuilds it anyway.
"""

import argparse
import os
import sqlite3
import sys
import time

import psycopg

PUBLISHED = "SELECT id FROM events_event WHERE editorial_status = 'published'"

# (table, SELECT in PostgreSQL, primary key) in an order that keeps references resolvable.
TABLES = [
    ("actors_actor", "SELECT id, slug, name, kind, country FROM actors_actor", "id"),
    (
        "actors_affiliation",
        "SELECT id, person_id, organization_id, role, start_date::text, end_date::text "
        "FROM actors_affiliation",
        "id",
    ),
    ("events_conflict", "SELECT id, slug, name, start_date::text FROM events_conflict", "id"),
    (
        "events_source",
        "SELECT id, url, title, outlet_id, published_at::text, language, archive_url "
        "FROM events_source",
        "id",
    ),
    (
        "events_event",
        "SELECT id, kind, conflict_id, date::text, date_precision, end_date::text, "
        "period_end::text, title, summary, editorial_status, created_at::text, "
        "updated_at::text FROM events_event WHERE editorial_status = 'published' ORDER BY id",
        "id",
    ),
    (
        "events_proposal",
        "SELECT event_ptr_id, proposal_kind, scope, arrangement, talks_format, purposes::text, "
        "occasion, proposed_start::text, proposed_end::text, duration_hours, "
        "effective_from::text, ended_on::text, end_reason, outcome, monitoring, "
        "pax_agreement_id, written, text_url, stage, agreed_on::text, ended_by_id, "
        "starts_at::text, ends_at::text, time_zone "
        f"FROM events_proposal WHERE event_ptr_id IN ({PUBLISHED})",
        "event_ptr_id",
    ),
    (
        "events_response",
        "SELECT event_ptr_id, proposal_id, responder_id, stance, conditions "
        f"FROM events_response WHERE event_ptr_id IN ({PUBLISHED})",
        "event_ptr_id",
    ),
    (
        "events_meeting",
        "SELECT event_ptr_id, venue, country, meeting_format, outcome "
        f"FROM events_meeting WHERE event_ptr_id IN ({PUBLISHED})",
        "event_ptr_id",
    ),
    (
        "events_violationaccusation",
        "SELECT event_ptr_id, proposal_id, incident_date::text, location, allegation, "
        f"verification FROM events_violationaccusation WHERE event_ptr_id IN ({PUBLISHED})",
        "event_ptr_id",
    ),
    (
        "events_meeting_produced",
        f"SELECT id, meeting_id, proposal_id FROM events_meeting_produced "
        f"WHERE meeting_id IN ({PUBLISHED})",
        "id",
    ),
    (
        "events_meeting_discussed",
        f"SELECT id, meeting_id, proposal_id FROM events_meeting_discussed "
        f"WHERE meeting_id IN ({PUBLISHED})",
        "id",
    ),
    (
        "events_participant",
        f"SELECT id, event_id, actor_id, role FROM events_participant "
        f"WHERE event_id IN ({PUBLISHED}) ORDER BY id",
        "id",
    ),
    (
        "events_citation",
        f"SELECT id, event_id, source_id, quote, speaker_id, via_id FROM events_citation "
        f"WHERE event_id IN ({PUBLISHED}) ORDER BY id",
        "id",
    ),
    (
        "events_location",
        # Coordinates as REAL: sqlite3 binds no Decimal.
        "SELECT id, event_id, name, country, admin1, geonames_id, latitude::float8, "
        "longitude::float8, precision FROM events_location "
        f"WHERE event_id IN ({PUBLISHED}) ORDER BY id",
        "id",
    ),
]

INDEXES = [
    # The timeline of a conflict, its CSV page and export, and the aggregates by conflict.
    "CREATE INDEX event_conflict_date ON events_event (conflict_id, date DESC, id DESC)",
    # The whole timeline newest first, and its deep pages.
    "CREATE INDEX event_date ON events_event (date DESC, id DESC)",
    # An event's role lists; the actor and role filters.
    "CREATE INDEX participant_event ON events_participant (event_id, role)",
    "CREATE INDEX participant_actor ON events_participant (actor_id, role, event_id)",
    # An event's citations.
    "CREATE INDEX citation_event ON events_citation (event_id)",
    # An event's locations; the events in a country, in a box of coordinates.
    "CREATE INDEX location_event ON events_location (event_id)",
    "CREATE INDEX location_country ON events_location (country, event_id)",
    "CREATE INDEX location_coordinates ON events_location (longitude, latitude)",
    # The actor filter also matches a response's responder.
    "CREATE INDEX response_responder ON events_response (responder_id)",
    # include_affiliates: the people of an organization.
    "CREATE INDEX affiliation_person ON actors_affiliation (person_id, organization_id)",
    # A meeting's proposal on its row.
    "CREATE INDEX produced_meeting ON events_meeting_produced (meeting_id, proposal_id)",
    "CREATE INDEX discussed_meeting ON events_meeting_discussed (meeting_id, proposal_id)",
    # Proposals in effect on a day.
    "CREATE INDEX proposal_effective ON events_proposal (outcome, effective_from)",
]

BATCH = 20_000
# PostgreSQL type oids: int8, int2, int4, bool, float4, float8, numeric.
SQLITE_TYPES = {
    20: "INTEGER",
    21: "INTEGER",
    23: "INTEGER",
    16: "INTEGER",
    700: "REAL",
    701: "REAL",
    1700: "REAL",
}


# Changed whenever the copy's tables, types or indexes change, so that old copies are rebuilt.
LAYOUT = 5


def fingerprint(pg) -> str:
    count, latest = pg.execute(
        "SELECT count(*), max(updated_at)::text FROM events_event "
        "WHERE editorial_status = 'published'"
    ).fetchone()
    return f"{count} published events, latest update {latest}, layout {LAYOUT}"


def up_to_date(path: str, expected: str) -> bool:
    if not os.path.exists(path):
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            row = db.execute("SELECT value FROM bench_meta WHERE key = 'source'").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == expected


def copy_table(pg, db, table: str, select: str, key: str, log) -> int:
    started = time.perf_counter()
    rows = 0
    with pg.cursor(name=f"copy_{table}") as cursor:
        cursor.itersize = BATCH
        cursor.execute(select)
        batch = cursor.fetchmany(BATCH)
        columns = [column.name for column in cursor.description]
        # Declared types give the columns SQLite's affinities: an id compares equal to the
        # text of a URL's parameter, as Datasette passes it.
        definitions = [
            f'"{name}" INTEGER PRIMARY KEY'
            if name == key
            else f'"{name}" {SQLITE_TYPES.get(column.type_code, "TEXT")}'
            for name, column in zip(columns, cursor.description, strict=True)
        ]
        db.execute(f'CREATE TABLE "{table}" ({", ".join(definitions)})')
        insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(columns))})'
        while batch:
            db.executemany(insert, batch)
            rows += len(batch)
            batch = cursor.fetchmany(BATCH)
    log(f"  {table:<28} {rows:>10,} rows  {time.perf_counter() - started:6.1f} s")
    return rows


def build(url: str, path: str, force: bool = False, log=print) -> dict[str, int]:
    """Copy the published data of ``url`` into the SQLite file ``path`` (unless it is up to
    date) and return the rows of each table."""
    with psycopg.connect(url) as pg:
        expected = fingerprint(pg)
        if not force and up_to_date(path, expected):
            log(f"{path} is up to date ({expected}).")
            with sqlite3.connect(path) as db:
                return {
                    table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    for table, _, _ in TABLES
                }
        log(f"Copying the published data into {path} ({expected})...")
        started = time.perf_counter()
        partial = f"{path}.partial"
        if os.path.exists(partial):
            os.remove(partial)
        db = sqlite3.connect(partial)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        counts = {}
        for table, select, key in TABLES:
            counts[table] = copy_table(pg, db, table, select, key, log)

        step = time.perf_counter()
        db.execute(
            "CREATE VIRTUAL TABLE events_event_fts USING fts5("
            "search_document, tokenize = 'porter unicode61')"
        )
        with pg.cursor(name="copy_fts") as cursor:
            cursor.itersize = BATCH
            cursor.execute(
                "SELECT id, COALESCE(search_document, '') FROM events_event "
                "WHERE editorial_status = 'published'"
            )
            while batch := cursor.fetchmany(BATCH):
                db.executemany(
                    "INSERT INTO events_event_fts (rowid, search_document) VALUES (?, ?)", batch
                )
        log(f"  {'events_event_fts':<28} full-text index      {time.perf_counter() - step:6.1f} s")
        step = time.perf_counter()
        for index in INDEXES:
            db.execute(index)
        db.execute("ANALYZE")
        log(f"  {len(INDEXES)} indexes and ANALYZE {time.perf_counter() - step:22.1f} s")
        db.execute("CREATE TABLE bench_meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO bench_meta VALUES ('source', ?)", [expected])
        db.commit()
        db.close()
        os.replace(partial, path)
        size = os.path.getsize(path) / 1e6
        log(f"Wrote {path}: {size:,.0f} MB in {time.perf_counter() - started:.0f} s.")
        return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", help="postgres://... of the database to copy")
    parser.add_argument("path", help="the SQLite file to write")
    parser.add_argument("--force", action="store_true", help="Rebuild even if up to date.")
    options = parser.parse_args()
    build(
        options.database_url, options.path, options.force, log=lambda line: print(line, flush=True)
    )


if __name__ == "__main__":
    sys.exit(main())
