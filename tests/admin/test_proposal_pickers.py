"""The proposal pickers offer the form's conflict's proposals first, each with date and conflict."""

import datetime
import re

import pytest
from django.urls import reverse

from events.models import Event
from tests.factories import (
    AccusationFactory,
    ConflictFactory,
    MeetingFactory,
    ProposalFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

EASTER = "Easter truce · 2025-04-19 · Russia–Ukraine war"
ENERGY = "Energy pause · 2025-03 · Russia–Ukraine war"
HOSTAGES = "Hostage release deal · 2025-05-02 · Israel–Hamas war"
GAZA = "Gaza ceasefire · 2025-01-19 · Israel–Hamas war"

# Each form's proposal pickers: (admin model name, field name).
PICKERS = [
    ("proposal", "extends"),
    ("proposal", "counters"),
    ("proposal", "replaces"),
    ("response", "proposal"),
    ("violationaccusation", "proposal"),
    ("meeting", "produced"),
    ("meeting", "discussed"),
]


@pytest.fixture
def ukraine_war():
    return ConflictFactory(name="Russia–Ukraine war", slug="russia-ukraine-war")


@pytest.fixture
def gaza_war():
    return ConflictFactory(name="Israel–Hamas war", slug="israel-hamas-war")


@pytest.fixture
def proposals(ukraine_war, gaza_war):
    """Two proposals in each conflict; the newest of all is in the other conflict."""
    return {
        EASTER: ProposalFactory(
            conflict=ukraine_war, title="Easter truce", date=datetime.date(2025, 4, 19)
        ),
        ENERGY: ProposalFactory(
            conflict=ukraine_war,
            title="Energy pause",
            date=datetime.date(2025, 3, 18),
            date_precision=Event.Precision.MONTH,
        ),
        HOSTAGES: ProposalFactory(
            conflict=gaza_war, title="Hostage release deal", date=datetime.date(2025, 5, 2)
        ),
        GAZA: ProposalFactory(
            conflict=gaza_war, title="Gaza ceasefire", date=datetime.date(2025, 1, 19)
        ),
    }


def picker_url(client, model: str, field: str) -> str:
    """The URL the browser's picker asks for options, as the add form renders it."""
    page = client.get(reverse(f"admin:events_{model}_add")).content.decode()
    select = re.search(rf'<select [^>]*name="{field}"[^>]*>', page)
    assert select, f"no picker for {field}"
    return re.search(r'data-ajax--url="([^"]+)"', select.group(0)).group(1)


def options(client, conflict="", term="", model="response", field="proposal", url=None):
    """The labels the picker offers, in order (Django's autocomplete parameters)."""
    response = client.get(
        url or picker_url(client, model, field),
        {
            "app_label": "events",
            "model_name": model,
            "field_name": field,
            "term": term,
            "conflict": conflict,
        },
    )
    assert response.status_code == 200, response.content
    return [result["text"] for result in response.json()["results"]]


def test_picker_lists_the_chosen_conflicts_proposals_first(editor_client, proposals, ukraine_war):
    assert options(editor_client, conflict=ukraine_war.pk) == [EASTER, ENERGY, HOSTAGES, GAZA]


def test_picker_lists_the_other_conflict_first_when_it_is_chosen(
    editor_client, proposals, gaza_war
):
    assert options(editor_client, conflict=gaza_war.pk) == [HOSTAGES, GAZA, EASTER, ENERGY]


def test_picker_without_a_conflict_lists_newest_first(editor_client, proposals):
    assert options(editor_client) == [HOSTAGES, EASTER, ENERGY, GAZA]


def test_option_ids_are_the_proposals(editor_client, proposals, ukraine_war):
    response = editor_client.get(
        picker_url(editor_client, "response", "proposal"),
        {
            "app_label": "events",
            "model_name": "response",
            "field_name": "proposal",
            "conflict": ukraine_war.pk,
        },
    )
    assert response.json() == {
        "results": [
            {"id": str(proposals[label].pk), "text": label}
            for label in [EASTER, ENERGY, HOSTAGES, GAZA]
        ],
        "pagination": {"more": False},
    }


@pytest.mark.parametrize("model, field", PICKERS)
def test_every_proposal_picker_offers_the_conflict_first(
    editor_client, proposals, ukraine_war, model, field
):
    assert options(editor_client, ukraine_war.pk, model=model, field=field) == [
        EASTER,
        ENERGY,
        HOSTAGES,
        GAZA,
    ]


def test_search_keeps_the_conflict_first(editor_client, proposals, gaza_war):
    ProposalFactory(conflict=gaza_war, title="Ramadan truce", date=datetime.date(2025, 3, 1))
    assert options(editor_client, conflict=gaza_war.pk, term="truce") == [
        "Ramadan truce · 2025-03-01 · Israel–Hamas war",
        EASTER,
    ]


@pytest.mark.parametrize(
    "bad", ["abc", "-1", "0", "1.5", "1 OR 1=1", "99999999999999999999999", "١"]
)
def test_bad_conflict_value_is_ignored(editor_client, proposals, bad):
    assert options(editor_client, conflict=bad) == [HOSTAGES, EASTER, ENERGY, GAZA]


def test_unknown_conflict_is_ignored(editor_client, proposals):
    assert options(editor_client, conflict=2**62) == [HOSTAGES, EASTER, ENERGY, GAZA]


def test_picker_endpoint_serves_proposals_only(editor_client):
    response = editor_client.get(
        reverse("admin:events_proposal_autocomplete"),
        {"app_label": "events", "model_name": "citation", "field_name": "source", "term": ""},
    )
    assert response.status_code == 403


def test_picker_endpoint_needs_a_login(client, proposals):
    response = client.get(
        reverse("admin:events_proposal_autocomplete"),
        {"app_label": "events", "model_name": "response", "field_name": "proposal"},
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_picker_page_queries_do_not_grow_with_proposals(
    editor_client, ukraine_war, gaza_war, django_assert_max_num_queries
):
    for day in range(1, 31):
        ProposalFactory(
            conflict=ukraine_war if day % 2 else gaza_war, date=datetime.date(2025, 4, day)
        )
    url = picker_url(editor_client, "response", "proposal")
    # Session, user, the user's and the groups' permissions; the conflict's 15 proposals and
    # the other conflict's first 6 (the page of 20 and one past it), the ids and then the rows
    # of each, their conflicts joined: no count, none per option.
    with django_assert_max_num_queries(8):
        labels = options(editor_client, ukraine_war.pk, url=url)
    assert len(labels) == 20
    assert all(label.endswith("· Russia–Ukraine war") for label in labels[:15])
    assert labels[15].endswith("· Israel–Hamas war")


def test_change_form_shows_the_chosen_proposal_with_date_and_conflict(
    editor_client, proposals, ukraine_war
):
    response = ResponseFactory(conflict=ukraine_war, proposal=proposals[EASTER])
    page = editor_client.get(reverse("admin:events_response_change", args=[response.pk]))
    assert page.status_code == 200
    assert (
        f'<option value="{proposals[EASTER].pk}" selected>{EASTER}</option>'
        in page.content.decode()
    )


def test_accusation_form_shows_the_proposal_allegedly_violated(
    editor_client, proposals, ukraine_war
):
    accusation = AccusationFactory(conflict=ukraine_war, proposal=proposals[ENERGY])
    page = editor_client.get(
        reverse("admin:events_violationaccusation_change", args=[accusation.pk])
    )
    assert (
        f'<option value="{proposals[ENERGY].pk}" selected>{ENERGY}</option>'
        in page.content.decode()
    )


def test_meeting_form_shows_the_proposals_it_produced_and_discussed(
    editor_client, proposals, ukraine_war
):
    meeting = MeetingFactory(conflict=ukraine_war)
    meeting.produced.set([proposals[ENERGY]])
    meeting.discussed.set([proposals[EASTER], proposals[ENERGY]])
    page = editor_client.get(reverse("admin:events_meeting_change", args=[meeting.pk]))
    body = page.content.decode()
    produced = re.search(r'<select name="produced".*?</select>', body, re.S).group(0)
    discussed = re.search(r'<select name="discussed".*?</select>', body, re.S).group(0)
    assert re.findall(r"<option [^>]*selected>([^<]*)</option>", produced) == [ENERGY]
    assert re.findall(r"<option [^>]*selected>([^<]*)</option>", discussed) == [EASTER, ENERGY]


def test_proposal_form_shows_the_proposal_it_counters(editor_client, proposals, ukraine_war):
    counter = ProposalFactory(
        conflict=ukraine_war, title="30-day truce on civilian areas", counters=proposals[EASTER]
    )
    page = editor_client.get(reverse("admin:events_proposal_change", args=[counter.pk]))
    counters = re.search(r'<select name="counters".*?</select>', page.content.decode(), re.S)
    assert re.findall(r"<option [^>]*selected>([^<]*)</option>", counters.group(0)) == [EASTER]


@pytest.mark.parametrize("model", ["proposal", "response", "violationaccusation", "meeting"])
def test_forms_with_proposal_pickers_send_the_chosen_conflict(editor_client, model):
    page = editor_client.get(reverse(f"admin:events_{model}_add")).content.decode()
    scripts = re.findall(r'<script src="[^"]*/static/([^"]+)"', page)
    assert "events/proposal_pickers.js" in scripts
    assert scripts.index("admin/js/autocomplete.js") < scripts.index("events/proposal_pickers.js")
