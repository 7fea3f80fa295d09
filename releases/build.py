"""Making a release (``manage.py make_release``): the published data frozen into files.

The tables are the public API's own exports (events/api/exports.py), asked for by an anonymous
request and streamed into gzip: one definition of a row, whatever reads it. Every table is read
in one snapshot (PostgreSQL: a REPEATABLE READ transaction), so the files and the counts agree
while editors publish. The files are written into a temporary directory under
``RELEASES_ROOT``, synced and renamed into place, and only then is the row made; on any failure
neither the directory nor the row remains.
"""

import csv
import datetime
import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import resolve, reverse
from django.utils import timezone
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory

from events.codes import MAPPING_VERSION
from lib.dataversion import data_changed

from .citation import citation_cff, citation_text
from .models import Release, parse_version

logger = logging.getLogger(__name__)

CODEBOOK = Path(settings.BASE_DIR) / "docs" / "codebook.md"
MANIFEST = "manifest.json"
EVENTS_JSONL = "events.jsonl.gz"


class ReleaseError(Exception):
    """The release cannot be made; the message says why."""


@dataclass(frozen=True)
class Table:
    """A file of the release: the public export at the URL named ``route``."""

    name: str
    route: str
    # The manifest's count this file's rows give (None: another file gives it).
    count: str | None


TABLES = [
    Table("events.csv.gz", "event-export-csv", "events"),
    Table(EVENTS_JSONL, "event-export-jsonl", None),
    # Each kind's own columns (the timeline shows only what every kind shares).
    Table("proposals.csv.gz", "proposal-export-csv", "proposals"),
    Table("responses.csv.gz", "response-export-csv", "responses"),
    Table("meetings.csv.gz", "meeting-export-csv", "meetings"),
    Table("accusations.csv.gz", "accusation-export-csv", "accusations"),
    Table("participants.csv.gz", "participant-export-csv", "participants"),
    Table("citations.csv.gz", "citation-export-csv", "citations"),
    Table("locations.csv.gz", "location-export-csv", "locations"),
]


@dataclass
class Rows:
    """What a table's rows tell while they stream by: how many, and for the timeline's JSON
    lines, each record's digest and title (the changelog's material)."""

    count: int = 0
    records: dict[int, tuple[str, str]] = field(default_factory=dict)


def public_export(route: str) -> Iterator[bytes]:
    """The body of the public export at ``route``, as an anonymous reader gets it.

    No credentials, so the view's own visibility shows published records only; no permission
    or throttle stands in the way (a release is made on the server, whatever
    API_READ_REQUIRES_TOKEN says). The records' ``url`` cells are built on RELEASE_SITE_URL.
    """
    path = reverse(route)
    match = resolve(path)
    anonymous = {"authentication_classes": [], "permission_classes": [AllowAny]}
    view = match.func.cls.as_view(
        match.func.actions, **{**match.func.initkwargs, **anonymous, "throttle_classes": []}
    )
    request = APIRequestFactory().get(path)
    # Absolute URLs come from the site's public address rather than a request's host header
    # (there is none); set where Django caches it, so ALLOWED_HOSTS is not consulted.
    request._current_scheme_host = settings.RELEASE_SITE_URL
    response = view(request)
    if response.status_code != 200:
        raise ReleaseError(f"The export {path} answered {response.status_code}.")
    # Not response.close(): it signals the end of a request, which closes the database
    # connection, and with it the snapshot.
    return response.streaming_content


def counted_csv(pieces: Iterable[bytes], rows: Rows) -> Iterator[bytes]:
    """Each piece of an export holds whole rows (events/api/exports.py): counted by a CSV
    reader, as a cell may hold a line break. The first row is the header."""
    header = True
    for piece in pieces:
        count = sum(1 for _ in csv.reader(io.StringIO(piece.decode("utf-8"))))
        rows.count += count - header
        header = False
        yield piece


def counted_jsonl(pieces: Iterable[bytes], rows: Rows) -> Iterator[bytes]:
    for piece in pieces:
        for line in piece.splitlines():
            record = json.loads(line)
            rows.count += 1
            rows.records[record["id"]] = (hashlib.sha256(line).hexdigest(), record["title"])
        yield piece


def write_gzip(path: Path, pieces: Iterable[bytes]) -> None:
    """``pieces`` gzipped into ``path`` with no name and mtime 0: the same data, the same
    bytes."""
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed:
            for piece in pieces:
                compressed.write(piece)
        raw.flush()
        os.fsync(raw.fileno())


def write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())


def file_entry(path: Path) -> dict:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return {"name": path.name, "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


@contextmanager
def snapshot():
    """One view of the database for everything read inside: PostgreSQL's REPEATABLE READ
    (its first statement), SQLite's transaction. Inside a transaction already (a test's), that
    one is the snapshot."""
    connection = connections[DEFAULT_DB_ALIAS]
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def check_version(version: str) -> Release | None:
    """The release the new one follows (None for the first); ReleaseError when ``version`` is
    malformed, taken, or not greater than the latest release's."""
    try:
        number = parse_version(version)
    except ValueError as error:
        raise ReleaseError(str(error)) from error
    if Release.objects.filter(version=version).exists():
        raise ReleaseError(f"Release {version} exists already; a release is never remade.")
    latest = Release.objects.latest_made()
    if latest is not None and number <= parse_version(latest.version):
        raise ReleaseError(
            f"The version must be greater than the latest release's, {latest.version}; "
            f"{version} is not."
        )
    return latest


def previous_records(previous: Release) -> dict[int, str]:
    """Each record's digest in ``previous``'s timeline (events.jsonl.gz), after checking the
    file against the release's sha256."""
    path = previous.directory / EVENTS_JSONL
    entry = previous.file(EVENTS_JSONL)
    if not path.is_file() or file_entry(path)["sha256"] != entry["sha256"]:
        raise ReleaseError(
            f"{path} is missing or differs from release {previous.version}'s manifest: the "
            f"changelog cannot be made against it."
        )
    rows = Rows()
    with gzip.open(path, "rb") as file:
        for _ in counted_jsonl(file, rows):
            pass
    return {id: digest for id, (digest, _) in rows.records.items()}


def changelog(version: str, previous: Release | None, records: dict) -> dict:
    """The records added, changed (another JSON line) and retracted (no longer published) since
    ``previous``; for the first release every record is added."""
    before = previous_records(previous) if previous else {}
    return {
        "version": version,
        "previous": previous.version if previous else None,
        "added": sorted(id for id in records if id not in before),
        "changed": sorted(id for id in records if id in before and before[id] != records[id][0]),
        "retracted": sorted(id for id in before if id not in records),
    }


def changelog_markdown(changes: dict, records: dict) -> str:
    since = f" since {changes['previous']}" if changes["previous"] else " (the first release)"
    lines = [f"# Release {changes['version']}{since}", ""]
    for key, heading in (("added", "Added"), ("changed", "Changed"), ("retracted", "Retracted")):
        lines += [f"## {heading} ({len(changes[key])})", ""]
        for id in changes[key]:
            # A retracted record's title is no longer public: its id only.
            title = records[id][1] if id in records else ""
            lines.append(f"- {id}" + (f": {title}" if title else ""))
        lines.append("")
    return "\n".join(lines)


def write_files(directory: Path, version: str, previous: Release | None, log) -> dict:
    """Every file of the release into ``directory``; the manifest (written last)."""
    created_at = timezone.now()
    entries, counts, records = [], {}, {}
    for table in TABLES:
        rows = Rows()
        pieces = public_export(table.route)
        if table.name.endswith(".jsonl.gz"):
            pieces = counted_jsonl(pieces, rows)
        else:
            pieces = counted_csv(pieces, rows)
        path = directory / table.name
        write_gzip(path, pieces)
        if table.count:
            counts[table.count] = rows.count
        if table.name == EVENTS_JSONL:
            records = rows.records
        entries.append({**file_entry(path), "rows": rows.count})
        log(f"{table.name}: {rows.count} rows, {entries[-1]['bytes']} bytes")

    changes = changelog(version, previous, records)
    released = created_at.date()
    texts = {
        "codebook.md": CODEBOOK.read_text(encoding="utf-8"),
        "changelog.json": json.dumps(changes, indent=2) + "\n",
        "CHANGELOG.md": changelog_markdown(changes, records),
        "CITATION.cff": citation_cff(version, released),
    }
    for name, text in texts.items():
        write_text(directory / name, text)
        entries.append(file_entry(directory / name))
        log(f"{name}: {entries[-1]['bytes']} bytes")

    manifest = {
        "version": version,
        "created_at": created_at.isoformat(),
        "previous": previous.version if previous else None,
        "title": settings.RELEASE_TITLE,
        "citation": citation_text(version, released),
        "mapping_version": MAPPING_VERSION,
        "counts": counts,
        "files": entries,
    }
    write_text(directory / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return manifest


def sync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def make_release(version: str, log: Callable[[str], None] | None = None) -> Release:
    """Freeze the published data as release ``version``; ReleaseError (nothing made) when it
    cannot be."""
    log = log or (lambda message: None)
    previous = check_version(version)
    root = Path(settings.RELEASES_ROOT)
    final = root / version
    try:
        root.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=root))
    except OSError as error:
        raise ReleaseError(f"RELEASES_ROOT ({root}) cannot be written: {error}") from error
    placed = False
    try:
        if final.exists():
            raise ReleaseError(f"{final} exists already; a release directory is never rewritten.")
        with snapshot():
            manifest = write_files(building, version, previous, log)
        building.chmod(0o755)
        sync_directory(building)
        try:
            # Renaming onto a directory that appeared meanwhile fails unless it is empty.
            os.rename(building, final)
        except OSError as error:
            raise ReleaseError(
                f"{final} appeared while the release was made (another make_release?); it is "
                f"left as it is: {error}"
            ) from error
        placed = True
        sync_directory(root)
        with transaction.atomic():
            release = Release.objects.create(
                version=version,
                created_at=datetime.datetime.fromisoformat(manifest["created_at"]),
                previous=previous,
                manifest=manifest,
                files=[*manifest["files"], file_entry(final / MANIFEST)],
            )
            # The API's cached answers (lib/httpcache.py) follow the data version.
            data_changed()
    except BaseException:
        shutil.rmtree(final if placed else building, ignore_errors=True)
        raise
    return release
