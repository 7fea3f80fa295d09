"""The timeline (every kind in one list) keeps no history of its own: its History page and a
version's page open the event's kind's, where the history is."""

import pytest
from django.urls import reverse

from tests.factories import AccusationFactory, MeetingFactory, ProposalFactory, ResponseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory", [ProposalFactory, ResponseFactory, MeetingFactory, AccusationFactory]
)
def test_the_timelines_history_opens_the_kinds_history(editor_client, factory):
    event = factory(title="Easter truce")
    kind = type(event)._meta.model_name
    version = event.history.first().history_id

    history = editor_client.get(reverse("admin:events_event_history", args=[event.pk]))
    page = editor_client.get(reverse("admin:events_event_simple_history", args=[event.pk, version]))

    assert history.status_code == 302
    assert history["Location"] == reverse(f"admin:events_{kind}_history", args=[event.pk])
    assert editor_client.get(history["Location"]).status_code == 200
    assert page.status_code == 302
    assert page["Location"] == reverse(
        f"admin:events_{kind}_simple_history", args=[event.pk, version]
    )
    assert editor_client.get(page["Location"]).status_code == 200


def test_the_timelines_history_of_no_event_is_a_404(editor_client):
    assert editor_client.get(reverse("admin:events_event_history", args=[999])).status_code == 404
    url = reverse("admin:events_event_simple_history", args=[999, 1])
    assert editor_client.get(url).status_code == 404
