"""The charts of a conflict's page: published events by kind and month (SVG), the accusation
heat map, the period they cover; every bar segment and cell links to the API list of exactly the
events it counts."""

import datetime
import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from actors.models import Actor
from events.aggregates import accusation_matrix, kind_month_counts
from events.models import Event, Participant
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

URL = "/conflicts/war/"
SVG = "{http://www.w3.org/2000/svg}"
UNPUBLISHED = [Event.Status.DRAFT, Event.Status.IN_REVIEW, Event.Status.RETRACTED]


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def published(factory, **fields):
    return factory(editorial_status=Event.Status.PUBLISHED, **fields)


def accusation(conflict, date, accusers, accused, **fields):
    fields.setdefault("editorial_status", Event.Status.PUBLISHED)
    event = AccusationFactory(conflict=conflict, date=day(date), **fields)
    for actor in accusers:
        ParticipantFactory(event=event, actor=actor, role=Participant.Role.ACCUSER)
    for actor in accused:
        ParticipantFactory(event=event, actor=actor, role=Participant.Role.ACCUSED)
    return event


@pytest.fixture
def actors() -> dict[str, Actor]:
    return {
        slug: ActorFactory(slug=slug, name=name)
        for slug, name in (("russia", "Russia"), ("ukraine", "Ukraine"), ("usa", "United States"))
    }


@pytest.fixture
def war(actors):
    """Events on a month's first and last days, of month and year precision, talks over two
    months, a month without events (February), and unpublished accusations in May."""
    war = ConflictFactory(name="War", slug="war")
    russia, ukraine, usa = actors["russia"], actors["ukraine"], actors["usa"]
    published(ResponseFactory, conflict=war, date=day("2025-01-15"))  # its proposal: draft
    published(ProposalFactory, conflict=war, date=day("2025-06-01"), date_precision="year")
    published(MeetingFactory, conflict=war, date=day("2025-03-30"), end_date=day("2025-04-02"))
    accusation(war, "2025-03-31", [russia], [ukraine])
    published(ProposalFactory, conflict=war, date=day("2025-04-01"))
    published(ProposalFactory, conflict=war, date=day("2025-04-30"))
    published(ProposalFactory, conflict=war, date=day("2025-04-15"), date_precision="month")
    accusation(war, "2025-04-09", [ukraine], [russia], date_precision="month")
    accusation(war, "2025-04-20", [russia, usa], [ukraine])
    for status in UNPUBLISHED:
        accusation(war, "2025-05-05", [russia], [usa], editorial_status=status, title=status)
        ProposalFactory(conflict=war, date=day("2025-04-10"), editorial_status=status)
    return war


def svg_of(response) -> ET.Element:
    """The page's chart, parsed as XML (it must be well-formed)."""
    found = re.search(r"<svg .*?</svg>", response.content.decode(), re.S)
    assert found, "no chart on the page"
    return ET.fromstring(found[0])


def months(svg) -> dict[str, list[dict]]:
    """Each month of the chart with its segments: kind, count, link, tooltip, height."""
    drawn = {}
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") != "month":
            continue
        drawn[group.get("data-month")] = [
            {
                "kind": link.get("data-kind"),
                "count": int(link.get("data-count")),
                "url": link.get("href"),
                "title": link.find(f"{SVG}title").text,
                "height": float(link.find(f"{SVG}rect").get("height")),
                "class": link.find(f"{SVG}rect").get("class"),
            }
            for link in group.findall(f"{SVG}a")
        ]
    return drawn


def segments(response) -> list[dict]:
    return [segment for drawn in months(svg_of(response)).values() for segment in drawn]


def heat_cells(response) -> list[dict]:
    """The heat map's cells as shown: shade, tooltip, link and count (None when empty)."""
    cells = re.findall(
        r'<td class="(heat-\d)" title="([^"]*)">(?:<a href="([^"]*)">(\d+)</a>)?</td>',
        response.content.decode(),
    )
    return [
        {
            "class": shade,
            "title": html.unescape(title),
            "url": html.unescape(url) or None,
            "count": int(count) if count else None,
        }
        for shade, title, url, count in cells
    ]


def api_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return response.json()["count"]


# --- the aggregates, one definition --------------------------------------------------------


def test_the_api_shows_the_aggregates_the_page_draws(client, war):
    counts = client.get("/api/v1/conflicts/war/counts/").json()
    matrix = client.get("/api/v1/conflicts/war/accusation-matrix/").json()

    assert counts == kind_month_counts(war)
    assert matrix == accusation_matrix(war)
    drawn = {
        (s["url"].split("month=")[1][:7], s["kind"]): s["count"] for s in segments(client.get(URL))
    }
    assert drawn == {(row["month"], row["kind"]): row["count"] for row in counts["counts"]}


def test_an_aggregate_is_computed_once_per_data_version(war, django_assert_num_queries):
    cache.clear()
    first = accusation_matrix(war, day("2025-03-01"), None)
    with django_assert_num_queries(0):  # read from the cache
        assert accusation_matrix(war, day("2025-03-01"), None) == first
    with django_assert_num_queries(1):  # another period: its own entry, computed
        accusation_matrix(war, day("2025-04-01"), None)
    published(ProposalFactory, conflict=war, date=day("2025-04-20"))
    with django_assert_num_queries(1):  # a write: a new data version
        kind_month_counts(war)


# --- the monthly chart ---------------------------------------------------------------------


def test_the_months_run_without_a_gap_and_a_month_without_events_is_empty(client, war):
    drawn = months(svg_of(client.get(URL)))

    assert list(drawn) == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert drawn["2025-02"] == []


def test_each_kind_is_a_segment_with_its_count_and_a_tooltip(client, war):
    drawn = months(svg_of(client.get(URL)))

    titles = {month: [s["title"] for s in shown] for month, shown in drawn.items()}
    assert titles == {
        # A year-precision date counts in January; talks in the month they began.
        "2025-01": ["January 2025: 1 proposal", "January 2025: 1 response"],
        "2025-02": [],
        "2025-03": ["March 2025: 1 meeting", "March 2025: 1 accusation"],
        "2025-04": ["April 2025: 3 proposals", "April 2025: 2 accusations"],
    }
    assert {s["class"] for s in drawn["2025-04"]} == {"kind-proposal", "kind-accusation"}


def test_a_segments_height_is_proportional_to_its_count(client, war):
    drawn = months(svg_of(client.get(URL)))

    one = drawn["2025-01"][0]["height"]
    assert one > 0
    assert drawn["2025-04"][0]["height"] == pytest.approx(3 * one)
    assert drawn["2025-04"][1]["height"] == pytest.approx(2 * one)


def test_the_count_axis_reaches_the_highest_month_and_the_legend_names_the_kinds(client, war):
    response = client.get(URL)
    svg = svg_of(response)

    ticks = [int(t.text) for t in svg.iter(f"{SVG}text") if t.get("dominant-baseline")]
    assert ticks[0] == 0 and ticks[-1] >= 5  # April: 5 events
    labels = [t.text for t in svg.iter(f"{SVG}text") if not t.get("dominant-baseline")]
    assert labels == ["Jan", "2025", "Feb", "Mar", "Apr"]
    legend = re.search(r'<ul class="legend">(.*?)</ul>', response.content.decode(), re.S)[1]
    assert re.findall(r"</span>(\w+)</li>", legend) == [
        "Proposals",
        "Responses",
        "Meetings",
        "Accusations",
    ]


@pytest.mark.parametrize(
    "period",
    [
        {},
        {"from": "2025-03-31", "to": "2025-04-30"},
        {"from": "2025-04-02", "to": "2025-04-29"},
        {"from": "2025-04-01"},
        {"to": "2025-03-31"},
    ],
)
def test_every_segment_links_to_exactly_the_events_it_counts(client, war, period):
    shown = segments(client.get(URL, period))

    assert shown
    for segment in shown:
        assert api_count(client, segment["url"]) == segment["count"], segment["title"]


def test_talks_over_two_months_count_once_in_the_month_they_began(client, war):
    shown = segments(client.get(URL, {"from": "2025-04-02", "to": "2025-04-02"}))

    # The talks of 30 March – 2 April are within the period by their last day.
    assert [s["title"] for s in shown if s["kind"] == "meeting"] == ["March 2025: 1 meeting"]


# --- the heat map --------------------------------------------------------------------------


def test_the_heat_map_has_accusers_as_rows_and_accused_as_columns(client, war):
    response = client.get(URL)
    body = response.content.decode()
    cells = heat_cells(response)

    header = re.search(r"<thead>(.*?)</thead>", body, re.S)[1]
    assert re.findall(r'<th scope="col">([^<]*)</th>', header)[1:] == ["Russia", "Ukraine"]
    assert re.findall(r'<th scope="row">([^<]*)</th>', body) == [
        "Russia",
        "Ukraine",
        "United States",
    ]
    assert [(c["title"], c["count"], c["class"]) for c in cells] == [
        ("Russia accused Russia: no accusation", None, "heat-0"),
        ("Russia accused Ukraine: 2 accusations", 2, "heat-2"),
        ("Ukraine accused Russia: 1 accusation", 1, "heat-1"),
        ("Ukraine accused Ukraine: no accusation", None, "heat-0"),
        ("United States accused Russia: no accusation", None, "heat-0"),
        ("United States accused Ukraine: 1 accusation", 1, "heat-1"),
    ]
    assert cells[1]["url"] == "/api/v1/accusations/?conflict=war&accuser=russia&accused=ukraine"


@pytest.mark.parametrize("period", [{}, {"from": "2025-04-01"}, {"to": "2025-03-31"}])
def test_every_heat_cell_links_to_exactly_the_accusations_it_counts(client, war, period):
    cells = [cell for cell in heat_cells(client.get(URL, period)) if cell["count"]]

    assert cells
    for cell in cells:
        assert api_count(client, cell["url"]) == cell["count"], cell["title"]


@pytest.mark.parametrize(
    "n,shade", [(1, "heat-1"), (2, "heat-2"), (4, "heat-2"), (5, "heat-3"), (10, "heat-4")]
)
def test_a_cell_is_shaded_by_its_counts_bucket(client, actors, n, shade):
    war = ConflictFactory(slug="war")
    for _ in range(n):
        accusation(war, "2025-04-20", [actors["russia"]], [actors["ukraine"]])

    assert [c["class"] for c in heat_cells(client.get(URL))] == [shade]


# --- the period ----------------------------------------------------------------------------


@pytest.fixture
def edges(actors):
    """Accusations on 10 and 20 April, and on the days just outside them."""
    war = ConflictFactory(slug="war")
    for date in ("2025-04-09", "2025-04-10", "2025-04-20", "2025-04-21"):
        accusation(war, date, [actors["russia"]], [actors["ukraine"]])
    return war


@pytest.mark.parametrize(
    "period,counted",
    [
        ({"from": "2025-04-10", "to": "2025-04-20"}, 2),
        ({"from": "2025-04-10"}, 3),
        ({"to": "2025-04-20"}, 3),
        ({"from": "2025-04-20", "to": "2025-04-20"}, 1),
        ({"from": "2025-04-22"}, 0),
        ({}, 4),
    ],
)
def test_the_period_counts_events_on_its_first_and_last_day_not_beyond(
    client, edges, period, counted
):
    response = client.get(URL, period)
    body = response.content.decode()

    assert response.status_code == 200
    if counted:
        assert [s["count"] for s in segments(response)] == [counted]
        assert [c["count"] for c in heat_cells(response)] == [counted]
    else:
        assert "<svg" not in body
        assert "No published event in this period." in body
        assert "No published accusation in this period." in body


def test_the_period_is_in_every_link(client, edges):
    response = client.get(URL, {"from": "2025-04-10", "to": "2025-04-20"})

    for url in [s["url"] for s in segments(response)] + [c["url"] for c in heat_cells(response)]:
        assert "date_after=2025-04-10" in url and "date_before=2025-04-20" in url, url
    assert 'value="2025-04-10"' in response.content.decode()


@pytest.mark.parametrize(
    "period,field",
    [
        ({"from": "2025-02-30"}, "from"),
        ({"from": "20250401"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2025-04-21", "to": "2025-04-20"}, "to"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(client, edges, period, field):
    response = client.get(URL, period)

    assert response.status_code == 400
    body = response.content.decode()
    errors = re.findall(r'<li id="period-(\w+)-error">([^<]*)</li>', body)
    assert [name for name, _ in errors] == [field]
    assert f"“{field}”" in html.unescape(errors[0][1])
    assert "<svg" not in body and "heatmap" not in body


def test_empty_period_fields_mean_no_period(client, edges):
    response = client.get(URL, {"from": "", "to": ""})

    assert response.status_code == 200
    assert [s["count"] for s in segments(response)] == [4]


# --- published only ------------------------------------------------------------------------


def test_unpublished_events_are_counted_nowhere(client, war):
    response = client.get(URL)
    drawn = months(svg_of(response))

    assert "2025-05" not in drawn
    assert sum(s["count"] for s in segments(response)) == 9
    # April: three published proposals, not the unpublished ones of 10 April.
    assert drawn["2025-04"][0]["title"] == "April 2025: 3 proposals"
    # Russia's unpublished accusations of the United States: no such column.
    header = re.search(r"<thead>(.*?)</thead>", response.content.decode(), re.S)[1]
    assert "United States" not in header
    assert not any("accused=usa" in (c["url"] or "") for c in heat_cells(response))


def test_a_conflict_without_published_events_says_so(client, actors):
    war = ConflictFactory(slug="war")
    accusation(war, "2025-04-20", [actors["russia"]], [actors["ukraine"]], editorial_status="draft")

    body = client.get(URL).content.decode()

    assert "<svg" not in body
    assert "No published event." in body and "No published accusation." in body


# --- the page ------------------------------------------------------------------------------


def test_the_page_has_no_inline_style_or_script(client, war):
    body = client.get(URL).content.decode()

    assert "style=" not in body and "<style" not in body and "<script" not in body
    assert "/static/front/charts.css" in body


def test_the_page_links_its_atom_feed_in_its_head(client, war):
    body = client.get(URL).content.decode()

    head = body.split("</head>")[0]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="War: published events (Atom)" '
        'href="/api/v1/events/feed.atom?conflict=war">'
    ) in head


def spread(conflict, actors, n: int):
    """``n`` published events of every kind, one a month from January 2017 (as many months)."""
    kinds = [ProposalFactory, MeetingFactory, ResponseFactory]
    for i in range(n):
        date = datetime.date(2017 + i // 12, i % 12 + 1, 5)
        if i % 4 == 3:
            accusation(conflict, date.isoformat(), [actors["russia"]], [actors["ukraine"]])
        else:
            published(kinds[i % 4], conflict=conflict, date=date)


@pytest.mark.parametrize("n", [5, 100])
def test_the_page_reads_as_many_queries_for_5_or_100_events(
    client, actors, n, django_assert_max_num_queries
):
    spread(ConflictFactory(slug="war"), actors, n)
    cache.clear()  # the aggregates computed, not read from the cache

    # The conflict; its counts by kind; its parties; the counts by kind and month; the
    # accusers' and accused of its accusations; the names of those actors.
    with django_assert_max_num_queries(6):
        response = client.get(URL)

    assert len(months(svg_of(response))) == n
    assert sum(s["count"] for s in segments(response)) == n
