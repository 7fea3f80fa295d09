"""No lost updates in the admin: a change form carries the version of the record it was opened
at, and a save is refused, naming who changed what, when the record changed in the meantime.

The forms are posted as a browser sends them: the fields read from the page itself.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from events import services
from events.models import Event, Source
from lib.concurrency import version_of
from tests.api.personas import token_client
from tests.factories import (
    AccusationFactory,
    CitationFactory,
    MeetingFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# admin model name -> (factory, API endpoint)
RECORDS = {
    "proposal": (ProposalFactory, "proposals"),
    "response": (ResponseFactory, "responses"),
    "meeting": (MeetingFactory, "meetings"),
    "violationaccusation": (AccusationFactory, "accusations"),
    "source": (SourceFactory, "sources"),
}


class _FormFields(HTMLParser):
    """The values a browser would post from the page's change form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._inside = False
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            # The change form is "<model>_form" (the history's form too); not the logout form.
            self._inside = (attrs.get("id") or "").endswith("_form")
        name = attrs.get("name") or ""
        if not self._inside or "__prefix__" in name:
            return
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "textarea":
            if self._textarea:
                # Browsers drop the newline Django writes after <textarea>.
                self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def form_fields(page) -> dict[str, list[str]]:
    """What the browser posts from a change (or history) form page."""
    assert page.status_code == 200, page.status_code
    parser = _FormFields()
    parser.feed(page.content.decode())
    assert parser.data, "no change form on the page"
    return parser.data


def change_url(record) -> str:
    return reverse(f"admin:events_{record._meta.model_name}_change", args=[record.pk])


def fresh(record):
    return type(record).objects.get(pk=record.pk)


def saved_by_someone_else(record, user, **changes):
    """Another editor's save through the ORM (as the admin's and the API's saves do)."""
    other = fresh(record)
    for name, value in changes.items():
        setattr(other, name, value)
    other._history_user = user
    other.save()
    return other


def refusal(user, record, old: str, new: str, field: str = "title") -> str:
    """The message naming another user's change of ``field``."""
    when = record.history.latest().history_date
    return (
        "This record was changed by someone else since you opened it: "
        f"{user.username} at {when:%Y-%m-%d %H:%M:%S}: {field}: “{old}” → “{new}”"
    )


@pytest.fixture
def other_editor(db):
    return UserFactory(username="other-editor", groups=["Editors"])


@pytest.mark.parametrize("model_name", RECORDS)
def test_the_change_form_carries_the_records_version(editor_client, model_name):
    record = RECORDS[model_name][0]()

    data = form_fields(editor_client.get(change_url(record)))

    assert data["record_version"] == [version_of(fresh(record))]


@pytest.mark.parametrize("model_name", RECORDS)
def test_a_form_opened_before_an_orm_save_is_refused_naming_the_change(
    editor_client, other_editor, model_name
):
    record = RECORDS[model_name][0](title="A")
    data = form_fields(editor_client.get(change_url(record)))
    saved_by_someone_else(record, other_editor, title="B")
    versions = record.history.count()

    page = editor_client.post(change_url(record), {**data, "title": "Mine"})

    assert page.status_code == 200
    assert refusal(other_editor, record, "A", "B") in page.content.decode()
    assert "Your changes were not saved" in page.content.decode()
    assert fresh(record).title == "B"
    assert record.history.count() == versions


@pytest.mark.parametrize("model_name", RECORDS)
def test_a_form_opened_before_an_api_save_is_refused_naming_the_change(
    editor_client, other_editor, model_name
):
    factory, endpoint = RECORDS[model_name]
    record = factory(title="A")
    data = form_fields(editor_client.get(change_url(record)))
    api = token_client(other_editor)
    response = api.patch(f"/api/v1/{endpoint}/{record.pk}/", {"title": "B"}, format="json")
    assert response.status_code == 200, response.content
    versions = record.history.count()

    page = editor_client.post(change_url(record), {**data, "title": "Mine"})

    assert page.status_code == 200
    assert refusal(other_editor, record, "A", "B") in page.content.decode()
    assert fresh(record).title == "B"
    assert record.history.count() == versions


def test_a_form_opened_before_a_workflow_step_is_refused_and_the_step_kept(
    editor_client, editor, other_editor
):
    proposal = CitationFactory(event=ProposalFactory(title="A")).event
    data = form_fields(editor_client.get(change_url(proposal)))
    assert services.change_status([proposal], "submit", other_editor).changed == 1

    page = editor_client.post(change_url(proposal), {**data, "title": "Mine"})

    assert page.status_code == 200
    body = page.content.decode()
    assert refusal(other_editor, proposal, "draft", "in_review", "editorial status") in body
    assert (fresh(proposal).title, fresh(proposal).editorial_status) == ("A", "in_review")


@pytest.mark.parametrize("model_name", RECORDS)
def test_a_form_opened_at_the_current_version_saves(editor_client, editor, model_name):
    record = RECORDS[model_name][0](title="A")
    data = form_fields(editor_client.get(change_url(record)))
    versions = record.history.count()

    page = editor_client.post(change_url(record), {**data, "title": "Mine"})

    assert page.status_code == 302, page.content.decode()[:3000]
    assert fresh(record).title == "Mine"
    assert record.history.count() == versions + 1
    assert record.history.latest().history_user == editor
    assert version_of(fresh(record)) != data["record_version"][0]


@pytest.mark.parametrize("model_name", RECORDS)
def test_a_form_without_a_version_is_accepted(editor_client, other_editor, model_name):
    record = RECORDS[model_name][0](title="A")
    data = form_fields(editor_client.get(change_url(record)))
    del data["record_version"]  # a page from before versions were sent
    meanwhile = {"summary": "Meanwhile"} if isinstance(record, Event) else {"language": "uk"}
    saved_by_someone_else(record, other_editor, **meanwhile)

    page = editor_client.post(change_url(record), {**data, "title": "Mine"})

    assert page.status_code == 302
    assert fresh(record).title == "Mine"


def test_a_stale_source_form_cannot_undo_a_new_text(editor_client, other_editor):
    source = SourceFactory(title="Article", body="Both sides agreed to a truce.")
    data = form_fields(editor_client.get(change_url(source)))
    saved_by_someone_else(source, other_editor, body="Both sides agreed to a 30-day truce.")

    page = editor_client.post(change_url(source), {**data, "title": "Mine"})

    assert page.status_code == 200
    assert "changed by someone else since you opened it: other-editor at" in (page.content.decode())
    assert Source.objects.get(pk=source.pk).body == "Both sides agreed to a 30-day truce."
