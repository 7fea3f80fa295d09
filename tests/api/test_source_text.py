"""Article text is not republished: who sees which sources, and who reads their ``body``.

The public (anonymous visitors, token holders without the permission) sees the sources a
published event cites, without their text; users with the permission “Can read the full text
of sources” (events.view_source_body) read it; editors and reviewers (who may change sources)
see every source, with its text.
"""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services
from events.models import Event, Source
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.api.personas import token_client
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ProposalFactory,
    PublicSourceFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/sources"
TEXT = "Both sides agreed to a “30-day truce” on Monday. Talks will follow."
WITHHELD = "Can read the full text of sources"

# Each source is cited by an event of this status only (None: by no event).
CITED_BY = {
    "published": Event.Status.PUBLISHED,
    "draft": Event.Status.DRAFT,
    "in_review": Event.Status.IN_REVIEW,
    "retracted": Event.Status.RETRACTED,
    "uncited": None,
}
PUBLIC = ["anonymous", "analyst", "reader"]
CURATORS = ["editor_api", "reviewer_api"]
# persona -> (the sources it sees, whether it reads their text)
SEES = {
    "anonymous": ({"published"}, False),
    "analyst": ({"published"}, False),
    "reader": ({"published"}, True),
    "editor_api": (set(CITED_BY), True),
    "reviewer_api": (set(CITED_BY), True),
}


def article_text_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="events", codename="view_source_body")


@pytest.fixture
def reader(db):
    """A token holder in no group whose user has the permission to read the articles' text."""
    user = UserFactory(username="reader", is_staff=False)
    user.user_permissions.add(article_text_permission())
    return token_client(user)


@pytest.fixture
def sources(db) -> dict[str, Source]:
    outlet = ActorFactory(slug="tass", kind="media")
    made = {}
    for name, status in CITED_BY.items():
        source = SourceFactory(
            title=f"Truce {name}",
            body=TEXT,
            outlet=outlet,
            language="ru",
            published_at=datetime.datetime(2025, 4, 20, 12, tzinfo=datetime.UTC),
        )
        if status is not None:
            CitationFactory(source=source, event=ProposalFactory(editorial_status=status))
        made[name] = source
    return made


def listed(client, params: dict | None = None) -> set[str]:
    response = client.get(f"{API}/", {"page_size": 100, **(params or {})})
    assert response.status_code == 200, response.content
    return {row["title"].removeprefix("Truce ") for row in response.json()["results"]}


def csv_rows(client, params: dict | None = None) -> tuple[list[str], list[dict]]:
    response = client.get(f"{API}/", {"format": "csv", **(params or {})})
    assert response.status_code == 200, response.content
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    return list(reader.fieldnames or []), list(reader)


# --- the groups ------------------------------------------------------------------------------


def test_editors_and_reviewers_have_the_permission_from_the_migration(db):
    for name in ("Editors", "Reviewers"):
        assert article_text_permission() in Group.objects.get(name=name).permissions.all()


def test_the_permission_is_named_for_editors(db):
    assert article_text_permission().name == "Can read the full text of sources"


def test_editors_and_reviewers_read_the_text_and_others_do_not(
    editor_user, reviewer_user, analyst_user
):
    assert Source.reads_body(editor_user) and Source.reads_body(reviewer_user)
    assert not Source.reads_body(analyst_user)


# --- lists and details -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*PUBLIC, *CURATORS])
def test_each_reader_lists_the_sources_it_may_see(request, sources, persona):
    client = request.getfixturevalue(persona)

    assert listed(client) == SEES[persona][0]


@pytest.mark.parametrize("name", list(CITED_BY))
@pytest.mark.parametrize("persona", [*PUBLIC, *CURATORS])
def test_a_detail_is_found_only_by_those_who_may_see_it(request, sources, persona, name):
    client = request.getfixturevalue(persona)

    response = client.get(f"{API}/{sources[name].pk}/")

    expected = 200 if name in SEES[persona][0] else 404
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("persona", [*PUBLIC, *CURATORS])
def test_the_text_is_in_a_detail_only_with_the_permission(request, sources, persona):
    client = request.getfixturevalue(persona)

    row = client.get(f"{API}/{sources['published'].pk}/").json()

    assert ("body" in row) is SEES[persona][1]
    assert row.get("body", TEXT) == TEXT
    # What everyone sees of an article.
    assert {"id", "url", "title", "outlet", "published_at", "archive_url", "accessed_at"} <= set(
        row
    )


@pytest.mark.parametrize("persona", [*PUBLIC, *CURATORS])
def test_the_text_is_in_list_rows_only_with_the_permission(request, sources, persona):
    client = request.getfixturevalue(persona)

    rows = client.get(f"{API}/").json()["results"]

    assert rows
    assert all(("body" in row) is SEES[persona][1] for row in rows)


@pytest.mark.parametrize("persona", [*PUBLIC, *CURATORS])
def test_the_csv_has_the_sources_and_text_column_the_json_has(request, sources, persona):
    client = request.getfixturevalue(persona)

    header, rows = csv_rows(client)

    assert ("body" in header) is SEES[persona][1]
    assert {row["title"].removeprefix("Truce ") for row in rows} == SEES[persona][0]
    assert {row.get("body", "withheld") for row in rows} == {
        TEXT if SEES[persona][1] else "withheld"
    }


@pytest.mark.parametrize("persona", ["reader", *CURATORS])
def test_fields_body_gives_the_text_with_the_permission(request, sources, persona):
    client = request.getfixturevalue(persona)

    detail = client.get(f"{API}/{sources['published'].pk}/", {"fields": "body"})
    header, rows = csv_rows(client, {"fields": "id,body"})

    assert detail.status_code == 200
    assert detail.json() == {"body": TEXT}
    assert header == ["id", "body"]
    assert {row["body"] for row in rows} == {TEXT}


@pytest.mark.parametrize("format_", ["json", "csv"])
@pytest.mark.parametrize("persona", ["anonymous", "analyst"])
def test_fields_body_without_the_permission_is_a_400_saying_why(request, sources, persona, format_):
    client = request.getfixturevalue(persona)

    for url in (f"{API}/", f"{API}/{sources['published'].pk}/"):
        response = client.get(url, {"fields": "title,body", "format": format_})

        assert response.status_code == 400
        (message,) = response.json()["fields"]
        assert message.startswith("body: ") and WITHHELD in message
        assert TEXT not in response.content.decode()


def test_a_retracted_only_source_is_gone_for_the_public_even_when_syncing(
    anonymous, sources, editor_api
):
    # A retracted record's tombstone shows nothing of it: nor do the articles it alone cited.
    since = {"updated_after": "2000-01-01T00:00:00Z"}
    retracted = sources["retracted"]

    assert "retracted" not in listed(anonymous, since)
    assert anonymous.get(f"{API}/{retracted.pk}/").status_code == 404
    assert "retracted" in listed(editor_api, since)


def test_a_source_leaves_the_public_list_when_its_only_citing_event_is_retracted(
    anonymous, reviewer_user, sources
):
    event = sources["published"].citations.get().event

    services.change_status([event], "retract", reviewer_user)

    assert listed(anonymous) == set()
    assert anonymous.get(f"{API}/{sources['published'].pk}/").status_code == 404


def test_a_source_cited_by_a_published_and_a_draft_event_is_public(anonymous, sources):
    CitationFactory(
        source=sources["draft"], event=ProposalFactory(editorial_status=Event.Status.PUBLISHED)
    )

    assert listed(anonymous) == {"published", "draft"}


def test_a_source_cited_twice_by_published_events_is_listed_once(anonymous, sources):
    CitationFactory(
        source=sources["published"],
        event=ProposalFactory(editorial_status=Event.Status.PUBLISHED),
    )

    response = anonymous.get(f"{API}/")

    assert [row["title"] for row in response.json()["results"]] == ["Truce published"]
    assert response.json()["count"] == 1


# --- filters ---------------------------------------------------------------------------------

# Each filter of the source list with a value that every source of the fixture matches.
MATCHING = {
    "outlet": "tass",
    "language": "RU",
    "published_after": "2025-04-20",
    "published_before": "2025-04-20",
    "q": "truce",
    "updated_after": "2000-01-01T00:00:00Z",
}


def test_every_filter_of_the_source_list_is_checked_here():
    from events.api.filters import SourceFilterSet

    assert set(SourceFilterSet.base_filters) == set(MATCHING)


@pytest.mark.parametrize("name", list(MATCHING))
@pytest.mark.parametrize("persona", [*PUBLIC, *CURATORS])
def test_no_filter_reveals_a_hidden_source(request, sources, persona, name):
    client = request.getfixturevalue(persona)

    # A hit: the filter matches every source this reader may see, and only those.
    assert listed(client, {name: MATCHING[name]}) == SEES[persona][0]
    _, rows = csv_rows(client, {name: MATCHING[name]})
    assert {row["title"].removeprefix("Truce ") for row in rows} == SEES[persona][0]


def test_a_filter_that_matches_only_hidden_sources_finds_nothing(anonymous, editor_api, sources):
    hidden = SourceFactory(title="Secret talks", outlet=ActorFactory(slug="hidden", kind="media"))
    CitationFactory(source=hidden, event=ProposalFactory(editorial_status=Event.Status.DRAFT))

    for params in ({"q": "secret"}, {"outlet": "hidden"}):
        response = anonymous.get(f"{API}/", params)
        assert response.json()["results"] == [] and response.json()["count"] == 0
        assert [r["id"] for r in editor_api.get(f"{API}/", params).json()["results"]] == [hidden.pk]


def test_updated_after_finds_a_source_an_event_published_since_then_made_public(
    anonymous, reviewer_user
):
    source = SourceFactory(body=TEXT)
    event = ProposalFactory(editorial_status=Event.Status.IN_REVIEW)
    CitationFactory(source=source, event=event)
    # The article was last changed long before the event citing it was published.
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Source.objects.filter(pk=source.pk).update(updated_at=long_ago)
    since = timezone.now() - datetime.timedelta(days=1)
    sync = {"updated_after": since.isoformat()}

    assert anonymous.get(f"{API}/", sync).json()["results"] == []

    services.change_status([event], "publish", reviewer_user)

    assert [r["id"] for r in anonymous.get(f"{API}/", sync).json()["results"]] == [source.pk]
    later = {"updated_after": (timezone.now() + datetime.timedelta(seconds=1)).isoformat()}
    assert anonymous.get(f"{API}/", later).json()["results"] == []


# --- other routes ----------------------------------------------------------------------------


def test_a_merged_duplicate_of_a_hidden_source_is_not_redirected_for_the_public(
    anonymous, editor_api, reviewer_user
):
    kept = SourceFactory(body=TEXT)
    CitationFactory(source=kept, event=ProposalFactory(editorial_status=Event.Status.DRAFT))
    duplicate = SourceFactory(body=TEXT)
    merged_id = duplicate.pk
    services.merge_sources(kept, [duplicate], reviewer_user)

    assert anonymous.get(f"{API}/{merged_id}/").status_code == 404
    moved = editor_api.get(f"{API}/{merged_id}/")
    assert moved.status_code == 301
    assert moved["Location"].endswith(f"{API}/{kept.pk}/")


def test_a_merged_duplicate_of_a_public_source_is_redirected_for_the_public(
    anonymous, reviewer_user
):
    kept = PublicSourceFactory(body=TEXT)
    duplicate = SourceFactory(body=TEXT)
    merged_id = duplicate.pk
    services.merge_sources(kept, [duplicate], reviewer_user)

    response = anonymous.get(f"{API}/{merged_id}/")

    assert response.status_code == 301
    assert response["Location"].endswith(f"{API}/{kept.pk}/")


@pytest.mark.parametrize(
    "persona,name,expected",
    [
        ("anonymous", "published", 401),
        ("analyst", "published", 403),
        ("analyst", "uncited", 403),
        ("reader", "published", 200),
        ("reader", "draft", 404),
        ("reader", "retracted", 404),
        ("editor_api", "draft", 200),
        ("reviewer_api", "uncited", 200),
    ],
)
def test_suggestions_quote_the_article_for_those_who_may_read_it(
    request, sources, persona, name, expected
):
    client = request.getfixturevalue(persona)

    response = client.get(f"{API}/{sources[name].pk}/suggestions/")

    assert response.status_code == expected, response.content
    if expected != 200:
        assert TEXT not in response.content.decode()


def test_an_editor_writing_a_source_gets_its_text_back(editor_api):
    response = editor_api.post(
        f"{API}/", {"url": "https://example.org/a", "title": "A", "body": TEXT}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["body"] == TEXT


def test_the_citations_of_published_events_still_carry_their_quotes(anonymous, sources):
    rows = anonymous.get("/api/v1/citations/").json()["results"]

    assert [(row["source"], row["quote"]) for row in rows] == [
        (sources["published"].pk, "30-day truce")
    ]


# --- the schema ------------------------------------------------------------------------------


def test_the_schema_documents_body_as_present_only_with_the_permission(anonymous):
    schema = anonymous.get("/api/schema/", {"format": "json"}).json()
    source = schema["components"]["schemas"]["Source"]

    assert "body" in source["properties"]
    assert "body" not in source.get("required", [])
    assert WITHHELD in source["properties"]["body"]["description"]
    assert "view_source_body" in source["properties"]["body"]["description"]


# --- queries ---------------------------------------------------------------------------------


def queries(client, params: dict) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(f"{API}/", params)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in context.captured_queries]


@pytest.mark.parametrize(
    "persona,count",
    [
        # 1 COUNT(*) of the visible rows, 1 SELECT of the page (outlet joined; whether a
        # published event cites each row is a subquery of both).
        ("anonymous", 2),
        # + the token with its user, the user's permissions and its groups' (asked once).
        ("analyst", 5),
        ("reader", 5),
        ("editor_api", 5),
    ],
)
@pytest.mark.parametrize("format_", ["json", "csv"])
def test_a_page_of_sources_costs_the_same_queries_for_1_and_100_rows(
    request, persona, count, format_
):
    client = request.getfixturevalue(persona)
    citing = ProposalFactory(editorial_status=Event.Status.PUBLISHED)
    hidden = ProposalFactory(editorial_status=Event.Status.DRAFT)
    # 101 public sources among 101 hidden ones: both pages have a next page.
    for n in range(202):
        CitationFactory(source=SourceFactory(body=TEXT), event=citing if n % 2 else hidden)

    one = queries(client, {"page_size": 1, "format": format_})
    hundred = queries(client, {"page_size": 100, "format": format_})

    assert len(one) == len(hundred) == count, "\n".join(hundred)
