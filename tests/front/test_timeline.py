"""The timeline page (/conflicts/<slug>/timeline/) and its layout functions (front/timeline.py)."""

import datetime
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from actors.models import Actor
from events.models import ConflictParty, Event, Participant
from front import timeline
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    AffiliationFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED = Event.Status.PUBLISHED
UNPUBLISHED = [Event.Status.DRAFT, Event.Status.IN_REVIEW, Event.Status.RETRACTED]
D = datetime.date
URL = "/conflicts/war/timeline/"
EASTER, EASTER_SUNDAY, NEW_YEAR = D(2025, 4, 19), D(2025, 4, 20), D(2025, 1, 1)


def svg_of(response) -> ET.Element:
    body = response.content.decode()
    return ET.fromstring(re.search(r"<svg class=\"tl-svg\".*?</svg>", body, re.S).group(0))


def marks_of(response) -> list[ET.Element]:
    return [a for a in svg_of(response).iterfind(".//{*}a") if "tl-mark" in a.get("class")]


def title_of(mark: ET.Element) -> str:
    return mark.find("{*}title").text


def lanes_of(response) -> dict[str, str]:
    """Lane key → lane label, in order."""
    return {
        g.get("data-lane"): g.get("data-label")
        for g in svg_of(response).iterfind(".//{*}g")
        if "tl-lane" in (g.get("class") or "").split()
    }


def by_title(response) -> dict[str, ET.Element]:
    return {title_of(mark).splitlines()[0]: mark for mark in marks_of(response)}


@pytest.fixture
def war():
    """Russia and Ukraine, parties; Putin (President of Russia since 2012) and Trump
    (President of the United States from 2025-01-20); the United States mediates."""
    conflict = ConflictFactory(name="War", slug="war")
    russia, ukraine = ActorFactory(name="Russia"), ActorFactory(name="Ukraine")
    for actor in (russia, ukraine):
        ConflictParty.objects.create(conflict=conflict, actor=actor)
    usa = ActorFactory(name="United States")
    putin = ActorFactory(name="Putin", kind=Actor.Kind.PERSON)
    trump = ActorFactory(name="Trump", kind=Actor.Kind.PERSON)
    AffiliationFactory(person=putin, organization=russia, start_date=D(2012, 5, 7))
    AffiliationFactory(person=trump, organization=usa, start_date=D(2025, 1, 20))
    return SimpleNamespace(
        conflict=conflict, russia=russia, ukraine=ukraine, usa=usa, putin=putin, trump=trump
    )


def proposal(war, title, proposer=None, mediator=None, date=EASTER, **fields):
    event = ProposalFactory(conflict=war.conflict, title=title, date=date, **fields)
    event.editorial_status = fields.get("editorial_status", PUBLISHED)
    event.save()
    if proposer:
        ParticipantFactory(event=event, actor=proposer, role=Participant.Role.PROPOSER)
    if mediator:
        ParticipantFactory(event=event, actor=mediator, role=Participant.Role.MEDIATOR)
    return event


def accusation(war, title, accuser, date=EASTER_SUNDAY, about=None, **fields):
    fields.setdefault("editorial_status", PUBLISHED)
    event = AccusationFactory(
        conflict=war.conflict, title=title, date=date, proposal=about, **fields
    )
    ParticipantFactory(event=event, actor=accuser, role=Participant.Role.ACCUSER)
    return event


def get(client, **params):
    return client.get(URL, params)


# The lanes.


def test_parties_come_first_then_mediators_then_other_actors(client, war):
    saudi = ActorFactory(name="Saudi Arabia")
    talks = MeetingFactory(conflict=war.conflict, title="Talks", editorial_status=PUBLISHED)
    ParticipantFactory(event=talks, actor=saudi, role=Participant.Role.HOST)
    ParticipantFactory(event=talks, actor=war.russia, role=Participant.Role.DELEGATION)
    proposal(war, "A plan", proposer=ActorFactory(name="Vatican"), date=D(2025, 4, 1))
    proposal(war, "Energy pause", mediator=war.usa, date=D(2025, 3, 1))
    response = get(client, **{"from": "2025-03-01", "to": "2025-04-30"})
    assert list(lanes_of(response).values()) == [
        "Russia",
        "Ukraine",
        "United States",
        "Saudi Arabia",
        "Vatican",
    ]
    lanes = {label: key for key, label in lanes_of(response).items()}
    marks = by_title(response)
    # A meeting goes on its host's lane (no mediator), not its delegation's.
    assert marks["Talks"].get("data-lane") == lanes["Saudi Arabia"]
    # A mediated proposal with no proposer goes on its mediator's lane.
    assert marks["Energy pause"].get("data-lane") == lanes["United States"]


def test_lanes_beyond_the_cap_collapse_into_others(war):
    events = [
        proposal(war, f"Plan {n}", proposer=ActorFactory(name=f"State {n}")) for n in range(4)
    ]
    events = timeline.timeline_events(war.conflict, D(2025, 1, 1), D(2025, 12, 31))
    lanes, assignment = timeline.assign_lanes(
        [war.russia, war.ukraine], events, timeline.affiliations_of(events), max_lanes=4
    )
    assert [lane.label for lane in lanes] == ["Russia", "Ukraine", "State 0", "Others"]
    assert [a.name for a in lanes[-1].actors] == ["State 1", "State 2", "State 3"]
    placed = {event.title: assignment[event.pk][0] for event in events}
    assert placed == {
        "Plan 0": lanes[2].key,
        "Plan 1": "others",
        "Plan 2": "others",
        "Plan 3": "others",
    }


def test_within_the_cap_every_actor_has_its_lane(war):
    for n in range(2):
        proposal(war, f"Plan {n}", proposer=ActorFactory(name=f"State {n}"))
    events = timeline.timeline_events(war.conflict, D(2025, 1, 1), D(2025, 12, 31))
    lanes, _ = timeline.assign_lanes([war.russia, war.ukraine], events, {}, max_lanes=4)
    assert [lane.label for lane in lanes] == ["Russia", "Ukraine", "State 0", "State 1"]


def test_an_event_no_actor_places_goes_on_the_others_lane(client, war):
    proposal(war, "Nobody's plan")
    response = get(client)
    assert lanes_of(response)["others"] == "Others"
    assert by_title(response)["Nobody's plan"].get("data-lane") == "others"


def test_a_persons_acts_go_on_the_lane_of_the_state_they_serve_on_the_day(client, war):
    proposal(war, "Putin's truce", proposer=war.putin)
    response = ResponseFactory(
        conflict=war.conflict,
        title="Putin considers it",
        proposal=proposal(war, "Kyiv's truce", proposer=war.ukraine),
        responder=war.putin,
        editorial_status=PUBLISHED,
    )
    assert response.pk
    page = get(client)
    lanes = {label: key for key, label in lanes_of(page).items()}
    marks = by_title(page)
    assert marks["Putin's truce"].get("data-lane") == lanes["Russia"]
    assert marks["Putin considers it"].get("data-lane") == lanes["Russia"]
    assert "Putin" not in lanes


def test_a_person_affiliated_only_after_the_event_is_not_on_the_partys_lane(war):
    before = proposal(war, "Trump before office", proposer=war.trump, date=D(2025, 1, 19))
    first_day = proposal(war, "Trump's first day", proposer=war.trump, date=D(2025, 1, 20))
    events = timeline.timeline_events(war.conflict, D(2025, 1, 1), D(2025, 1, 31))
    affiliations = timeline.affiliations_of(events)
    assert timeline.resolve(war.trump, before.date, affiliations) == war.trump
    assert timeline.resolve(war.trump, first_day.date, affiliations) == war.usa
    lanes, assignment = timeline.assign_lanes([war.russia, war.ukraine], events, affiliations)
    assert [lane.label for lane in lanes] == ["Russia", "Ukraine", "Trump", "United States"]
    assert assignment[before.pk][2] == war.trump
    assert assignment[first_day.pk][2] == war.usa


def test_an_affiliation_that_ended_before_the_event_does_not_place_it(war):
    yanukovych = ActorFactory(name="Yanukovych", kind=Actor.Kind.PERSON)
    AffiliationFactory(
        person=yanukovych, organization=war.ukraine, start_date=D(2010, 2, 25),
        end_date=D(2014, 2, 22),
    )  # fmt: skip
    affiliations = timeline.affiliations_of(
        [proposal(war, "Late plan", proposer=yanukovych, date=D(2014, 2, 23))]
    )
    assert timeline.resolve(yanukovych, D(2014, 2, 22), affiliations) == war.ukraine
    assert timeline.resolve(yanukovych, D(2014, 2, 23), affiliations) == yanukovych


# Marks and clusters, from the layout functions.


def fake_item(x0, kind=Event.Kind.ACCUSATION, pk=0):
    event = SimpleNamespace(kind=kind, date=D(2025, 4, 1), pk=pk)
    return timeline.Item(event, "lane", "accuser", None, "point", kind, x0, x0 + 12)


def test_marks_closer_than_the_threshold_cluster():
    items = [fake_item(x, pk=n) for n, x in enumerate([10, 11, 13.99])]
    assert [len(group) for group in timeline.cluster(items, threshold=4)] == [3]


def test_a_mark_exactly_the_threshold_away_starts_a_new_group():
    items = [fake_item(x, pk=n) for n, x in enumerate([10, 11, 12, 14])]
    # 10, 11, 12 cluster; 14 is exactly 4 from the group's first: a group of its own.
    assert [len(group) for group in timeline.cluster(items, threshold=4)] == [3, 1]


def test_two_close_marks_stay_apart_and_other_kinds_never_join():
    items = [fake_item(10, pk=1), fake_item(11, pk=2)]
    items += [fake_item(10.5, kind=Event.Kind.RESPONSE, pk=3)]
    assert [len(group) for group in timeline.cluster(items, threshold=4)] == [1, 1, 1]


def test_rows_keep_labels_from_overlapping():
    marks = [
        timeline.Mark([fake_item(x, pk=n)], "/", "A long label of forty characters ......", "")
        for n, x in enumerate([200, 210, 220])
    ]
    rows = timeline.place_rows(marks, right=1000, max_rows=2)
    assert rows == 2
    assert [(m.row, m.show_label) for m in marks] == [(0, True), (1, True), (0, False)]


def test_a_label_that_would_run_off_the_right_edge_goes_left():
    mark = timeline.Mark([fake_item(950)], "/", "x" * 40, "")
    timeline.place_rows([mark], right=1000)
    assert mark.label_anchor == "end"
    assert mark.label_x < mark.x0


def test_short_ranges_have_day_ticks_long_ones_only_months():
    april = timeline.Scale(D(2025, 4, 1), D(2025, 4, 30), left=0, right=300)  # 70 px a week
    assert [tick["label"] for tick in april.day_ticks()] == ["8", "15", "22"]
    assert [tick["x"] for tick in april.day_ticks()] == [70, 140, 210]
    assert [tick["label"] for tick in april.ticks()] == ["Apr 2025"]
    year = timeline.Scale(D(2025, 1, 1), D(2025, 12, 31), left=0, right=300)
    assert year.day_ticks() == []
    assert [tick["label"] for tick in year.ticks()][:3] == ["Jan 2025", "Feb", "Mar"]
    decades = timeline.Scale(D(2000, 1, 1), D(2039, 12, 31))
    assert len(decades.ticks()) <= timeline.MAX_TICKS


def test_a_month_dated_label_runs_as_long_as_its_span_holds(war):
    title = "Russia accuses Ukraine of violating the agreed pause on energy infrastructure"
    accusation(war, title, war.russia, date=D(2025, 3, 1), date_precision="month")
    page = timeline.build_timeline(war.conflict, D(2025, 3, 1), D(2025, 3, 31))
    (mark,) = page["marks"]
    assert mark.label == title
    narrow = timeline.build_timeline(war.conflict, D(2025, 3, 25), D(2025, 4, 30))
    assert narrow["marks"][0].label.endswith("…")


def test_proposals_are_bars_over_their_effective_else_proposed_period_else_marks(war):
    scale = timeline.Scale(D(2025, 4, 1), D(2025, 4, 30), left=0, right=300)  # 10 px a day
    cases = {
        "effective": proposal(
            war, "In force", effective_from=D(2025, 4, 10), ended_on=D(2025, 4, 11),
            proposed_end=D(2025, 4, 20), outcome="expired",
        ),
        "effective, ending as proposed": proposal(
            war, "Ran its term", effective_from=D(2025, 4, 10), proposed_end=D(2025, 4, 14),
            outcome="expired",
        ),
        "proposed": proposal(
            war, "Offer", proposed_start=D(2025, 4, 5), proposed_end=D(2025, 4, 6),
            outcome="rejected",
        ),
        "point": proposal(war, "Idea", date=D(2025, 4, 20)),
        "month": proposal(war, "In April", date=D(2025, 4, 9), date_precision="month"),
    }  # fmt: skip
    events = {e.pk: e for e in timeline.timeline_events(war.conflict, scale.first, scale.last)}
    drawn = {
        name: timeline.item_for(events[p.pk], scale, "lane", "", None, [])
        for name, p in cases.items()
    }
    shapes = {name: (item.shape, item.colour, item.x0, item.x1) for name, item in drawn.items()}
    assert shapes == {
        "effective": ("bar", "expired", 90, 110),
        "effective, ending as proposed": ("bar", "expired", 90, 140),
        "proposed": ("hatched", "rejected", 40, 60),
        "point": ("point", "proposed", 195 - timeline.MARK_SIZE, 195 + timeline.MARK_SIZE),
        "month": ("month", "proposed", 0, 300),
    }


def test_bars_partly_in_the_range_are_clipped(client, war):
    proposal(
        war, "Long truce", date=D(2025, 3, 20), effective_from=D(2025, 3, 20),
        ended_on=D(2025, 5, 20), outcome="expired",
    )  # fmt: skip
    response = get(client, **{"from": "2025-04-01", "to": "2025-04-30"})
    bar = by_title(response)["Long truce"].find("{*}rect")
    assert float(bar.get("x")) == timeline.PLOT_LEFT
    assert float(bar.get("x")) + float(bar.get("width")) == timeline.PLOT_RIGHT


# The page.


def test_the_page_draws_published_events_only(client, war):
    proposal(war, "Shown truce", proposer=war.russia)
    for status in UNPUBLISHED:
        proposal(war, f"Hidden {status}", proposer=war.russia, editorial_status=status)
        accusation(war, f"Hidden accusation {status}", war.ukraine, editorial_status=status)
    response = get(client)
    assert response.status_code == 200
    assert list(by_title(response)) == ["Shown truce"]
    body = response.content.decode()
    for status in UNPUBLISHED:
        assert f"Hidden {status}" not in body
        assert f"Hidden accusation {status}" not in body


def test_the_default_range_is_the_span_of_the_published_events_padded(client, war):
    proposal(war, "First", proposer=war.russia, date=D(2025, 3, 1))
    proposal(war, "Last", proposer=war.russia, date=D(2025, 4, 21))
    proposal(war, "Draft later", date=D(2026, 1, 1), editorial_status=Event.Status.DRAFT)
    response = get(client)
    assert (response.context["first"], response.context["last"]) == (
        D(2025, 2, 22),
        D(2025, 4, 28),
    )
    assert set(by_title(response)) == {"First", "Last"}


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (D(2025, 3, 31), False),
        (D(2025, 4, 1), True),  # exactly "from"
        (D(2025, 4, 30), True),  # exactly "to"
        (D(2025, 5, 1), False),
    ],
)
def test_the_range_includes_its_first_and_last_days(client, war, day, shown):
    accusation(war, "Shelling", war.ukraine, date=day)
    response = get(client, **{"from": "2025-04-01", "to": "2025-04-30"})
    assert ("Shelling" in by_title(response)) is shown


def test_a_month_dated_event_is_in_a_range_that_holds_part_of_its_month(client, war):
    accusation(war, "In March", war.ukraine, date=D(2025, 3, 1), date_precision="month")
    assert "In March" in by_title(get(client, **{"from": "2025-03-31", "to": "2025-04-30"}))
    assert "In March" not in by_title(get(client, **{"from": "2025-04-01", "to": "2025-04-30"}))


def test_a_proposal_in_effect_during_the_range_is_drawn_though_dated_before_it(client, war):
    proposal(
        war, "Old truce", date=D(2025, 1, 10), effective_from=D(2025, 1, 10),
        ended_on=D(2025, 4, 1), outcome="expired",
    )  # fmt: skip
    assert "Old truce" in by_title(get(client, **{"from": "2025-04-01", "to": "2025-04-30"}))
    assert "Old truce" not in by_title(get(client, **{"from": "2025-04-02", "to": "2025-04-30"}))


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2025-13-01"}, "from", "“from”: enter a date as YYYY-MM-DD"),
        ({"to": "soon"}, "to", "“to”: enter a date as YYYY-MM-DD, not “soon”"),
        ({"from": "2025-04-02", "to": "2025-04-01"}, "to", "“to” (2025-04-01) is before “from”"),
        ({"from": "9000-01-01"}, "to", "is before “from” (9000-01-01)"),  # the default "to"
        ({"from": "0001-01-01", "to": "9999-12-31"}, "to", "longer than 50 years"),
    ],
)
def test_bad_dates_are_a_400_naming_the_field(client, war, params, field, message):
    response = get(client, **params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(response.context["errors"]) == [field]
    assert "tl-svg" not in response.content.decode()


def test_the_same_day_for_from_and_to_is_a_range(client, war):
    accusation(war, "Shelling", war.ukraine, date=D(2025, 4, 1))
    response = get(client, **{"from": "2025-04-01", "to": "2025-04-01"})
    assert response.status_code == 200
    assert "Shelling" in by_title(response)


def test_the_extreme_dates_do_not_break_the_page(client, war):
    accusation(war, "Shelling", war.ukraine, date=D(2025, 4, 1))
    for params in (
        {"from": "9999-01-01", "to": "9999-12-31"},
        {"from": "0001-01-01", "to": "0001-01-31"},
    ):
        assert get(client, **params).status_code == 200, params


def test_every_mark_has_a_title_with_its_date_and_first_quote(client, war):
    truce = proposal(war, "Easter truce", proposer=war.putin, date=D(2025, 4, 19))
    CitationFactory(event=truce, quote="30-day truce")
    CitationFactory(event=truce, quote="Talks will follow")
    response = get(client)
    title = title_of(by_title(response)["Easter truce"])
    assert title.splitlines() == [
        "Easter truce",
        "Proposal, proposed · 19 Apr 2025",
        "“30-day truce”",
    ]


def test_a_proposals_title_gives_the_period_it_is_drawn_over(client, war):
    proposal(war, "Offer", proposed_start=D(2025, 4, 5), outcome="proposed")
    proposal(
        war, "Truce", effective_from=D(2025, 4, 10), ended_on=D(2025, 4, 11),
        outcome="expired",
    )  # fmt: skip
    marks = by_title(get(client))
    assert title_of(marks["Offer"]).splitlines()[2] == "Proposed period: 5 Apr 2025 – open-ended"
    assert title_of(marks["Truce"]).splitlines()[2] == "Effective period: 10 Apr 2025 – 11 Apr 2025"


def test_every_href_resolves_to_the_record(client, war):
    truce = proposal(war, "Truce", proposer=war.putin, outcome="expired")
    accusation(war, "Violation", war.ukraine, about=truce)
    ResponseFactory(
        conflict=war.conflict, title="Answer", proposal=truce, responder=war.ukraine,
        editorial_status=PUBLISHED,
    )  # fmt: skip
    talks = MeetingFactory(conflict=war.conflict, title="Talks", editorial_status=PUBLISHED)
    talks.produced.add(truce)
    ParticipantFactory(event=talks, actor=war.usa, role=Participant.Role.MEDIATOR)
    response = get(client)
    marks = by_title(response)
    assert set(marks) == {"Truce", "Violation", "Answer", "Talks"}
    for title, mark in marks.items():
        record = client.get(mark.get("href"), HTTP_ACCEPT="application/json")
        assert record.status_code == 200, title
        assert record.json()["title"] == title
    # One line from each of the accusation, the response and the talks to the proposal.
    lines = svg_of(response).iterfind(".//{*}line")
    assert len([line for line in lines if "tl-link" in line.get("class")]) == 3


def test_the_conflict_page_links_to_its_timeline(client, war):
    assert b'href="/conflicts/war/timeline/"' in client.get("/conflicts/war/").content


def test_an_unknown_conflict_is_a_404(client, war):
    assert client.get("/conflicts/no-war/timeline/").status_code == 404


def test_the_timeline_is_read_only_and_needs_a_sign_in_when_reads_do(client, war, settings):
    assert client.post(URL).status_code == 405
    settings.API_READ_REQUIRES_TOKEN = True
    assert client.get(URL).status_code == 302


# Scale: queries and many events.


def many_events(war, count: int, start=NEW_YEAR, days=20):
    """``count`` published events spread over ``days`` days: proposals by Putin with a period, and
    accusations and responses by Russia and Ukraine, each cited once."""
    truce = proposal(war, "Truce", proposer=war.putin, date=start, outcome="expired")
    events = [truce]
    for n in range(count - 1):
        day = start + datetime.timedelta(days=n * days // count)
        side = (war.russia, war.ukraine)[n % 2]
        if n % 3 == 0:
            event = accusation(war, f"Accusation {n}", side, date=day, about=truce)
        elif n % 3 == 1:
            event = ResponseFactory(
                conflict=war.conflict, title=f"Response {n}", date=day, proposal=truce,
                responder=side, editorial_status=PUBLISHED,
            )  # fmt: skip
        else:
            event = proposal(
                war, f"Proposal {n}", proposer=war.putin, date=day, effective_from=day,
                ended_on=day + datetime.timedelta(days=2), outcome="expired",
            )  # fmt: skip
        CitationFactory(event=event)
        events.append(event)
    return events


@pytest.mark.parametrize("count", [5, 100])
def test_the_page_reads_a_constant_number_of_queries(
    client, war, count, django_assert_max_num_queries
):
    many_events(war, count)
    # 1 the conflict; 2 the default range; 3 the events with their kind's rows and
    # responders; 4 their participants and actors; 5 their citations; 6 the parties;
    # 7 the people's affiliations with their organizations; (no meetings: no link queries)
    with django_assert_max_num_queries(7):
        response = get(client)
    assert response.context["timeline"]["event_count"] == count


def test_500_events_make_a_bounded_picture_accounting_for_every_event(client, war):
    many_events(war, 500)
    response = get(client, **{"from": "2025-01-01", "to": "2025-01-31"})
    marks = marks_of(response)
    counts = [int(mark.get("data-count")) for mark in marks]
    clusters = [mark for mark in marks if "tl-cluster" in mark.get("class")]
    assert sum(counts) == 500
    assert clusters
    assert len(marks) < 250
    assert len(lanes_of(response)) <= timeline.MAX_LANES
    lanes = response.context["timeline"]["lanes"]
    assert all(lane.rows <= timeline.MAX_ROWS for lane in lanes)
    # Every event links to the truce, but clusters draw no lines.
    assert response.context["timeline"]["lines"] == []


def test_a_clusters_link_lists_exactly_its_events(client, war):
    for n in range(5):
        accusation(war, f"Shelling {n}", war.putin, date=D(2025, 4, 1))
    for n in range(2):
        accusation(war, f"Other shelling {n}", war.ukraine, date=D(2025, 4, 1))
    response = get(client, **{"from": "2025-01-01", "to": "2025-12-31"})
    (cluster,) = [mark for mark in marks_of(response) if "tl-cluster" in mark.get("class")]
    assert cluster.get("data-count") == "5"
    assert cluster.find("{*}text").text == "5"
    href = cluster.get("href")
    query = parse_qs(urlsplit(href).query)
    assert query["accuser"] == ["russia"] and query["include_affiliates"] == ["true"]
    listed = client.get(href, HTTP_ACCEPT="application/json").json()
    assert sorted(row["title"] for row in listed["results"]) == [f"Shelling {n}" for n in range(5)]
