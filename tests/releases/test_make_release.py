"""``manage.py make_release``: the files are the public exports, nothing unpublished, a
manifest that describes them, a citation, the changelog against the previous release, and
nothing left behind when it fails."""

import csv
import hashlib
import io
import json
import threading

import pytest
import yaml
from django.core.management import CommandError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.codes import MAPPING_VERSION
from events.models import Event
from releases import build
from releases.models import Release
from tests.factories import ProposalFactory
from tests.releases.conftest import HIDDEN, PUBLISHED, exported, make, unzipped

pytestmark = pytest.mark.django_db

TABLE_NAMES = [table.name for table in build.TABLES]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --- the files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("table", build.TABLES, ids=TABLE_NAMES)
def test_each_table_is_the_public_export_byte_for_byte(client, data, table):
    release, _ = make("2026.1")

    assert unzipped(release, table.name) == exported(client, reverse(table.route))
    assert len(unzipped(release, table.name).splitlines()) >= 2  # a header or rows, and rows


def test_the_timeline_holds_every_published_event_and_no_other(data):
    release, _ = make("2026.1")

    lines = [json.loads(line) for line in unzipped(release, "events.jsonl.gz").splitlines()]
    assert sorted(row["id"] for row in lines) == sorted(event.pk for event in data.published)
    assert {row["editorial_status"] for row in lines} == {"published"}


def test_no_file_shows_a_draft_an_event_in_review_or_a_retracted_event(data):
    release, _ = make("2026.1")

    hidden_ids = {event.pk for event in data.unpublished}
    for name in TABLE_NAMES:
        text = unzipped(release, name)
        assert HIDDEN not in text, name
        header, *rows = csv_rows(text) if name.endswith(".csv.gz") else [[], *[]]
        if "event" in header:  # the long tables' event column
            assert not {int(row[header.index("event")]) for row in rows} & hidden_ids, name
    for name in ("changelog.json", "CHANGELOG.md", "manifest.json"):
        assert HIDDEN not in (release.directory / name).read_text()
    changes = json.loads((release.directory / "changelog.json").read_text())
    assert not set(changes["added"]) & hidden_ids


def test_the_codebook_is_a_copy_of_the_docs(data, settings):
    release, _ = make("2026.1")

    codebook = (settings.BASE_DIR / "docs" / "codebook.md").read_text()
    assert (release.directory / "codebook.md").read_text() == codebook


def test_the_manifest_gives_every_file_its_bytes_and_sha256(data):
    release, _ = make("2026.1")

    manifest = json.loads((release.directory / "manifest.json").read_text())
    assert manifest == release.manifest
    on_disk = sorted(path.name for path in release.directory.iterdir())
    assert sorted(entry["name"] for entry in manifest["files"]) == sorted(
        set(on_disk) - {"manifest.json"}
    )
    assert sorted(entry["name"] for entry in release.files) == on_disk
    for entry in release.files:
        content = (release.directory / entry["name"]).read_bytes()
        assert entry["bytes"] == len(content)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()


def test_the_manifest_counts_the_published_records_and_names_the_codes_mapping(data):
    release, _ = make("2026.1")

    manifest = release.manifest
    assert manifest["version"] == "2026.1"
    assert manifest["previous"] is None
    assert manifest["mapping_version"] == MAPPING_VERSION
    assert manifest["created_at"] == release.created_at.isoformat()
    # Published: one of each kind; each with one location and one citation; participants:
    # proposal 2, response 1, meeting 1, accusation 2.
    assert manifest["counts"] == {
        "events": 4,
        "proposals": 1,
        "responses": 1,
        "meetings": 1,
        "accusations": 1,
        "participants": 6,
        "citations": 4,
        "locations": 4,
    }
    # The counts are the files' own rows.
    rows = {entry["name"]: entry.get("rows") for entry in manifest["files"]}
    for name in TABLE_NAMES:
        if name.endswith(".csv.gz"):
            assert len(csv_rows(unzipped(release, name))) - 1 == rows[name], name
    assert rows["events.jsonl.gz"] == 4


def test_the_same_data_gives_the_same_bytes(data):
    first, _ = make("2026.1")
    second, _ = make("2026.2")

    for name in TABLE_NAMES + ["codebook.md"]:
        assert first.file(name)["sha256"] == second.file(name)["sha256"], name
    assert (first.directory / "events.csv.gz").read_bytes()[4:8] == b"\0\0\0\0"  # gzip mtime 0


def test_citation_cff_is_yaml_naming_the_version_authors_and_addresses(data, settings):
    settings.RELEASE_TITLE = "Ceasefires"
    settings.RELEASE_AUTHORS = ["Doe, Jane", "The Tracker Team"]
    settings.RELEASE_REPOSITORY_URL = "https://git.example.org/tracker"

    release, _ = make("2026.10")

    cff = yaml.safe_load((release.directory / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert cff["message"]
    assert cff["title"] == "Ceasefires"
    assert cff["version"] == "2026.10"  # a string, not the number 2026.1
    assert cff["date-released"] == release.created_at.date()
    assert cff["authors"] == [
        {"family-names": "Doe", "given-names": "Jane"},
        {"name": "The Tracker Team"},
    ]
    assert cff["url"] == "http://testserver/api/v1/releases/2026.10/"
    assert cff["repository-code"] == "https://git.example.org/tracker"
    year = release.created_at.year
    assert release.manifest["citation"] == (
        f"Doe, Jane; The Tracker Team ({year}). Ceasefires (Version 2026.10) [Data set]. "
        "http://testserver/api/v1/releases/2026.10/"
    )


def test_citation_cff_has_no_repository_unless_set(data, settings):
    settings.RELEASE_REPOSITORY_URL = ""

    release, _ = make("2026.1")

    assert "repository-code" not in yaml.safe_load((release.directory / "CITATION.cff").read_text())


def test_records_link_to_the_site_address(data, settings):
    settings.RELEASE_SITE_URL = "https://ceasefires.example.org"

    release, _ = make("2026.1")

    row = json.loads(unzipped(release, "events.jsonl.gz").splitlines()[0])
    assert row["url"].startswith("https://ceasefires.example.org/api/v1/")


def test_a_release_is_made_when_reading_the_api_needs_a_token(data, settings):
    settings.API_READ_REQUIRES_TOKEN = True

    release, _ = make("2026.1")

    # Still the public rows: published only.
    assert release.manifest["counts"]["events"] == 4
    assert HIDDEN not in unzipped(release, "events.jsonl.gz")


def test_a_release_is_not_throttled_as_an_anonymous_reader(data, settings):
    settings.API_THROTTLE_RATES = {"anon": (1, 60), "user": (1, 60)}

    release, _ = make("2026.1")

    assert release.manifest["counts"]["locations"] == 4


def test_a_release_of_nothing_published_has_headers_and_zero_counts(db):
    ProposalFactory(title=f"{HIDDEN} draft")

    release, _ = make("2026.1")

    assert set(release.manifest["counts"].values()) == {0}
    assert unzipped(release, "events.jsonl.gz") == ""
    header, *rows = csv_rows(unzipped(release, "events.csv.gz"))
    assert "id" in header and rows == []


# --- the changelog -----------------------------------------------------------------------------


def changelog(release: Release) -> dict:
    return json.loads((release.directory / "changelog.json").read_text())


def test_the_first_release_adds_every_published_record(data):
    release, _ = make("2026.1")

    assert changelog(release) == {
        "version": "2026.1",
        "previous": None,
        "added": sorted(event.pk for event in data.published),
        "changed": [],
        "retracted": [],
    }
    assert release.previous is None


def test_the_changelog_names_exactly_the_records_published_changed_and_retracted(data):
    first, _ = make("2026.1")
    data.draft.editorial_status = PUBLISHED
    data.draft.save()
    data.meeting.title = "Talks in Riyadh"
    data.meeting.save()
    data.accusation.editorial_status = Event.Status.RETRACTED
    data.accusation.save()
    data.in_review.title = f"{HIDDEN} still in review"  # not public: no change to tell
    data.in_review.save()

    second, _ = make("2026.2")

    assert second.previous == first
    assert second.manifest["previous"] == "2026.1"
    assert changelog(second) == {
        "version": "2026.2",
        "previous": "2026.1",
        "added": [data.draft.pk],
        "changed": [data.meeting.pk],
        "retracted": [data.accusation.pk],
    }
    markdown = (second.directory / "CHANGELOG.md").read_text()
    assert "since 2026.1" in markdown
    assert f"- {data.meeting.pk}: Talks in Riyadh" in markdown
    assert f"- {data.accusation.pk}\n" in markdown  # a retracted record: its id only


def test_nothing_changed_gives_an_empty_changelog(data):
    make("2026.1")

    second, _ = make("2026.2")

    assert changelog(second)["added"] == changelog(second)["changed"] == []
    assert changelog(second)["retracted"] == []


def test_the_changelog_refuses_a_previous_release_changed_on_disk(data):
    first, _ = make("2026.1")
    with open(first.directory / "events.jsonl.gz", "r+b") as file:
        file.seek(-1, 2)
        file.write(b"\1")

    with pytest.raises(CommandError, match="differs from release 2026.1's manifest"):
        make("2026.2")
    assert not Release.objects.filter(version="2026.2").exists()


# --- versions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "version", ["2026", "2026.0", "2026.01", "26.1", "2026.1a", "v2026.1", "2026.1.1", ""]
)
def test_a_malformed_version_is_refused_naming_the_format(data, version):
    with pytest.raises(CommandError, match="YEAR.NUMBER, such as 2026.1"):
        make(version)
    assert not Release.objects.exists()


def test_an_existing_version_is_refused_and_left_as_it_was(data):
    first, _ = make("2026.1")
    before = {path.name: path.read_bytes() for path in first.directory.iterdir()}

    with pytest.raises(CommandError, match="Release 2026.1 exists already"):
        make("2026.1")

    assert {path.name: path.read_bytes() for path in first.directory.iterdir()} == before


def test_a_version_not_greater_than_the_latest_is_refused(data):
    make("2026.10")

    with pytest.raises(CommandError, match="greater than the latest release's, 2026.10"):
        make("2026.2")  # numbers compare as numbers: 2 < 10
    with pytest.raises(CommandError, match="greater than the latest release's, 2026.10"):
        make("2025.11")

    release, _ = make("2026.11")
    assert release.previous.version == "2026.10"


def test_versions_compare_by_number_not_text(data):
    make("2026.9")

    assert make("2026.10")[0].previous.version == "2026.9"
    assert make("2027.1")[0].previous.version == "2026.10"


def test_an_existing_directory_without_a_release_is_never_written(data, releases_root):
    (releases_root / "2026.1").mkdir(parents=True)
    (releases_root / "2026.1" / "note.txt").write_text("kept")

    with pytest.raises(CommandError, match="never rewritten"):
        make("2026.1")

    assert [p.name for p in (releases_root / "2026.1").iterdir()] == ["note.txt"]
    assert not Release.objects.exists()
    assert sorted(p.name for p in releases_root.iterdir()) == ["2026.1"]  # no temporary dir


def test_a_directory_made_meanwhile_is_left_as_it_is(data, releases_root, monkeypatch):
    real = build.public_export

    def another_make_release(route):
        if route == "location-export-csv":
            (releases_root / "2026.1").mkdir()
            (releases_root / "2026.1" / "manifest.json").write_text("theirs")
        return real(route)

    monkeypatch.setattr(build, "public_export", another_make_release)

    with pytest.raises(CommandError, match="appeared while the release was made"):
        make("2026.1")

    assert [p.name for p in releases_root.iterdir()] == ["2026.1"]  # no temporary directory
    assert (releases_root / "2026.1" / "manifest.json").read_text() == "theirs"
    assert not Release.objects.exists()


# --- failures leave nothing ----------------------------------------------------------------------


def test_a_failing_export_leaves_no_directory_and_no_row(data, releases_root, monkeypatch):
    real = build.public_export

    def failing(route):
        if route == "citation-export-csv":
            raise RuntimeError("disk full")
        return real(route)

    monkeypatch.setattr(build, "public_export", failing)

    with pytest.raises(RuntimeError, match="disk full"):
        make("2026.1")

    assert not Release.objects.exists()
    assert list(releases_root.iterdir()) == []


def test_an_unwritable_releases_root_is_a_clear_error(data, settings, tmp_path):
    settings.RELEASES_ROOT = tmp_path / "a-file"
    settings.RELEASES_ROOT.write_text("not a directory")

    with pytest.raises(CommandError, match="RELEASES_ROOT .* cannot be written"):
        make("2026.1")

    assert not Release.objects.exists()


def test_a_row_that_cannot_be_made_takes_its_directory_away(data, releases_root, monkeypatch):
    def refuse(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(Release.objects, "create", refuse)

    with pytest.raises(RuntimeError, match="database gone"):
        make("2026.1")

    assert list(releases_root.iterdir()) == []


# --- output ------------------------------------------------------------------------------------


def test_the_command_reports_each_file_with_rows_and_bytes(data):
    release, out = make("2026.1")

    for entry in release.manifest["files"]:
        if "rows" in entry:
            assert f"{entry['name']}: {entry['rows']} rows, {entry['bytes']} bytes" in out
        else:
            assert f"{entry['name']}: {entry['bytes']} bytes" in out
    assert "Release 2026.1: 4 events" in out


def test_verbosity_0_is_quiet(data):
    _, out = make("2026.1", verbosity=0)

    assert out == ""
    assert Release.objects.filter(version="2026.1").exists()


def test_a_release_bumps_the_data_version(data):
    from lib.dataversion import current_version

    before = current_version()

    make("2026.1")

    assert current_version() != before


# --- one snapshot --------------------------------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="REPEATABLE READ is PostgreSQL's"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_files_are_read_in_one_repeatable_read_transaction(data):
    with CaptureQueriesContext(connection) as queries:
        make("2026.1", verbosity=0)

    statements = [query["sql"] for query in queries.captured_queries]
    begin = statements.index("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    reads = [i for i, sql in enumerate(statements) if "events_event" in sql]
    assert reads and min(reads) > begin  # every read of the data in the snapshot


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_publication_while_the_release_is_made_is_in_no_file(data, monkeypatch):
    """An editor publishes after the first file was read: the other files and the counts do
    not see it either."""
    late = ProposalFactory(title="Late", editorial_status=Event.Status.IN_REVIEW)
    real = build.public_export

    def publish_between_files(route):
        if route == "event-export-jsonl":
            # Another connection (another thread's) commits the publication.
            def publish():
                Event.objects.filter(pk=late.pk).update(editorial_status=PUBLISHED)
                connections.close_all()

            thread = threading.Thread(target=publish)
            thread.start()
            thread.join()
        return real(route)

    monkeypatch.setattr(build, "public_export", publish_between_files)

    release, _ = make("2026.1", verbosity=0)

    assert Event.objects.get(pk=late.pk).editorial_status == PUBLISHED
    ids = [json.loads(line)["id"] for line in unzipped(release, "events.jsonl.gz").splitlines()]
    assert late.pk not in ids
    assert release.manifest["counts"]["events"] == release.manifest["counts"]["proposals"] + 3
    assert release.manifest["counts"]["proposals"] == 1
