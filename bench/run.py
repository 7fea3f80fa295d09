"""``make bench``: the API over HTTP against a SQL floor and a Datasette peer.

1. The database BENCH_DB is created, migrated and filled with EVENTS events by
   ``manage.py generate_data`` when it holds none (reused otherwise).
2. gunicorn serves the app on a free port with production settings (DEBUG off; WORKERS
   processes of THREADS threads, gthread).
3. The published data is copied into a SQLite file (bench/to_sqlite.py) and served by
   Datasette (immutable, its SQL time limit raised to 60 s).
4. Each analyst's question (bench/questions.py) is asked of the API, of the floor (one
   hand-written PostgreSQL statement returning the same page as JSON, its count included,
   through psycopg) and of
   Datasette (one ``?sql=`` query on its JSON or CSV API), by 1 and by 16 concurrent clients
   (threads, each with its own connection), after a warm-up; p50, p95 and requests/s of each.
5. The three answers must hold the same ids in the same order (aggregates: the same cells),
   and the API's and the floor's pages the same count; otherwise MISMATCH is printed and the
   run exits non-zero.
6. In-process (Django's test client): the queries of each API request at page sizes 50 and
   1000, and EXPLAIN of each; the plan of any query with a Seq Scan on events_event is printed.
7. docs/benchmarks.md is written: machine, data sizes, date, commit, the tables, how to rerun.

Run from the repository root: ``make bench`` (see the Makefile for its variables), or
``.venv/bin/python -m bench.run --help``.
"""

import argparse
import csv
import datetime
import io
import json
import os
import platform
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from bench import desk, to_sqlite
from bench.questions import (
    COUNT_LIMIT,
    Parameters,
    Question,
    export_question,
    pick_parameters,
    questions,
)
from bench.stats import first_difference, format_ms, format_ratio, percentile, ratio

ROOT = Path(__file__).resolve().parent.parent

PYTHON = sys.executable
BIN = Path(PYTHON).parent
CONCURRENCY = (1, 16)
SLOW_SECONDS = 2.0  # an API warm-up longer than this makes a question slow
SLOW_REPEAT = 3
ADMIN_USER = "bench-admin"


def log(line: str = "") -> None:
    print(line, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- the database


def ensure_data(server: str, name: str, events: int) -> None:
    """The database exists, is migrated, and holds events (generated when it has none)."""
    url = f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            log(f"Creating the database {name}.")
            connection.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    with psycopg.connect(url) as connection:
        held = connection.execute("SELECT count(*) FROM events_event").fetchone()[0]
    if held:
        log(f"{name} holds {held:,} events: reused (EVENTS={events:,} applies to an empty one).")
        return
    log(f"{name} is empty: manage.py generate_data --events {events}")
    subprocess.run(
        [PYTHON, "manage.py", "generate_data", "--events", str(events)],
        cwd=ROOT,
        env=env,
        check=True,
    )


def table_sizes(url: str) -> dict[str, int]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            """SELECT relname, n_live_tup FROM pg_stat_user_tables
               WHERE relname IN ('events_event', 'events_participant', 'events_citation',
                                 'events_source', 'actors_actor', 'events_conflict')"""
        ).fetchall()
        published = connection.execute(
            "SELECT count(*) FROM events_event WHERE editorial_status = 'published'"
        ).fetchone()[0]
        exact = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table, _ in rows
        }
    return {**exact, "published events": published}


# ---------------------------------------------------------------- the servers


class Process:
    """A server started for the run and stopped at its end."""

    def __init__(self, name: str, command: list[str], env: dict, port: int, probe: str):
        self.name = name
        self.port = port
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self._stderr: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{name} stopped: {''.join(self._stderr)[-2000:]}")
            try:
                requests.get(self.url(probe), timeout=60).raise_for_status()
                return
            except requests.RequestException:
                time.sleep(0.5)
        self.stop()
        raise SystemExit(f"{name} did not start: {''.join(self._stderr)[-2000:]}")

    def _drain(self) -> None:
        for line in self.process.stderr:
            self._stderr.append(line.decode(errors="replace"))
            del self._stderr[:-50]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stderr_tail(self) -> list[str]:
        return list(self._stderr)

    def workers(self) -> list[int]:
        found = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            found.extend(int(pid) for pid in (task / "children").read_text().split())
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


# The caller's settings that would point the app elsewhere than ``url`` (a test run's
# replicas read another database).
NOT_INHERITED = ("DATABASE_REPLICA_URLS",)


def app_env(url: str) -> dict:
    inherited = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    return {
        **inherited,
        "DATABASE_URL": url,
        "DEBUG": "False",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "API_READ_REQUIRES_TOKEN": "False",
        # Thousands of requests from one client: no rate limit.
        "API_THROTTLE_ANON": "off",
        "API_THROTTLE_USER": "off",
        # The floor counts a page's rows up to the same limit (bench/questions.py).
        "API_EXACT_COUNT_LIMIT": str(COUNT_LIMIT),
        "LOG_LEVEL": "WARNING",
        # Plain HTTP on the loopback: no redirect to https://, no HSTS, and the admin's cookies
        # are sent without TLS.
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        # The admin's pages need the collected static files' manifest (DEBUG off).
        "STATIC_ROOT": str(ROOT / ".bench" / "static"),
    }


def start_gunicorn(url: str, workers: int, threads: int) -> Process:
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=app_env(url),
        check=True,
    )
    port = free_port()
    return Process(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "tracker.wsgi:application",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--timeout",
            "300",
            # Clients keep their connections between requests (gunicorn's default is 2 s).
            "--keep-alive",
            "75",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        app_env(url),
        port,
        "/api/v1/events/?page_size=1",
    )


def start_datasette(path: str) -> Process:
    port = free_port()
    return Process(
        "datasette",
        [
            str(BIN / "datasette"),
            "serve",
            "--immutable",
            path,
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "60000",
            "--setting",
            "max_returned_rows",
            "1000",
            "--setting",
            "max_csv_mb",
            "0",
            "--setting",
            "num_sql_threads",
            "4",
        ],
        os.environ.copy(),
        port,
        "/-/versions.json",
    )


def peer_url(database: str, question: Question, stream: bool = False) -> str:
    if question.peer_table:
        # A table's rows, filtered by its columns (Datasette streams tables, not SQL results).
        params = {**question.peer_params, "_stream": "on" if stream else "off"}
        return f"/{database}/{question.peer_table}.{question.peer_format}?{urlencode(params)}"
    params = {"sql": question.peer_sql, **question.peer_params}
    if question.peer_format == "json":
        params["_shape"] = "array"
    if stream:
        params["_stream"] = "on"
    return f"/{database}.{question.peer_format}?{urlencode(params)}"


# ---------------------------------------------------------------- the clients


# Other work on the machine stretches every figure: the report says how busy it was.
LOAD_AT_START = os.getloadavg()


class Clients:
    """One HTTP session and one PostgreSQL connection per thread (keep-alive, as a real
    client's)."""

    def __init__(self, database_url: str, cookies: dict):
        self.database_url = database_url
        self.cookies = cookies
        self.local = threading.local()
        self.connections: list = []
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max(CONCURRENCY))

    def session(self, signed_in: bool) -> requests.Session:
        """The thread's session: anonymous (an analyst) or signed in (an editor)."""
        name = "editor" if signed_in else "analyst"
        if not hasattr(self.local, name):
            session = requests.Session()
            # A server may close a keep-alive connection left idle between questions (uvicorn
            # after 5 s): a GET that meets a closed connection is sent again on a new one.
            retry = Retry(total=2, connect=2, read=2, status=0, allowed_methods=["GET"])
            session.mount("http://", HTTPAdapter(max_retries=retry))
            if signed_in:
                session.cookies.update(self.cookies)
            setattr(self.local, name, session)
        return getattr(self.local, name)

    def cursor(self):
        if not hasattr(self.local, "connection"):
            self.local.connection = psycopg.connect(self.database_url, autocommit=True)
            with self.lock:
                self.connections.append(self.local.connection)
        return self.local.connection.cursor()

    def get(self, url: str, signed_in: bool = False) -> bytes:
        reply = self.session(signed_in).get(url, timeout=600)
        if reply.status_code != 200:
            raise SystemExit(f"{url[:300]} answered {reply.status_code}: {reply.text[:500]}")
        return reply.content

    def sql(self, statement: str, params: dict) -> str:
        with self.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchone()[0]

    def close(self) -> None:
        # Requests still running (an interrupted run) end with the servers, not waited for.
        self.pool.shutdown(wait=False, cancel_futures=True)
        for connection in self.connections:
            connection.close()


@dataclass
class Timing:
    p50: float
    p95: float
    per_second: float


def timed(pool: ThreadPoolExecutor, call, requests_: int, clients: int) -> Timing:
    """``requests_`` calls shared by ``clients`` threads: each call's latency (ms), and the
    requests served per second of the whole."""
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    counter = iter(range(requests_))

    def work() -> None:
        while not errors:
            with lock:
                if next(counter, None) is None:
                    return
            started = time.perf_counter()
            try:
                call()
            except BaseException as error:  # SystemExit too: reported by the caller
                errors.append(error)
                return
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    # The pool's threads outlive a question: their sessions and connections are reused.
    for future in [pool.submit(work) for _ in range(clients)]:
        future.result()
    wall = time.perf_counter() - started
    if errors:
        raise SystemExit(f"A request failed: {errors[0]}")
    return Timing(percentile(latencies, 0.5), percentile(latencies, 0.95), requests_ / wall)


# ---------------------------------------------------------------- the answers


def api_answer(question: Question, body: bytes) -> list:
    if question.answer == "csv":
        return [int(row["id"]) for row in csv.DictReader(io.StringIO(body.decode()))]
    data = json.loads(body)
    if question.answer == "page":
        return [row["id"] for row in data["results"]]
    if question.answer == "counts":
        return [(c["month"], c["kind"], c["count"]) for c in data["counts"]]
    if question.answer == "matrix":
        return [(c["accuser"], c["accused"], c["count"]) for c in data["matrix"]]
    return []


def page_count(body) -> object:
    """A JSON page's count (null above the exact count limit); None for anything else."""
    data = json.loads(body)
    return data.get("count") if isinstance(data, dict) else None


def floor_answer(question: Question, text: str) -> list:
    rows = json.loads(text)
    if isinstance(rows, dict):  # a counted page
        rows = rows["results"]
    if question.answer in ("page", "csv"):
        return [row["id"] for row in rows]
    if question.answer == "counts":
        return [(c["month"], c["kind"], c["count"]) for c in rows]
    return [(c["accuser"], c["accused"], c["count"]) for c in rows]


def peer_answer(question: Question, body: bytes) -> list:
    if question.peer_format == "csv":
        return [int(row["id"]) for row in csv.DictReader(io.StringIO(body.decode()))]
    rows = json.loads(body)
    if question.answer == "page":
        return [row["id"] for row in rows]
    if question.answer == "counts":
        return [(c["month"], c["kind"], c["count"]) for c in rows]
    return [(c["accuser"], c["accused"], c["count"]) for c in rows]


@dataclass
class Result:
    question: Question
    rows: int
    timings: dict[str, dict[int, Timing]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)
    slow: bool = False  # asked fewer times (SLOW_REPEAT)


def ask(question, app, peer, database, clients, repeat, concurrent_requests, base) -> Result:
    api_url = app.url(question.path)
    floor_params = {**question.floor_params, "base": base}
    calls = {"API": lambda: clients.get(api_url)}
    # Warm-up, and the answers compared.
    started = time.perf_counter()
    body = clients.get(api_url)
    answer = api_answer(question, body)
    warm_up = time.perf_counter() - started
    result = Result(question, len(answer))
    if question.floor_sql:
        calls["floor"] = lambda: clients.sql(question.floor_sql, floor_params)
        text = clients.sql(question.floor_sql, floor_params)
        floor = floor_answer(question, text)
        if difference := first_difference(answer, floor):
            result.mismatches.append(f"API vs floor {difference}")
        if question.answer == "page" and page_count(body) != page_count(text):
            result.mismatches.append(
                f"API vs floor: count {page_count(body)} and {page_count(text)}"
            )
    if question.peer_sql:
        url = peer.url(peer_url(database, question))
        calls["Datasette"] = lambda: clients.get(url)
        other = peer_answer(question, clients.get(url))
        if difference := first_difference(answer, other):
            result.mismatches.append(f"API vs Datasette {difference}")
    if warm_up > SLOW_SECONDS:
        # A question that takes the API seconds is asked fewer times, by every system alike,
        # so that the run stays within minutes: SLOW_REPEAT times by one client, once by each
        # of the concurrent clients.
        repeat = min(repeat, SLOW_REPEAT)
        concurrent_requests = min(concurrent_requests, max(CONCURRENCY))
        result.slow = True
    for name, call in calls.items():
        result.timings[name] = {
            1: timed(clients.pool, call, repeat, 1),
            16: timed(clients.pool, call, concurrent_requests, 16),
        }
    return result


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Export:
    name: str
    rows: int
    seconds: float
    megabytes: float
    memory: str = ""

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def stream(url: str, session: requests.Session) -> tuple[int, int]:
    """The rows (CSV records, whatever line breaks their cells hold) and bytes of a streamed
    CSV download."""
    size = 0

    def lines():
        nonlocal size
        for line in reply.iter_lines(1 << 16):
            size += len(line) + 1
            yield line.decode()

    with session.get(url, stream=True, timeout=1800) as reply:
        if reply.status_code != 200:
            raise SystemExit(f"{url[:300]} answered {reply.status_code}: {reply.text[:500]}")
        rows = sum(1 for _ in csv.reader(lines()))
    return rows - 1, size  # the header


def exports(question: Question, app, peer, database, database_url, base) -> list[Export]:
    """The whole export, once each: the API's streamed CSV (with its workers' memory), the
    floor's rows through a server-side cursor, Datasette's streamed CSV of the same SQL."""
    results = []
    workers = app.workers()
    start = {pid: rss_kib(pid) for pid in workers}
    peak = dict(start)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in workers:
                peak[pid] = max(peak[pid], rss_kib(pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    rows, size = stream(app.url(question.path), requests.Session())
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    growth = max(peak[pid] - start[pid] for pid in workers) / 1024
    memory = (
        f"worker RSS {max(start.values()) / 1024:.0f} MiB at the start, "
        f"+{growth:.1f} MiB at the peak"
    )
    results.append(Export("API", rows, seconds, size / 1e6, memory))

    started = time.perf_counter()
    rows = size = 0
    with psycopg.connect(database_url) as connection:
        with connection.cursor(name="export") as cursor:
            cursor.itersize = 2000
            cursor.execute(question.floor_sql, {**question.floor_params, "base": base})
            for (row,) in cursor:
                rows += 1
                size += len(row) + 1
    results.append(Export("floor", rows, time.perf_counter() - started, size / 1e6))

    started = time.perf_counter()
    rows, size = stream(peer.url(peer_url(database, question, stream=True)), requests.Session())
    results.append(Export("Datasette", rows, time.perf_counter() - started, size / 1e6))
    return results


# ---------------------------------------------------------------- in-process: queries, plans


def setup_django(url: str) -> None:
    for name, value in app_env(url).items():
        os.environ[name] = value
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()


def admin_user():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.update_or_create(
        username=ADMIN_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def session_cookie(app: Process) -> dict:
    """Log in to the admin over HTTP, as an editor's browser does."""
    password = secrets.token_urlsafe(16)
    user = admin_user()
    user.set_password(password)
    user.save()
    session = requests.Session()
    login = app.url("/admin/login/")
    session.get(login).raise_for_status()
    reply = session.post(
        login,
        data={
            "username": ADMIN_USER,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": login},
    )
    if "sessionid" not in session.cookies:
        raise SystemExit(f"Could not log in to the admin: {reply.status_code}")
    return session.cookies.get_dict()


@dataclass
class QueryReport:
    name: str
    counts: dict[int, int]
    seq_scans: list[str]


def with_page_size(path: str, size: int) -> str:
    return f"{path}{'&' if '?' in path else '?'}page_size={size}"


def explained(client, path: str, scanned: tuple[str, ...]) -> tuple[int, float, list[str]]:
    """The queries of one in-process request: how many, their time in ms, and the query and
    plan of each that reads one of the ``scanned`` tables with a Seq Scan."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        reply = client.get(path)
        if reply.streaming:
            b"".join(reply.streaming_content)
    if reply.status_code != 200:
        raise SystemExit(f"{path} answered {reply.status_code} in-process.")
    seq_scans = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        if any(f"Seq Scan on {table} " in f"{plan} " for table in scanned):
            seq_scans.append(f"{sql}\n{plan}")
    milliseconds = sum(float(query["time"]) for query in captured.captured_queries) * 1000
    return len(captured.captured_queries), milliseconds, seq_scans


def query_reports(asked: list[Question]) -> list[QueryReport]:
    """The queries of each API request (page sizes 50 and 1000 for lists), and the plan of
    each query that reads events_event with a Seq Scan."""
    from django.test import Client

    anonymous = Client()
    reports = []
    for question in asked:
        sizes = question.page_sizes or (None,)
        counts = {}
        seq_scans = []
        for size in sizes:
            path = question.path if size is None else with_page_size(question.path, size)
            counts[size or 0], _, scans = explained(anonymous, path, ("events_event",))
            # The same query at both page sizes (a count) is listed once.
            seq_scans += [scan for scan in scans if scan not in seq_scans]
        reports.append(QueryReport(question.name, counts, seq_scans))
    return reports


# ---------------------------------------------------------------- the editor's desk


@dataclass
class DeskResult:
    page: desk.DeskPage
    came_back: str
    timing: Timing
    slow: bool = False  # asked SLOW_REPEAT times
    queries: int = 0
    sql_ms: float = 0.0
    seq_scans: list[str] = field(default_factory=list)


def large_tables(url: str, rows: int = desk.LARGE_ROWS) -> tuple[str, ...]:
    """The tables of the public schema the planner estimates at ``rows`` rows or more."""
    with psycopg.connect(url) as connection:
        found = connection.execute(
            """SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= %s
               AND relnamespace = 'public'::regnamespace ORDER BY relname""",
            [rows],
        ).fetchall()
    return tuple(name for (name,) in found)


def time_desk(pages: list[desk.DeskPage], app, clients, repeat: int) -> list[DeskResult]:
    """Each page asked over HTTP by one signed-in editor: a warm-up, then ``repeat`` times
    (SLOW_REPEAT when the warm-up took more than SLOW_SECONDS)."""
    results = []
    for page in pages:
        url = app.url(page.path)
        started = time.perf_counter()
        body = clients.get(url, signed_in=True)
        slow = time.perf_counter() - started > SLOW_SECONDS
        timing = timed(
            clients.pool,
            lambda url=url: clients.get(url, signed_in=True),
            SLOW_REPEAT if slow else repeat,
            1,
        )
        result = DeskResult(page, desk.what_came_back(page, body), timing, slow)
        log(
            f"{page.name[:60]:<60} {result.came_back:>14}  p50 {format_ms(timing.p50):>6} ms"
            f"  p95 {format_ms(timing.p95):>6} ms"
        )
        results.append(result)
    return results


def desk_queries(results: list[DeskResult], scanned: tuple[str, ...]) -> None:
    """The queries of each desk page in-process, signed in: count, time, sequential scans."""
    from django.test import Client

    client = Client()
    client.force_login(admin_user())
    for result in results:
        result.queries, result.sql_ms, result.seq_scans = explained(
            client, result.page.path, scanned
        )


def under_a_limit(scan: str) -> bool:
    """Whether the sequential scan of ``scan`` (a query and its plan) runs under a Limit: it
    stops once the limit's rows are found, as the planner chooses when it expects many rows
    to match."""
    plan = scan.split("\n", 1)[1]
    return "Limit" in plan and plan.index("Limit") < plan.index("Seq Scan")


def scans_cell(scans: list[str]) -> str:
    limited = sum(under_a_limit(scan) for scan in scans)
    return f"{len(scans)} ({limited} under a LIMIT)" if limited else str(len(scans))


def desk_table(results: list[DeskResult]) -> list[str]:
    lines = [
        "| page | came back | p50 / p95 ms | queries | SQL ms | Seq Scans | "
        f"p50 under {desk.GOAL_MS} ms |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        within = (
            "yes"
            if r.timing.p50 < desk.GOAL_MS
            else f"**no** (+{r.timing.p50 - desk.GOAL_MS:.0f} ms)"
        )
        lines.append(
            f"| {r.page.name}{'*' if r.slow else ''} | {r.came_back} "
            f"| {format_ms(r.timing.p50)} / {format_ms(r.timing.p95)} | {r.queries} "
            f"| {format_ms(r.sql_ms)} | {scans_cell(r.seq_scans)} | {within} |"
        )
    return lines


def desk_section(results: list[DeskResult], scanned: tuple[str, ...], repeat: int) -> list[str]:
    if not results:
        return []
    over = [r for r in results if r.timing.p50 >= desk.GOAL_MS]
    out = [
        "## The editor's desk",
        "",
        "Every changelist of the curated apps without and with a search, every picker of",
        "their forms and inlines with no term and with one, each kind's add form, and the",
        f"change form of a draft proposal with {sum(desk.FORM_ROWS.values())} inline rows "
        "(bench/desk.py), asked",
        f"over HTTP by one signed-in editor in turn: p50 / p95 of {repeat} requests after a",
        f"warm-up ({SLOW_REPEAT}, marked *, when the warm-up took more than "
        f"{SLOW_SECONDS:.0f} s). *Came back*: a",
        "list's rows on its page (of the rows matched, for a search), a picker's options",
        "(+ when more follow), a change form's inline rows. *Queries* and *SQL ms*: the",
        "request in-process (Django's test client), and the database's time in them;",
        "*Seq Scans*: plans with a sequential scan of a table of",
        f"{desk.LARGE_ROWS:,} rows or more ({', '.join(scanned) or 'none'}); one under a",
        "LIMIT reads the table only until the limit's rows are found: the planner picks it",
        "over the index when its statistics say many rows match (a bounded count of a",
        "common word), and the index when few do.",
        "",
        f"{len(results) - len(over)} of {len(results)} pages under {desk.GOAL_MS} ms at p50"
        + (f"; over it: {', '.join(r.page.name for r in over)}." if over else "."),
        "",
        *desk_table(results),
        "",
    ]
    scans = [(r.page.name, plan) for r in results for plan in r.seq_scans]
    if scans:
        out += ["### Desk plans with a Seq Scan", ""]
        for name, plan in scans:
            out += [f"{name}:", "", "```", plan, "```", ""]
    return out


# ---------------------------------------------------------------- the report


def machine() -> str:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({model}), {memory}"


def versions(url: str) -> str:
    with psycopg.connect(url) as connection:
        pg = connection.execute("SHOW server_version").fetchone()[0]
    datasette = subprocess.run(
        [str(BIN / "datasette"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    return (
        f"PostgreSQL {pg}, Python {platform.python_version()}, {datasette}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head}{' (with uncommitted changes)' if dirty else ''}"


SYSTEMS = ("API", "floor", "Datasette")


def timing_cell(timing: Timing | None) -> str:
    return "—" if timing is None else f"{format_ms(timing.p50)} / {format_ms(timing.p95)}"


def table(results: list[Result], clients: int) -> list[str]:
    """The Markdown table of every question's timings with ``clients`` concurrent clients."""
    lines = [
        "| question | rows | API p50 / p95 ms | floor p50 / p95 | Datasette p50 / p95 "
        "| API/floor | API/Datasette | req/s: API / floor / Datasette | answers |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        t = {name: r.timings[name][clients] if name in r.timings else None for name in SYSTEMS}
        p50 = {name: timing.p50 if timing else None for name, timing in t.items()}
        rates = " / ".join("—" if x is None else f"{x.per_second:.1f}" for x in t.values())
        compared = "MISMATCH" if r.mismatches else ("same" if len(r.timings) > 1 else "—")
        slow = "*" if r.slow else ""
        lines.append(
            f"| {r.question.name}{slow} | {r.rows} | {timing_cell(t['API'])} "
            f"| {timing_cell(t['floor'])} | {timing_cell(t['Datasette'])} "
            f"| {format_ratio(ratio(p50['API'], p50['floor']))} "
            f"| {format_ratio(ratio(p50['API'], p50['Datasette']))} | {rates} | {compared} |"
        )
    return lines


def report(
    options,
    params: Parameters,
    sizes,
    sqlite_rows,
    results,
    export_results,
    query_results,
    desk_results: list[DeskResult],
    scanned: tuple[str, ...],
    started: datetime.datetime,
    seconds: float,
) -> str:
    out = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); rerun it to replace this page. The API is",
        "asked over HTTP; the *floor* is one hand-written PostgreSQL statement per question",
        "returning the same page as JSON built in the database (role lists and citations",
        "included; a JSON page's `count` too, exact up to the API's limit of",
        f"{COUNT_LIMIT:,} rows as the API gives it), through psycopg; the *peer* is Datasette",
        "serving a SQLite copy of the published data (bench/to_sqlite.py, with indexes for",
        "these questions), asked one `?sql=` query per question on its JSON (or CSV) API,",
        "which gives the rows without a count.",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; run took {seconds / 60:.1f} min",
        f"- Commit: {commit()}",
        f"- Machine: {machine()}; load average {LOAD_AT_START[0]:.1f} (1 min) when the run began",
        f"- Software: {versions(options.database_url)}",
        f"- gunicorn: {options.workers} workers × {options.threads} threads (gthread), "
        "DEBUG off, CONN_MAX_AGE 60; Datasette: --immutable, 4 SQL threads",
        f"- Data ({options.database}): "
        + ", ".join(f"{name} {count:,}" for name, count in sizes.items()),
        f"- SQLite copy: {sqlite_rows.get('events_event', 0):,} events, "
        f"{sqlite_rows.get('events_participant', 0):,} participants, "
        f"{sqlite_rows.get('events_citation', 0):,} citations",
        f"- Parameters picked from the data: conflict `{params.conflict}`, actor "
        f"`{params.actor}`, dates {params.after}–{params.before}, organization "
        f"`{params.organization}`, proposer `{params.proposer}`, day {params.day}, "
        f"word `{params.word}`",
        f"- Requests: {options.repeat} per question and system by 1 client, "
        f"{options.concurrent_requests} by 16 clients (threads), after a warm-up; a question "
        f"whose warm-up took the API more than {SLOW_SECONDS:.0f} s: {SLOW_REPEAT} and 16 "
        "(marked *)",
        "",
        "## One client",
        "",
        "Latency in ms (p50 / p95) of one client asking in turn, the ratios of the p50s,",
        "requests served per second, and whether the three answers held the same ids in the",
        "same order (the aggregates: the same cells).",
        "",
        *table(results, 1),
        "",
        "## Sixteen concurrent clients",
        "",
        *table(results, 16),
        "",
        "## Streamed export",
        "",
        "| system | rows | MB | seconds | rows/s | memory |",
        "|---|---:|---:|---:|---:|---|",
        *[
            f"| {e.name} | {e.rows:,} | {e.megabytes:.1f} | {e.seconds:.1f} "
            f"| {e.per_second:,.0f} | {e.memory} |"
            for e in export_results
        ],
        "",
        "The API streams `events/export.csv` (CSV, every column, role lists and citations);",
        "the floor reads the same rows as JSON (with role lists and citations) through a",
        "server-side cursor; Datasette streams the CSV of the conflict's rows of its",
        "events_event table (`_stream=on`, the event's own columns only: the CSV of a SQL",
        "query stops at `max_returned_rows`, it does not stream). The memory is the API",
        "workers' resident set, sampled every 0.2 s, after the questions above ran.",
        *[
            f"{e.name} sent {e.rows:,} rows where the floor has {export_results[1].rows:,}"
            + (
                " (Datasette pages a stream by its sort column and the row id: rows sharing "
                "a date at a page's edge can be sent twice or skipped)."
                if e.name == "Datasette"
                else "."
            )
            for e in export_results
            if len(export_results) == 3 and e.rows != export_results[1].rows
        ],
        "",
        "## Queries per API request",
        "",
        "| question | page of 50 | page of 1000 | plans with a Seq Scan on events_event |",
        "|---|---:|---:|---:|",
        *[
            f"| {q.name} | {q.counts.get(50, q.counts.get(0, '—'))} | {q.counts.get(1000, '—')} "
            f"| {len(q.seq_scans)} |"
            for q in query_results
        ],
        "",
    ]
    scans = [(q.name, plan) for q in query_results for plan in q.seq_scans]
    if scans:
        out += ["### Plans with a Seq Scan on events_event", ""]
        for name, plan in scans:
            out += [f"{name}:", "", "```", plan, "```", ""]
    out += desk_section(desk_results, scanned, options.repeat)
    mismatched = [r for r in results if r.mismatches]
    if mismatched:
        out += ["## MISMATCH", ""]
        out += [f"- {r.question.name}: {'; '.join(r.mismatches)}" for r in mismatched]
        out += [""]
    out += [
        "## Rerun",
        "",
        "```",
        "make bench                                  # EVENTS=1000000 BENCH_DB=tracker_bench",
        "make bench EVENTS=50000 BENCH_DB=tracker_bench_small REPEAT=5",
        "```",
        "",
        "`make bench` installs requirements-bench.txt (Datasette), fills `BENCH_DB` with",
        "`manage.py generate_data` when it is empty, and rewrites this page. The numbers move",
        "with whatever else the machine runs; compare runs made on the same machine.",
        "",
    ]
    return "\n".join(out)


def chosen(items: list, options) -> list:
    """The questions or desk pages ``--only`` and ``--skip`` leave (by a part of the name)."""
    if options.only:
        items = [item for item in items if options.only in item.name]
    return [item for item in items if not any(part in item.name for part in options.skip)]


def desk_pages_of(params: Parameters) -> list[desk.DeskPage]:
    """The desk's pages, their terms picked from the data (in-process, signed in)."""
    from django.db import connection

    with connection.cursor() as cursor:
        terms = desk.pick_terms(cursor, params.actor, params.conflict)
    log(f"Desk terms: {terms}")
    return desk.desk_pages(terms, params.conflict, admin_user())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="tracker_bench")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=10, help="Requests by one client.")
    parser.add_argument(
        "--concurrent-requests", type=int, default=32, help="Requests by 16 clients."
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--sqlite", help="The SQLite copy (default: .bench/<database>.db).")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--only", help="Ask only the questions and desk pages whose name contains this."
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        help="Leave out the questions and desk pages whose name contains this (repeatable), "
        "e.g. 'picker'.",
    )
    parser.add_argument("--no-export", action="store_true", help="Skip the streamed export.")
    parser.add_argument(
        "--no-desk", action="store_true", help="Skip the admin's pages (bench/desk.py)."
    )
    options = parser.parse_args()
    if "bench" not in options.database:
        raise SystemExit("BENCH_DB must contain 'bench': the run may fill it and writes to it.")
    options.database_url = f"{options.server.rstrip('/')}/{options.database}"
    started_at = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()

    ensure_data(options.server.rstrip("/"), options.database, options.events)
    with psycopg.connect(options.database_url, autocommit=True) as connection:
        # VACUUM too: a migration that rewrote many rows (events 0025: the documents of the
        # located events) leaves the visibility map cleared, and index-only scans read the heap.
        connection.execute("VACUUM ANALYZE")
        params = pick_parameters(connection.cursor())
    sizes = table_sizes(options.database_url)
    log("Data: " + ", ".join(f"{name} {count:,}" for name, count in sizes.items()))

    sqlite_path = options.sqlite or str(ROOT / ".bench" / f"{options.database}.db")
    Path(sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    sqlite_rows = to_sqlite.build(options.database_url, sqlite_path, log=log)
    peer_database = Path(sqlite_path).stem

    setup_django(options.database_url)
    asked = chosen(questions(params), options)
    scanned = large_tables(options.database_url)
    app = start_gunicorn(options.database_url, options.workers, options.threads)
    # After start_gunicorn: the admin's pages read the static files it collected.
    pages = [] if options.no_desk else chosen(desk_pages_of(params), options)
    peer = None
    clients = None
    try:
        peer = start_datasette(sqlite_path)
        base = app.url("/api/v1/")
        clients = Clients(options.database_url, session_cookie(app))
        log(
            f"gunicorn on :{app.port} ({options.workers}×{options.threads}), "
            f"Datasette on :{peer.port}"
        )
        results = []
        for question in asked:
            try:
                result = ask(
                    question,
                    app,
                    peer,
                    peer_database,
                    clients,
                    options.repeat,
                    options.concurrent_requests,
                    base,
                )
            except SystemExit:
                log("gunicorn's last lines:\n" + "".join(app.stderr_tail()))
                log("Datasette's last lines:\n" + "".join(peer.stderr_tail()))
                raise
            api = result.timings["API"]
            line = (
                f"{question.name:<28} {result.rows:>5} rows  API p50 {format_ms(api[1].p50):>6} ms"
                f"  16 clients {api[16].per_second:6.1f}/s"
            )
            for other in ("floor", "Datasette"):
                if other in result.timings:
                    line += f"  {other} p50 {format_ms(result.timings[other][1].p50)} ms"
            log(line)
            for mismatch in result.mismatches:
                log(f"  MISMATCH {question.name}: {mismatch}")
            results.append(result)
        desk_results = time_desk(pages, app, clients, options.repeat)
        export_results = []
        if not options.no_export:
            exported = export_question(params)
            export_results = exports(exported, app, peer, peer_database, options.database_url, base)
            for e in export_results:
                log(
                    f"export {e.name:<10} {e.rows:>9,} rows {e.seconds:6.1f} s "
                    f"{e.per_second:>9,.0f} rows/s  {e.memory}"
                )
    finally:
        app.stop()
        if peer:
            peer.stop()
        if clients:
            clients.close()

    log("Queries per API request, and EXPLAIN...")
    query_results = query_reports(asked)
    for q in query_results:
        log(
            f"  {q.name:<28} queries {q.counts}"
            + (f"  Seq Scan on events_event in {len(q.seq_scans)} plan(s)" if q.seq_scans else "")
        )
        for plan in q.seq_scans:
            log(plan)
    log("Queries per desk page, and EXPLAIN...")
    desk_queries(desk_results, scanned)
    for r in desk_results:
        log(f"  {r.page.name[:60]:<60} queries {r.queries:>3}  SQL {format_ms(r.sql_ms):>6} ms")
        for plan in r.seq_scans:
            log(plan)

    text = report(
        options,
        params,
        sizes,
        sqlite_rows,
        results,
        export_results,
        query_results,
        desk_results,
        scanned,
        started_at,
        time.perf_counter() - started,
    )
    Path(options.output).parent.mkdir(parents=True, exist_ok=True)
    Path(options.output).write_text(text)
    log(f"Wrote {options.output} ({(time.perf_counter() - started) / 60:.1f} min).")
    if any(r.mismatches for r in results):
        log("MISMATCH: the API, the floor and Datasette did not return the same rows.")
        sys.exit(1)


if __name__ == "__main__":
    main()
