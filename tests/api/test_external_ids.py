"""Other datasets' identifiers: filters on UCDP conflict, dyad and actor ids, Wikidata IDs and
PA-X agreement ids; a conflict's UCDP dyads and a state's Gleditsch–Ward code, read and written.

Each filter test asserts the exact set of ids a list returns among its own records, so that a
filter matching too much fails as surely as one matching too little.
"""

import pytest
from django.core.exceptions import ValidationError

from actors.models import Actor
from events.models import ConflictDyad, Event, Participant
from lib.filters import MAX_EXTERNAL_ID
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    AffiliationFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
PUBLISHED = Event.Status.PUBLISHED
KIND_ENDPOINTS = ["events", "proposals", "responses", "meetings", "accusations"]


def get(client, endpoint, **params):
    return client.get(f"{API}/{endpoint}/", {"page_size": 1000, **params})


def found(client, endpoint, key="id", **params) -> set:
    response = get(client, endpoint, **params)
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


def refused(client, endpoint, name, **params) -> str:
    response = get(client, endpoint, **params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {name}, body
    return " ".join(body[name])


def published(factory, **fields):
    return factory(editorial_status=PUBLISHED, **fields)


# --- UCDP conflicts and dyads ------------------------------------------------------------------


@pytest.fixture
def conflicts():
    """Three conflicts: two with UCDP ids and dyads, one without; a published proposal each."""
    a = ConflictFactory(name="Alpha war", ucdp_conflict_id=13243)
    b = ConflictFactory(name="Beta war", ucdp_conflict_id=421)
    c = ConflictFactory(name="Gamma war")
    ConflictDyad.objects.create(conflict=a, ucdp_dyad_id=14280)
    ConflictDyad.objects.create(conflict=a, ucdp_dyad_id=14281)
    ConflictDyad.objects.create(conflict=b, ucdp_dyad_id=500)
    events = {
        name: published(ProposalFactory, conflict=c)
        for name, c in zip("abc", [a, b, c], strict=True)
    }
    return (a, b, c), events


@pytest.mark.parametrize("endpoint", ["events", "proposals"])
def test_ucdp_conflict_matches_the_events_of_conflicts_with_any_of_the_ids(
    anonymous, conflicts, endpoint
):
    _, events = conflicts

    assert found(anonymous, endpoint, ucdp_conflict="13243") == {events["a"].pk}
    assert found(anonymous, endpoint, ucdp_conflict="421,13243") == {
        events["a"].pk,
        events["b"].pk,
    }
    assert found(anonymous, endpoint, ucdp_conflict=["421", "13243"]) == {
        events["a"].pk,
        events["b"].pk,
    }


@pytest.mark.parametrize("endpoint", ["events", "accusations"])
def test_ucdp_dyad_matches_the_events_of_the_conflict_with_that_dyad(
    anonymous, conflicts, endpoint
):
    (a, b, _), events = conflicts
    on_a = published(AccusationFactory, conflict=a)
    on_b = published(AccusationFactory, conflict=b)
    proposals = {events["a"].pk} if endpoint == "events" else set()

    assert found(anonymous, endpoint, ucdp_dyad="14281") == {on_a.pk} | proposals
    both = found(anonymous, endpoint, ucdp_dyad="14280,500")
    assert both == {on_a.pk, on_b.pk} | (proposals | {events["b"].pk} if proposals else set())


def test_conflicts_list_filters_by_ucdp_conflict_and_dyad(anonymous, conflicts):
    (a, b, _), _ = conflicts

    assert found(anonymous, "conflicts", key="slug", ucdp_conflict="421") == {b.slug}
    assert found(anonymous, "conflicts", key="slug", ucdp_dyad="14280,500") == {a.slug, b.slug}


@pytest.mark.parametrize("endpoint", KIND_ENDPOINTS + ["conflicts"])
@pytest.mark.parametrize("name", ["ucdp_conflict", "ucdp_dyad"])
def test_an_unknown_ucdp_id_is_a_400_naming_it(anonymous, conflicts, endpoint, name):
    known = "421" if name == "ucdp_conflict" else "14280"
    message = refused(anonymous, endpoint, name, **{name: f"{known},999"})

    assert message.endswith(" 999.")
    assert known not in message


@pytest.mark.parametrize("value", ["0", "-1", str(MAX_EXTERNAL_ID + 1), "4.2", "13243x", "ninety"])
def test_a_malformed_ucdp_id_is_a_400_naming_the_filter(anonymous, conflicts, value):
    message = refused(anonymous, "events", "ucdp_conflict", ucdp_conflict=value)

    assert value in message
    assert f"1 to {MAX_EXTERNAL_ID}" in message


def test_the_largest_ucdp_id_is_read(anonymous):
    conflict = ConflictFactory(ucdp_conflict_id=MAX_EXTERNAL_ID)
    event = published(ProposalFactory, conflict=conflict)

    assert found(anonymous, "events", ucdp_conflict=str(MAX_EXTERNAL_ID)) == {event.pk}


# --- actors by UCDP actor id and Wikidata ID ------------------------------------------------


@pytest.fixture
def actors():
    russia = ActorFactory(name="Russia", kind="state", ucdp_actor_id=57, wikidata_id="Q159")
    ukraine = ActorFactory(name="Ukraine", kind="state", ucdp_actor_id=137, wikidata_id="Q212")
    other = ActorFactory(name="Elsewhere", kind="state")
    return russia, ukraine, other


def involving(endpoint, actor, **fields):
    """A published event of the endpoint's kind in which ``actor`` takes part."""
    if endpoint == "responses":
        return published(ResponseFactory, responder=actor, **fields)
    factory, role = {
        "events": (ProposalFactory, Participant.Role.ADDRESSEE),
        "proposals": (ProposalFactory, Participant.Role.MEDIATOR),
        "meetings": (MeetingFactory, Participant.Role.DELEGATION),
        "accusations": (AccusationFactory, Participant.Role.ACCUSED),
    }[endpoint]
    event = published(factory, **fields)
    ParticipantFactory(event=event, actor=actor, role=role)
    return event


@pytest.mark.parametrize("endpoint", KIND_ENDPOINTS)
@pytest.mark.parametrize(
    "name,values", [("ucdp_actor", ("57", "137")), ("wikidata", ("Q159", "q212"))]
)
def test_an_actors_external_id_matches_their_events_in_any_role(
    anonymous, actors, endpoint, name, values
):
    russia, ukraine, other = actors
    by_russia = involving(endpoint, russia)
    by_ukraine = involving(endpoint, ukraine)
    involving(endpoint, other)

    assert found(anonymous, endpoint, **{name: values[0]}) == {by_russia.pk}
    assert found(anonymous, endpoint, **{name: ",".join(values)}) == {
        by_russia.pk,
        by_ukraine.pk,
    }


def test_wikidata_with_include_affiliates_matches_the_states_people(anonymous, actors):
    russia, _, _ = actors
    putin = ActorFactory(name="Vladimir Putin", kind=Actor.Kind.PERSON)
    AffiliationFactory(person=putin, organization=russia, start_date="2012-05-07")
    by_putin = involving("events", putin)

    assert found(anonymous, "events", wikidata="Q159") == set()
    assert found(anonymous, "events", wikidata="Q159", include_affiliates="true") == {by_putin.pk}


@pytest.mark.parametrize("value", ["Q0", "159", "Q-1", "Q15 9", "P159", "Q" + "9" * 20])
def test_a_malformed_wikidata_id_is_a_400_naming_the_filter(anonymous, actors, value):
    message = refused(anonymous, "events", "wikidata", wikidata=value)

    assert "Wikidata" in message


@pytest.mark.parametrize("name,value", [("wikidata", "Q1"), ("ucdp_actor", "1")])
def test_an_external_id_no_actor_has_is_a_400_naming_it(anonymous, actors, name, value):
    message = refused(anonymous, "events", name, **{name: value})

    assert f"No actor has the {Actor._meta.get_field(name + ('_id')).verbose_name} {value}" in (
        message
    )


def test_the_actors_list_filters_by_external_ids(anonymous, actors):
    russia, ukraine, other = actors
    russia.gw_code, ukraine.gw_code = 365, 369
    russia.save()
    ukraine.save()

    assert found(anonymous, "actors", key="slug", ucdp_actor="137") == {ukraine.slug}
    assert found(anonymous, "actors", key="slug", wikidata="q159,Q212") == {
        russia.slug,
        ukraine.slug,
    }
    assert found(anonymous, "actors", key="slug", gw_code="365") == {russia.slug}
    assert "1000" in refused(anonymous, "actors", "gw_code", gw_code="1000")
    assert "1" in refused(anonymous, "actors", "gw_code", gw_code="1")
    assert "2" in refused(anonymous, "actors", "gw_code", gw_code="2")  # no actor has it


# --- PA-X agreements ----------------------------------------------------------------------------


@pytest.fixture
def agreement():
    """A published proposal with a PA-X id and every kind of record about it; a second
    agreement's proposal; a proposal that counters the first (not about it)."""
    conflict = ConflictFactory()
    coded = published(ProposalFactory, conflict=conflict, pax_agreement_id=2451)
    response = published(ResponseFactory, conflict=conflict, proposal=coded)
    accusation = published(AccusationFactory, conflict=conflict, proposal=coded)
    produced = published(MeetingFactory, conflict=conflict)
    produced.produced.add(coded)
    discussed = published(MeetingFactory, conflict=conflict)
    discussed.discussed.add(coded)
    second = published(ProposalFactory, conflict=conflict, pax_agreement_id=2452)
    counter = published(ProposalFactory, conflict=conflict, counters=coded)
    published(ResponseFactory, conflict=conflict, proposal=counter)
    return {
        "coded": coded,
        "response": response,
        "accusation": accusation,
        "produced": produced,
        "discussed": discussed,
        "second": second,
    }


def test_pax_agreement_on_the_timeline_matches_the_proposal_and_the_records_about_it(
    anonymous, agreement
):
    about = {agreement[k].pk for k in ("coded", "response", "accusation", "produced", "discussed")}

    assert found(anonymous, "events", pax_agreement="2451") == about
    assert found(anonymous, "events", pax_agreement="2451,2452") == about | {agreement["second"].pk}


@pytest.mark.parametrize(
    "endpoint,expected",
    [
        ("proposals", ["coded"]),
        ("responses", ["response"]),
        ("accusations", ["accusation"]),
        ("meetings", ["produced", "discussed"]),
    ],
)
def test_pax_agreement_on_each_kind_matches_its_records_about_the_agreement(
    anonymous, agreement, endpoint, expected
):
    assert found(anonymous, endpoint, pax_agreement="2451") == {agreement[k].pk for k in expected}


def test_a_pax_agreement_only_a_draft_has_is_unknown_to_the_public_not_to_an_editor(
    anonymous, editor_api
):
    draft = ProposalFactory(pax_agreement_id=77)

    assert "77" in refused(anonymous, "events", "pax_agreement", pax_agreement="77")
    assert found(editor_api, "events", pax_agreement="77") == {draft.pk}


# --- a conflict's dyads through the API ---------------------------------------------------------


def test_a_conflict_is_written_and_read_with_its_ucdp_dyads(editor_api):
    created = editor_api.post(
        f"{API}/conflicts/",
        {"name": "Delta war", "ucdp_conflict_id": 13243, "ucdp_dyad_ids": [14281, 14280]},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["ucdp_dyad_ids"] == [14280, 14281]

    changed = editor_api.patch(
        f"{API}/conflicts/delta-war/", {"ucdp_dyad_ids": [14281, 600]}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["ucdp_dyad_ids"] == [600, 14281]
    assert sorted(ConflictDyad.objects.values_list("ucdp_dyad_id", flat=True)) == [600, 14281]

    renamed = editor_api.patch(f"{API}/conflicts/delta-war/", {"name": "Delta"}, format="json")
    assert renamed.json()["ucdp_dyad_ids"] == [600, 14281]


@pytest.mark.parametrize(
    "dyads,message",
    [
        ([5, 5], "twice"),
        ([0], "greater than or equal to 1"),
        ([MAX_EXTERNAL_ID + 1], "less than or equal to"),
        (list(range(1, 102)), "more than 100"),
        ("5", "list"),
    ],
)
def test_bad_dyads_are_a_400_naming_the_field_and_write_nothing(editor_api, dyads, message):
    response = editor_api.post(
        f"{API}/conflicts/", {"name": "Epsilon war", "ucdp_dyad_ids": dyads}, format="json"
    )

    assert response.status_code == 400, response.content
    assert "ucdp_dyad_ids" in response.json()
    assert message in str(response.json()["ucdp_dyad_ids"])
    assert not ConflictDyad.objects.exists()


def test_the_largest_dyad_id_and_a_hundred_dyads_are_accepted(editor_api):
    response = editor_api.post(
        f"{API}/conflicts/",
        {"name": "Zeta war", "ucdp_dyad_ids": [*range(1, 100), MAX_EXTERNAL_ID]},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert ConflictDyad.objects.count() == 100


def test_the_conflicts_list_reads_dyads_in_one_query_for_every_row(
    anonymous, django_assert_max_num_queries
):
    for n in range(5):
        conflict = ConflictFactory(name=f"War {n}")
        ConflictDyad.objects.create(conflict=conflict, ucdp_dyad_id=n + 1)
    # The count, the page, its parties and its dyads.
    with django_assert_max_num_queries(4):
        response = get(anonymous, "conflicts")
    assert {tuple(row["ucdp_dyad_ids"]) for row in response.json()["results"]} == {
        (n + 1,) for n in range(5)
    }


# --- a state's Gleditsch–Ward code --------------------------------------------------------------


@pytest.mark.parametrize("code", [2, 999])
def test_a_gleditsch_ward_code_from_2_to_999_is_accepted(code):
    actor = Actor(name="Somewhere", kind=Actor.Kind.STATE, gw_code=code)
    actor.full_clean()
    actor.save()


@pytest.mark.parametrize("code", [1, 1000])
def test_a_gleditsch_ward_code_out_of_range_is_refused_on_the_field(code):
    actor = Actor(name="Somewhere", kind=Actor.Kind.STATE, gw_code=code)
    with pytest.raises(ValidationError) as refusal:
        actor.full_clean()
    assert "from 2 to 999" in str(refusal.value.message_dict["gw_code"])


@pytest.mark.parametrize("kind", [k for k in Actor.Kind if k != Actor.Kind.STATE])
def test_only_a_state_has_a_gleditsch_ward_code(kind):
    actor = Actor(name="Somebody", kind=kind, gw_code=365)
    with pytest.raises(ValidationError) as refusal:
        actor.full_clean()
    assert "Only a state" in str(refusal.value.message_dict["gw_code"])


def test_two_states_cannot_share_a_gleditsch_ward_code(editor_api):
    ActorFactory(name="Russia", kind=Actor.Kind.STATE, gw_code=365)

    response = editor_api.post(
        f"{API}/actors/", {"name": "Russland", "kind": "state", "gw_code": 365}, format="json"
    )

    assert response.status_code == 400, response.content
    assert "Gleditsch–Ward" in str(response.json()["gw_code"])


def test_an_actors_gleditsch_ward_code_is_read_and_written(editor_api):
    response = editor_api.post(
        f"{API}/actors/", {"name": "Ukraine", "kind": "state", "gw_code": 369}, format="json"
    )
    assert response.status_code == 201, response.content

    assert editor_api.get(f"{API}/actors/ukraine/").json()["gw_code"] == 369
    assert Actor.objects.get(slug="ukraine").gw_code == 369
