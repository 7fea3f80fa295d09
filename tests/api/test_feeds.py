"""Atom feeds of a list's filters (``…/feed.atom``): the newest published records matching
every filter, newest first by updated_at, nothing unpublished whoever asks, the list's strict
parameter checks, validators for readers that poll, and the queries of a page."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.api.feeds import DEFAULT_LIMIT, MAX_LIMIT
from events.models import Event, Participant, Proposal
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.api.test_quickstart import BASE, readme_block
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
FEED = f"{API}/events/feed.atom"
A = "{http://www.w3.org/2005/Atom}"
PUBLISHED = Event.Status.PUBLISHED
UNPUBLISHED = (Event.Status.DRAFT, Event.Status.IN_REVIEW, Event.Status.RETRACTED)
NOW = timezone.now().replace(microsecond=0)


def parse(response) -> ET.Element:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{A}feed"
    return root


def entries(response) -> list[ET.Element]:
    return parse(response).findall(f"{A}entry")


def titles(response) -> list[str]:
    return [entry.findtext(f"{A}title") for entry in entries(response)]


def stamp(event, minutes: int) -> None:
    """``event`` last changed ``minutes`` after NOW (update() leaves auto_now alone)."""
    moment = NOW + datetime.timedelta(minutes=minutes)
    Event.objects.filter(pk=event.pk).update(updated_at=moment)
    event.updated_at = moment


def published(factory, minutes: int = 0, **fields):
    event = factory(editorial_status=PUBLISHED, **fields)
    stamp(event, minutes)
    return event


@pytest.fixture
def war(db):
    return ConflictFactory(name="War", slug="war")


@pytest.fixture
def world(war):
    """Published records of every kind in one conflict, and one in another: each filter test
    has a published record it must leave out."""
    russia = ActorFactory(name="Russia", slug="russia")
    ukraine = ActorFactory(name="Ukraine", slug="ukraine")
    truce = published(ProposalFactory, 1, conflict=war, title="Easter truce")
    ParticipantFactory(event=truce, actor=russia, role=Participant.Role.PROPOSER)
    accusation = published(AccusationFactory, 2, conflict=war, title="Ukraine accuses Russia")
    ParticipantFactory(event=accusation, actor=ukraine, role=Participant.Role.ACCUSER)
    ParticipantFactory(event=accusation, actor=russia, role=Participant.Role.ACCUSED)
    answer = published(
        ResponseFactory, 3, conflict=war, title="Ukraine dismisses it", proposal=truce
    )
    elsewhere = published(AccusationFactory, 4, title="An accusation in another war")
    return {"truce": truce, "accusation": accusation, "answer": answer, "elsewhere": elsewhere}


# --- what the entries are ----------------------------------------------------------------------


def test_the_entries_are_the_published_records_matching_every_filter(anonymous, world):
    response = anonymous.get(FEED, {"kind": "accusation", "conflict": "war"})

    assert titles(response) == ["Violation accusation: Ukraine accuses Russia"]


def test_without_filters_every_published_record_is_an_entry_newest_first(anonymous, world):
    assert titles(anonymous.get(FEED)) == [
        "Violation accusation: An accusation in another war",
        "Response: Ukraine dismisses it",
        "Violation accusation: Ukraine accuses Russia",
        "Proposal: Easter truce",
    ]


def test_entries_changed_at_the_same_moment_are_newest_id_first(anonymous, war):
    first = published(ProposalFactory, 5, conflict=war, title="First")
    second = published(ProposalFactory, 5, conflict=war, title="Second")
    older = published(ProposalFactory, 4, conflict=war, title="Older")
    assert first.pk < second.pk and older.pk > second.pk

    assert titles(anonymous.get(FEED)) == ["Proposal: Second", "Proposal: First", "Proposal: Older"]


def test_a_filter_that_matches_nothing_gives_a_valid_empty_feed(anonymous, world):
    root = parse(anonymous.get(FEED, {"kind": "meeting"}))

    assert root.findall(f"{A}entry") == []
    assert root.findtext(f"{A}title") == "Ceasefire tracker — kind=meeting"
    assert root.findtext(f"{A}id") == f"http://testserver{FEED}?kind=meeting"
    # Fixed, so that an empty feed reads the same at every poll.
    assert root.findtext(f"{A}updated") == "1970-01-01T00:00:00+00:00"
    assert root.find(f"{A}author").findtext(f"{A}name") == "Ceasefire tracker"


def test_an_entry_says_what_the_record_is_and_links_to_its_detail(anonymous, war):
    source = SourceFactory(
        title="Kyiv's answer",
        url="https://news.example.org/kyiv",
        published_at=datetime.datetime(2025, 4, 21, 9, tzinfo=datetime.UTC),
    )
    accusation = published(
        AccusationFactory,
        1,
        conflict=war,
        title="Ukraine accuses Russia",
        summary="Ukraine says Russia shelled Kherson <during> the truce.",
    )
    ParticipantFactory(event=accusation, actor=ActorFactory(name="Ukraine"), role="accuser")
    ParticipantFactory(event=accusation, actor=ActorFactory(name="Russia"), role="accused")
    speaker = ActorFactory(name="Zelenskyy")
    CitationFactory(event=accusation, source=source, quote="30-day truce", speaker=speaker)
    CitationFactory(event=accusation, quote="Talks will follow")

    (entry,) = entries(anonymous.get(FEED))

    detail = f"http://testserver{API}/accusations/{accusation.pk}/"
    assert entry.findtext(f"{A}title") == "Violation accusation: Ukraine accuses Russia"
    assert entry.find(f"{A}link").attrib == {"href": detail, "rel": "alternate"}
    assert entry.findtext(f"{A}id") == detail
    assert entry.findtext(f"{A}updated") == accusation.updated_at.isoformat()
    assert entry.find(f"{A}author").findtext(f"{A}name") == "Ukraine"
    assert [c.attrib["term"] for c in entry.findall(f"{A}category")] == ["accusation", "war"]
    summary = entry.find(f"{A}summary")
    assert summary.attrib["type"] == "html"
    # HTML, its text escaped once; the first citation only.
    assert summary.text == (
        "<p>2025-04-20 · War</p>"
        "<p>Ukraine says Russia shelled Kherson &lt;during&gt; the truce.</p>"
        "<blockquote>“30-day truce”</blockquote>"
        '<p>— Zelenskyy, <a href="https://news.example.org/kyiv">Kyiv&#x27;s answer</a>, '
        "2025-04-21</p>"
    )


@pytest.mark.parametrize(
    "factory, roles, author",
    [
        (ProposalFactory, ["proposer", "proposer", "addressee"], "Actor 1, Actor 2"),
        (MeetingFactory, ["delegation", "host", "mediator"], "Actor 2"),
        (AccusationFactory, ["accused", "accuser"], "Actor 2"),
        (ResponseFactory, [], "Responder"),
    ],
)
def test_an_entrys_author_is_who_made_the_record(anonymous, factory, roles, author):
    extra = {"responder": ActorFactory(name="Responder")} if factory is ResponseFactory else {}
    event = published(factory, **extra)
    for n, role in enumerate(roles, start=1):
        ParticipantFactory(event=event, actor=ActorFactory(name=f"Actor {n}"), role=role)

    (entry,) = entries(anonymous.get(FEED, {"kind": event.kind}))

    assert entry.find(f"{A}author").findtext(f"{A}name") == author


def test_an_entry_without_summary_nor_citation_has_its_date_and_conflict(anonymous, war):
    published(MeetingFactory, conflict=war, date=datetime.date(2025, 3, 1), date_precision="month")

    (entry,) = entries(anonymous.get(FEED))

    assert entry.findtext(f"{A}summary") == "<p>2025-03 · War</p>"
    assert entry.find(f"{A}author") is None  # the feed's author stands for it


def test_the_feed_is_titled_by_its_filters_and_identified_by_its_url(anonymous, world):
    root = parse(anonymous.get(FEED, {"kind": "accusation", "conflict": "war", "limit": "5"}))

    url = f"http://testserver{FEED}?kind=accusation&conflict=war&limit=5"
    assert root.findtext(f"{A}title") == "Ceasefire tracker — kind=accusation, conflict=war"
    assert root.findtext(f"{A}id") == url
    links = {link.attrib["rel"]: link.attrib["href"] for link in root.findall(f"{A}link")}
    assert links == {
        "self": url,
        "alternate": f"http://testserver{API}/events/?kind=accusation&conflict=war",
    }
    # The newest entry's change.
    assert root.findtext(f"{A}updated") == world["accusation"].updated_at.isoformat()


def test_text_xml_cannot_hold_is_left_out(anonymous, war):
    published(ProposalFactory, conflict=war, title="Truce\x0b declared")

    root = parse(anonymous.get(FEED, {"q": "truce\x01"}))

    assert root.findtext(f"{A}title") == "Ceasefire tracker — q=truce"
    assert [e.findtext(f"{A}title") for e in root.iter(f"{A}entry")] == ["Proposal: Truce declared"]


# --- each kind's feed --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint, expected",
    [
        ("proposals", ["Proposal: Easter truce"]),
        ("responses", ["Response: Ukraine dismisses it"]),
        ("accusations", ["Violation accusation: Ukraine accuses Russia"]),
        ("meetings", []),
    ],
)
def test_each_kind_has_a_feed_of_its_list_with_its_filters(anonymous, world, endpoint, expected):
    response = anonymous.get(f"{API}/{endpoint}/feed.atom", {"conflict": "war"})

    assert titles(response) == expected
    title = parse(response).findtext(f"{A}title")
    assert title == f"Ceasefire tracker — {endpoint}, conflict=war"


def test_a_kinds_own_filter_applies_to_its_feed(anonymous, world):
    truce = world["truce"]
    published(AccusationFactory, 9, conflict=truce.conflict, proposal=truce, title="Of the truce")

    response = anonymous.get(f"{API}/accusations/feed.atom", {"proposal": truce.pk})

    assert titles(response) == ["Violation accusation: Of the truce"]


# --- the energy pause example (README) ---------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return Proposal.objects.get(title="Pause in strikes on energy infrastructure")


ENERGY_ACCUSATIONS = {
    "Violation accusation: Russia accuses Ukraine of violating the energy pause",
    "Violation accusation: Ukraine accuses Russia of violating the energy pause",
}


def test_accusations_about_the_energy_pause_on_the_timeline(anonymous, demo):
    response = anonymous.get(FEED, {"kind": "accusation", "thread": demo.pk})

    assert set(titles(response)) == ENERGY_ACCUSATIONS
    assert len(titles(response)) == 2
    # The Easter truce's accusations are published accusations too: the thread leaves them out.
    assert len(titles(anonymous.get(FEED, {"kind": "accusation"}))) == 4


ENERGY_PAUSE_ID = "12"  # in the README's examples
README_EXAMPLES = {
    "/api/v1/proposals/?scope=energy_infrastructure&fields=id,title": lambda r, pause: (
        r.json()["results"] == [{"id": pause.pk, "title": pause.title}]
    ),
    "/api/v1/events/feed.atom?kind=accusation&thread=12": lambda r, pause: (
        sorted(titles(r)) == sorted(ENERGY_ACCUSATIONS)
    ),
    "/api/v1/accusations/feed.atom?proposal=12": lambda r, pause: (
        sorted(titles(r)) == sorted(ENERGY_ACCUSATIONS)
    ),
    "/api/v1/proposals/feed.atom?proposer=russia&include_affiliates=true": lambda r, pause: (
        sorted(titles(r)) == ["Proposal: Bilateral talks with Kyiv", "Proposal: Easter truce"]
    ),
    "/api/v1/events/feed.atom?conflict=russia-ukraine-war&limit=200": lambda r, pause: (
        len(titles(r)) == 15
    ),
}


def test_every_feed_example_of_the_readme_has_an_expectation():
    urls = re.findall(r"curl '([^']+)'", readme_block("feeds"))
    assert sorted(url.removeprefix(BASE) for url in urls) == sorted(README_EXAMPLES)


@pytest.mark.parametrize("path", list(README_EXAMPLES))
def test_a_feed_example_of_the_readme_answers_its_question(anonymous, demo, path):
    # The README's id of the energy pause is this database's.
    response = anonymous.get(path.replace(f"={ENERGY_PAUSE_ID}", f"={demo.pk}"))

    assert response.status_code == 200, response.content[:500]
    assert README_EXAMPLES[path](response, demo)


# --- nothing unpublished -----------------------------------------------------------------------


@pytest.fixture
def unpublished(war):
    """A draft, an event in review and a retracted one, changed after every published record;
    a published one beside them."""
    for minutes, status in enumerate(UNPUBLISHED, start=10):
        event = ProposalFactory(conflict=war, editorial_status=status, title=f"Hidden {status}")
        stamp(event, minutes)
    return published(ProposalFactory, 1, conflict=war, title="Shown")


@pytest.mark.parametrize("persona", ["anonymous", "analyst", "editor_api", "reviewer_api"])
@pytest.mark.parametrize("endpoint", ["events", "proposals"])
def test_only_published_records_are_entries_whoever_asks(request, unpublished, persona, endpoint):
    client = request.getfixturevalue(persona)

    response = client.get(f"{API}/{endpoint}/feed.atom")

    assert titles(response) == ["Proposal: Shown"]
    assert b"Hidden" not in response.content


def test_an_editors_signed_in_session_gets_the_published_feed(editor_client, unpublished):
    assert titles(editor_client.get(FEED, {"conflict": "war"})) == ["Proposal: Shown"]


@pytest.mark.parametrize("persona", ["anonymous", "reviewer_api"])
def test_updated_after_brings_no_tombstone_into_a_feed(request, unpublished, persona):
    client = request.getfixturevalue(persona)
    since = (NOW - datetime.timedelta(days=1)).isoformat()

    response = client.get(FEED, {"updated_after": since})

    assert titles(response) == ["Proposal: Shown"]
    # The list itself does show the retracted record as a tombstone to the public.
    listed = client.get(f"{API}/events/", {"updated_after": since}).json()["results"]
    assert len(listed) == (2 if persona == "anonymous" else 4)


def test_an_editorial_status_filter_cannot_bring_drafts_in(reviewer_api, unpublished):
    assert titles(reviewer_api.get(FEED, {"editorial_status": "draft"})) == []
    assert titles(reviewer_api.get(FEED, {"editorial_status": "published"})) == ["Proposal: Shown"]


# --- how many --------------------------------------------------------------------------------


def test_a_feed_has_the_newest_fifty_entries_by_default(anonymous, war):
    for minutes in range(DEFAULT_LIMIT + 1):
        published(ProposalFactory, minutes, conflict=war, title=f"Truce {minutes}")

    shown = titles(anonymous.get(FEED))

    assert len(shown) == DEFAULT_LIMIT == 50
    assert shown[0] == "Proposal: Truce 50" and "Proposal: Truce 0" not in shown


@pytest.mark.parametrize("limit, count", [("1", 1), ("2", 2), (str(MAX_LIMIT), 3)])
def test_limit_says_how_many_entries(anonymous, war, limit, count):
    for minutes in range(3):
        published(ProposalFactory, minutes, conflict=war, title=f"Truce {minutes}")

    shown = titles(anonymous.get(FEED, {"limit": limit}))

    assert shown == [f"Proposal: Truce {2 - i}" for i in range(count)]


# --- bad parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, named, words",
    [
        ({"limit": "0"}, "limit", "from 1 to 200"),
        ({"limit": str(MAX_LIMIT + 1)}, "limit", "from 1 to 200"),
        ({"limit": "ten"}, "limit", "from 1 to 200"),
        ({"limit": ["5", "6"]}, "limit", "more than once"),
        ({"limit": ""}, "limit", "Empty value"),
        ({"kind": "truce"}, "kind", "Unknown value: truce"),
        ({"conflict": "no-such-war"}, "conflict", "Unknown conflict"),
        ({"date_after": "2025-13-01"}, "date_after", "valid date"),
        ({"page": "2"}, "page", "Unknown parameter"),
        ({"colour": "red"}, "colour", "Unknown parameter"),
        ({"ordering": "date"}, "ordering", "ordered by updated_at"),
        ({"fields": "id"}, "fields", "fixed fields"),
        ({"thread": "999999"}, "thread", "Unknown proposal"),
    ],
)
def test_a_bad_parameter_is_a_json_400_naming_it(anonymous, world, params, named, words):
    response = anonymous.get(FEED, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == [named]
    assert words in " ".join(body[named])


def test_a_kinds_feed_refuses_another_kinds_filter(anonymous, world):
    response = anonymous.get(f"{API}/proposals/feed.atom", {"stance": "accepted"})

    assert response.status_code == 400
    assert list(response.json()) == ["stance"]


def test_every_bad_parameter_is_in_the_one_400(anonymous, world):
    response = anonymous.get(
        FEED, {"limit": "0", "kind": "truce", "ordering": "date", "colour": "red"}
    )

    assert response.status_code == 400
    assert set(response.json()) == {"limit", "kind", "ordering", "colour"}


def test_an_unpublished_proposals_thread_is_unknown_to_the_public(anonymous, war):
    draft = ProposalFactory(conflict=war)

    response = anonymous.get(FEED, {"thread": draft.pk})

    assert response.status_code == 400
    assert list(response.json()) == ["thread"]


# --- caching -----------------------------------------------------------------------------------


def test_a_feed_reader_polling_an_unchanged_feed_gets_a_304_without_a_query(
    anonymous, world, django_assert_num_queries
):
    first = anonymous.get(FEED, {"kind": "accusation"})
    assert first.status_code == 200
    assert "public" in first["Cache-Control"]

    with django_assert_num_queries(0):
        again = anonymous.get(FEED, {"kind": "accusation"}, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""


def test_a_change_makes_the_feed_new(anonymous, world):
    first = anonymous.get(FEED)
    published(ProposalFactory, 20, conflict=world["truce"].conflict, title="New truce")

    again = anonymous.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert titles(again)[0] == "Proposal: New truce"


def test_another_filter_is_another_feed_to_validate(anonymous, world):
    first = anonymous.get(FEED, {"kind": "accusation"})

    other = anonymous.get(FEED, {"kind": "proposal"}, HTTP_IF_NONE_MATCH=first["ETag"])

    assert other.status_code == 200
    assert titles(other) == ["Proposal: Easter truce"]


# --- queries -----------------------------------------------------------------------------------


def many(war, count: int) -> None:
    """``count`` published proposals with two participants and two citations each."""
    for n in range(count):
        event = published(ProposalFactory, n, conflict=war)
        ParticipantFactory(event=event, role=Participant.Role.PROPOSER)
        ParticipantFactory(event=event, role=Participant.Role.ADDRESSEE)
        CitationFactory(event=event, speaker=ActorFactory(), via=ActorFactory())
        CitationFactory(event=event)


@pytest.mark.parametrize("count", [3, 30])
def test_the_timeline_feeds_queries_do_not_grow_with_its_entries(
    anonymous, war, count, django_assert_num_queries
):
    many(war, count)

    # The conflict's slug; the rows (their conflict and a response's responder joined);
    # participants with actors; citations with source, speaker and via; locations.
    with django_assert_num_queries(5):
        assert len(titles(anonymous.get(FEED, {"conflict": "war"}))) == count


@pytest.mark.parametrize("count", [3, 30])
def test_a_kinds_feed_queries_do_not_grow_with_its_entries(
    anonymous, war, count, django_assert_num_queries
):
    many(war, count)

    # The rows (conflict and ended_by joined); participants with actors; citations with
    # source, speaker and via; locations.
    with django_assert_num_queries(4):
        assert len(titles(anonymous.get(f"{API}/proposals/feed.atom"))) == count


# --- the schema --------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["events", "proposals", "accusations"])
def test_the_schema_documents_a_feed_as_atom_with_the_lists_filters(anonymous, endpoint):
    schema = anonymous.get("/api/schema/", {"format": "json"}).json()
    listed = {p["name"] for p in schema["paths"][f"{API}/{endpoint}/"]["get"]["parameters"]}

    operation = schema["paths"][f"{API}/{endpoint}/feed.atom"]["get"]

    parameters = {p["name"]: p for p in operation["parameters"]}
    paging = {"page", "page_size", "cursor", "count"}
    assert set(parameters) == listed - paging - {"format", "fields", "ordering"} | {"limit"}
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}
    assert list(operation["responses"]["200"]["content"]) == ["application/atom+xml"]
    assert operation["responses"]["200"]["content"]["application/atom+xml"]["schema"] == {
        "type": "string"
    }
    assert set(operation["responses"]) == {"200", "400", "401"}
