"""The public conflict pages: published events only, links to the API's filtered lists."""

import re

import pytest

from events.models import Conflict, ConflictParty, Event
from tests.factories import AccusationFactory, ActorFactory, ConflictFactory, ProposalFactory

pytestmark = pytest.mark.django_db

UNPUBLISHED = [Event.Status.DRAFT, Event.Status.IN_REVIEW, Event.Status.RETRACTED]


@pytest.fixture
def conflict():
    conflict = ConflictFactory(name="Russia–Ukraine war", slug="russia-ukraine")
    for name in ("Ukraine", "Russia"):
        ConflictParty.objects.create(conflict=conflict, actor=ActorFactory(name=name))
    ProposalFactory(conflict=conflict, title="Easter truce", editorial_status="published")
    AccusationFactory(conflict=conflict, title="Strikes on Kherson", editorial_status="published")
    for status in UNPUBLISHED:
        ProposalFactory(conflict=conflict, title=f"Hidden {status}", editorial_status=status)
    return conflict


def test_the_list_counts_published_events_only(client, conflict):
    ConflictFactory(name="Other war", slug="other-war")
    response = client.get("/conflicts/")
    assert response.status_code == 200
    rows = {c.slug: c.published for c in response.context["conflicts"]}
    assert rows == {"russia-ukraine": 2, "other-war": 0}
    assert b'href="/conflicts/russia-ukraine/"' in response.content


def test_a_conflict_page_shows_its_parties_and_published_counts(client, conflict):
    response = client.get("/conflicts/russia-ukraine/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Russia, Ukraine" in body
    counts = {kind["label"]: kind["count"] for kind in response.context["kinds"]}
    assert counts == {"Proposal": 1, "Response": 0, "Meeting": 0, "Violation accusation": 1}
    assert response.context["total"] == 2
    for status in UNPUBLISHED:
        assert f"Hidden {status}" not in body


def test_its_links_are_the_api_lists_of_the_same_rows(client, conflict):
    page = client.get("/conflicts/russia-ukraine/").context
    listed = client.get(page["events_url"]).json()
    assert listed["count"] == page["total"]
    for kind in page["kinds"]:
        assert client.get(kind["url"]).json()["count"] == kind["count"], kind["label"]
    csv = client.get(page["csv_url"])
    assert csv["Content-Type"].startswith("text/csv")
    assert len(csv.content.decode().strip().splitlines()) == 1 + page["total"]


def test_an_unknown_conflict_is_a_404(client, conflict):
    assert client.get("/conflicts/no-such-war/").status_code == 404


def test_pages_are_read_only(client, conflict):
    assert client.post("/conflicts/russia-ukraine/").status_code == 405
    assert client.post("/conflicts/").status_code == 405


def test_when_reads_need_a_token_the_pages_need_a_sign_in(client, conflict, settings, editor):
    settings.API_READ_REQUIRES_TOKEN = True
    response = client.get("/conflicts/russia-ukraine/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/conflicts/russia-ukraine/")
    client.force_login(editor)
    assert client.get("/conflicts/russia-ukraine/").status_code == 200


def test_the_root_leads_to_the_conflicts(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/conflicts/"


def test_the_pages_query_a_constant_number_of_times(client, conflict, django_assert_num_queries):
    for n in range(5):
        ConflictFactory(name=f"War {n}", slug=f"war-{n}")
    # the conflicts with their published counts
    with django_assert_num_queries(1):
        client.get("/conflicts/")
    # the conflict, its parties, the counts by kind; the charts (front/charts.py, computed:
    # the writes above made a new data version): the counts by kind and month, the accusers
    # and accused (its accusation has none: no actors' names to read)
    with django_assert_num_queries(5):
        client.get("/conflicts/russia-ukraine/")
    assert Conflict.objects.count() == 6


def test_its_feed_link_subscribes_to_the_conflicts_published_events(client, conflict):
    ConflictFactory(name="Other war", slug="other-war")
    ProposalFactory(conflict=Conflict.objects.get(slug="other-war"), editorial_status="published")
    page = client.get("/conflicts/russia-ukraine/")
    feed_url = page.context["feed_url"]
    assert feed_url == "/api/v1/events/feed.atom?conflict=russia-ukraine"
    body = page.content.decode()
    assert f'<a href="{feed_url}">Atom feed</a>' in body
    feed = client.get(feed_url)
    assert feed["Content-Type"].startswith("application/atom+xml")
    titles = re.findall(r"<entry><title>([^<]*)</title>", feed.content.decode())
    assert sorted(titles) == ["Proposal: Easter truce", "Violation accusation: Strikes on Kherson"]


def test_every_page_links_the_releases(client, conflict):
    for url in ("/conflicts/", "/conflicts/russia-ukraine/"):
        assert b'<a href="/api/v1/releases/">Releases</a>' in client.get(url).content, url
    assert client.get("/api/v1/releases/").status_code == 200
