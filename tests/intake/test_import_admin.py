"""The sources' admin upload (Import sources): who sees and uses it, its summary, its limit."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from actors.models import Actor
from events.models import Source
from tests.factories import SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:events_source_import")
CHANGELIST_URL = reverse("admin:events_source_changelist")
BUTTON = 'id="import-sources"'


def client_with(*codenames) -> Client:
    """A staff user with exactly these permissions, logged in."""
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def upload(client, name: str, content: str | bytes, format: str = ""):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        IMPORT_URL, {"file": SimpleUploadedFile(name, data), "format": format}, follow=True
    )


CSV = (
    "url,title,published_at,outlet\n"
    "https://admin.example.com/1?utm_campaign=x,First,2025-04-01,Desk Wire\n"
    "https://admin.example.com/known,Known again,,\n"
    "https://admin.example.com/3,Bad date,31/04/2025,\n"
)


def test_editors_see_the_import_button_on_the_sources_list(editor_client):
    assert BUTTON in editor_client.get(CHANGELIST_URL).content.decode()


def test_who_may_only_view_sources_sees_no_import_button_and_is_refused():
    viewer = client_with("view_source")

    assert BUTTON not in viewer.get(CHANGELIST_URL).content.decode()
    assert viewer.get(IMPORT_URL).status_code == 403
    assert upload(viewer, "a.csv", CSV).status_code == 403
    assert not Source.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in():
    response = Client().get(IMPORT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_upload_page_offers_a_file_and_its_format(editor_client):
    page = editor_client.get(IMPORT_URL).content.decode()

    assert 'type="file" name="file"' in page
    assert '<select name="format"' in page
    for format in ["rss", "atom", "jsonl", "csv"]:
        assert f'<option value="{format}">' in page


def test_an_editor_imports_a_file_and_reads_the_summary(editor, editor_client):
    known = SourceFactory(url="https://admin.example.com/known", title="Stored before")

    response = upload(editor_client, "articles.csv", CSV)

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 added, 1 already known, 1 rejected</strong>\n      (of 3 lines)" in page
    added = Source.objects.get(title="First")
    assert added.url == "https://admin.example.com/1"
    change_url = reverse("admin:events_source_change", args=[added.pk])
    assert f'<a href="{change_url}">First</a>' in page
    known_url = reverse("admin:events_source_change", args=[known.pk])
    assert f'line 3: https://admin.example.com/known is\n            <a href="{known_url}">' in page
    assert "<tr><td>4</td><td>published_at: “31/04/2025” is not a date" in page
    # Editors may add actors: the unknown outlet is a new media actor, linked.
    outlet = Actor.objects.get(name="Desk Wire", kind=Actor.Kind.MEDIA)
    assert reverse("admin:actors_actor_change", args=[outlet.pk]) in page
    # The import is the editor's change in the source's history.
    assert added.history.get().history_user == editor


def test_the_format_chosen_overrides_the_file_name(editor_client):
    row = json.dumps({"url": "https://admin.example.com/j", "title": "From JSON"})

    page = upload(editor_client, "export.txt", row, format="jsonl").content.decode()

    assert "1 added, 0 already known, 0 rejected" in page
    assert Source.objects.filter(title="From JSON").exists()


def test_who_may_not_add_actors_gets_the_row_of_an_unknown_outlet_rejected():
    client = client_with("view_source", "add_source")

    page = upload(client, "articles.csv", CSV).content.decode()

    assert "names no actor: add it as a media actor first" in page
    assert not Actor.objects.exists()
    assert Source.objects.filter(title="Known again").exists()


def test_a_file_over_the_size_limit_is_refused_saying_the_limit(editor_client, settings):
    settings.SOURCE_IMPORT_MAX_BYTES = 100

    page = upload(editor_client, "big.csv", CSV).content.decode()

    assert f"The file is {len(CSV.encode()):,} bytes; the largest an upload may be is 100" in page
    assert 'id="import-summary"' not in page
    assert not Source.objects.exists()


def test_a_file_that_cannot_be_read_is_shown_as_the_files_error(editor_client):
    page = upload(editor_client, "rows.csv", "link,title\nx,y\n").content.decode()

    assert "unknown column(s) &#x27;link&#x27;" in page
    assert "missing required column(s) url" in page
    assert 'id="import-summary"' not in page


def test_the_upload_takes_a_bounded_number_of_queries_per_row(
    editor_client, django_assert_max_num_queries
):
    rows = "url,title\n" + "".join(f"https://q.example.com/{n},T{n}\n" for n in range(20))

    # The session and user, then at most 10 queries a new row (see the command's test).
    with django_assert_max_num_queries(4 + 10 * 20):
        response = upload(editor_client, "rows.csv", rows)
    assert "20 added" in response.content.decode()
