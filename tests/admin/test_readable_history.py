"""The history pages read as editors speak: choice values in words, the reason a change was
made, and no link the viewer may not open."""

import re

import pytest
from django.urls import reverse

from actors.models import Actor
from events import services
from events.models import Event, Proposal
from tests.admin.test_concurrency import change_url, form_fields
from tests.admin.test_restore import edited, restore_url
from tests.factories import ActorFactory, CitationFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def history_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk])


def history_page(client, record) -> str:
    page = client.get(history_url(record))
    assert page.status_code == 200
    return page.content.decode()


def changes_table(html: str) -> str:
    """The history list's table (the page's other parts also name fields)."""
    return re.search(r'<table id="change-history".*?</table>', html, re.S).group(0)


def save_form(client, record, **changes):
    url = change_url(record) if record._meta.app_label == "events" else actor_url(record)
    data = {**form_fields(client.get(url)), **changes}
    return client.post(url, data)


def actor_url(actor) -> str:
    return reverse("admin:actors_actor_change", args=[actor.pk])


# Words, not codes --------------------------------------------------------------------------


def test_the_history_shows_a_status_in_words(reviewer_client, reviewer):
    proposal = CitationFactory(event=ProposalFactory()).event
    services.change_status([proposal], "submit", reviewer)

    table = changes_table(history_page(reviewer_client, proposal))

    assert "Draft" in table and "In review" in table
    assert "in_review" not in table and "draft" not in table


def test_the_history_shows_a_proposals_outcome_in_words(reviewer_client):
    proposal = ProposalFactory()
    edited(proposal, outcome=Proposal.Outcome.UNDER_CONSIDERATION)

    table = changes_table(history_page(reviewer_client, proposal))

    assert "Proposed" in table and "Under consideration" in table
    assert "under_consideration" not in table


def test_an_actors_history_shows_its_kind_in_words(reviewer_client):
    actor = ActorFactory(kind=Actor.Kind.ARMED_GROUP)
    edited(actor, kind=Actor.Kind.ORGANIZATION)

    table = changes_table(history_page(reviewer_client, actor))

    assert "Armed group" in table and "armed_group" not in table


# The reason --------------------------------------------------------------------------------


def test_the_reason_an_editor_types_is_stored_and_shown(editor_client, editor):
    proposal = ProposalFactory(title="Truce", created_by=editor)

    page = save_form(
        editor_client, proposal, title="Easter truce", change_reason="Title as the article has it"
    )

    assert page.status_code == 302
    latest = proposal.history.latest()
    assert (latest.title, latest.history_change_reason) == (
        "Easter truce",
        "Title as the article has it",
    )
    assert "Title as the article has it" in changes_table(history_page(editor_client, proposal))


def test_the_reason_is_optional(editor_client):
    proposal = ProposalFactory(title="Truce")

    assert save_form(editor_client, proposal, title="Easter truce").status_code == 302

    assert proposal.history.latest().history_change_reason is None


def test_the_reason_is_not_a_field_of_the_record(editor_client):
    proposal = ProposalFactory()
    page = editor_client.get(change_url(proposal)).content.decode()
    assert 'name="change_reason"' in page
    assert not hasattr(Proposal, "change_reason")


def test_the_actor_and_source_forms_take_a_reason_too(reviewer_client):
    actor = ActorFactory(name="Rusia")

    save_form(reviewer_client, actor, name="Russia", change_reason="Typo")

    assert actor.history.latest().history_change_reason == "Typo"
    source_form = reviewer_client.get(
        reverse("admin:events_source_change", args=[CitationFactory().source.pk])
    )
    assert 'name="change_reason"' in source_form.content.decode()


def test_a_restore_writes_its_reason_with_the_one_typed(editor_client):
    proposal = ProposalFactory(title="Old")
    old = edited(proposal, title="New")
    url = restore_url(proposal, old)

    page = editor_client.post(
        url, {**form_fields(editor_client.get(url)), "change_reason": "The new title was wrong"}
    )

    assert page.status_code == 302
    reason = proposal.history.latest().history_change_reason
    assert reason == "Restored an earlier version: The new title was wrong"


def restore_links(html: str, record) -> int:
    return changes_table(html).count(f"/{record.pk}/history/")


@pytest.mark.parametrize(
    ("persona", "status", "linked"),
    [
        ("editor_client", Event.Status.DRAFT, True),
        ("editor_client", Event.Status.IN_REVIEW, True),
        ("editor_client", Event.Status.PUBLISHED, False),  # only reviewers change it
        ("editor_client", Event.Status.RETRACTED, False),
        ("reviewer_client", Event.Status.PUBLISHED, True),
        ("reviewer_client", Event.Status.RETRACTED, True),
    ],
)
def test_versions_link_to_their_restore_page_only_for_who_may_restore(
    request, persona, status, linked
):
    proposal = ProposalFactory(title="Old")
    edited(proposal, title="New", editorial_status=status)

    html = history_page(request.getfixturevalue(persona), proposal)

    assert (restore_links(html, proposal) == 2) is linked
    assert (restore_links(html, proposal) == 0) is not linked
    assert "New" in changes_table(html)  # the version is still named


def test_authors_link_to_their_user_page_only_for_who_may_view_users(
    editor_client, reviewer_client, client
):
    author = UserFactory(username="author")
    proposal = ProposalFactory()
    proposal._history_user = author
    edited(proposal, title="New")
    user_page = reverse("admin:auth_user_change", args=[author.pk])
    client.force_login(UserFactory(username="admin", is_superuser=True))

    assert user_page in changes_table(history_page(client, proposal))
    assert user_page not in changes_table(history_page(reviewer_client, proposal))
    assert user_page not in changes_table(history_page(editor_client, proposal))
    assert "author" in changes_table(history_page(editor_client, proposal))


@pytest.mark.parametrize("persona", ["editor_client", "reviewer_client"])
def test_words_and_links_cost_no_query_per_version(request, persona, django_assert_max_num_queries):
    proposal = ProposalFactory(title="Old")
    for number in range(10):
        edited(
            proposal, title=f"Title {number}", editorial_status=["draft", "in_review"][number % 2]
        )
    client = request.getfixturevalue(persona)
    # session, user, the user's and their groups' permissions, the event, its participants
    # (the object's label), the participants' and citations' histories, the versions' count
    # and page, the content type (cached after the first page): 11 for 11 versions.
    with django_assert_max_num_queries(11):
        client.get(history_url(proposal))
