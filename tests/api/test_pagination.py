"""Pages: walked by ``next`` cursors, counted up to a limit, numbered for compatibility.

Walking a list by its ``next`` links returns every row once, in the list's order (rows sharing
a date, month- and year-precision rows, tombstones, nulls), on every list and every ordering;
``previous`` walks back through the same pages; a row added while a client walks neither
repeats nor skips a row it walked. ``count`` is exact up to API_EXACT_COUNT_LIMIT.
"""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import Event, Participant
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    AffiliationFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    PublicSourceFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
PUBLISHED, RETRACTED = Event.Status.PUBLISHED, Event.Status.RETRACTED
DAYS = [datetime.date(2025, 3, 1), datetime.date(2025, 3, 15), datetime.date(2025, 1, 1)]
PRECISIONS = ["day", "day", "month", "year"]
FACTORIES = {
    "proposals": ProposalFactory,
    "responses": ResponseFactory,
    "meetings": MeetingFactory,
    "accusations": AccusationFactory,
}


@pytest.fixture
def client():
    return APIClient()


def make_events(factory, count: int, conflict=None, **fields) -> list:
    """``count`` published events, several on each day, of day, month and year precision."""
    conflict = conflict or ConflictFactory(slug="war")
    return [
        factory(
            conflict=conflict,
            date=DAYS[n % len(DAYS)],
            date_precision=PRECISIONS[n % len(PRECISIONS)],
            editorial_status=PUBLISHED,
            title=f"Title {n % 4}",
            **fields,
        )
        for n in range(count)
    ]


def pick(row: dict, key: str | None):
    return row if key is None else row[key]


def walk(client, url: str, params: dict, key: str | None = "id") -> list:
    """Every row's ``key``, walking by ``next`` from the first page; asserts the links are
    cursors."""
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    body = response.json()
    seen = [pick(row, key) for row in body["results"]]
    while body["next"]:
        assert "cursor" in parse_qs(urlsplit(body["next"]).query)
        assert "page" not in parse_qs(urlsplit(body["next"]).query)
        response = client.get(body["next"])
        assert response.status_code == 200, response.content
        body = response.json()
        seen.extend(pick(row, key) for row in body["results"])
    return seen


def one_page(client, url: str, params: dict, key: str | None = "id") -> list:
    response = client.get(url, {**params, "page_size": 1000})
    assert response.status_code == 200, response.content
    assert response.json()["next"] is None
    return [pick(row, key) for row in response.json()["results"]]


def newest_first(events) -> list[int]:
    return [e.pk for e in sorted(events, key=lambda e: (e.date, e.pk), reverse=True)]


@pytest.mark.parametrize("endpoint", ["events", *FACTORIES])
def test_walking_next_returns_every_row_once_newest_first(client, endpoint):
    factory = FACTORIES.get(endpoint, ProposalFactory)
    events = make_events(factory, 11)

    walked = walk(client, f"{API}/{endpoint}/", {"page_size": 2})

    expected = newest_first(e for e in events if endpoint != "responses" or e.kind == "response")
    assert walked == expected
    assert walked == one_page(client, f"{API}/{endpoint}/", {})


ORDERINGS = ["date", "-date", "updated_at", "-updated_at", "title", "-title", "id", "-id"]
ORDERINGS += ["title,-date", "-title,date", "title,id"]


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_every_ordering_walks_in_its_order(client, ordering):
    events = make_events(ProposalFactory, 9)
    params = {"ordering": ordering}

    walked = walk(client, f"{API}/events/", {**params, "page_size": 2})

    assert walked == one_page(client, f"{API}/events/", params)
    assert sorted(walked) == sorted(e.pk for e in events)


@pytest.mark.parametrize("page_size", [1, 3, 4])
def test_walking_back_by_previous_gives_the_same_pages(client, page_size):
    make_events(ProposalFactory, 10)
    url = f"{API}/events/"
    pages, body = [], client.get(url, {"page_size": page_size}).json()
    pages.append([row["id"] for row in body["results"]])
    while body["next"]:
        body = client.get(body["next"]).json()
        pages.append([row["id"] for row in body["results"]])

    back = []
    while body["previous"]:
        body = client.get(body["previous"]).json()
        back.append([row["id"] for row in body["results"]])

    assert back == pages[-2::-1]


def test_a_row_added_while_walking_repeats_and_skips_nothing_walked(client):
    conflict = ConflictFactory(slug="war")
    events = make_events(ProposalFactory, 8, conflict=conflict)
    url = f"{API}/events/"
    first = client.get(url, {"page_size": 3}).json()
    second = client.get(first["next"]).json()
    walked = [row["id"] for row in first["results"] + second["results"]]

    # One newer than every walked row (on an earlier page), one sharing the last walked row's
    # date with a higher id (so before it), one older than every row.
    newer = ProposalFactory(
        conflict=conflict, date=datetime.date(2026, 1, 1), editorial_status=PUBLISHED
    )
    last = Event.objects.get(pk=walked[-1])
    tie = ProposalFactory(conflict=conflict, date=last.date, editorial_status=PUBLISHED)
    older = ProposalFactory(
        conflict=conflict, date=datetime.date(2000, 1, 1), editorial_status=PUBLISHED
    )
    rest = walk(client, second["next"], {})

    assert not set(rest) & set(walked)
    assert newer.pk not in rest and tie.pk not in rest
    assert walked + rest == [pk for pk in newest_first([*events, older])]


def test_tombstones_are_walked_after_the_published_rows(client):
    conflict = ConflictFactory(slug="war")
    published = make_events(ProposalFactory, 5, conflict=conflict)
    retracted = make_events(ProposalFactory, 4, conflict=conflict)
    Event.objects.filter(pk__in=[e.pk for e in retracted]).update(editorial_status=RETRACTED)
    since = (timezone.now() - datetime.timedelta(hours=1)).isoformat()

    for ordering in (None, "title", "-updated_at"):
        params = {"updated_after": since, "page_size": 2}
        if ordering:
            params["ordering"] = ordering
        walked = walk(client, f"{API}/proposals/", params)

        assert walked == one_page(client, f"{API}/proposals/", params)
        assert set(walked[:5]) == {e.pk for e in published}
        by_change = Event.objects.filter(pk__in=[e.pk for e in retracted])
        assert walked[5:] == list(
            by_change.order_by("updated_at", "pk").values_list("pk", flat=True)
        )


def test_thread_walks_oldest_first(client):
    conflict = ConflictFactory(slug="war")
    proposal = ProposalFactory(conflict=conflict, editorial_status=PUBLISHED)
    answers = make_events(ResponseFactory, 5, conflict=conflict, proposal=proposal)

    walked = walk(client, f"{API}/events/", {"thread": proposal.pk, "page_size": 2})

    every = [proposal, *answers]
    assert walked == [e.pk for e in sorted(every, key=lambda e: (e.date, e.pk))]


def test_sources_without_a_date_are_walked_too(client):
    outlet = ActorFactory(slug="tass", kind="media")
    when = datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)
    sources = [
        PublicSourceFactory(outlet=outlet, published_at=None if n % 3 == 0 else when, title="Same")
        for n in range(8)
    ]

    walked = walk(client, f"{API}/sources/", {"page_size": 3})

    assert walked == one_page(client, f"{API}/sources/", {})
    assert sorted(walked) == sorted(s.pk for s in sources)
    # Undated first (newest first, nulls as the greatest), then by id.
    assert walked == [s.pk for s in sources if s.published_at is None] + [
        s.pk for s in sources if s.published_at is not None
    ]


def test_the_other_lists_walk_every_row_once(client):
    conflict = ConflictFactory(slug="war")
    events = make_events(ProposalFactory, 4, conflict=conflict)
    for n, event in enumerate(events):
        for m in range(2):
            actor = ActorFactory(name=f"Actor {n} {m}", slug=f"same-{n}-{m}")
            ParticipantFactory(event=event, actor=actor, role=Participant.Role.PROPOSER)
        CitationFactory(event=event)
        CitationFactory(event=event)
    AffiliationFactory.create_batch(5)
    ConflictFactory.create_batch(4)

    for endpoint, key in [
        ("actors", "slug"),
        ("affiliations", "id"),
        ("conflicts", "slug"),
        ("participants", None),
        ("citations", None),
    ]:
        walked = walk(client, f"{API}/{endpoint}/", {"page_size": 3}, key=key)
        every = one_page(client, f"{API}/{endpoint}/", {}, key=key)
        assert walked == every, endpoint
        assert len(every) >= 5, endpoint


def test_csv_and_fields_follow_the_cursor(client):
    make_events(ProposalFactory, 5)
    params = {"format": "csv", "fields": "id,date", "page_size": 2}

    response = client.get(f"{API}/events/", params)

    link = response["Link"]
    assert 'rel="next"' in link and "cursor=" in link and "fields=id%2Cdate" in link
    url = link.split(">")[0].lstrip("<")
    following = client.get(url)
    assert following.status_code == 200
    assert following.content.decode().splitlines()[0] == "id,date"
    assert len(following.content.decode().splitlines()) == 3


@pytest.mark.parametrize(
    "cursor", ["nonsense", "eyJ2IjpbXX0", "eyJvIjoiMDAwMDAwMDAiLCJ2IjpbMV19", "é"]
)
def test_a_malformed_cursor_is_a_400_naming_it(client, cursor):
    make_events(ProposalFactory, 2)

    response = client.get(f"{API}/events/", {"cursor": cursor})

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_a_cursor_of_another_ordering_is_a_400(client):
    make_events(ProposalFactory, 3)
    body = client.get(f"{API}/events/", {"page_size": 1}).json()
    cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0]

    response = client.get(f"{API}/events/", {"cursor": cursor, "ordering": "title"})

    assert response.status_code == 400
    assert "another list or ordering" in response.json()["cursor"][0]


def test_a_cursor_with_a_bad_value_is_a_400(client):
    make_events(ProposalFactory, 3)
    body = client.get(f"{API}/events/", {"page_size": 1}).json()
    good = parse_qs(urlsplit(body["next"]).query)["cursor"][0]
    import base64
    import json

    decoded = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))
    decoded["v"][0] = "not a date"
    bad = base64.urlsafe_b64encode(json.dumps(decoded).encode()).decode()

    response = client.get(f"{API}/events/", {"cursor": bad})

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_cursor_and_page_together_are_a_400(client):
    response = client.get(f"{API}/events/", {"cursor": "x", "page": 2})

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_count_takes_exact_only(client):
    response = client.get(f"{API}/events/", {"count": "estimated"})

    assert response.status_code == 400
    assert list(response.json()) == ["count"]


@pytest.fixture
def limit(settings):
    settings.API_EXACT_COUNT_LIMIT = 4
    return 4


def test_count_is_exact_up_to_the_limit(client, limit):
    make_events(ProposalFactory, limit)

    body = client.get(f"{API}/events/", {"page_size": 1}).json()

    assert body["count"] == limit
    assert "count_more_than" not in body


def test_count_beyond_the_limit_is_null_with_the_limit(client, limit):
    make_events(ProposalFactory, limit + 1)

    body = client.get(f"{API}/events/", {"page_size": 1}).json()
    second = client.get(body["next"]).json()

    assert body["count"] is None and body["count_more_than"] == limit
    assert second["count"] is None and second["count_more_than"] == limit


def test_count_exact_counts_beyond_the_limit(client, limit):
    make_events(ProposalFactory, limit + 2)

    body = client.get(f"{API}/events/", {"page_size": 1, "count": "exact"}).json()

    assert body["count"] == limit + 2
    assert "count_more_than" not in body


def test_numbered_pages_still_work_past_the_limit(client, limit):
    events = make_events(ProposalFactory, limit + 3)
    order = newest_first(events)

    third = client.get(f"{API}/events/", {"page_size": 2, "page": 3}).json()
    last = client.get(f"{API}/events/", {"page_size": 2, "page": "last"}).json()
    past = client.get(f"{API}/events/", {"page_size": 2, "page": 5})

    assert [row["id"] for row in third["results"]] == order[4:6]
    assert "page=2" in third["previous"]
    assert [row["id"] for row in last["results"]] == order[6:]
    assert last["count"] == limit + 3 and last["next"] is None
    assert past.status_code == 404
    # page 3's next continues by cursor where page 3 ended.
    assert [row["id"] for row in client.get(third["next"]).json()["results"]] == order[6:]


def test_an_empty_list_has_a_count_of_zero_and_no_links(client):
    body = client.get(f"{API}/events/").json()

    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def numbered(client, url: str, params: dict, size: int) -> list[int]:
    """Every row's id, page after numbered page (``page=2, 3, …``) until a page has no next."""
    seen, number = [], 1
    while True:
        response = client.get(url, {**params, "page_size": size, "page": number})
        assert response.status_code == 200, response.content
        body = response.json()
        seen.extend(row["id"] for row in body["results"])
        if body["next"] is None:
            return seen
        number += 1


@pytest.mark.parametrize("ordering", [None, *ORDERINGS])
def test_numbered_pages_hold_the_rows_of_the_list_in_its_order(client, ordering):
    # Past the first page a numbered page finds its ids first, then reads their rows.
    make_events(ProposalFactory, 9)
    params = {"ordering": ordering} if ordering else {}

    assert numbered(client, f"{API}/events/", params, 2) == one_page(
        client, f"{API}/events/", params
    )


def test_numbered_pages_hold_tombstones_after_the_published_rows(client):
    conflict = ConflictFactory(slug="war")
    make_events(ProposalFactory, 5, conflict=conflict)
    retracted = make_events(ProposalFactory, 4, conflict=conflict)
    Event.objects.filter(pk__in=[e.pk for e in retracted]).update(editorial_status=RETRACTED)
    params = {"updated_after": (timezone.now() - datetime.timedelta(hours=1)).isoformat()}

    pages = numbered(client, f"{API}/proposals/", params, 2)

    assert pages == one_page(client, f"{API}/proposals/", params)
    assert set(pages[5:]) == {e.pk for e in retracted}


def test_numbered_pages_of_a_filtered_list_hold_only_its_rows(client):
    conflict = ConflictFactory(slug="war")
    party = ActorFactory(slug="party")
    events = make_events(ProposalFactory, 7, conflict=conflict)
    for event in events[:5]:
        ParticipantFactory(event=event, actor=party, role=Participant.Role.PROPOSER)
    ParticipantFactory(event=events[0], actor=party, role=Participant.Role.ADDRESSEE)
    make_events(ProposalFactory, 4, conflict=ConflictFactory(slug="other"))
    params = {"actor": "party", "conflict": "war"}

    pages = numbered(client, f"{API}/events/", params, 2)

    assert pages == newest_first(events[:5])
    assert client.get(f"{API}/events/", {**params, "page_size": 2, "page": 3}).json()[
        "count"
    ] == len(pages)
