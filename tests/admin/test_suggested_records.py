"""The source page's suggested records: Create draft, the events a suggestion looks like and
"Add this article as a citation to it", and the warning a new draft's form gives about events
it may duplicate."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import drafts
from events.models import Citation, ConflictParty, Event, Participant, Proposal
from tests.admin.helpers import proposal_form, suggested_proposal_body, suggestion_world
from tests.factories import (
    ParticipantFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SENTENCE = "Russia declared a 30-hour ceasefire with Ukraine on Saturday."
BODY = f"MOSCOW — {SENTENCE} Kyiv said it would study the offer."
SATURDAY = datetime.date(2025, 4, 19)


@pytest.fixture
def world():
    return suggestion_world(BODY, title="Russia declares Easter truce")


def record(source, **body):
    return {
        "kind": "proposal",
        "endpoint": "/api/v1/proposals/",
        "body": suggested_proposal_body(source, SENTENCE, **body),
        "quote": SENTENCE,
        "sentence": 1,
        "triggers": ["declared", "ceasefire"],
        "explanation": "“ceasefire” names a truce; “declared” makes it unilateral.",
    }


@pytest.fixture
def suggested(monkeypatch, world):
    """The records the suggestion engine makes of the article (one proposal unless a test
    says otherwise), computed again on every request as the engine's would be."""
    records = [record(world["source"])]
    monkeypatch.setattr(drafts, "suggestions_for", lambda source: list(records))
    return records


@pytest.fixture
def viewer(db):
    """May read sources and events, add nothing."""
    user = UserFactory(username="viewer")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_source", "view_proposal", "view_event"])
    )
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def source_page(source) -> str:
    return reverse("admin:events_source_change", args=[source.pk])


def create_url(source, index=0) -> str:
    return reverse("admin:events_source_suggestion_create", args=[source.pk, index])


def cite_url(source, event, index=0) -> str:
    return reverse("admin:events_source_suggestion_cite", args=[source.pk, index, event.pk])


def existing_truce(world, **fields):
    truce = ProposalFactory(
        conflict=world["conflict"], date=SATURDAY, title="Easter truce (recorded)", **fields
    )
    ParticipantFactory(event=truce, actor=world["russia"], role=Participant.Role.PROPOSER)
    return truce


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- the source page ---------------------------------------------------------------------------


def test_the_source_page_lists_each_suggestion_with_a_create_draft_button(
    editor_client, world, suggested
):
    page = editor_client.get(source_page(world["source"])).content.decode()

    module = page[page.index('id="suggested-records"') :]
    assert "Suggested records" in module
    assert 'Proposal: <span class="suggestion-title">Russia declares a 30-hour' in module
    assert '<span class="suggestion-date">2025-04-19</span>' in module
    assert "Proposer: Russia" in module and "Addressee: Ukraine" in module
    assert (
        "Russia <mark>declared</mark> a 30-hour <mark>ceasefire</mark> with Ukraine on Saturday."
        in module
    )
    assert "“ceasefire” names a truce" in module
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', module, re.S)
    assert form.group(1) == create_url(world["source"])
    assert 'name="csrfmiddlewaretoken"' in form.group(2)
    assert '<button type="submit" class="button default create-draft">Create draft</button>' in (
        form.group(2)
    )


def test_a_month_precision_suggestion_shows_its_month(editor_client, world, suggested):
    suggested[0]["body"].update(date="2025-03-01", date_precision="month")

    page = editor_client.get(source_page(world["source"])).content.decode()

    assert '<span class="suggestion-date">2025-03</span>' in page


def test_reviewers_see_create_draft_and_viewers_do_not(reviewer_client, viewer, world, suggested):
    assert "create-draft" in reviewer_client.get(source_page(world["source"])).content.decode()
    page = client_for(viewer).get(source_page(world["source"])).content.decode()
    assert "Russia declares a 30-hour ceasefire" in page
    assert "create-draft" not in page


def test_an_article_without_suggestions_says_so(editor_client, world, suggested):
    suggested.clear()

    page = editor_client.get(source_page(world["source"])).content.decode()

    assert "No records suggested" in page


def test_viewing_the_page_and_getting_the_buttons_urls_write_nothing(
    editor_client, world, suggested
):
    truce = existing_truce(world)

    assert editor_client.get(source_page(world["source"])).status_code == 200
    assert editor_client.get(create_url(world["source"])).status_code == 405
    assert editor_client.get(cite_url(world["source"], truce)).status_code == 405
    assert list(Event.objects.values_list("pk", flat=True)) == [truce.pk]
    assert not Citation.objects.exists()


def test_each_suggestion_adds_one_query_to_the_source_page(editor_client, world, suggested):
    existing_truce(world)

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(source_page(world["source"])).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    suggested.clear()
    queries()  # content types and the like, cached for the requests measured
    without = queries()
    suggested.append(record(world["source"]))
    one = queries()
    suggested.extend(record(world["source"]) for _ in range(9))
    ten = queries()

    # The actors and the conflicts of all suggestions: 2 queries; then each suggestion's
    # similar events: 1 query each.
    assert len(one) == len(without) + 2 + 1
    assert len(ten) == len(without) + 2 + 10


def test_the_engine_s_suggestion_becomes_a_draft_in_one_click(editor_client, world):
    for side in ("russia", "ukraine"):
        ConflictParty.objects.create(conflict=world["conflict"], actor=world[side])

    page = editor_client.get(source_page(world["source"])).content.decode()
    assert "30-hour</mark> <mark>ceasefire</mark>" in page
    response = editor_client.post(create_url(world["source"]), follow=True)

    proposal = Proposal.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:events_proposal_change", args=[proposal.pk]
    )
    assert (proposal.date, proposal.duration_hours, proposal.conflict) == (
        SATURDAY,
        30,
        world["conflict"],
    )
    assert sorted((p.actor.name, p.role) for p in proposal.participants.all()) == [
        ("Russia", "proposer"),
        ("Ukraine", "addressee"),
    ]
    assert SENTENCE in proposal.citations.get().quote


# --- Create draft ------------------------------------------------------------------------------


def test_create_draft_opens_the_new_draft_with_participants_dates_and_citation(
    editor_client, editor, world, suggested
):
    response = editor_client.post(create_url(world["source"]), follow=True)

    proposal = Proposal.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:events_proposal_change", args=[proposal.pk]
    )
    assert (proposal.editorial_status, proposal.created_by) == (Event.Status.DRAFT, editor)
    assert (proposal.date, proposal.date_precision, proposal.duration_hours) == (
        SATURDAY,
        "day",
        30,
    )
    assert sorted((p.actor.name, p.role) for p in proposal.participants.all()) == [
        ("Russia", "proposer"),
        ("Ukraine", "addressee"),
    ]
    assert [(c.source, c.quote) for c in proposal.citations.all()] == [(world["source"], SENTENCE)]
    assert any("created from the article's suggestion" in m for m in messages_of(response))


def test_create_draft_uses_the_suggestion_as_computed_now_not_the_posted_data(
    editor_client, world, suggested
):
    editor_client.post(
        create_url(world["source"]), {"title": "Posted title", "body": '{"title": "x"}'}
    )

    assert Proposal.objects.get().title == "Russia declares a 30-hour ceasefire"


def test_a_refused_suggestion_opens_the_add_form_filled_in_and_names_the_fields(
    editor_client, world, suggested
):
    del suggested[0]["body"]["conflict"]  # the engine could not tell the conflict

    response = editor_client.post(create_url(world["source"]), follow=True)

    assert not Event.objects.exists()
    url, _ = response.redirect_chain[-1]
    parts = urlsplit(url)
    assert parts.path == reverse("admin:events_proposal_add")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "source": str(world["source"].pk),
        "title": "Russia declares a 30-hour ceasefire",
        "date": "2025-04-19",
        "date_precision": "day",
        "proposal_kind": "ceasefire",
        "arrangement": "unilateral",
        "duration_hours": "30",
    }
    assert any(
        m.startswith("The draft was not created: conflict: This field is required.")
        for m in messages_of(response)
    )
    page = response.content.decode()
    assert 'value="Russia declares a 30-hour ceasefire"' in page
    assert re.search(r'<option value="unilateral" selected>', page)


def test_a_refused_suggestion_with_a_known_conflict_fills_it_in(editor_client, world, suggested):
    suggested[0]["body"]["proposers"] = ["atlantis"]

    response = editor_client.post(create_url(world["source"]))

    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["conflict"] == [str(world["conflict"].pk)]
    assert not Event.objects.exists()


def test_a_viewer_cannot_create_a_draft(viewer, world, suggested):
    response = client_for(viewer).post(create_url(world["source"]))

    assert response.status_code == 403
    assert not Event.objects.exists()


def test_a_suggestion_no_longer_made_is_not_created(editor_client, world, suggested):
    response = editor_client.post(create_url(world["source"], index=3), follow=True)

    assert response.redirect_chain[-1][0].endswith("#suggested-records")
    assert any("no longer made" in m for m in messages_of(response))
    assert not Event.objects.exists()


def test_a_draft_like_an_existing_event_is_created_with_a_warning(editor_client, world, suggested):
    truce = existing_truce(world)

    response = editor_client.post(create_url(world["source"]), follow=True)

    assert Proposal.objects.count() == 2
    warning = next(m for m in messages_of(response) if m.startswith("This looks like"))
    change = reverse("admin:events_proposal_change", args=[truce.pk])
    assert f'<a href="{change}">Easter truce (recorded)</a> (2025-04-19, Draft)' in warning


# --- looks like an existing event ----------------------------------------------------------------


def test_a_suggestion_shows_the_event_it_looks_like_with_a_cite_button(
    editor_client, world, suggested
):
    truce = existing_truce(world)
    ProposalFactory(conflict=world["conflict"], date=SATURDAY, title="Nobody's truce")

    page = editor_client.get(source_page(world["source"])).content.decode()

    change = reverse("admin:events_proposal_change", args=[truce.pk])
    assert f'Looks like: <a href="{change}">Easter truce (recorded)</a> (2025-04-19, draft)' in page
    assert "Nobody's truce" not in page
    assert f'action="{cite_url(world["source"], truce)}"' in page
    assert "Add this article as a citation to it</button>" in page


def test_editors_are_told_a_published_event_is_read_only_and_get_no_cite_button(
    editor_client, reviewer_client, world, suggested
):
    existing_truce(world, editorial_status=Event.Status.PUBLISHED)

    page = editor_client.get(source_page(world["source"])).content.decode()
    assert "(2025-04-19, published)" in page
    assert "Published: only reviewers change published records" in page
    assert "add-citation" not in page
    assert "add-citation" in reviewer_client.get(source_page(world["source"])).content.decode()


def test_add_citation_cites_the_article_in_the_existing_event(editor_client, world, suggested):
    truce = existing_truce(world)

    response = editor_client.post(cite_url(world["source"], truce), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "admin:events_proposal_change", args=[truce.pk]
    )
    assert [(c.source, c.quote) for c in truce.citations.all()] == [(world["source"], SENTENCE)]
    assert Event.objects.count() == 1
    assert any("now cited in “Easter truce (recorded)”" in m for m in messages_of(response))


def test_add_citation_to_a_published_event_is_refused_to_an_editor(editor_client, world, suggested):
    truce = existing_truce(world, editorial_status=Event.Status.PUBLISHED)

    response = editor_client.post(cite_url(world["source"], truce), follow=True)

    assert not Citation.objects.exists()
    assert response.redirect_chain[-1][0].endswith("#suggested-records")
    assert any(
        "Published: only reviewers change published records" in m for m in messages_of(response)
    )


def test_add_citation_twice_is_refused_with_a_message(editor_client, world, suggested):
    truce = existing_truce(world)
    editor_client.post(cite_url(world["source"], truce))

    response = editor_client.post(cite_url(world["source"], truce), follow=True)

    assert truce.citations.count() == 1
    assert any("already cites these words" in m for m in messages_of(response))


def test_a_viewer_cannot_add_a_citation(viewer, world, suggested):
    truce = existing_truce(world)

    response = client_for(viewer).post(cite_url(world["source"], truce), follow=True)

    assert not Citation.objects.exists()
    assert any("may view proposals but not change them" in m for m in messages_of(response))


# --- the event form's warning --------------------------------------------------------------------


def test_saving_a_new_draft_like_an_existing_event_warns_with_links(editor_client, world):
    truce = existing_truce(world)
    data = proposal_form(
        world["conflict"],
        participants=[(world["russia"], "proposer")],
        citations=[(world["source"], SENTENCE)],
        date="2025-04-21",
    )

    response = editor_client.post(reverse("admin:events_proposal_add"), data, follow=True)

    assert Proposal.objects.count() == 2
    change = reverse("admin:events_proposal_change", args=[truce.pk])
    warning = next(m for m in messages_of(response) if m.startswith("This looks like"))
    assert f'<a href="{change}">Easter truce (recorded)</a>' in warning


def test_a_new_draft_unlike_any_event_gets_no_warning(editor_client, world):
    existing_truce(world)
    data = proposal_form(
        world["conflict"],
        participants=[(world["russia"], "proposer")],
        date="2025-04-23",  # 4 days later
    )

    response = editor_client.post(reverse("admin:events_proposal_add"), data, follow=True)

    assert Proposal.objects.count() == 2
    assert not any(m.startswith("This looks like") for m in messages_of(response))


def test_a_refused_form_still_warns_of_the_event_it_looks_like(editor_client, world):
    truce = existing_truce(world)
    data = proposal_form(
        world["conflict"],
        participants=[(world["ukraine"], "addressee"), (world["russia"], "proposer")],
        citations=[(world["source"], "Words the article never printed.")],
    )

    response = editor_client.post(reverse("admin:events_proposal_add"), data)

    assert response.status_code == 200
    assert Proposal.objects.count() == 1
    change = reverse("admin:events_proposal_change", args=[truce.pk])
    assert f'<a href="{change}">Easter truce (recorded)</a>' in response.content.decode()


def test_a_published_event_saved_by_a_reviewer_gets_no_duplicate_warning(reviewer_client, world):
    existing_truce(world)
    published = existing_truce(world, editorial_status=Event.Status.PUBLISHED)
    data = proposal_form(
        world["conflict"],
        participants=[(world["russia"], "proposer")],
        date="2025-04-19",
        title=published.title,
    )
    data.update(
        {
            "participants-0-id": published.participants.get().pk,
            "participants-0-event": published.pk,
            "participants-INITIAL_FORMS": "1",
        }
    )

    response = reviewer_client.post(
        reverse("admin:events_proposal_change", args=[published.pk]), data, follow=True
    )

    assert response.status_code == 200
    assert not any(m.startswith("This looks like") for m in messages_of(response))
