"""Locations in every kind's change form: rows saved with the event, the model's refusals shown
on the row, at most Event.MAX_LOCATIONS, and their changes on the event's history page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from events.models import Event, Location
from tests.admin.helpers import inline_management, proposal_form
from tests.factories import (
    AccusationFactory,
    ConflictFactory,
    LocationFactory,
    MeetingFactory,
    ProposalFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

KYIV = {"name": "Kyiv", "country": "UKR", "admin1": "UA-30", "precision": "town"}


def inline_errors(page) -> list:
    formset = next(
        f.formset for f in page.context["inline_admin_formsets"] if f.formset.prefix == "locations"
    )
    return [*formset.non_form_errors(), *(form.errors for form in formset.forms)]


@pytest.mark.parametrize(
    "model,factory",
    [
        ("proposal", ProposalFactory),
        ("response", ResponseFactory),
        ("meeting", MeetingFactory),
        ("violationaccusation", AccusationFactory),
    ],
)
def test_every_kinds_change_form_has_the_locations_inline(editor_client, model, factory):
    event = factory()
    LocationFactory(event=event)

    page = editor_client.get(reverse(f"admin:events_{model}_change", args=[event.pk]))

    html = page.content.decode()
    assert 'name="locations-0-name" value="Donetsk"' in html
    assert 'name="locations-0-admin1" value="UA-14"' in html


def test_locations_are_saved_with_a_new_event_in_their_order(editor_client):
    data = proposal_form(
        ConflictFactory(),
        locations=[{**KYIV, "latitude": "50.45", "longitude": "30.5236"}, {"name": "Odesa"}],
    )

    page = editor_client.post(reverse("admin:events_proposal_add"), data, follow=True)

    assert "was added successfully" in page.content.decode()
    event = Event.objects.get()
    assert list(event.locations.values_list("name", "latitude")) == [
        ("Kyiv", Decimal("50.450000")),
        ("Odesa", None),
    ]


@pytest.mark.parametrize(
    "row,field,message",
    [
        ({"latitude": "91", "longitude": "1"}, "latitude", "A latitude is from -90 to 90."),
        ({"latitude": "1"}, "longitude", "Give both the latitude and the longitude"),
        ({"admin1": "RU-MOW"}, "admin1", "RU-MOW is a region of RUS, not of UKR."),
        ({"country": "XXX"}, "country", "XXX is not an ISO 3166-1 alpha-3 country code"),
    ],
)
def test_a_refused_location_is_shown_on_its_row(editor_client, row, field, message):
    data = proposal_form(ConflictFactory(), locations=[{**KYIV, **row}])

    page = editor_client.post(reverse("admin:events_proposal_add"), data)

    assert page.status_code == 200
    (errors,) = inline_errors(page)
    assert message in " ".join(errors[field])
    assert not Event.objects.exists()


def test_at_most_max_locations_rows(editor_client):
    rows = [{"name": f"Place {n}"} for n in range(Event.MAX_LOCATIONS + 1)]

    refused = editor_client.post(
        reverse("admin:events_proposal_add"), proposal_form(ConflictFactory(), locations=rows)
    )
    saved = editor_client.post(
        reverse("admin:events_proposal_add"),
        proposal_form(ConflictFactory(), locations=rows[:-1]),
        follow=True,
    )

    assert inline_errors(refused)[0] == f"Please submit at most {Event.MAX_LOCATIONS} forms."
    assert "was added successfully" in saved.content.decode()
    assert Location.objects.count() == Event.MAX_LOCATIONS


def test_a_locations_change_is_on_the_events_history_page(editor_client):
    event = ProposalFactory()
    location = LocationFactory(event=event)
    data = proposal_form(event.conflict, title=event.title)
    data.update(
        inline_management("locations", [{"id": location.pk, **KYIV, "event": event.pk}], initial=1)
    )

    editor_client.post(reverse("admin:events_proposal_change", args=[event.pk]), data)
    page = editor_client.get(reverse("admin:events_proposal_history", args=[event.pk]))

    html = page.content.decode()
    assert "Location: Kyiv (UKR)" in html
    assert "Location: Donetsk (UKR)" in html
