"""The desk on the admin index: events awaiting review (oldest submission first, grouped by
who submitted them, everyone's for reviewers, their own for editors) and the latest changes in
words, each linked only when the viewer may open it; constant queries."""

import datetime
import html as html_module
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from events import services
from events.models import Event, Proposal, Source
from tests.factories import (
    CitationFactory,
    MeetingFactory,
    ProposalFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

INDEX = "/admin/"
TAGS = re.compile(r"<[^>]+>")


def text(markup: str) -> str:
    return " ".join(html_module.unescape(TAGS.sub(" ", markup)).split())


def module(body: str, module_id: str) -> str:
    start = body.index(f'id="{module_id}"')
    return body[start : body.index("</div>", start)]


def queue(client) -> list[tuple[str, list[str]]]:
    """(editor, [titles]) in the order the queue shows them."""
    body = module(client.get(INDEX).content.decode(), "review-queue")
    groups = []
    for part in body.split('<h3 class="queue-editor">')[1:]:
        editor, rows = part.split("</h3>", 1)
        titles = re.findall(r'<tr class="queue-event">\s*<th scope="row">(.*?)</th>', rows, re.S)
        groups.append((editor, [text(t) for t in titles]))
    return groups


def queue_links(client) -> dict[str, str | None]:
    body = module(client.get(INDEX).content.decode(), "review-queue")
    rows = re.findall(r'<tr class="queue-event">\s*<th scope="row">(.*?)</th>', body, re.S)
    links = {}
    for row in rows:
        href = re.search(r'href="([^"]+)"', row)
        links[text(row)] = href.group(1) if href else None
    return links


def latest(client) -> list[str]:
    body = module(client.get(INDEX).content.decode(), "latest-changes")
    return [text(row) for row in re.findall(r'<tr class="latest-change">(.*?)</tr>', body, re.S)]


def latest_links(client) -> list[str | None]:
    body = module(client.get(INDEX).content.decode(), "latest-changes")
    rows = re.findall(r'<tr class="latest-change">(.*?)</tr>', body, re.S)
    return [(m.group(1) if (m := re.search(r'href="([^"]+)"', row)) else None) for row in rows]


def submitted(user, minutes_ago: int, factory=ProposalFactory, **kwargs) -> Event:
    """An event ``user`` submitted for review ``minutes_ago`` minutes ago, through the
    workflow."""
    event = CitationFactory(event=factory(**kwargs)).event
    assert services.change_status([event], "submit", user).changed == 1
    event.history.filter(history_change_reason=services.SUBMITTED_REASON).update(
        history_date=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return event


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_editor(db):
    return UserFactory(username="other-editor", groups=["Editors"])


def test_the_queue_is_oldest_submission_first_grouped_by_editor(
    reviewer_client, editor, other_editor
):
    submitted(editor, 10, title="Ten minutes")
    submitted(other_editor, 30, title="Half an hour")
    submitted(editor, 60, MeetingFactory, title="An hour")
    submitted(editor, 5, title="Five minutes")
    ProposalFactory(title="Still a draft")
    CitationFactory(event=ProposalFactory(title="Published", editorial_status="published"))

    assert queue(reviewer_client) == [
        ("editor", ["An hour", "Ten minutes", "Five minutes"]),
        ("other-editor", ["Half an hour"]),
    ]


def test_a_resubmitted_event_waits_from_its_latest_submission(reviewer_client, editor):
    first = submitted(editor, 60, title="Resubmitted")
    submitted(editor, 30, title="Half an hour")
    services.change_status([first], "return_to_draft", editor)
    services.change_status([first], "submit", editor)
    assert queue(reviewer_client) == [("editor", ["Half an hour", "Resubmitted"])]


def test_the_queue_shows_kind_date_and_waiting_time(reviewer_client, editor):
    submitted(editor, 125, MeetingFactory, title="Talks", date=datetime.date(2025, 3, 18))
    body = text(module(reviewer_client.get(INDEX).content.decode(), "review-queue"))
    assert "Talks Meeting 2025-03-18 2 hours, 5 minutes" in body


def test_an_event_put_in_review_without_the_workflow_is_its_creators(reviewer_client, editor):
    MeetingFactory(title="Imported", editorial_status="in_review", created_by=editor)
    MeetingFactory(title="Nobody's", editorial_status="in_review")
    assert dict(queue(reviewer_client)) == {
        "editor": ["Imported"],
        "Editor not known": ["Nobody's"],
    }


def test_editors_see_their_own_submissions_and_reviewers_all(
    editor_client, reviewer_client, editor, other_editor
):
    submitted(editor, 10, title="Mine")
    submitted(editor, 20, title="Also mine")
    submitted(other_editor, 30, title="Theirs")

    assert queue(editor_client) == [("editor", ["Also mine", "Mine"])]
    page = editor_client.get(INDEX).content.decode()
    assert "2 of yours awaiting review" in text(page)
    assert len(queue(reviewer_client)) == 2
    assert "3 awaiting review" in text(reviewer_client.get(INDEX).content.decode())


def test_an_empty_queue_says_so(editor_client):
    page = text(editor_client.get(INDEX).content.decode())
    assert "0 of yours awaiting review" in page
    assert "Nothing awaits review." in page


def test_queue_entries_link_to_their_kinds_change_form(reviewer_client, editor):
    proposal = submitted(editor, 10, title="A proposal")
    meeting = submitted(editor, 20, MeetingFactory, title="A meeting")
    assert queue_links(reviewer_client) == {
        "A meeting": f"/admin/events/meeting/{meeting.pk}/change/",
        "A proposal": f"/admin/events/proposal/{proposal.pk}/change/",
    }


def test_an_entry_the_viewer_may_not_open_is_not_linked(editor):
    proposal = submitted(editor, 10, title="A proposal")
    submitted(editor, 20, MeetingFactory, title="A meeting")
    reader = UserFactory(username="reader")
    reader.user_permissions.add(
        *Permission.objects.filter(codename__in=["publish_event", "view_proposal"])
    )
    assert queue_links(client_for(reader)) == {
        "A meeting": None,
        "A proposal": f"/admin/events/proposal/{proposal.pk}/change/",
    }


def test_a_user_who_may_open_no_event_gets_no_desk(editor):
    submitted(editor, 10, title="A proposal")
    SourceFactory(title="An article")
    outsider = UserFactory(username="outsider")
    outsider.user_permissions.add(*Permission.objects.filter(codename="view_source"))
    page = client_for(outsider).get(INDEX).content.decode()
    assert 'id="review-queue"' not in page
    assert 'id="latest-changes"' not in page
    assert "An article" not in page


# -- latest changes -----------------------------------------------------------------------------


def test_latest_changes_say_who_did_what_newest_first(reviewer_client, editor, reviewer):
    source = SourceFactory(title="An article")
    proposal = Proposal.objects.create(
        conflict=CitationFactory().event.conflict,
        date=datetime.date(2025, 4, 20),
        title="Easter truce",
        proposal_kind="ceasefire",
    )
    CitationFactory(event=proposal, source=source)
    services.change_status([proposal], "submit", editor)
    proposal = Proposal.objects.get(pk=proposal.pk)
    proposal.title, proposal.summary = "Orthodox Easter truce", "A pause for the holiday."
    proposal._history_user = reviewer
    proposal.save()
    services.change_status([proposal], "publish", reviewer)

    assert latest(reviewer_client)[:4] == [
        "reviewer published proposal “Orthodox Easter truce” 0 minutes ago",
        "reviewer changed title and summary proposal “Orthodox Easter truce” 0 minutes ago",
        "editor submitted for review proposal “Easter truce” 0 minutes ago",
        "someone created proposal “Easter truce” 0 minutes ago",
    ]


def test_latest_changes_are_linked_only_when_the_viewer_may_open_them(editor_client, editor):
    source = SourceFactory(title="An article")
    gone = SourceFactory(title="Deleted")
    gone.delete()
    assert latest_links(editor_client) == [
        None,  # the deletion
        None,  # the record is gone
        f"/admin/events/source/{source.pk}/change/",
    ]
    reader = UserFactory(username="reader")
    reader.user_permissions.add(*Permission.objects.filter(codename="view_proposal"))
    assert latest(client_for(reader))[2].startswith("someone created source “An article”")
    assert latest_links(client_for(reader)) == [None, None, None]
    assert Source.objects.count() == 1


def test_latest_changes_show_the_latest_fifteen(reviewer_client):
    for number in range(20):
        SourceFactory(title=f"Article {number:02}")
    rows = latest(reviewer_client)
    assert len(rows) == 15
    assert rows[0].startswith("someone created source “Article 19”")


# -- constant queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["editor", "reviewer"])
def test_the_index_reads_the_same_number_of_queries_for_3_or_30_events(
    persona, request, editor, other_editor, django_assert_num_queries
):
    client = request.getfixturevalue(f"{persona}_client")
    # session, user, its 2 permission queries; the queue and its submitters; the latest rows
    # of the 4 kinds, sources and actors (6); the versions before the rows shown (one per
    # model among them: here proposals and meetings); the sidebar's admin log
    queries = 1 + 1 + 2 + 2 + 6 + 2 + 1
    for minutes in range(3):
        submitted(editor, minutes)
        submitted(other_editor, minutes, MeetingFactory)
    with django_assert_num_queries(queries):
        assert len(queue(client)) == (2 if persona == "reviewer" else 1)
    for minutes in range(3, 30):
        submitted(editor, minutes)
        submitted(other_editor, minutes, MeetingFactory)
    with django_assert_num_queries(queries):
        groups = queue(client)
    assert sum(len(titles) for _, titles in groups) == (60 if persona == "reviewer" else 30)


def test_reviewers_open_the_whole_queue_in_the_list_of_events(
    reviewer_client, editor_client, editor
):
    waiting = submitted(editor, 10, title="Waiting")
    ProposalFactory(title="A draft")
    link = re.search(
        r'<a class="queue-list" href="([^"]+)"',
        module(reviewer_client.get(INDEX).content.decode(), "review-queue"),
    )
    listed = reviewer_client.get(html_module.unescape(link.group(1)))
    assert [event.pk for event in listed.context["cl"].result_list] == [waiting.pk]
    # Editors publish nothing: no link for them, nor with nothing to review.
    assert 'class="queue-list"' not in editor_client.get(INDEX).content.decode()
    waiting.delete()
    assert 'class="queue-list"' not in reviewer_client.get(INDEX).content.decode()
