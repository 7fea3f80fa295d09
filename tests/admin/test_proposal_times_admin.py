"""An editor types a truce's exact times as the article gives them: a date and a clock time in
the time zone chosen beside them, shown back in that zone."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from events.forms import LocalDateTimeField
from events.models import Proposal
from tests.admin.helpers import proposal_form
from tests.admin.test_proposal_form import sections
from tests.factories import ConflictFactory, ProposalFactory

pytestmark = pytest.mark.django_db

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
ADD = "admin:events_proposal_add"


def easter_truce_form(**fields) -> dict:
    values = {
        "outcome": "expired",
        "effective_from": "2025-04-19",
        "ended_on": "2025-04-20",
        "starts_at_0": "2025-04-19",
        "starts_at_1": "18:00",
        "ends_at_0": "2025-04-21",
        "ends_at_1": "00:00",
        "time_zone": "Europe/Moscow",
        **fields,
    }
    return proposal_form(ConflictFactory(), **values)


def test_an_editor_types_the_times_in_the_chosen_time_zone(editor_client):
    response = editor_client.post(reverse(ADD), easter_truce_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    truce = Proposal.objects.get()
    assert truce.starts_at == datetime.datetime(2025, 4, 19, 15, tzinfo=datetime.UTC)
    assert truce.ends_at == datetime.datetime(2025, 4, 20, 21, tzinfo=datetime.UTC)
    assert truce.time_zone == "Europe/Moscow"


def test_the_same_clock_time_in_another_zone_is_another_moment(editor_client):
    response = editor_client.post(reverse(ADD), easter_truce_form(time_zone="Europe/Kyiv"))
    assert response.status_code == 302
    # Kyiv is UTC+3 in April too; London (UTC+1) makes 18:00 another moment.
    editor_client.post(
        reverse(ADD), easter_truce_form(time_zone="Europe/London", title="London truce")
    )
    london = Proposal.objects.get(title="London truce")
    assert london.starts_at == datetime.datetime(2025, 4, 19, 17, tzinfo=datetime.UTC)


def test_the_change_form_shows_the_times_as_the_clock_read_in_the_zone(editor_client):
    truce = ProposalFactory(
        effective_from=datetime.date(2025, 4, 19),
        ended_on=datetime.date(2025, 4, 20),
        starts_at=datetime.datetime(2025, 4, 19, 18, tzinfo=MOSCOW),
        ends_at=datetime.datetime(2025, 4, 21, tzinfo=MOSCOW),
        time_zone="Europe/Moscow",
        outcome="expired",
    )
    response = editor_client.get(reverse("admin:events_proposal_change", args=[truce.pk]))
    html = sections(response)["Exact times"]
    assert 'name="starts_at_0" value="2025-04-19"' in html
    assert 'name="starts_at_1" value="18:00:00"' in html
    assert 'name="ends_at_0" value="2025-04-21"' in html
    assert 'name="ends_at_1" value="00:00:00"' in html
    assert '<option value="Europe/Moscow" selected>' in html
    # Open, as a folded section holding a value is.
    assert "<details>" not in html


def test_the_exact_times_are_folded_on_a_new_proposal_with_a_zone_to_choose(editor_client):
    html = sections(editor_client.get(reverse(ADD)))["Exact times"]
    assert "<details><summary>" in html
    assert '<option value="Europe/Kyiv">' in html
    assert '<option value="" selected>' in html


def test_a_time_shown_and_sent_back_unchanged_is_no_change():
    field = LocalDateTimeField(required=False)
    shown = datetime.datetime(2025, 4, 19, 18)
    assert not field.has_changed(shown, ["2025-04-19", "18:00:00"])
    assert field.has_changed(shown, ["2025-04-19", "18:00:01"])


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"ended_on": "2025-04-21"}, "ends_at", "makes 2025-04-20 its last day in effect"),
        ({"time_zone": ""}, "starts_at", "no UTC offset"),
        (
            {"ends_at_0": "2025-04-19", "ends_at_1": "18:00", "ended_on": "2025-04-19"},
            "ends_at",
            "It must end after it starts.",
        ),
        ({"starts_at_1": ""}, "starts_at", "Enter a valid time."),
        ({"starts_at_1": "25:00"}, "starts_at", "Enter a valid time."),
    ],
)
def test_a_refused_time_is_named_in_the_form(editor_client, fields, field, message):
    response = editor_client.post(reverse(ADD), easter_truce_form(**fields))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    assert not Proposal.objects.exists()
