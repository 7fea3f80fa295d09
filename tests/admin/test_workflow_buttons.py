"""The workflow in the change form's submit row: which steps each persona sees on each status,
that each button saves pending edits and takes its step, and that a step the user may not take
is refused with nothing changed."""

from html.parser import HTMLParser

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from events.models import Event, Proposal
from tests.admin.helpers import proposal_form
from tests.admin.test_concurrency import RECORDS, change_url, form_fields, fresh
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

KINDS = {name: factory for name, (factory, _) in RECORDS.items() if name != "source"}
SAVE_AND_SUBMIT = ("_save_and_submit", "1", "Save and submit")
SUBMIT = ("_transition", "submit", "Submit for review")
PUBLISH = ("_transition", "publish", "Publish")
RETURN = ("_transition", "return_to_draft", "Return to draft")
RETRACT = ("_transition", "retract", "Retract")
WORKFLOW = {SAVE_AND_SUBMIT, SUBMIT, PUBLISH, RETURN, RETRACT}

# status -> persona -> the workflow buttons shown (all others absent)
SHOWN = {
    Event.Status.DRAFT: {
        "editor": {SAVE_AND_SUBMIT, SUBMIT},
        "reviewer": {SAVE_AND_SUBMIT, SUBMIT},
    },
    Event.Status.IN_REVIEW: {"editor": {RETURN}, "reviewer": {PUBLISH, RETURN}},
    Event.Status.PUBLISHED: {"editor": set(), "reviewer": {RETRACT}},
    Event.Status.RETRACTED: {"editor": set(), "reviewer": set()},
}
READ_ONLY = "Published: only reviewers change published records; a reviewer can retract it."


class _SubmitButtons(HTMLParser):
    """The submit buttons of the page's change form: (name, value, accessible name)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.buttons: list[tuple[str, str, str]] = []
        self._inside = False
        self._button = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._inside = (attrs.get("id") or "").endswith("_form")
        if not self._inside:
            return
        if tag == "input" and attrs.get("type") == "submit":
            self.buttons.append((attrs.get("name"), attrs.get("value"), attrs.get("value")))
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self._button = [attrs.get("name"), attrs.get("value"), ""]

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "button" and self._button is not None:
            name, value, text = self._button
            self.buttons.append((name, value, text.strip()))
            self._button = None

    def handle_data(self, data):
        if self._button is not None:
            self._button[2] += data


def workflow_buttons(page) -> set[tuple[str, str, str]]:
    assert page.status_code == 200, page.status_code
    parser = _SubmitButtons()
    parser.feed(page.content.decode())
    return {button for button in parser.buttons if button in WORKFLOW}


def cited(factory=ProposalFactory, **kwargs):
    return CitationFactory(event=factory(**kwargs)).event


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def clients(editor_client, reviewer_client):
    return {"editor": editor_client, "reviewer": reviewer_client}


@pytest.mark.parametrize("status", SHOWN)
@pytest.mark.parametrize("persona", ["editor", "reviewer"])
def test_the_submit_row_offers_the_steps_the_user_may_take(clients, persona, status):
    proposal = cited(editorial_status=status)
    page = clients[persona].get(change_url(proposal))
    assert workflow_buttons(page) == SHOWN[status][persona]


@pytest.mark.parametrize("model_name", KINDS)
def test_every_kinds_change_form_has_the_buttons(reviewer_client, model_name):
    event = cited(KINDS[model_name], editorial_status=Event.Status.IN_REVIEW)
    page = reviewer_client.get(change_url(event))
    assert workflow_buttons(page) == {PUBLISH, RETURN}


@pytest.mark.parametrize("persona", ["editor", "reviewer"])
def test_the_add_form_offers_save_and_submit(clients, persona):
    page = clients[persona].get(reverse("admin:events_proposal_add"))
    assert workflow_buttons(page) == {SAVE_AND_SUBMIT}


def test_a_user_who_may_not_change_sees_no_step():
    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(*perms("view_proposal"))
    proposal = cited()
    client = logged_in(viewer)
    page = client.get(change_url(proposal))
    assert workflow_buttons(page) == set()
    assert "You may view proposals but not change them." in page.content.decode()


# -- each button takes its step ------------------------------------------------------------

STEPS = [
    # (persona, status before, POST name and value, status after, message)
    ("editor", "draft", SUBMIT, "in_review", "submitted for review"),
    ("editor", "draft", SAVE_AND_SUBMIT, "in_review", "submitted for review"),
    ("editor", "in_review", RETURN, "draft", "returned to draft"),
    ("reviewer", "in_review", PUBLISH, "published", "published"),
    ("reviewer", "in_review", RETURN, "draft", "returned to draft"),
    ("reviewer", "published", RETRACT, "retracted", "retracted"),
]


@pytest.mark.parametrize("persona, before, button, after, verb", STEPS)
def test_each_button_saves_the_edits_and_takes_its_step(
    clients, persona, before, button, after, verb
):
    client = clients[persona]
    proposal = cited(editorial_status=before, title="Easter truce")
    data = form_fields(client.get(change_url(proposal)))
    name, value, _ = button

    response = client.post(
        change_url(proposal), {**data, "title": "Orthodox Easter truce", name: value}
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(proposal)
    changed = fresh(proposal)
    assert (changed.editorial_status, changed.title) == (after, "Orthodox Easter truce")
    assert changed.history.latest().history_user.username == persona
    shown = messages_of(client.get(response["Location"]))
    assert shown == ["“Orthodox Easter truce” was saved.", f"“Orthodox Easter truce” {verb}."]


FORGED = [
    # (persona, status, step, why): steps the persona may not take on that status
    ("editor", "in_review", "publish", "was not published: only reviewers may take this step."),
    ("editor", "published", "retract", "was not retracted: only reviewers may take this step."),
    ("editor", "draft", "publish", "was not published: only reviewers may take this step."),
    ("reviewer", "draft", "publish", "was not published: it is draft, and only in review"),
    ("reviewer", "published", "return_to_draft", "was not returned to draft: it is published"),
    ("reviewer", "retracted", "retract", "was not retracted: it is retracted"),
]


@pytest.mark.parametrize("persona, status, step, why", FORGED)
def test_a_forged_step_is_refused_with_nothing_changed(clients, persona, status, step, why):
    client = clients[persona]
    proposal = cited(editorial_status=status, title="Easter truce")
    data = form_fields(clients["reviewer"].get(change_url(proposal)))
    versions = proposal.history.count()

    response = client.post(
        change_url(proposal), {**data, "title": "Changed", "_transition": step}, follow=True
    )

    assert (fresh(proposal).editorial_status, fresh(proposal).title) == (status, "Easter truce")
    assert proposal.history.count() == versions
    assert messages_of(response) == [f"“Easter truce” {why}"] or why in messages_of(response)[0]


def test_an_unknown_step_is_refused_with_nothing_changed(reviewer_client):
    proposal = cited(title="Easter truce")
    data = form_fields(reviewer_client.get(change_url(proposal)))
    response = reviewer_client.post(
        change_url(proposal), {**data, "title": "Changed", "_transition": "promote"}, follow=True
    )
    assert fresh(proposal).title == "Easter truce"
    assert messages_of(response) == ["“promote” is not a step of the editorial workflow."]


def test_an_editor_may_not_save_and_submit_a_published_event(editor_client):
    proposal = cited(editorial_status=Event.Status.PUBLISHED, title="Easter truce")
    data = proposal_form(proposal.conflict, title="Changed")
    editor_client.post(change_url(proposal), {**data, "_save_and_submit": "1"})
    assert (fresh(proposal).editorial_status, fresh(proposal).title) == (
        "published",
        "Easter truce",
    )


def test_save_and_submit_on_the_add_form_saves_the_rows_and_submits(editor_client, editor):
    conflict = ConflictFactory()
    actor, source = ActorFactory(name="Russia"), SourceFactory()
    data = proposal_form(
        conflict,
        participants=[(actor, "proposer")],
        citations=[(source, "30-day truce")],
        title="Easter truce",
    )

    response = editor_client.post(
        reverse("admin:events_proposal_add"), {**data, "_save_and_submit": "1"}
    )

    proposal = Proposal.objects.get(title="Easter truce")
    assert response.status_code == 302
    assert response["Location"] == change_url(proposal)
    assert proposal.editorial_status == Event.Status.IN_REVIEW
    assert proposal.created_by == editor
    assert [p.actor for p in proposal.participants.all()] == [actor]
    assert [c.quote for c in proposal.citations.all()] == ["30-day truce"]
    assert messages_of(editor_client.get(response["Location"])) == [
        "“Easter truce” was added.",
        "“Easter truce” submitted for review.",
    ]


def test_save_and_submit_without_citation_keeps_the_new_draft_and_says_why(editor_client):
    data = proposal_form(ConflictFactory(), title="Easter truce")
    response = editor_client.post(
        reverse("admin:events_proposal_add"), {**data, "_save_and_submit": "1"}, follow=True
    )
    proposal = Proposal.objects.get(title="Easter truce")
    assert proposal.editorial_status == Event.Status.DRAFT
    assert messages_of(response) == [
        "“Easter truce” was added.",
        "“Easter truce” was not submitted for review: it has no citation. Add the words from "
        "the article that it rests on.",
    ]


def test_a_refused_step_keeps_the_save_and_says_why(editor_client):
    proposal = ProposalFactory(title="Easter truce")  # no citation
    data = form_fields(editor_client.get(change_url(proposal)))

    response = editor_client.post(
        change_url(proposal),
        {**data, "title": "Orthodox Easter truce", "_transition": "submit"},
        follow=True,
    )

    changed = fresh(proposal)
    assert (changed.title, changed.editorial_status) == ("Orthodox Easter truce", "draft")
    assert messages_of(response) == [
        "“Orthodox Easter truce” was saved.",
        "“Orthodox Easter truce” was not submitted for review: it has no citation. Add the "
        "words from the article that it rests on.",
    ]


@pytest.mark.parametrize("button", [SUBMIT, SAVE_AND_SUBMIT])
def test_an_invalid_form_saves_nothing_and_takes_no_step(editor_client, button):
    proposal = cited(title="Easter truce")
    data = form_fields(editor_client.get(change_url(proposal)))
    versions = proposal.history.count()
    name, value, _ = button

    page = editor_client.post(change_url(proposal), {**data, "title": "", name: value})

    assert page.status_code == 200
    assert "This field is required." in page.content.decode()
    assert (fresh(proposal).title, fresh(proposal).editorial_status) == ("Easter truce", "draft")
    assert proposal.history.count() == versions
    # The form comes back with its buttons.
    assert workflow_buttons(page) == {SAVE_AND_SUBMIT, SUBMIT}


def test_an_invalid_add_form_saves_nothing(editor_client):
    data = proposal_form(ConflictFactory(), title="")
    page = editor_client.post(
        reverse("admin:events_proposal_add"), {**data, "_save_and_submit": "1"}
    )
    assert page.status_code == 200
    assert not Proposal.objects.exists()


def test_a_user_who_may_publish_but_not_edit_publishes_without_saving():
    publisher = UserFactory(username="publisher")
    publisher.user_permissions.add(*perms("view_proposal", "publish_event"))
    proposal = cited(editorial_status=Event.Status.IN_REVIEW, title="Easter truce")
    client = logged_in(publisher)
    assert workflow_buttons(client.get(change_url(proposal))) == {PUBLISH}

    data = proposal_form(proposal.conflict, title="Changed")
    response = client.post(change_url(proposal), {**data, "_transition": "publish"}, follow=True)

    assert (fresh(proposal).editorial_status, fresh(proposal).title) == (
        "published",
        "Easter truce",
    )
    assert messages_of(response) == ["“Easter truce” published."]


# -- read-only pages say why ---------------------------------------------------------------


def test_a_published_event_says_why_the_editor_cannot_edit_it(editor_client, reviewer_client):
    proposal = cited(editorial_status=Event.Status.PUBLISHED)
    assert READ_ONLY in editor_client.get(change_url(proposal)).content.decode()
    assert READ_ONLY not in reviewer_client.get(change_url(proposal)).content.decode()


def test_a_retracted_event_says_why_the_editor_cannot_edit_it(editor_client):
    proposal = cited(editorial_status=Event.Status.RETRACTED)
    assert "Retracted: only reviewers change retracted records" in (
        editor_client.get(change_url(proposal)).content.decode()
    )


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.IN_REVIEW])
def test_an_editable_event_gives_no_reason(editor_client, status):
    page = editor_client.get(change_url(cited(editorial_status=status))).content.decode()
    assert 'class="readonly-reason"' not in page


# -- the bulk actions of the combined list -------------------------------------------------

TIMELINE = reverse("admin:events_event_changelist")


def test_the_timeline_actions_move_events_of_every_kind(reviewer_client, editor_client):
    published = cited(editorial_status=Event.Status.PUBLISHED)
    events = [
        cited(),
        cited(ResponseFactory, proposal=published, conflict=published.conflict),
        cited(KINDS["meeting"]),
        cited(KINDS["violationaccusation"]),
    ]
    ids = [e.pk for e in events]

    def run(client, action):
        response = client.post(TIMELINE, {"action": action, ACTION_CHECKBOX_NAME: ids}, follow=True)
        statuses = set(Event.objects.filter(pk__in=ids).values_list("editorial_status", flat=True))
        return messages_of(response), statuses

    assert run(editor_client, "submit_for_review") == (
        ["4 event(s) submitted for review."],
        {"in_review"},
    )
    assert run(editor_client, "publish")[1] == {"in_review"}  # not an editor's action
    assert run(reviewer_client, "publish") == (["4 event(s) published."], {"published"})
    assert run(editor_client, "retract")[1] == {"published"}
    assert run(reviewer_client, "retract") == (["4 event(s) retracted."], {"retracted"})


def perms(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename__in=codenames)


def logged_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
