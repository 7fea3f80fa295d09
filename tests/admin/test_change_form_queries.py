"""An event's change form costs the same queries with 3 participants, citations and locations
as with 30 (locations: at most Event.MAX_LOCATIONS, 20).

Every autocomplete row (a participant's actor, a citation's source, speaker and via) renders
its chosen option from the objects its inline already loaded, and a save looks the submitted
ids up once per formset and field, not once per row.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.pickers import ACTOR_PICKER
from events.models import Citation, Event, Location, Participant
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    CitationFactory,
    LocationFactory,
    ParticipantFactory,
    ProposalFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ROLES = {
    "proposal": [Participant.Role.PROPOSER, Participant.Role.ADDRESSEE],
    "violationaccusation": [Participant.Role.ACCUSER, Participant.Role.ACCUSED],
}
FACTORIES = {"proposal": ProposalFactory, "violationaccusation": AccusationFactory}


def event_with_rows(model: str, rows: int):
    event = FACTORIES[model]()
    for index in range(rows):
        # Alternating roles; each actor once, so accusers and accused never overlap.
        role = ROLES[model][index % 2]
        ParticipantFactory(event=event, actor=ActorFactory(), role=role)
        CitationFactory(
            event=event,
            source=SourceFactory(),
            speaker=ActorFactory(),
            via=ActorFactory(),
        )
        if index < Event.MAX_LOCATIONS:
            LocationFactory(event=event, name=f"Place {index}")
    return event


def posted_form(response) -> dict:
    """The POST data the browser sends back for the form as rendered (the title changed)."""
    context = response.context
    data = {}
    for form in [
        context["adminform"].form,
        *(f for fs in context["inline_admin_formsets"] for f in fs.formset.forms),
        *(fs.formset.management_form for fs in context["inline_admin_formsets"]),
    ]:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, (list, tuple)):
                if not value:
                    continue  # no option ticked or chosen: the browser sends nothing
                value = value[0]
            data[form.add_prefix(name)] = value
    data["title"] = "Renamed"
    return data


def count(client, method, url, data=None):
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries], response


@pytest.mark.parametrize("model", FACTORIES)
def test_change_form_queries_do_not_grow_with_rows(editor_client, model):
    events = {rows: event_with_rows(model, rows) for rows in (3, 30)}
    # Once before counting: the per-process caches (content types, the session) are warm.
    editor_client.get(reverse(f"admin:events_{model}_change", args=[events[3].pk]))
    results = {}
    for rows, event in events.items():
        url = reverse(f"admin:events_{model}_change", args=[event.pk])
        get, get_sql, response = count(editor_client, "get", url)
        assert response.status_code == 200
        data = posted_form(response)
        post, post_sql, response = count(editor_client, "post", url, data)
        assert response.status_code == 302, response.context["errors"] if response.context else ""
        assert Citation.objects.filter(event=event).count() == rows
        assert Location.objects.filter(event=event).count() == min(rows, Event.MAX_LOCATIONS)
        results[rows] = (get, post, get_sql, post_sql)
    print(model, {rows: r[:2] for rows, r in results.items()})
    assert results[30][0] == results[3][0], results[30][2]
    assert results[30][1] == results[3][1], results[30][3]


def test_chosen_options_show_the_rows_objects(editor_client):
    event = event_with_rows("proposal", 2)
    response = editor_client.get(reverse("admin:events_proposal_change", args=[event.pk]))
    html = response.content.decode()
    for citation in Citation.objects.filter(event=event).select_related("source", "speaker"):
        assert f'<option value="{citation.source_id}" selected>{citation.source}</option>' in html
        # The actor pickers' own label (Actor 3 · State), as in their dropdown.
        label = ACTOR_PICKER.label(citation.speaker)
        assert f'<option value="{citation.speaker_id}" selected>{label}</option>' in html


def test_a_submitted_object_that_does_not_exist_is_refused_by_its_field(editor_client):
    event = event_with_rows("proposal", 2)
    url = reverse("admin:events_proposal_change", args=[event.pk])
    data = posted_form(editor_client.get(url))
    data["citations-1-speaker"] = "999999"
    data["participants-0-actor"] = "not-an-id"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    citations = response.context["inline_admin_formsets"][1].formset
    participants = response.context["inline_admin_formsets"][0].formset
    assert "Select a valid choice" in str(citations.forms[1].errors["speaker"])
    assert "Select a valid choice" in str(participants.forms[0].errors["actor"])
    assert Event.objects.get(pk=event.pk).title != "Renamed"
