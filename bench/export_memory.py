"""The memory a whole export costs the server: ``events/export.csv`` of 200,000 events.

Fills a PostgreSQL database (its name must contain "bench") with synthetic events — the
generator of ``manage.py generate_data`` — unless it already holds some, serves the app with
gunicorn (one threaded worker as the Docker image runs it, ``DEBUG=False`` as in production),
streams the export to /dev/null and samples the worker's resident memory (``VmRSS`` in /proc)
every 0.2 s. It prints the rows, bytes and seconds of the export, the worker's CPU seconds (what
the export cost, however busy the machine) and its RSS at the start, at the peak and at the end.

``--compare 50000`` does the same with a second database of 50,000 events (the name with
``_50000`` appended), so that the two peaks can be compared: a streamed export's peak stays
flat, it does not grow with the number of rows. It measures; it asserts nothing.

Run from the repository root:

    .venv/bin/python bench/export_memory.py --database tracker_bench_export --compare 50000

``--keep`` leaves the databases filled (a second run then reuses them); without it they are
dropped at the end.
"""

import argparse
import http.client
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SAMPLE_SECONDS = 0.2
EXPORT_PATH = "/api/v1/events/export.csv"


def database_url(server: str, name: str) -> str:
    return f"{server.rstrip('/')}/{name}"


def run_manage(url: str, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def ensure_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Run in a child process with DATABASE_URL set: fills the database with ``manage.py
# generate_data`` when it holds no events.
FILL = """
from django.core.management import call_command
from events.models import Event
if not Event.objects.exists():
    call_command("generate_data", events={events})
"""


def fill(url: str, events: int) -> int:
    run_manage(url, "migrate", "--no-input", "-v", "0")
    started = time.perf_counter()
    process = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", FILL.format(events=events)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "False", "SECRET_KEY": "bench"},
    )
    if process.returncode != 0:
        raise SystemExit(f"Filling {url} failed.")
    import psycopg

    with psycopg.connect(url) as connection:
        published = connection.execute(
            "SELECT count(*) FROM events_event WHERE editorial_status = 'published'"
        ).fetchone()[0]
    print(f"  ready in {time.perf_counter() - started:.0f} s: {published:,} published events")
    return published


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process: unlike wall-clock time, not stretched by other
    processes sharing the cores."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


class Server:
    """gunicorn with one threaded worker, as the Docker image runs it: the worker's heartbeat
    goes on while a thread streams the export, so the timeout does not cut it short."""

    def __init__(self, url: str, timeout: int):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            # Plain HTTP on the loopback: no redirect to https://.
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "0",
        }
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "tracker.wsgi:application",
                "--workers",
                "1",
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--timeout",
                str(timeout),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=env,
        )
        self.worker = self._wait()

    def _wait(self) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # Warm up: the app imported, a connection open, a page served.
                with urllib.request.urlopen(self.url("/api/v1/events/?page_size=1")) as reply:
                    reply.read()
                workers = children(self.process.pid)
                if len(workers) == 1:
                    return workers[0]
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit("gunicorn did not start.")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def measure(url: str, timeout: int) -> dict:
    server = Server(url, timeout)
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                samples.append(rss_kib(server.worker))
            except FileNotFoundError:  # the worker was killed (its timeout)
                return
            time.sleep(SAMPLE_SECONDS)

    try:
        start = rss_kib(server.worker)
        cpu_start = cpu_seconds(server.worker)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        size = lines = 0
        complete = True
        with (
            urllib.request.urlopen(server.url(EXPORT_PATH)) as reply,
            open(os.devnull, "wb") as sink,
        ):
            try:
                while block := reply.read(1 << 16):
                    size += len(block)
                    lines += block.count(b"\n")
                    sink.write(block)
            except http.client.IncompleteRead:
                complete = False  # the worker died mid-stream: gunicorn's timeout
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        end = rss_kib(server.worker) if complete else samples[-1]
        cpu = cpu_seconds(server.worker) - cpu_start if complete else float("nan")
    finally:
        server.stop()
    return {
        "rows": lines - 1,  # the header; the synthetic texts have no line breaks
        "bytes": size,
        "seconds": seconds,
        "cpu": cpu,
        "start": start,
        "peak": max([start, end, *samples]),
        "end": end,
        "samples": len(samples),
        "complete": complete,
    }


def report(events: int, result: dict) -> None:
    mib = 1024
    print(
        f"{events:>9,} events: {result['rows']:>9,} rows  {result['bytes'] / 1e6:>8.1f} MB  "
        f"{result['seconds']:>6.1f} s (worker CPU {result['cpu']:.1f} s)   "
        f"RSS start {result['start'] / mib:.1f} MiB  peak {result['peak'] / mib:.1f} MiB "
        f"(+{(result['peak'] - result['start']) / mib:.1f})  end {result['end'] / mib:.1f} MiB"
        f"   [{result['samples']} samples]"
        + ("" if result["complete"] else "   INCOMPLETE: the worker was killed (--timeout)"),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="tracker_bench_export", help="PostgreSQL database")
    parser.add_argument(
        "--server",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server URL without a database name",
    )
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument(
        "--compare", type=int, nargs="*", default=[], help="Also measure these sizes."
    )
    parser.add_argument(
        "--timeout", type=int, default=30, help="gunicorn's worker timeout (the image's default)"
    )
    parser.add_argument("--keep", action="store_true", help="Leave the databases filled.")
    options = parser.parse_args()
    if "bench" not in options.database:
        raise SystemExit("The database's name must contain 'bench': it is filled and dropped.")

    sizes = [*options.compare, options.events]
    results = {}
    for events in sizes:
        name = options.database if events == options.events else f"{options.database}_{events}"
        url = database_url(options.server, name)
        print(f"{name}: {events:,} events", flush=True)
        ensure_database(options.server, name)
        try:
            fill(url, events)
            results[events] = measure(url, options.timeout)
            report(events, results[events])
        finally:
            if not options.keep:
                drop_database(options.server, name)
    print()
    for events in sizes:
        report(events, results[events])


if __name__ == "__main__":
    main()
