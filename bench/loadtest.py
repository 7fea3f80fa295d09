"""``make load``: analysts and editors at once against gunicorn, with locust (headless).

1. The database LOAD_DB is created, migrated and filled with EVENTS generated events when it
   holds none (``manage.py generate_data``), and the demo data is loaded on top
   (``manage.py load_demo``, which leaves it as it is when already there).
2. An editor with an API token is made (in the Editors group), and the parameters of the
   questions are picked from the data (bench/questions.py's, plus the demo conflict and an
   article the editor's drafts cite).
3. gunicorn serves the app as ``make bench`` starts it (DEBUG off, WORKERS × THREADS).
4. locust runs bench/locustfile.py for DURATION seconds with USERS simulated users (nine
   analysts to one editor), while the database's connections of the app are counted every
   half second.
5. It prints requests/s, p50, p95, p99 and the failures per request and in all, the most
   connections the app held and the bound they should stay within (workers × threads), and
   with ``--write`` replaces the section between the markers of docs/reliability.md. It
   exits non-zero when a request failed or the connections passed their bound.

Run from the repository root: ``make load`` (see the Makefile), or
``.venv/bin/python -m bench.loadtest --help``.
"""

import argparse
import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

from bench.questions import pick_parameters
from bench.run import (
    BIN,
    PYTHON,
    ROOT,
    app_env,
    commit,
    ensure_data,
    log,
    machine,
    setup_django,
    start_gunicorn,
)

DOCS = ROOT / "docs" / "reliability.md"
START, END = "<!-- make load: start -->", "<!-- make load: end -->"
EDITOR = "load-editor"
LOAD = [0.0, 0.0, 0.0]  # the machine's load average when the run began


def parameters(url: str) -> dict:
    """What the simulated users ask about, and the editor's token and article."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from events.models import Citation, Event

    editor, _ = get_user_model().objects.get_or_create(username=EDITOR)
    editor.groups.add(Group.objects.get(name="Editors"))
    token, _ = Token.objects.get_or_create(user=editor)
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        p = pick_parameters(cursor)
    # A published demo citation: its article, and its quote, which occurs in the article.
    cited = (
        Citation.objects.filter(
            event__conflict__slug="russia-ukraine-war",
            event__editorial_status=Event.Status.PUBLISHED,
        )
        .select_related("source")
        .order_by("id")
        .first()
    )
    if cited is None:
        raise SystemExit("The demo data has no published citation (manage.py load_demo).")
    published = Event.objects.filter(editorial_status=Event.Status.PUBLISHED)
    return {
        "conflict": p.conflict,
        "actor": p.actor,
        "after": p.after.isoformat(),
        "before": p.before.isoformat(),
        "proposer": p.proposer,
        "day": p.day.isoformat(),
        "word": p.word,
        "demo_conflict": "russia-ukraine-war",
        "writer_actor": "russia",
        "source": cited.source_id,
        "quote": cited.quote,
        "event_ids": list(published.order_by("?").values_list("id", flat=True)[:200]),
        "token": token.key,
    }


class Connections:
    """The most connections the app held to the database, counted every half second."""

    def __init__(self, url: str, database: str):
        self.most = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._count, args=(url, database), daemon=True)
        self.thread.start()

    def _count(self, url: str, database: str) -> None:
        with psycopg.connect(url, autocommit=True) as connection:
            own = connection.info.backend_pid
            while not self.stopped.wait(0.5):
                (held,) = connection.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> %s"
                    " AND backend_type = 'client backend'",
                    [database, own],
                ).fetchone()
                self.most = max(self.most, held)

    def stop(self) -> int:
        self.stopped.set()
        self.thread.join()
        return self.most


def run_locust(host: str, params: dict, users: int, spawn_rate: int, seconds: int) -> Path:
    """locust headless for ``seconds``; the prefix of its CSV files."""
    prefix = Path(tempfile.mkdtemp(prefix="load-")) / "load"
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "30",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "LOAD_PARAMETERS": json.dumps(params)},
        check=False,  # locust exits 1 when a request failed: reported below
    )
    return prefix


def read_stats(prefix: Path) -> tuple[list[dict], list[dict]]:
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    with open(f"{prefix}_failures.csv", newline="") as failures:
        failed = list(csv.DictReader(failures))
    return rows, failed


def number(text: str) -> float:
    return float(text) if text not in ("", "N/A") else 0.0


def table(rows: list[dict]) -> list[str]:
    out = [
        "| request | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        out.append(
            f"| {name} | {int(number(row['Request Count'])):,} | "
            f"{int(number(row['Failure Count'])):,} | {number(row['Requests/s']):.1f} | "
            f"{number(row['50%']):.0f} | {number(row['95%']):.0f} | {number(row['99%']):.0f} |"
        )
    return out


def section(options, rows, failed, connections: int, bound: int, events: int) -> str:
    total = next(row for row in rows if row["Name"] == "Aggregated")
    lines = [
        START,
        "## Load: analysts and editors at once",
        "",
        "Written by `make load` (bench/loadtest.py, bench/locustfile.py); rerun it to replace",
        "this section. locust runs headless against gunicorn: nine analysts to one editor. An",
        "analyst asks the public API for a conflict's timeline and its next page, filtered",
        "lists, `q`, `in_effect_on`, a CSV page, a record and the aggregates, every 0.5–2 s. An",
        "editor, with a token, creates a draft proposal citing an article, reads it, edits it",
        "with `If-Match` and deletes it, every 1–3 s. A response other than the one expected",
        "is a failure.",
        "",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; commit {commit()}",
        f"- Machine: {machine()}; load average {LOAD[0]:.1f} (1 min) when the run began",
        f"- Data ({options.database}): {events:,} events (generated, plus the demo data)",
        f"- gunicorn: {options.workers} workers × {options.threads} threads (gthread), "
        f"DEBUG off, CONN_MAX_AGE {os.environ.get('CONN_MAX_AGE', '60')}",
        f"- {options.users} users (spawned {options.spawn_rate}/s), {options.duration} s",
        "",
        f"**{int(number(total['Request Count'])):,} requests, "
        f"{int(number(total['Failure Count'])):,} failures, "
        f"{number(total['Requests/s']):.1f} requests/s; p50 {number(total['50%']):.0f} ms, "
        f"p95 {number(total['95%']):.0f} ms, p99 {number(total['99%']):.0f} ms.** The app held "
        f"at most {connections} connections to the database (bound: {bound}, one per gunicorn "
        "thread).",
        "",
        *table(rows),
        "",
    ]
    if failed:
        lines += ["Failures:", ""]
        lines += [
            f"- {row['Method']} {row['Name']}: {row['Occurrences']} × {row['Error'][:200]}"
            for row in failed
        ]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def write_docs(text: str) -> None:
    current = DOCS.read_text() if DOCS.exists() else "# Reliability\n"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        updated = before + text + after
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    DOCS.write_text(updated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="tracker_bench_load")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--write", action="store_true", help="rewrite docs/reliability.md's part")
    options = parser.parse_args()
    url = f"{options.server}/{options.database}"

    LOAD[:] = os.getloadavg()
    ensure_data(options.server, options.database, options.events)
    subprocess.run(
        [PYTHON, "manage.py", "load_demo"],
        cwd=ROOT,
        env={**app_env(url), "LOG_LEVEL": "WARNING"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    setup_django(url)
    params = parameters(url)
    from django.db import connections

    connections.close_all()  # only the app's connections are counted below
    with psycopg.connect(url) as connection:
        (events,) = connection.execute("SELECT count(*) FROM events_event").fetchone()
    log(f"{options.database}: {events:,} events; gunicorn {options.workers}×{options.threads}")
    app = start_gunicorn(url, options.workers, options.threads)
    try:
        counting = Connections(url, options.database)
        started = time.perf_counter()
        log(f"locust: {options.users} users for {options.duration} s")
        prefix = run_locust(
            app.url(""), params, options.users, options.spawn_rate, options.duration
        )
        connections = counting.stop()
        log(f"… done in {time.perf_counter() - started:.0f} s")
    finally:
        app.stop()
    rows, failed = read_stats(prefix)
    bound = options.workers * options.threads
    text = section(options, rows, failed, connections, bound, events)
    print(text)
    if options.write:
        write_docs(text)
        log(f"Wrote {DOCS}")
    total = next(row for row in rows if row["Name"] == "Aggregated")
    if number(total["Failure Count"]) or connections > bound:
        sys.exit(1)


if __name__ == "__main__":
    main()
