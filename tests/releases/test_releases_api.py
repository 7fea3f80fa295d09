"""``/api/v1/releases/``: the list (newest first), a release's detail, and its files served as
the manifest lists them, never another path and never a file changed on disk."""

import hashlib
import logging

import pytest
from rest_framework.test import APIClient

from tests.factories import release_with_files
from tests.releases.conftest import make

pytestmark = pytest.mark.django_db

FILES = {
    "events.csv.gz": b"\x1f\x8b gzip bytes",
    "codebook.md": b"# Codebook\n",
    "changelog.json": b'{"added": []}\n',
    "CITATION.cff": b"cff-version: 1.2.0\n",
}


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def releases(db):
    first = release_with_files("2026.1", FILES)
    second = release_with_files("2026.2", FILES, previous=first)
    return first, second


def test_the_list_shows_releases_newest_first(anonymous, releases):
    response = anonymous.get("/api/v1/releases/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["version"] for row in rows] == ["2026.2", "2026.1"]
    assert [row["previous"] for row in rows] == ["2026.1", None]


def test_a_release_shows_its_counts_citation_and_files_with_their_addresses(anonymous, releases):
    _, second = releases

    response = anonymous.get("/api/v1/releases/2026.2/")

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "version": "2026.2",
        "url": "http://testserver/api/v1/releases/2026.2/",
        "created_at": body["created_at"],
        "previous": "2026.1",
        "counts": {"events": 0},
        "mapping_version": "3",
        "citation": "Editors (2026). Data (Version 2026.2) [Data set].",
        "files": [
            {
                "name": name,
                "bytes": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "url": f"http://testserver/api/v1/releases/2026.2/{name}",
            }
            for name, content in FILES.items()
        ],
    }
    assert body["created_at"].startswith(second.created_at.date().isoformat())


def test_the_list_takes_one_query(anonymous, releases, django_assert_num_queries):
    release_with_files("2026.3", FILES, previous=releases[1])

    # 1. the page's releases with their previous one joined (a last page needs no count: it
    # is its offset plus its rows).
    with django_assert_num_queries(1):
        response = anonymous.get("/api/v1/releases/")

    assert len(response.json()["results"]) == 3


def test_an_unknown_release_is_a_json_404(anonymous, releases):
    for path in ("/api/v1/releases/2026.9/", "/api/v1/releases/2026.9/CITATION.cff"):
        response = anonymous.get(path)

        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json")


def test_a_malformed_version_is_a_404(anonymous, releases):
    response = anonymous.get("/api/v1/releases/latest/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("events.csv.gz", "application/gzip"),
        ("codebook.md", "text/markdown; charset=utf-8"),
        ("changelog.json", "application/json"),
        ("CITATION.cff", "application/x-yaml; charset=utf-8"),
    ],
)
def test_a_file_is_served_as_it_is_with_its_type_and_digest(anonymous, releases, name, media_type):
    response = anonymous.get(f"/api/v1/releases/2026.1/{name}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FILES[name]
    assert response["Content-Type"] == media_type
    assert response["ETag"] == f'"{hashlib.sha256(FILES[name]).hexdigest()}"'
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Length"] == str(len(FILES[name]))


def test_a_gzip_file_is_an_attachment_named_by_its_version(anonymous, releases):
    response = anonymous.get("/api/v1/releases/2026.1/events.csv.gz")

    assert response["Content-Disposition"] == 'attachment; filename="2026.1-events.csv.gz"'
    assert "Content-Encoding" not in response  # the client keeps the gzip file as it is


def test_a_file_asked_again_with_its_etag_is_not_modified(anonymous, releases):
    etag = anonymous.get("/api/v1/releases/2026.1/codebook.md")["ETag"]

    response = anonymous.get("/api/v1/releases/2026.1/codebook.md", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response["ETag"] == etag


def test_a_signed_in_reader_gets_the_file_too(releases, reviewer_client):
    response = reviewer_client.get("/api/v1/releases/2026.1/codebook.md")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FILES["codebook.md"]


def test_a_name_the_manifest_does_not_list_is_a_404(anonymous, releases, releases_root):
    (releases_root / "2026.1" / "extra.txt").write_text("not in the manifest")

    response = anonymous.get("/api/v1/releases/2026.1/extra.txt")

    assert response.status_code == 404
    assert "has no file 'extra.txt'" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/releases/2026.1/..%2F2026.2%2Fcodebook.md",
        "/api/v1/releases/2026.1/..%2F..%2Fsettings.py",
        "/api/v1/releases/2026.1/%2E%2E%2Fcodebook.md",
        "/api/v1/releases/2026.1/..",
        "/api/v1/releases/2026.1/.%2Fcodebook.md",
        "/api/v1/releases/2026.1/codebook.md%00",
    ],
)
def test_no_path_leaves_the_release_directory(anonymous, releases, path):
    response = anonymous.get(path)

    assert response.status_code in (400, 404), path
    assert not response.streaming


def test_a_file_changed_on_disk_is_refused_and_logged(anonymous, releases, releases_root, caplog):
    (releases_root / "2026.1" / "codebook.md").write_bytes(b"# Codebook, edited\n")

    with caplog.at_level(logging.ERROR, logger="releases.api"):
        response = anonymous.get("/api/v1/releases/2026.1/codebook.md")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The file codebook.md of release 2026.1 differs from its manifest; it is not served."
    )
    assert "Release 2026.1" in caplog.text and "codebook.md" in caplog.text
    assert "19 bytes on disk, 11 in the manifest" in caplog.text


def test_a_missing_file_is_refused_and_logged(anonymous, releases, releases_root, caplog):
    (releases_root / "2026.1" / "codebook.md").unlink()

    with caplog.at_level(logging.ERROR, logger="releases.api"):
        response = anonymous.get("/api/v1/releases/2026.1/codebook.md")

    assert response.status_code == 409
    assert "missing bytes on disk" in caplog.text


def test_the_list_is_not_served_stale_after_a_new_release(anonymous, data):
    before = anonymous.get("/api/v1/releases/")
    assert before.json()["results"] == []

    make("2026.1", verbosity=0)

    after = anonymous.get("/api/v1/releases/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert [row["version"] for row in after.json()["results"]] == ["2026.1"]


def test_a_made_release_serves_every_file_of_its_manifest(anonymous, data):
    release, _ = make("2026.1", verbosity=0)

    listed = anonymous.get("/api/v1/releases/2026.1/").json()["files"]
    assert [entry["name"] for entry in listed] == [entry["name"] for entry in release.files]
    for entry in listed:
        response = anonymous.get(entry["url"])
        content = b"".join(response.streaming_content)
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["name"]


def test_releases_are_read_only(anonymous, reviewer_client, releases):
    for client in (anonymous, reviewer_client):
        assert client.post("/api/v1/releases/", {}).status_code in (401, 403, 405)
        assert client.delete("/api/v1/releases/2026.1/").status_code in (401, 403, 405)


def test_a_page_of_releases_takes_two_queries(anonymous, releases, django_assert_num_queries):
    # 1. the count (more releases than the page shows), 2. the page's releases with their
    # previous one joined.
    with django_assert_num_queries(2):
        response = anonymous.get("/api/v1/releases/", {"page_size": 1})

    assert response.json()["count"] == 2
    assert [row["version"] for row in response.json()["results"]] == ["2026.2"]


def test_an_unknown_parameter_is_a_400_naming_it(anonymous, releases):
    response = anonymous.get("/api/v1/releases/", {"versoin": "2026.1"})

    assert response.status_code == 400
    assert "versoin" in response.content.decode()


def test_fields_selects_what_each_release_shows(anonymous, releases):
    response = anonymous.get("/api/v1/releases/", {"fields": "version,previous"})

    assert response.json()["results"] == [
        {"version": "2026.2", "previous": "2026.1"},
        {"version": "2026.1", "previous": None},
    ]


def test_the_schema_documents_the_releases_and_their_files(anonymous):
    schema = anonymous.get("/api/schema/", {"format": "json"}).json()

    listed = schema["paths"]["/api/v1/releases/"]["get"]
    assert listed["operationId"] == "releases_list"
    file = schema["paths"]["/api/v1/releases/{version}/{name}"]["get"]
    assert {"200", "404", "409"} <= set(file["responses"])
    parameters = {p["name"]: p["schema"] for p in file["parameters"]}
    assert parameters["version"]["pattern"] == r"^[0-9]{4}\.[1-9][0-9]*$"
    release = schema["components"]["schemas"]["Release"]["properties"]
    assert release["files"]["items"]["$ref"].endswith("/ReleaseFile")
    assert release["counts"]["additionalProperties"] == {"type": "integer"}


def test_fields_selects_what_a_release_shows(anonymous, releases):
    response = anonymous.get("/api/v1/releases/2026.1/", {"fields": "version,counts"})

    assert response.json() == {"version": "2026.1", "counts": {"events": 0}}


def test_the_list_is_a_csv_too(anonymous, releases):
    response = anonymous.get("/api/v1/releases/", {"format": "csv", "fields": "version,previous"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == [
        "version,previous",
        "2026.2,2026.1",
        "2026.1,",
    ]
