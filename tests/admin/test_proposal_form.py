"""The proposal form: what most proposals need first, the rest folded until it holds something,
and labels that say which date is which."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.admin.helpers import proposal_form
from tests.factories import ConflictFactory, ProposalFactory

pytestmark = pytest.mark.django_db

FOLDED = {
    "Links to other proposals": ["extends", "counters", "replaces"],
    "Agreement": ["agreed_on", "written", "text_url", "stage"],
    "PA-X and monitoring": ["pax_agreement_id", "monitoring"],
    "End": ["ended_on", "end_reason", "ended_by"],
}


def sections(response) -> dict[str, str]:
    """Each named fieldset's HTML, by its heading."""
    html = response.content.decode()
    found = {}
    for block in re.findall(r"<fieldset.*?</fieldset>", html, re.S):
        heading = re.search(r'class="fieldset-heading">(.*?)</h2>', block)
        if heading:
            found[heading.group(1)] = block
    return found


def field_order(block: str) -> list[str]:
    names = re.findall(r'<(?:input|select|textarea)[^>]*?\sname="([a-z_]+)"', block)
    return list(dict.fromkeys(names))  # a radio button per choice: the field once


def test_most_needed_fields_come_first_and_the_rest_is_folded(editor_client):
    response = editor_client.get(reverse("admin:events_proposal_add"))
    found = sections(response)
    assert [name for name in found if name in ("Proposal", *FOLDED)] == ["Proposal", *FOLDED]
    first = "proposal_kind scope arrangement talks_format purposes occasion"
    dates = "proposed_start proposed_end duration_hours effective_from outcome"
    assert field_order(found["Proposal"]) == f"{first} {dates}".split()
    for name, fields in FOLDED.items():
        block = found[name]
        assert "collapse" in block.split(">", 1)[0]
        assert "<details><summary>" in block
        assert field_order(block) == fields


@pytest.mark.parametrize(
    "section, values",
    [
        ("Links to other proposals", {"counters": "proposal"}),
        ("PA-X and monitoring", {"monitoring": "OSCE observers"}),
        ("PA-X and monitoring", {"pax_agreement_id": 2456}),
        ("End", {"ended_on": datetime.date(2025, 4, 21)}),
        ("End", {"end_reason": "expired"}),
    ],
)
def test_a_folded_section_with_a_value_shows_open(editor_client, section, values):
    conflict = ConflictFactory()
    if values.get("counters") == "proposal":
        values = {"counters": ProposalFactory(conflict=conflict)}
    proposal = ProposalFactory(
        conflict=conflict, effective_from=datetime.date(2025, 4, 19), **values
    )
    found = sections(editor_client.get(reverse("admin:events_proposal_change", args=[proposal.pk])))
    assert "<details>" not in found[section]
    assert "collapse" not in found[section].split(">", 1)[0]
    for other in set(FOLDED) - {section}:
        assert "<details><summary>" in found[other]


def test_a_folded_section_with_an_error_shows_open(editor_client):
    conflict = ConflictFactory()
    data = proposal_form(conflict, effective_from="2025-04-20", ended_on="2025-04-19")
    response = editor_client.post(reverse("admin:events_proposal_add"), data)
    assert response.status_code == 200
    found = sections(response)
    assert "It cannot have ended before it took effect." in found["End"]
    assert "<details>" not in found["End"]
    assert "<details><summary>" in found["Links to other proposals"]


def test_a_value_typed_into_a_refused_form_stays_in_sight(editor_client):
    data = proposal_form(ConflictFactory(), title="", monitoring="OSCE observers")
    response = editor_client.post(reverse("admin:events_proposal_add"), data)
    assert response.status_code == 200
    found = sections(response)
    assert "<details>" not in found["PA-X and monitoring"]
    assert "<details><summary>" in found["End"]


def test_labels_say_which_date_is_which(editor_client):
    form = editor_client.get(reverse("admin:events_proposal_add")).context["adminform"].form
    labels = {name: form.fields[name].label for name in form.fields}
    assert labels["date"] == "Declared on"
    assert labels["proposed_start"] == "Proposed start of the ceasefire"
    assert labels["proposed_end"] == "Proposed end of the ceasefire"
    assert labels["effective_from"] == "In effect from (the ceasefire actually began)"
    assert labels["ended_on"] == "Ended on (the ceasefire actually ended)"
    assert form.fields["date"].help_text.startswith("When the proposal was made or announced")
    assert "YYYY-MM" in form.fields["date"].help_text  # the formats it may be typed in
    for name in ("proposed_start", "proposed_end", "effective_from", "ended_on"):
        assert form.fields[name].help_text


def test_other_kinds_keep_their_date_label(editor_client):
    form = editor_client.get(reverse("admin:events_response_add")).context["adminform"].form
    assert form.fields["date"].label == "Date"


def test_model_names_stay_as_the_api_shows_them():
    from events.models import Proposal

    assert Proposal._meta.get_field("effective_from").verbose_name == "effective from"
    assert Proposal._meta.get_field("date").verbose_name == "date"
