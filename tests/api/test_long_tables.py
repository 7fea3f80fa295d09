"""``participants/`` and ``citations/``: one row per actor in a role or per quote, for joins."""

import contextlib
import csv
import datetime
import io

import pytest
from django.core.management import call_command

from events.api.filters import TimelineFilterSet
from events.api.tables import CitationFilterSet, ParticipantFilterSet
from events.models import Citation, Event, Participant
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.api.test_query_counts import World
from tests.api.test_quickstart import BASE, readme_block
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED = Event.Status.PUBLISHED
ROLES = Participant.Role


@pytest.fixture
def world(db):
    """A truce offered by Russia and Turkey to Ukraine (war, 2025-03-01), Ukraine's answer
    (war, 2025-03-02), an accusation (other conflict, 2025-03-03), and a draft."""
    war, other = ConflictFactory(slug="war"), ConflictFactory(slug="other")
    russia, ukraine, turkey = (ActorFactory(slug=s) for s in ("russia", "ukraine", "turkey"))
    source = SourceFactory(
        url="https://news.example.org/truce",
        title="Truce offered",
        archive_url="https://archive.example.org/truce",
        body="Both sides agreed to a “30-day truce” on Monday. Talks will follow.",
    )
    truce = ProposalFactory(
        conflict=war, date=datetime.date(2025, 3, 1), editorial_status=PUBLISHED
    )
    answer = ResponseFactory(
        conflict=war,
        date=datetime.date(2025, 3, 2),
        proposal=truce,
        responder=ukraine,
        editorial_status=PUBLISHED,
    )
    accusation = AccusationFactory(
        conflict=other, date=datetime.date(2025, 3, 3), editorial_status=PUBLISHED
    )
    draft = ProposalFactory(conflict=war, date=datetime.date(2025, 3, 2))
    # Created out of order, so that the table's order is not the order of insertion.
    Participant.objects.create(event=truce, actor=ukraine, role=ROLES.ADDRESSEE)
    Participant.objects.create(event=accusation, actor=ukraine, role=ROLES.ACCUSER)
    Participant.objects.create(event=truce, actor=russia, role=ROLES.PROPOSER)
    Participant.objects.create(event=accusation, actor=russia, role=ROLES.ACCUSED)
    Participant.objects.create(event=truce, actor=turkey, role=ROLES.PROPOSER)
    Participant.objects.create(event=draft, actor=russia, role=ROLES.PROPOSER)
    CitationFactory(event=accusation, source=source, quote="Talks will follow.")
    CitationFactory(event=truce, source=source, quote="30-day truce", speaker=russia, via=turkey)
    CitationFactory(event=answer, source=source, quote="Talks will follow.")
    CitationFactory(event=truce, source=source, quote="Talks will follow.")
    CitationFactory(event=draft, source=source)
    return {"truce": truce, "answer": answer, "accusation": accusation, "draft": draft}


def participants(client, **params) -> list[tuple]:
    response = client.get("/api/v1/participants/", params)
    assert response.status_code == 200, response.content
    return [(r["event"], r["kind"], r["role"], r["actor"]) for r in response.json()["results"]]


def citations(client, **params) -> list[tuple]:
    response = client.get("/api/v1/citations/", params)
    assert response.status_code == 200, response.content
    return [(r["event"], r["quote"]) for r in response.json()["results"]]


def test_participants_are_one_row_per_actor_and_role_in_event_order(anonymous, world):
    truce, accusation = world["truce"].pk, world["accusation"].pk

    assert participants(anonymous) == [
        (truce, "proposal", "addressee", "ukraine"),
        (truce, "proposal", "proposer", "russia"),
        (truce, "proposal", "proposer", "turkey"),
        (accusation, "accusation", "accuser", "ukraine"),
        (accusation, "accusation", "accused", "russia"),
    ]


def test_citations_are_one_row_per_quote_with_the_articles_urls(anonymous, world):
    response = anonymous.get("/api/v1/citations/")

    source = Citation.objects.first().source_id
    truce, answer, accusation = (world[k].pk for k in ("truce", "answer", "accusation"))
    row = {
        "source": source,
        "source_title": "Truce offered",
        "source_url": "https://news.example.org/truce",
        "archive_url": "https://archive.example.org/truce",
        "speaker": None,
        "via": None,
    }
    assert response.json()["results"] == [
        {"event": truce, **row, "quote": "30-day truce", "speaker": "russia", "via": "turkey"},
        {"event": truce, **row, "quote": "Talks will follow."},
        {"event": answer, **row, "quote": "Talks will follow."},
        {"event": accusation, **row, "quote": "Talks will follow."},
    ]


def test_editors_see_the_rows_of_drafts_too(editor_api, world):
    truce, draft = world["truce"].pk, world["draft"].pk

    assert participants(editor_api, conflict="war") == [
        (truce, "proposal", "addressee", "ukraine"),
        (truce, "proposal", "proposer", "russia"),
        (truce, "proposal", "proposer", "turkey"),
        (draft, "proposal", "proposer", "russia"),
    ]
    assert [event for event, _ in citations(editor_api, kind="proposal")] == [truce, truce, draft]


def test_retracted_events_rows_are_not_listed_even_with_updated_after(anonymous, world):
    truce = world["truce"]
    truce.editorial_status = Event.Status.RETRACTED
    truce.save()
    since = (truce.updated_at - datetime.timedelta(days=1)).isoformat()

    assert participants(anonymous, updated_after=since) == [
        (world["accusation"].pk, "accusation", "accuser", "ukraine"),
        (world["accusation"].pk, "accusation", "accused", "russia"),
    ]
    assert [event for event, _ in citations(anonymous, updated_after=since)] == [
        world["answer"].pk,
        world["accusation"].pk,
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"conflict": "war"}, ["truce", "answer"]),
        ({"conflict": "other"}, ["accusation"]),
        ({"kind": "response,accusation"}, ["answer", "accusation"]),
        ({"date_after": "2025-03-02"}, ["answer", "accusation"]),
        ({"date_after": "2025-03-04"}, []),
        ({"date_before": "2025-03-02"}, ["truce", "answer"]),
        ({"date_before": "2025-02-28"}, []),
        ({"proposer": "turkey"}, ["truce"]),
        ({"actor": "russia"}, ["truce", "accusation"]),
        ({"stance": "accepted"}, ["answer"]),
        ({"q": "follow"}, ["truce", "answer", "accusation"]),
    ],
)
def test_the_timelines_filters_choose_the_events_whose_rows_are_listed(
    anonymous, world, params, expected
):
    events = [world[name].pk for name in expected]

    assert [event for event, _ in citations(anonymous, **params)] == [
        event for event, _ in citations(anonymous) if event in events
    ]
    assert {event for event, *_ in participants(anonymous, **params)} == {
        event for event, *_ in participants(anonymous) if event in events
    }


def test_the_tables_take_every_filter_of_the_timeline_but_its_ordering():
    timeline = set(TimelineFilterSet.get_filters()) - {"ordering"}

    assert set(CitationFilterSet.get_filters()) == timeline
    assert set(ParticipantFilterSet.get_filters()) == timeline | {"role"}


def test_role_keeps_the_participants_in_those_roles(anonymous, world):
    assert participants(anonymous, role="proposer,accused") == [
        (world["truce"].pk, "proposal", "proposer", "russia"),
        (world["truce"].pk, "proposal", "proposer", "turkey"),
        (world["accusation"].pk, "accusation", "accused", "russia"),
    ]
    assert participants(anonymous, role="mediator") == []


def test_repeated_role_keys_are_a_comma_list(anonymous, world):
    response = anonymous.get("/api/v1/participants/?role=accused&role=addressee")

    assert response.status_code == 200, response.content
    assert [(r["event"], r["role"]) for r in response.json()["results"]] == [
        (world["truce"].pk, "addressee"),
        (world["accusation"].pk, "accused"),
    ]


def test_role_and_an_event_filter_combine(anonymous, world):
    # The events where Ukraine takes part, and in them the accused only.
    assert participants(anonymous, actor="ukraine", role="accused") == [
        (world["accusation"].pk, "accusation", "accused", "russia"),
    ]


@pytest.mark.parametrize(
    ("endpoint", "params", "field"),
    [
        ("participants", {"role": "villain"}, "role"),
        ("participants", {"conflict": "nowhere"}, "conflict"),
        ("citations", {"kind": "truce"}, "kind"),
        ("citations", {"date_after": "March"}, "date_after"),
        # The order is fixed (event, then row): no ordering to choose.
        ("participants", {"ordering": "actor"}, "ordering"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_it(anonymous, world, endpoint, params, field):
    response = anonymous.get(f"/api/v1/{endpoint}/", params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_tables_are_paginated_like_the_other_lists(anonymous, world):
    first = anonymous.get("/api/v1/participants/", {"page_size": 2}).json()
    second = anonymous.get(first["next"]).json()

    assert first["count"] == 5
    assert [r["actor"] for r in first["results"]] == ["ukraine", "russia"]
    assert [r["actor"] for r in second["results"]] == ["turkey", "ukraine"]


@pytest.mark.parametrize(
    ("endpoint", "header"),
    [
        ("participants", ["event", "kind", "role", "actor"]),
        (
            "citations",
            [
                "event",
                "source",
                "source_title",
                "source_url",
                "archive_url",
                "quote",
                "speaker",
                "via",
            ],
        ),
    ],
)
def test_the_tables_are_csv_too(anonymous, world, endpoint, header):
    response = anonymous.get(f"/api/v1/{endpoint}/", {"format": "csv", "conflict": "other"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == header
    assert {row[0] for row in rows[1:]} == {str(world["accusation"].pk)}
    assert len(rows) == {"participants": 3, "citations": 2}[endpoint]


# A page of a table is one COUNT(*) and one SELECT of its rows with their event, actor or
# article (speaker, via) joined; no query per row.
@pytest.mark.parametrize("endpoint", ["participants", "citations"])
def test_a_page_costs_the_same_queries_for_1_and_50_rows(
    anonymous, endpoint, django_assert_num_queries
):
    world = World()
    for _ in range(30):
        world.proposal()  # 6 participants and 2 citations each

    for rows in (1, 50):
        with django_assert_num_queries(2):
            response = anonymous.get(f"/api/v1/{endpoint}/", {"page_size": rows})
        assert len(response.json()["results"]) == rows


@pytest.mark.django_db(transaction=True)
def test_the_readme_join_example_prints_what_it_says(live_server):
    call_command("load_demo", verbosity=0)
    code = readme_block("join").replace(BASE, live_server.url)

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "README.md", "exec"), {})

    assert output.getvalue() == readme_block("join-output")
