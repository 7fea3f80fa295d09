"""An article the demo never saw, curated from source to published in a real browser: a
proposal, a meeting and an accusation, submitted by an editor and published by a reviewer.

Each flow counts its clicks and page loads (``tests/e2e/desk.py`` says how) and prints them;
``classic`` uses only the controls every admin page had from the start (copying quotes by hand,
the list's bulk actions), ``desk`` the editor's desk. Both must produce the same records.
"""

import datetime
import json
import os

import pytest
from playwright.sync_api import Page, expect

from events.models import Event, Meeting, Proposal, Source, ViolationAccusation
from tests.factories import ActorAliasFactory, ActorFactory, ConflictFactory

from .desk import Desk

PASSWORD = "correct-horse-battery"
REPORT = os.environ.get("DESK_REPORT", "/tmp/e2e-desk-clicks.json")

TITLE = "Saudi Arabia proposes a week-long truce in Sudan as talks resume in Jeddah"
URL = "https://wire.example.net/2025/05/23/sudan-jeddah-truce"
PROPOSAL_QUOTE = (
    "Saudi Arabia proposed a seven-day humanitarian truce to the Sudanese Armed Forces and "
    "the Rapid Support Forces on Tuesday"
)
MEETING_QUOTE = (
    "Delegations of the army and the RSF met Saudi mediators in Jeddah on Tuesday for a second "
    "round of indirect talks"
)
ACCUSATION_QUOTE = (
    "the army accused the RSF of violating the truce by shelling residential districts of Omdurman"
)
BODY = (
    "JEDDAH, May 23 — "
    f"{PROPOSAL_QUOTE}, offering to monitor a pause that would let aid convoys reach Khartoum "
    "and El Fasher.\n\n"
    f"{MEETING_QUOTE}, a statement by the Saudi foreign ministry said. The truce was to take "
    "hold on Wednesday evening.\n\n"
    f"On Thursday, {ACCUSATION_QUOTE}, hours after the pause began. An RSF adviser dismissed "
    "the accusation as propaganda.\n\n"
    "Previous truces brokered in Jeddah collapsed within days."
)

# How the participants' actor pickers read (name · kind · country).
SAUDI = "Saudi Arabia · State · SA"
SAF = "Sudanese Armed Forces · Armed group · SD"
RSF = "Rapid Support Forces · Armed group · SD"


@pytest.fixture
def sudan(db):
    """The conflict and the actors the article names (the records are the editor's to make)."""
    conflict = ConflictFactory(name="Sudanese civil war", slug="sudanese-civil-war")
    actors = {
        "saf": ActorFactory(name="Sudanese Armed Forces", kind="armed_group", country="SD"),
        "rsf": ActorFactory(name="Rapid Support Forces", kind="armed_group", country="SD"),
        "saudi": ActorFactory(name="Saudi Arabia", kind="state", country="SA"),
        # Names the picker must not offer first for what the editor types.
        "sudan": ActorFactory(name="Sudan", kind="state", country="SD"),
        "rsf_adviser": ActorFactory(name="RSF advisory council", kind="organization"),
    }
    ActorAliasFactory(actor=actors["saf"], name="SAF")
    ActorAliasFactory(actor=actors["rsf"], name="RSF")
    return conflict, actors


def expected_records(conflict, actors, source) -> None:
    """The three records, as the article reports them, published."""
    proposal = Proposal.objects.get()
    meeting = Meeting.objects.get()
    accusation = ViolationAccusation.objects.get()
    for event in (proposal, meeting, accusation):
        assert event.conflict == conflict
        assert event.editorial_status == Event.Status.PUBLISHED
        assert list(event.citations.values_list("source", flat=True)) == [source.pk]
    assert proposal.date == datetime.date(2025, 5, 20)
    assert proposal.proposal_kind == Proposal.ProposalKind.HUMANITARIAN_PAUSE
    assert sorted((p.role, p.actor.name) for p in proposal.participants.all()) == [
        ("addressee", "Rapid Support Forces"),
        ("addressee", "Sudanese Armed Forces"),
        ("proposer", "Saudi Arabia"),
    ]
    assert proposal.citations.get().quote == PROPOSAL_QUOTE
    assert meeting.date == datetime.date(2025, 5, 20)
    assert meeting.venue == "Jeddah"
    assert list(meeting.discussed.all()) == [proposal]
    assert sorted((p.role, p.actor.name) for p in meeting.participants.all()) == [
        ("delegation", "Rapid Support Forces"),
        ("delegation", "Sudanese Armed Forces"),
        ("host", "Saudi Arabia"),
    ]
    assert meeting.citations.get().quote == MEETING_QUOTE
    assert accusation.date == datetime.date(2025, 5, 22)
    assert accusation.proposal == proposal
    assert sorted((p.role, p.actor.name) for p in accusation.participants.all()) == [
        ("accused", "Rapid Support Forces"),
        ("accuser", "Sudanese Armed Forces"),
    ]
    assert accusation.citations.get().quote == ACCUSATION_QUOTE


def add_source(desk: Desk) -> Source:
    page = desk.page
    desk.nav("Sources")
    desk.click(page.get_by_role("link", name="Add source"))
    desk.type(page.locator("#id_title"), TITLE)
    desk.type(page.locator("#id_url"), URL)
    desk.type(page.locator("#id_published_at_0"), "2025-05-23")
    desk.type(page.locator("#id_body"), BODY)
    desk.click(page.locator("input[name=_continue]"))
    desk.saved()
    return Source.objects.get(url=URL)


def report(flow: str, desk: Desk) -> dict:
    records = desk.total("proposal", "meeting", "accusation", "submit", "publish")
    figures = {
        "flow": flow,
        "phases": {name: vars(t) for name, t in desk.phases.items()},
        "records_submit_publish": vars(records),
    }
    print(json.dumps(figures))
    existing = {}
    if os.path.exists(REPORT):
        with open(REPORT) as f:
            existing = json.load(f)
    existing[flow] = figures
    with open(REPORT, "w") as f:
        json.dump(existing, f, indent=2)
    return figures


def participant_row(desk: Desk, row: int, typed: str, option: str, role: str) -> None:
    page = desk.page
    if not page.locator(f"#id_participants-{row}-actor").count():
        desk.click(page.locator("#participants-group .add-row a"))
    desk.pick(f"id_participants-{row}-actor", typed, option)
    desk.choose(page.locator(f"#id_participants-{row}-role"), role)


def copy_quote(desk: Desk, quote: str) -> None:
    """Select the words in the article, copy them, click into the quote and paste."""
    desk.select_passage(desk.page.locator("aside.article .body"), quote)
    desk.type(desk.page.locator("#id_citations-0-quote"), quote)


def back_to_source(desk: Desk, kind: str) -> None:
    desk.nav("Sources")
    desk.click(desk.page.locator("#result_list").get_by_role("link", name=TITLE))
    desk.click(desk.page.get_by_role("link", name=f"Add {kind} from this article"))


def bulk(desk: Desk, events, action_label: str, list_name: str = "Events") -> None:
    page = desk.page
    desk.nav(list_name)
    for event in events:
        desk.click(page.locator(f"input[name=_selected_action][value='{event.pk}']"))
    desk.choose(page.locator("select[name=action]"), action_label)
    desk.click(page.get_by_role("button", name="Go"))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_classic_controls_curate_a_fresh_article(page: Page, live_server, editor, reviewer, sudan):
    conflict, actors = sudan
    desk = Desk(page, live_server.url)

    desk.phase("log in and add the article")
    desk.log_in(editor, PASSWORD)
    source = add_source(desk)

    desk.phase("proposal")
    desk.click(page.get_by_role("link", name="Add proposal from this article"))
    desk.pick("id_conflict", "Sudan", conflict.name)
    desk.type(page.locator("#id_title"), "Saudi proposal of a seven-day humanitarian truce")
    desk.type(page.locator("#id_date"), "2025-05-20")
    desk.click(page.get_by_label("Humanitarian pause"))
    participant_row(desk, 0, "Saudi Arabia", SAUDI, "Proposer")
    participant_row(desk, 1, "Sudanese Armed Forces", SAF, "Addressee")
    participant_row(desk, 2, "Rapid Support Forces", RSF, "Addressee")
    copy_quote(desk, PROPOSAL_QUOTE)
    desk.click(page.locator("input[name=_save]"))
    desk.saved()
    proposal = Proposal.objects.get()

    desk.phase("meeting")
    back_to_source(desk, "meeting")
    desk.pick("id_conflict", "Sudan", conflict.name)
    desk.type(page.locator("#id_title"), "Jeddah talks, second round")
    desk.type(page.locator("#id_date"), "2025-05-20")
    desk.type(page.locator("#id_venue"), "Jeddah")
    participant_row(desk, 0, "Saudi Arabia", SAUDI, "Host")
    participant_row(desk, 1, "Sudanese Armed Forces", SAF, "Delegation")
    participant_row(desk, 2, "Rapid Support Forces", RSF, "Delegation")
    desk.pick_first("id_discussed", "truce")
    copy_quote(desk, MEETING_QUOTE)
    desk.click(page.locator("input[name=_save]"))
    desk.saved()

    desk.phase("accusation")
    back_to_source(desk, "violation accusation")
    desk.pick("id_conflict", "Sudan", conflict.name)
    desk.type(page.locator("#id_title"), "Army accuses the RSF of shelling Omdurman")
    desk.type(page.locator("#id_date"), "2025-05-22")
    desk.pick_first("id_proposal", "truce")
    participant_row(desk, 0, "Sudanese Armed Forces", SAF, "Accuser")
    participant_row(desk, 1, "Rapid Support Forces", RSF, "Accused")
    copy_quote(desk, ACCUSATION_QUOTE)
    desk.click(page.locator("input[name=_save]"))
    desk.saved()

    desk.phase("submit")
    events = list(Event.objects.order_by("pk"))
    assert [e.pk for e in events][0] == proposal.pk and len(events) == 3
    # Each kind's own list, as the first admin had it.
    lists = ["Proposals", "Meetings", "Violation accusations"]
    for event, list_name in zip(events, lists, strict=True):
        bulk(desk, [event], "Submit selected events for review", list_name)
        expect(page.locator(".messagelist")).to_contain_text("1 event(s) submitted for review.")

    desk.phase("change of hands")
    desk.log_out()
    desk.log_in(reviewer, PASSWORD)

    desk.phase("publish")
    bulk(desk, events, "Publish selected events")
    expect(page.locator(".messagelist")).to_contain_text("3 event(s) published.")

    expected_records(conflict, actors, source)
    figures = report("classic", desk)
    # The convention counts what it should: each record took clicks and at least one load.
    for name in ("proposal", "meeting", "accusation", "submit", "publish"):
        assert figures["phases"][name]["clicks"] > 0 and figures["phases"][name]["loads"] > 0


def cite(desk: Desk, quote: str) -> None:
    """Select the words in the article and press Cite: the next empty citation gets them."""
    article = desk.page.locator("aside.article").first
    desk.select_passage(article.locator(".body"), quote)
    desk.click(article.get_by_role("button", name="Cite"))


def chips(desk: Desk, *names: str) -> None:
    """Put the actors the article names into the participant rows, one click each."""
    named = desk.page.locator("aside.article .named-actors")
    for name in names:
        desk.click(named.get_by_role("button", name=name, exact=True))


def save_and_submit(desk: Desk) -> None:
    desk.click(desk.page.get_by_role("button", name="Save and submit"))
    desk.saved()
    expect(desk.page.locator(".messagelist")).to_contain_text("submitted for review")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_editors_desk_curates_a_fresh_article_in_under_40_clicks(
    page: Page, live_server, editor, reviewer, sudan
):
    conflict, actors = sudan
    desk = Desk(page, live_server.url)

    desk.phase("log in and add the article")
    desk.log_in(editor, PASSWORD)
    source = add_source(desk)

    desk.phase("proposal")
    desk.click(page.get_by_role("link", name="Add proposal from this article"))
    desk.pick("id_conflict", "Sudan", conflict.name)
    desk.type(page.locator("#id_title"), "Saudi proposal of a seven-day humanitarian truce")
    desk.type(page.locator("#id_date"), "2025-05-20")
    desk.click(page.get_by_label("Humanitarian pause"))
    chips(desk, "Saudi Arabia", "Sudanese Armed Forces", "Rapid Support Forces")
    cite(desk, PROPOSAL_QUOTE)
    save_and_submit(desk)

    desk.phase("meeting")
    desk.click(page.locator("aside.article .from-article").get_by_role("link", name="meeting"))
    expect(page.locator("#id_conflict option:checked")).to_have_text(conflict.name)
    desk.type(page.locator("#id_title"), "Jeddah talks, second round")
    desk.type(page.locator("#id_date"), "2025-05-20")
    desk.type(page.locator("#id_venue"), "Jeddah")
    chips(desk, "Saudi Arabia", "Sudanese Armed Forces", "Rapid Support Forces")
    desk.pick_first("id_discussed", "truce")
    cite(desk, MEETING_QUOTE)
    save_and_submit(desk)

    desk.phase("accusation")
    links = page.locator("aside.article .from-article")
    desk.click(links.get_by_role("link", name="violation accusation"))
    desk.type(page.locator("#id_title"), "Army accuses the RSF of shelling Omdurman")
    desk.type(page.locator("#id_date"), "2025-05-22")
    chips(desk, "Sudanese Armed Forces", "Rapid Support Forces")
    cite(desk, ACCUSATION_QUOTE)
    save_and_submit(desk)

    desk.phase("submit")  # nothing left to do: each was saved and submitted in one click

    desk.phase("change of hands")
    desk.log_out()
    desk.log_in(reviewer, PASSWORD)

    desk.phase("publish")  # from the review queue on the admin's home page
    expect(page.locator("#review-queue .queue-event")).to_have_count(3)
    desk.click(page.locator("#review-queue a.queue-list"))
    desk.click(page.locator("#action-toggle"))
    desk.choose(page.locator("select[name=action]"), "Publish selected events")
    desk.click(page.get_by_role("button", name="Go"))
    expect(page.locator(".messagelist")).to_contain_text("3 event(s) published.")

    expected_records(conflict, actors, source)
    figures = report("desk", desk)
    assert figures["records_submit_publish"]["clicks"] < 40
    assert figures["records_submit_publish"]["loads"] < 10
