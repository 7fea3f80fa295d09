"""Every filter of the REST API under /api/v1/: a hit and a miss each, combinations, and 400s.

Each test creates its own published records and asks an anonymous reader's list for them; it
asserts which of its records are in ``results`` and which are not, never the whole list, so
that records a factory creates on the side (a response's draft proposal) do not matter.

The completeness tests at the end fail when a filterable model field has no filter, or when a
filter of the contract (DESIGN.md, "The REST API (contract)") disappears.
"""

import datetime

import django_filters
import pytest
from django.db import connection, models
from django.utils import timezone
from rest_framework.test import APIClient

from actors.models import Actor
from events.api.filters import ProposalFilterSet
from events.api.places import BoundingBoxFilter, CountriesFilter, SubdivisionsFilter
from events.api.urls import router
from events.models import Event, Participant, Proposal
from lib.filters import (
    ChoicesFilter,
    ExternalIdsFilter,
    IdFilter,
    MonthFilter,
    SlugsFilter,
    StrictBooleanFilter,
)
from tests.api.contract import CONTRACT_FILTERS
from tests.factories import (
    AccusationFactory,
    ActorAliasFactory,
    ActorFactory,
    AffiliationFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
    UserFactory,
)

API = "/api/v1"
PUBLISHED = Event.Status.PUBLISHED
DAY = datetime.date(2025, 4, 20)

# Each endpoint with the factory of its rows; the timeline with every kind in turn.
ENDPOINTS = [
    pytest.param("proposals", ProposalFactory, id="proposals"),
    pytest.param("responses", ResponseFactory, id="responses"),
    pytest.param("meetings", MeetingFactory, id="meetings"),
    pytest.param("accusations", AccusationFactory, id="accusations"),
    pytest.param("events", ProposalFactory, id="events-proposal"),
    pytest.param("events", ResponseFactory, id="events-response"),
    pytest.param("events", MeetingFactory, id="events-meeting"),
    pytest.param("events", AccusationFactory, id="events-accusation"),
]

# The role an actor takes in the tests of each kind (a response's is its responder FK).
MAIN_ROLE = {
    ProposalFactory: Participant.Role.PROPOSER,
    MeetingFactory: Participant.Role.HOST,
    AccusationFactory: Participant.Role.ACCUSER,
}


# --- helpers and fixtures ----------------------------------------------------------------------


@pytest.fixture
def anonymous(db):
    return APIClient()


@pytest.fixture
def editor_api(db):
    """A user of the group Editors, who may see drafts of the kinds they may change."""
    client = APIClient()
    client.force_authenticate(UserFactory(username="filters-editor", groups=["Editors"]))
    return client


@pytest.fixture
def browser(db):
    """An anonymous client that receives a server error as a 500 response, as a browser does."""
    client = APIClient()
    client.raise_request_exception = False
    return client


def get(client, endpoint: str, **params):
    return client.get(f"{API}/{endpoint}/", {"page_size": 1000, **params})


def results(client, endpoint: str, **params) -> list[dict]:
    response = get(client, endpoint, **params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(client, endpoint: str, **params) -> set:
    key = "slug" if endpoint in ("actors", "conflicts") else "id"
    return {row[key] for row in results(client, endpoint, **params)}


def published(factory, **fields):
    fields.setdefault("editorial_status", PUBLISHED)
    if fields.get("proposal") is not None:
        # A response (and, by sense, an accusation) is in its proposal's conflict.
        fields.setdefault("conflict", fields["proposal"].conflict)
    return factory(**fields)


def add(event, role: str, *actors: Actor):
    for actor in actors:
        ParticipantFactory(event=event, actor=actor, role=role)
    return event


def involving(factory, actor: Actor, **fields):
    """A published event of ``factory``'s kind in which ``actor`` takes its kind's main role."""
    if factory is ResponseFactory:
        return published(factory, responder=actor, **fields)
    return add(published(factory, **fields), MAIN_ROLE[factory], actor)


def assert_filters(client, endpoint, params, hits, misses):
    found = ids(client, endpoint, **params)
    assert {e.pk for e in hits} <= found, f"{params}: expected hits missing"
    assert not {e.pk for e in misses} & found, f"{params}: misses returned"


def assert_bad_request(response, name: str):
    assert response.status_code == 400, response.content
    body = response.json()
    assert name in body, body
    return body


# --- conflict --------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_conflict_matches_any_of_several_slugs(anonymous, endpoint, factory):
    war, border, other = (ConflictFactory(name=n) for n in ("War", "Border", "Other"))
    in_war = published(factory, conflict=war)
    on_border = published(factory, conflict=border)
    elsewhere = published(factory, conflict=other)

    assert_filters(anonymous, endpoint, {"conflict": "war"}, [in_war], [on_border, elsewhere])
    assert_filters(
        anonymous, endpoint, {"conflict": "war,border"}, [in_war, on_border], [elsewhere]
    )


# --- actor (any role) -----------------------------------------------------------------------


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_actor_matches_any_of_several_actors_in_any_role(anonymous, endpoint, factory):
    russia, ukraine, usa = (ActorFactory(name=n) for n in ("Russia", "Ukraine", "USA"))
    by_russia = involving(factory, russia)
    by_ukraine = involving(factory, ukraine)
    by_usa = involving(factory, usa)

    assert_filters(anonymous, endpoint, {"actor": "russia"}, [by_russia], [by_ukraine, by_usa])
    assert_filters(
        anonymous, endpoint, {"actor": "russia,ukraine"}, [by_russia, by_ukraine], [by_usa]
    )


@pytest.mark.parametrize(
    "endpoint,factory,role",
    [
        ("proposals", ProposalFactory, "addressee"),
        ("proposals", ProposalFactory, "mediator"),
        ("meetings", MeetingFactory, "mediator"),
        ("meetings", MeetingFactory, "delegation"),
        ("accusations", AccusationFactory, "accused"),
        ("events", ProposalFactory, "mediator"),
        ("events", MeetingFactory, "delegation"),
        ("events", AccusationFactory, "accused"),
    ],
)
def test_actor_matches_every_role_not_only_the_first(anonymous, endpoint, factory, role):
    russia, ukraine = ActorFactory(name="Russia"), ActorFactory(name="Ukraine")
    hit = add(published(factory), role, russia)
    miss = add(published(factory), role, ukraine)

    assert_filters(anonymous, endpoint, {"actor": "russia"}, [hit], [miss])


def test_actor_on_the_timeline_matches_a_responses_responder(anonymous):
    russia, ukraine = ActorFactory(name="Russia"), ActorFactory(name="Ukraine")
    answered = published(ResponseFactory, responder=russia)
    other = published(ResponseFactory, responder=ukraine)
    proposed = involving(ProposalFactory, russia)

    assert_filters(anonymous, "events", {"actor": "russia"}, [answered, proposed], [other])


# --- role filters ----------------------------------------------------------------------------

# (endpoint, factory, role filtered on, another role of the same kind that must not match)
ROLE_CASES = [
    ("proposals", ProposalFactory, "proposer", "addressee"),
    ("proposals", ProposalFactory, "addressee", "proposer"),
    ("proposals", ProposalFactory, "mediator", "proposer"),
    ("meetings", MeetingFactory, "mediator", "host"),
    ("meetings", MeetingFactory, "host", "delegation"),
    ("meetings", MeetingFactory, "delegation", "mediator"),
    ("accusations", AccusationFactory, "accuser", "accused"),
    ("accusations", AccusationFactory, "accused", "accuser"),
    ("events", ProposalFactory, "proposer", "addressee"),
    ("events", ProposalFactory, "addressee", "proposer"),
    ("events", ProposalFactory, "mediator", "proposer"),
    ("events", MeetingFactory, "host", "delegation"),
    ("events", MeetingFactory, "delegation", "host"),
    ("events", AccusationFactory, "accuser", "accused"),
    ("events", AccusationFactory, "accused", "accuser"),
]


@pytest.mark.parametrize("endpoint,factory,role,other_role", ROLE_CASES)
def test_role_filter_matches_that_role_only(anonymous, endpoint, factory, role, other_role):
    russia, ukraine, usa = (ActorFactory(name=n) for n in ("Russia", "Ukraine", "USA"))
    in_role = add(published(factory), role, russia)
    ukraine_in_role = add(published(factory), role, ukraine)
    in_other_role = add(published(factory), other_role, russia)
    usa_in_role = add(published(factory), role, usa)

    assert_filters(
        anonymous, endpoint, {role: "russia"}, [in_role], [ukraine_in_role, in_other_role]
    )
    assert_filters(
        anonymous,
        endpoint,
        {role: "russia,ukraine"},
        [in_role, ukraine_in_role],
        [in_other_role, usa_in_role],
    )


@pytest.mark.parametrize("endpoint", ["responses", "events"])
def test_responder_matches_the_responses_responder(anonymous, endpoint):
    russia, ukraine = ActorFactory(name="Russia"), ActorFactory(name="Ukraine")
    proposal = add(published(ProposalFactory), "proposer", russia)
    by_russia = published(ResponseFactory, responder=russia, proposal=proposal)
    by_ukraine = published(ResponseFactory, responder=ukraine, proposal=proposal)

    # Russia proposed, but did not respond to, the proposal: no match on the timeline.
    assert_filters(
        anonymous, endpoint, {"responder": "russia"}, [by_russia], [by_ukraine, proposal]
    )


def test_responder_on_the_timeline_also_matches_a_responder_participant(anonymous):
    russia, ukraine = ActorFactory(name="Russia"), ActorFactory(name="Ukraine")
    meeting = add(published(MeetingFactory), "responder", russia)
    other = add(published(MeetingFactory), "responder", ukraine)

    assert_filters(anonymous, "events", {"responder": "russia"}, [meeting], [other])


# --- include_affiliates ------------------------------------------------------------------------


@pytest.fixture
def affiliates(db):
    """Russia; Putin affiliated since 2000 (open end); Medvedev 2008–2012; Ivanov from 2030."""
    russia = ActorFactory(name="Russia", kind=Actor.Kind.STATE)
    people = {}
    for name, start, end in [
        ("Putin", datetime.date(2000, 5, 7), None),
        ("Medvedev", datetime.date(2008, 5, 7), datetime.date(2012, 5, 7)),
        ("Ivanov", datetime.date(2030, 1, 1), None),
    ]:
        people[name] = ActorFactory(name=name, kind=Actor.Kind.PERSON)
        AffiliationFactory(person=people[name], organization=russia, start_date=start, end_date=end)
    return russia, people


# (endpoint, factory, role filter); the responder of a response is its FK.
AFFILIATE_CASES = [
    ("proposals", ProposalFactory, "proposer"),
    ("proposals", ProposalFactory, "actor"),
    ("responses", ResponseFactory, "responder"),
    ("responses", ResponseFactory, "actor"),
    ("meetings", MeetingFactory, "host"),
    ("accusations", AccusationFactory, "accuser"),
    ("events", ProposalFactory, "proposer"),
    ("events", ProposalFactory, "actor"),
    ("events", ResponseFactory, "responder"),
    ("events", ResponseFactory, "actor"),
    ("events", MeetingFactory, "host"),
    ("events", AccusationFactory, "accuser"),
]


@pytest.mark.parametrize("endpoint,factory,name", AFFILIATE_CASES)
def test_include_affiliates_matches_a_state_through_people_affiliated_on_the_events_date(
    anonymous, affiliates, endpoint, factory, name
):
    russia, people = affiliates
    by_russia = involving(factory, russia, date=DAY)
    by_putin = involving(factory, people["Putin"], date=DAY)
    by_medvedev_after_his_term = involving(factory, people["Medvedev"], date=DAY)
    by_medvedev_in_his_term = involving(factory, people["Medvedev"], date=datetime.date(2010, 3, 1))
    by_ivanov_before_his_term = involving(factory, people["Ivanov"], date=DAY)

    assert_filters(
        anonymous,
        endpoint,
        {name: "russia", "include_affiliates": "true"},
        [by_russia, by_putin, by_medvedev_in_his_term],
        [by_medvedev_after_his_term, by_ivanov_before_his_term],
    )
    # Without include_affiliates (or with false) a person's event does not match the state.
    for params in ({name: "russia"}, {name: "russia", "include_affiliates": "false"}):
        assert_filters(
            anonymous,
            endpoint,
            params,
            [by_russia],
            [by_putin, by_medvedev_in_his_term, by_medvedev_after_his_term],
        )


@pytest.mark.parametrize("endpoint", ["proposals", "events"])
def test_include_affiliates_keeps_the_role(anonymous, affiliates, endpoint):
    russia, people = affiliates
    putin_proposes = add(published(ProposalFactory), "proposer", people["Putin"])
    putin_addressed = add(published(ProposalFactory), "addressee", people["Putin"])

    assert_filters(
        anonymous,
        endpoint,
        {"proposer": "russia", "include_affiliates": "true"},
        [putin_proposes],
        [putin_addressed],
    )


def test_include_affiliates_does_not_match_the_people_of_another_state(anonymous, affiliates):
    russia, people = affiliates
    ukraine = ActorFactory(name="Ukraine")
    zelensky = ActorFactory(name="Zelensky", kind=Actor.Kind.PERSON)
    AffiliationFactory(person=zelensky, organization=ukraine, start_date=datetime.date(2019, 5, 20))
    by_zelensky = involving(ProposalFactory, zelensky)
    by_putin = involving(ProposalFactory, people["Putin"])

    assert_filters(
        anonymous,
        "events",
        {"actor": "ukraine", "include_affiliates": "true"},
        [by_zelensky],
        [by_putin],
    )


# --- date_after / date_before ---------------------------------------------------------------


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_date_after_and_date_before_are_inclusive_bounds(anonymous, endpoint, factory):
    march = published(factory, date=datetime.date(2025, 3, 10))
    april = published(factory, date=datetime.date(2025, 4, 20))
    may = published(factory, date=datetime.date(2025, 5, 5))

    assert_filters(anonymous, endpoint, {"date_after": "2025-04-20"}, [april, may], [march])
    assert_filters(anonymous, endpoint, {"date_before": "2025-04-20"}, [march, april], [may])
    assert_filters(
        anonymous,
        endpoint,
        {"date_after": "2025-04-01", "date_before": "2025-04-30"},
        [april],
        [march, may],
    )


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_a_month_precise_date_matches_when_any_part_of_its_month_is_in_range(
    anonymous, endpoint, factory
):
    march = published(
        factory, date=datetime.date(2025, 3, 20), date_precision=Event.Precision.MONTH
    )
    march_10th = published(factory, date=datetime.date(2025, 3, 10))

    assert_filters(anonymous, endpoint, {"date_after": "2025-03-15"}, [march], [march_10th])
    assert_filters(anonymous, endpoint, {"date_before": "2025-03-15"}, [march, march_10th], [])
    assert_filters(anonymous, endpoint, {"date_after": "2025-04-01"}, [], [march, march_10th])
    assert_filters(anonymous, endpoint, {"date_before": "2025-02-28"}, [], [march, march_10th])


def test_a_year_precise_date_matches_when_any_part_of_its_year_is_in_range(anonymous):
    year = published(ProposalFactory, date=datetime.date(2024, 6, 1), date_precision="year")

    assert_filters(anonymous, "events", {"date_after": "2024-12-31"}, [year], [])
    assert_filters(anonymous, "events", {"date_before": "2024-01-01"}, [year], [])
    assert_filters(anonymous, "events", {"date_after": "2025-01-01"}, [], [year])
    assert_filters(anonymous, "events", {"date_before": "2023-12-31"}, [], [year])


# --- month (the counts' months) ---------------------------------------------------------------


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_month_matches_the_events_dated_from_its_first_to_its_last_day(
    anonymous, endpoint, factory
):
    first = published(factory, date=datetime.date(2025, 4, 1))
    last = published(factory, date=datetime.date(2025, 4, 30))
    whole = published(factory, date=datetime.date(2025, 4, 9), date_precision="month")
    before = published(factory, date=datetime.date(2025, 3, 31))
    after = published(factory, date=datetime.date(2025, 5, 1))

    assert_filters(anonymous, endpoint, {"month": "2025-04"}, [first, last, whole], [before, after])
    assert_filters(anonymous, endpoint, {"month": "2025-03"}, [before], [first, last, whole])


def test_month_matches_talks_in_the_month_they_began_only(anonymous):
    talks = published(
        MeetingFactory, date=datetime.date(2025, 3, 30), end_date=datetime.date(2025, 4, 2)
    )

    assert_filters(anonymous, "meetings", {"month": "2025-03"}, [talks], [])
    assert_filters(anonymous, "meetings", {"month": "2025-04"}, [], [talks])
    # The period filters match any part of the talks: April's date_after/date_before do.
    assert_filters(
        anonymous,
        "meetings",
        {"date_after": "2025-04-01", "date_before": "2025-04-30"},
        [talks],
        [],
    )


def test_month_matches_a_year_precise_date_in_january(anonymous):
    year = published(ProposalFactory, date=datetime.date(2024, 6, 1), date_precision="year")

    assert_filters(anonymous, "events", {"month": "2024-01"}, [year], [])
    assert_filters(anonymous, "events", {"month": "2024-06"}, [], [year])


@pytest.mark.parametrize(
    "value", ["2025-13", "2025-00", "2025-4", "2025-04-01", "April", "0000-01"]
)
def test_a_malformed_month_is_a_400_naming_it(anonymous, value):
    body = assert_bad_request(get(anonymous, "events", month=value), "month")
    assert "YYYY-MM" in str(body["month"])


# --- kind and the kinds' own fields on the timeline ------------------------------------------


def test_kind_on_the_timeline_matches_any_of_several_kinds(anonymous):
    proposal = published(ProposalFactory)
    response = published(ResponseFactory, proposal=proposal)
    meeting = published(MeetingFactory)
    accusation = published(AccusationFactory)

    assert_filters(
        anonymous, "events", {"kind": "meeting"}, [meeting], [proposal, response, accusation]
    )
    assert_filters(
        anonymous,
        "events",
        {"kind": "proposal,accusation"},
        [proposal, accusation],
        [response, meeting],
    )


def test_proposal_kind_on_the_timeline_applies_to_proposals_own_field(anonymous):
    ceasefire = published(ProposalFactory, proposal_kind="ceasefire")
    talks = published(ProposalFactory, proposal_kind="talks")
    plan = published(ProposalFactory, proposal_kind="peace_plan")
    # A response to a ceasefire is not itself a ceasefire.
    response = published(ResponseFactory, proposal=ceasefire)
    meeting = published(MeetingFactory)

    assert_filters(
        anonymous,
        "events",
        {"proposal_kind": "ceasefire,talks"},
        [ceasefire, talks],
        [plan, response, meeting],
    )


def test_scope_on_the_timeline_applies_to_proposals_own_field(anonymous):
    energy = published(ProposalFactory, scope="energy_infrastructure")
    maritime = published(ProposalFactory, scope="maritime")
    response = published(ResponseFactory, proposal=energy)

    assert_filters(
        anonymous, "events", {"scope": "energy_infrastructure"}, [energy], [maritime, response]
    )


def test_outcome_on_the_timeline_applies_to_proposals_own_field(anonymous):
    accepted = published(ProposalFactory, outcome="accepted")
    rejected = published(ProposalFactory, outcome="rejected")
    accepting = published(ResponseFactory, proposal=rejected, stance="accepted")
    # A meeting's outcome is free text, not the proposals' outcome.
    meeting = published(MeetingFactory, outcome="accepted")

    assert_filters(
        anonymous, "events", {"outcome": "accepted"}, [accepted], [rejected, accepting, meeting]
    )


def test_stance_on_the_timeline_applies_to_responses_own_field(anonymous):
    proposal = published(ProposalFactory, outcome="rejected")
    rejecting = published(ResponseFactory, proposal=proposal, stance="rejected")
    welcoming = published(ResponseFactory, proposal=proposal, stance="welcomed")
    accepting = published(ResponseFactory, proposal=proposal, stance="accepted")

    assert_filters(
        anonymous,
        "events",
        {"stance": "rejected,welcomed"},
        [rejecting, welcoming],
        [accepting, proposal],
    )


# --- the kinds' choice and boolean filters on their own endpoints ----------------------------

# (endpoint, factory, query, fields of the records that match, fields of those that do not)
CHOICE_CASES = [
    pytest.param(
        "proposals",
        ProposalFactory,
        {"proposal_kind": "talks,peace_plan"},
        [{"proposal_kind": "talks"}, {"proposal_kind": "peace_plan"}],
        [{"proposal_kind": "ceasefire"}],
        id="proposal_kind",
    ),
    pytest.param(
        "proposals",
        ProposalFactory,
        {"scope": "maritime,civilian_targets"},
        [{"scope": "maritime"}, {"scope": "civilian_targets"}],
        [{"scope": "comprehensive"}, {"scope": ""}],
        id="scope",
    ),
    pytest.param(
        "proposals",
        ProposalFactory,
        {"outcome": "accepted,in_effect"},
        [{"outcome": "accepted"}, {"outcome": "in_effect"}],
        [{"outcome": "rejected"}, {"outcome": "proposed"}],
        id="outcome",
    ),
    pytest.param(
        "proposals",
        ProposalFactory,
        {"purpose": "holiday"},
        [
            {"purposes": ["holiday"], "occasion": "Easter"},
            {"purposes": ["humanitarian", "holiday"]},
        ],
        [{"purposes": ["election"]}, {"purposes": []}, {"purposes": ["humanitarian"]}],
        id="purpose",
    ),
    pytest.param(
        "proposals",
        ProposalFactory,
        {"purpose": "election,other"},
        [{"purposes": ["election"]}, {"purposes": ["peace_process", "other"]}],
        [{"purposes": ["peace_process"]}, {"purposes": []}],
        id="purpose-any-of-several",
    ),
    pytest.param(
        "proposals",
        ProposalFactory,
        {"talks_format": "mediated,proximity"},
        [
            {"proposal_kind": "talks", "talks_format": "mediated"},
            {"proposal_kind": "talks", "talks_format": "proximity"},
        ],
        [{"proposal_kind": "talks", "talks_format": "bilateral"}, {"proposal_kind": "talks"}],
        id="talks_format",
    ),
    pytest.param(
        "proposals",
        ProposalFactory,
        {"end_reason": "broke_down"},
        [{"end_reason": "broke_down"}],
        [{"end_reason": "expired"}, {"end_reason": ""}],
        id="end_reason",
    ),
    pytest.param(
        "proposals",
        ProposalFactory,
        {"arrangement": "bilateral,multilateral"},
        [{"arrangement": "bilateral"}, {"arrangement": "multilateral"}],
        [{"arrangement": "unilateral"}, {"arrangement": ""}],
        id="arrangement-bilateral-multilateral",
    ),
    pytest.param(
        "proposals",
        ProposalFactory,
        {"unilateral": "true"},
        [{"arrangement": "unilateral"}],
        [{"arrangement": "bilateral"}, {"arrangement": "multilateral"}, {"arrangement": ""}],
        id="unilateral-true",
    ),
    pytest.param(
        "proposals",
        ProposalFactory,
        {"unilateral": "false"},
        [{"arrangement": "bilateral"}, {"arrangement": "multilateral"}, {"arrangement": ""}],
        [{"arrangement": "unilateral"}],
        id="unilateral-false",
    ),
    pytest.param(
        "responses",
        ResponseFactory,
        {"stance": "rejected,countered"},
        [{"stance": "rejected"}, {"stance": "countered"}],
        [{"stance": "accepted"}],
        id="stance",
    ),
    pytest.param(
        "meetings",
        MeetingFactory,
        {"meeting_format": "parallel"},
        [{"meeting_format": "parallel"}],
        [{"meeting_format": "direct"}, {"meeting_format": ""}],
        id="meeting_format",
    ),
    pytest.param(
        "accusations",
        AccusationFactory,
        {"verification": "confirmed,disputed"},
        [{"verification": "confirmed"}, {"verification": "disputed"}],
        [{"verification": "denied"}, {"verification": "unverified"}],
        id="verification",
    ),
    *(
        pytest.param(
            endpoint,
            factory,
            {"date_precision": "month,year"},
            [{"date_precision": "month"}, {"date_precision": "year"}],
            [{"date_precision": "day"}],
            id=f"date_precision-{param.id}",
        )
        for param in ENDPOINTS
        for endpoint, factory in [param.values]
    ),
]


@pytest.mark.parametrize("endpoint,factory,query,hit_fields,miss_fields", CHOICE_CASES)
def test_choice_filter_matches_its_values(
    anonymous, endpoint, factory, query, hit_fields, miss_fields
):
    hits = [published(factory, **fields) for fields in hit_fields]
    misses = [published(factory, **fields) for fields in miss_fields]

    assert_filters(anonymous, endpoint, query, hits, misses)


@pytest.mark.parametrize(
    "endpoint,factory", [("responses", ResponseFactory), ("accusations", AccusationFactory)]
)
def test_proposal_matches_the_records_about_that_proposal(anonymous, endpoint, factory):
    easter, christmas = published(ProposalFactory), published(ProposalFactory)
    about_easter = published(factory, proposal=easter)
    about_christmas = published(factory, proposal=christmas)

    assert_filters(
        anonymous, endpoint, {"proposal": str(easter.pk)}, [about_easter], [about_christmas]
    )


# --- editorial_status ------------------------------------------------------------------------

KIND_ENDPOINTS = [
    pytest.param("proposals", ProposalFactory, id="proposals"),
    pytest.param("responses", ResponseFactory, id="responses"),
    pytest.param("meetings", MeetingFactory, id="meetings"),
    pytest.param("accusations", AccusationFactory, id="accusations"),
]


@pytest.mark.parametrize("endpoint,factory", KIND_ENDPOINTS)
def test_editorial_status_narrows_what_an_editor_sees(editor_api, endpoint, factory):
    draft = factory(editorial_status="draft")
    in_review = factory(editorial_status="in_review")
    public = published(factory)

    assert_filters(
        editor_api, endpoint, {"editorial_status": "draft"}, [draft], [in_review, public]
    )
    assert_filters(
        editor_api,
        endpoint,
        {"editorial_status": "draft,in_review"},
        [draft, in_review],
        [public],
    )


def test_editorial_status_narrows_what_an_editor_sees_on_the_timeline(editor_api):
    draft = ProposalFactory(editorial_status="draft")
    public = published(ProposalFactory)

    assert_filters(editor_api, "events", {"editorial_status": "draft"}, [draft], [public])


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_editorial_status_does_not_show_drafts_to_anonymous_readers(anonymous, endpoint, factory):
    draft = factory(editorial_status="draft")
    public = published(factory)

    assert_filters(anonymous, endpoint, {"editorial_status": "published"}, [public], [draft])
    assert_filters(anonymous, endpoint, {"editorial_status": "draft"}, [], [draft, public])


# --- in_effect_on ----------------------------------------------------------------------------


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def periods(db):
    """Proposals with effective and proposed periods, named by what they are."""

    def proposal(**fields):
        fields.setdefault("outcome", "accepted")
        return published(ProposalFactory, date=d("2025-03-01"), **fields)

    return {
        "effective_closed": proposal(effective_from=d("2025-04-19"), ended_on=d("2025-04-21")),
        "effective_open": proposal(effective_from=d("2025-03-18")),
        # The effective period is known: the proposed one no longer counts.
        "effective_later_than_proposed": proposal(
            proposed_start=d("2025-04-01"),
            proposed_end=d("2025-04-30"),
            effective_from=d("2025-05-10"),
            ended_on=d("2025-05-20"),
        ),
        "proposed_closed": proposal(proposed_start=d("2025-04-15"), proposed_end=d("2025-04-25")),
        "proposed_open": proposal(proposed_start=d("2025-04-10")),
        "proposed_past": proposal(proposed_start=d("2025-03-01"), proposed_end=d("2025-03-30")),
        "no_dates": proposal(),
    }


@pytest.mark.parametrize(
    "day,in_effect",
    [
        (
            "2025-04-20",
            {"effective_closed", "effective_open", "proposed_closed", "proposed_open"},
        ),
        # Bounds are inclusive.
        ("2025-04-21", {"effective_closed", "effective_open", "proposed_closed", "proposed_open"}),
        ("2025-04-22", {"effective_open", "proposed_closed", "proposed_open"}),
        ("2025-05-15", {"effective_open", "effective_later_than_proposed", "proposed_open"}),
        ("2025-03-20", {"effective_open", "proposed_past"}),
        ("2025-03-17", {"proposed_past"}),
    ],
)
@pytest.mark.parametrize("endpoint", ["proposals", "events"])
def test_in_effect_on_uses_the_effective_period_when_known_else_the_proposed(
    anonymous, periods, endpoint, day, in_effect
):
    found = ids(anonymous, endpoint, in_effect_on=day)
    assert {name for name, p in periods.items() if p.pk in found} == in_effect


NEVER_IN_EFFECT = ["proposed", "under_consideration", "rejected", "withdrawn"]
TOOK_EFFECT = ["accepted", "partially_accepted", "in_effect", "expired", "collapsed"]


@pytest.mark.parametrize("outcome", NEVER_IN_EFFECT + TOOK_EFFECT)
@pytest.mark.parametrize("endpoint", ["proposals", "events"])
def test_in_effect_on_counts_only_proposals_whose_outcome_says_they_took_effect(
    anonymous, endpoint, outcome
):
    by_proposed = published(
        ProposalFactory,
        outcome=outcome,
        proposed_start=d("2025-04-19"),
        proposed_end=d("2025-04-21"),
    )
    by_effective = published(
        ProposalFactory,
        outcome=outcome,
        effective_from=d("2025-04-19"),
        ended_on=d("2025-04-21"),
    )
    expected = {by_proposed.pk, by_effective.pk} if outcome in TOOK_EFFECT else set()
    assert set(ids(anonymous, endpoint, in_effect_on="2025-04-20")) == expected


def test_the_outcomes_that_took_effect_are_the_models():
    assert sorted(Proposal.TOOK_EFFECT) == sorted(TOOK_EFFECT)
    assert sorted(NEVER_IN_EFFECT + TOOK_EFFECT) == sorted(Proposal.Outcome.values)


def test_in_effect_on_on_the_timeline_returns_only_proposals(anonymous, periods):
    response = published(ResponseFactory, proposal=periods["effective_open"], date=DAY)
    meeting = published(MeetingFactory, date=DAY)

    assert_filters(
        anonymous,
        "events",
        {"in_effect_on": "2025-04-20"},
        [periods["effective_open"]],
        [response, meeting],
    )


# --- q: full-text search -----------------------------------------------------------------------

# Words for which PostgreSQL full-text search and SQLite's substring match agree: the query is
# a whole word of the text (or its stem's prefix), not a stop word.


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_q_matches_a_word_of_a_title_a_summary_or_a_quote(anonymous, endpoint, factory):
    titled = published(factory, title="Easter truce announced by the Kremlin")
    summarized = published(factory, title="Statement", summary="Negotiators met in Riyadh.")
    quoted = published(factory, title="Briefing")
    CitationFactory(event=quoted, quote="We propose an armistice along the front.")
    unrelated = published(factory, title="Prisoner exchange", summary="Two hundred released.")
    CitationFactory(event=unrelated, quote="The exchange went ahead.")

    assert_filters(anonymous, endpoint, {"q": "truce"}, [titled], [summarized, quoted, unrelated])
    assert_filters(anonymous, endpoint, {"q": "Riyadh"}, [summarized], [titled, quoted, unrelated])
    assert_filters(
        anonymous, endpoint, {"q": "armistice"}, [quoted], [titled, summarized, unrelated]
    )
    # Case does not matter.
    assert_filters(anonymous, endpoint, {"q": "TRUCE"}, [titled], [unrelated])


def test_q_matches_a_plural_of_the_word_searched(anonymous):
    plural = published(ProposalFactory, title="Two truces declared")
    other = published(ProposalFactory, title="Talks in Istanbul")

    assert_filters(anonymous, "events", {"q": "truce"}, [plural], [other])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's")
def test_q_stems_words_on_postgresql(anonymous):
    singular = published(ProposalFactory, title="Easter truce")
    other = published(ProposalFactory, title="Talks in Istanbul")

    assert_filters(anonymous, "events", {"q": "truces"}, [singular], [other])
    assert_filters(anonymous, "events", {"q": "talk"}, [other], [singular])


@pytest.mark.parametrize("text", ['"unclosed', "a & b | !c", "-", "truce:*", "(", "'; drop"])
def test_q_with_operator_characters_is_not_a_server_error(anonymous, text):
    published(ProposalFactory, title="Easter truce")

    assert get(anonymous, "events", q=text).status_code == 200


# --- updated_after and tombstones ------------------------------------------------------------


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_updated_after_returns_changes_and_tombstones_of_retractions_since(
    anonymous, endpoint, factory
):
    since = timezone.now() - datetime.timedelta(hours=1)
    long_ago = since - datetime.timedelta(days=2)
    changed = published(factory)
    unchanged = published(factory)
    retracted = published(factory, editorial_status="retracted")
    retracted_long_ago = published(factory, editorial_status="retracted")
    draft = factory(editorial_status="draft")
    Event.objects.filter(pk__in=[unchanged.pk, retracted_long_ago.pk]).update(updated_at=long_ago)

    rows = {row["id"]: row for row in results(anonymous, endpoint, updated_after=since.isoformat())}

    assert changed.pk in rows and rows[changed.pk]["title"] == changed.title
    assert unchanged.pk not in rows
    assert retracted_long_ago.pk not in rows
    assert draft.pk not in rows
    tombstone = rows[retracted.pk]
    assert set(tombstone) == {"id", "kind", "editorial_status", "updated_at"}
    assert tombstone["kind"] == retracted.kind
    assert tombstone["editorial_status"] == "retracted"
    retracted.refresh_from_db()
    assert datetime.datetime.fromisoformat(tombstone["updated_at"]) == retracted.updated_at
    # Without updated_after a retracted record is not listed at all.
    assert retracted.pk not in ids(anonymous, endpoint)


@pytest.mark.parametrize(
    "endpoint,factory",
    [
        ("actors", ActorFactory),
        ("affiliations", AffiliationFactory),
        ("conflicts", ConflictFactory),
        ("sources", SourceFactory),
    ],
)
def test_updated_after_on_the_other_lists_leaves_out_records_unchanged_since(
    anonymous, endpoint, factory
):
    record = factory()
    later = timezone.now() + datetime.timedelta(minutes=5)

    found = ids(anonymous, endpoint, updated_after=later.isoformat())

    assert getattr(record, "slug", record.pk) not in found


def test_updated_after_combines_with_other_filters(anonymous):
    since = timezone.now() - datetime.timedelta(hours=1)
    war, other = ConflictFactory(name="War"), ConflictFactory(name="Other")
    in_war = published(ProposalFactory, conflict=war)
    retracted_in_other = published(ProposalFactory, conflict=other, editorial_status="retracted")

    assert_filters(
        anonymous,
        "events",
        {"updated_after": since.isoformat(), "conflict": "war"},
        [in_war],
        [retracted_in_other],
    )


# --- ordering --------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_ordering_by_date_and_by_date_descending(anonymous, endpoint, factory):
    middle = published(factory, date=d("2025-04-20"))
    first = published(factory, date=d("2025-01-05"))
    last = published(factory, date=d("2025-09-30"))
    ours = {first.pk, middle.pk, last.pk}

    def order(value):
        return [r["id"] for r in results(anonymous, endpoint, ordering=value) if r["id"] in ours]

    assert order("date") == [first.pk, middle.pk, last.pk]
    assert order("-date") == [last.pk, middle.pk, first.pk]


@pytest.mark.parametrize("ordering", ["date", "-date"])
@pytest.mark.parametrize("endpoint", ["events", "proposals"])
def test_paging_through_an_ordering_by_date_shows_every_record_once(anonymous, endpoint, ordering):
    # Many events share a day (the seed article alone dates three to 2025-04-20).
    made = [published(ProposalFactory, date=DAY).pk for _ in range(40)]
    seen, page = [], 1
    while page:
        response = anonymous.get(
            f"{API}/{endpoint}/", {"ordering": ordering, "page_size": 7, "page": page}
        )
        seen += [row["id"] for row in response.json()["results"]]
        page = page + 1 if response.json()["next"] else None

    assert sorted(seen) == sorted(made)


# --- combinations ----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["proposals", "events"])
def test_conflict_proposer_and_date_after_narrow_together(anonymous, endpoint):
    war, other = ConflictFactory(name="War"), ConflictFactory(name="Other")
    russia, ukraine = ActorFactory(name="Russia"), ActorFactory(name="Ukraine")

    def proposal(conflict, proposer, date):
        return add(
            published(ProposalFactory, conflict=war if conflict else other, date=d(date)),
            "proposer",
            russia if proposer else ukraine,
        )

    everything = proposal(True, True, "2025-04-20")
    other_conflict = proposal(False, True, "2025-04-20")
    other_proposer = proposal(True, False, "2025-04-20")
    too_early = proposal(True, True, "2024-12-31")

    assert_filters(
        anonymous,
        endpoint,
        {"conflict": "war", "proposer": "russia", "date_after": "2025-01-01"},
        [everything],
        [other_conflict, other_proposer, too_early],
    )


def test_kind_actor_and_date_before_narrow_together_on_the_timeline(anonymous):
    russia, ukraine = ActorFactory(name="Russia"), ActorFactory(name="Ukraine")
    accusation = involving(AccusationFactory, russia, date=d("2025-03-01"))
    proposal = involving(ProposalFactory, russia, date=d("2025-03-01"))
    by_ukraine = involving(AccusationFactory, ukraine, date=d("2025-03-01"))
    later = involving(AccusationFactory, russia, date=d("2025-06-01"))

    assert_filters(
        anonymous,
        "events",
        {"kind": "accusation", "actor": "russia", "date_before": "2025-04-01"},
        [accusation],
        [proposal, by_ukraine, later],
    )


def test_proposal_kind_outcome_and_in_effect_on_narrow_together(anonymous):
    def proposal(kind, outcome, start):
        return published(
            ProposalFactory, proposal_kind=kind, outcome=outcome, effective_from=d(start)
        )

    match = proposal("ceasefire", "in_effect", "2025-04-01")
    other_kind = proposal("partial_ceasefire", "in_effect", "2025-04-01")
    other_outcome = proposal("ceasefire", "collapsed", "2025-04-01")
    not_yet = proposal("ceasefire", "in_effect", "2025-05-01")

    assert_filters(
        anonymous,
        "proposals",
        {"proposal_kind": "ceasefire", "outcome": "in_effect", "in_effect_on": "2025-04-20"},
        [match],
        [other_kind, other_outcome, not_yet],
    )


# --- actors and affiliations -----------------------------------------------------------------


@pytest.fixture
def actors(db):
    russia = ActorFactory(name="Russia", kind="state", country="RUS")
    ActorAliasFactory(actor=russia, name="Kremlin")
    ukraine = ActorFactory(name="Ukraine", kind="state", country="UKR")
    putin = ActorFactory(name="Vladimir Putin", kind="person", country="RUS")
    un = ActorFactory(name="United Nations", kind="organization")
    return {"russia": russia, "ukraine": ukraine, "putin": putin, "un": un}


def assert_actors(client, params, hits, misses):
    found = ids(client, "actors", **params)
    assert set(hits) <= found, params
    assert not set(misses) & found, params


def test_actors_kind_matches_any_of_several_kinds(anonymous, actors):
    assert_actors(anonymous, {"kind": "person"}, ["vladimir-putin"], ["russia", "united-nations"])
    assert_actors(
        anonymous,
        {"kind": "state,organization"},
        ["russia", "ukraine", "united-nations"],
        ["vladimir-putin"],
    )


def test_actors_country_ignores_case(anonymous, actors):
    assert_actors(anonymous, {"country": "rus"}, ["russia", "vladimir-putin"], ["ukraine"])


def test_actors_name_matches_a_whole_name_or_alias_ignoring_case(anonymous, actors):
    assert_actors(anonymous, {"name": "kremlin"}, ["russia"], ["ukraine"])
    assert_actors(anonymous, {"name": "UKRAINE"}, ["ukraine"], ["russia"])
    assert_actors(anonymous, {"name": "Krem"}, [], ["russia"])


def test_actors_q_matches_part_of_a_name_or_alias(anonymous, actors):
    assert_actors(anonymous, {"q": "krem"}, ["russia"], ["ukraine", "vladimir-putin"])
    assert_actors(anonymous, {"q": "putin"}, ["vladimir-putin"], ["russia"])


def test_actors_ordering_by_name_and_slug(anonymous, actors):
    by_name = [r["slug"] for r in results(anonymous, "actors", ordering="name")]
    assert by_name == ["russia", "ukraine", "united-nations", "vladimir-putin"]
    assert [r["slug"] for r in results(anonymous, "actors", ordering="-name")] == by_name[::-1]
    assert [r["slug"] for r in results(anonymous, "actors", ordering="-slug")] == sorted(
        by_name, reverse=True
    )


@pytest.fixture
def memberships(actors):
    medvedev = ActorFactory(name="Dmitry Medvedev", kind="person")
    return {
        "putin": AffiliationFactory(
            person=actors["putin"], organization=actors["russia"], start_date=d("2000-05-07")
        ),
        "medvedev": AffiliationFactory(
            person=medvedev,
            organization=actors["russia"],
            start_date=d("2008-05-07"),
            end_date=d("2012-05-07"),
        ),
        "envoy": AffiliationFactory(
            person=actors["putin"], organization=actors["un"], end_date=d("1999-12-31")
        ),
    }


def assert_affiliations(client, params, memberships, hits, misses):
    found = ids(client, "affiliations", **params)
    assert {memberships[n].pk for n in hits} <= found, params
    assert not {memberships[n].pk for n in misses} & found, params


def test_affiliations_person_and_organization_match_any_of_several(anonymous, memberships):
    assert_affiliations(
        anonymous, {"person": "vladimir-putin"}, memberships, ["putin", "envoy"], ["medvedev"]
    )
    assert_affiliations(
        anonymous,
        {"person": "vladimir-putin,dmitry-medvedev"},
        memberships,
        ["putin", "envoy", "medvedev"],
        [],
    )
    assert_affiliations(
        anonymous, {"organization": "russia"}, memberships, ["putin", "medvedev"], ["envoy"]
    )
    assert_affiliations(
        anonymous, {"organization": "united-nations"}, memberships, ["envoy"], ["putin"]
    )


def test_affiliations_on_matches_those_held_that_day_with_open_ends(anonymous, memberships):
    assert_affiliations(
        anonymous, {"on": "2010-01-01"}, memberships, ["putin", "medvedev"], ["envoy"]
    )
    assert_affiliations(
        anonymous, {"on": "2025-04-20"}, memberships, ["putin"], ["medvedev", "envoy"]
    )
    assert_affiliations(anonymous, {"on": "1990-01-01"}, memberships, ["envoy"], ["putin"])
    # The end date is inclusive.
    assert_affiliations(anonymous, {"on": "2012-05-07"}, memberships, ["medvedev"], [])


# --- bad values: 400 naming the filter, never 500 --------------------------------------------

FILTERED = {
    prefix: viewset.filterset_class
    for prefix, viewset, _ in router.registry
    if getattr(viewset, "filterset_class", None)
}


def bad_value(f: django_filters.Filter) -> str | None:
    """A value the filter must refuse, by its type; None for free text (any text is valid)."""
    if isinstance(f, django_filters.OrderingFilter):
        return "-no_such_field"
    if isinstance(f, CountriesFilter):
        return "UKR,ZZZ"
    if isinstance(f, SubdivisionsFilter):
        return "UA-14,UA-99"
    if isinstance(f, BoundingBoxFilter):
        return "30,40,31"
    if isinstance(f, SlugsFilter):
        return "no-such-slug"
    if isinstance(f, ChoicesFilter):
        return "no_such_choice"
    if isinstance(f, IdFilter):
        return "one"
    if isinstance(f, ExternalIdsFilter):
        return "Q0"  # neither a number nor a Wikidata ID
    if isinstance(f, StrictBooleanFilter):
        return "maybe"
    if isinstance(f, django_filters.IsoDateTimeFilter):
        return "yesterday"
    if isinstance(f, django_filters.DateFilter):
        return "2025-02-30"
    if isinstance(f, MonthFilter):
        return "2025-13"
    return None


EVERY_FILTER = [
    pytest.param(endpoint, name, f, id=f"{endpoint}-{name}")
    for endpoint, filterset in FILTERED.items()
    for name, f in filterset.base_filters.items()
]


@pytest.mark.parametrize("endpoint,name,f", EVERY_FILTER)
def test_every_filter_answers_a_bad_value_with_400_naming_it(anonymous, endpoint, name, f):
    value = bad_value(f)
    if value is None:
        # Free text: no value is wrong, and none is a server error.
        assert isinstance(f, django_filters.CharFilter), f"{name}: give it a bad value here"
        assert get(anonymous, endpoint, **{name: "%_\\'\"; --"}).status_code == 200
        return
    body = assert_bad_request(get(anonymous, endpoint, **{name: value}), name)
    assert set(body) == {name}


@pytest.mark.parametrize(
    "name,value,mentioned",
    [
        ("actor", "russia,atlantis", "atlantis"),
        ("proposer", "atlantis", "atlantis"),
        ("responder", "atlantis", "atlantis"),
        ("conflict", "moon-war", "moon-war"),
        ("kind", "proposal,rumour", "rumour"),
        ("stance", "shrugged", "shrugged"),
        ("date_after", "2025-13-01", None),
        ("date_before", "20/04/2025", None),
        ("in_effect_on", "tomorrow", None),
        ("in_effect_at", "2025-04-20T12:00", None),  # no UTC offset
        ("updated_after", "2025-04-20T25:00", None),
        ("ordering", "date,secret", None),
        ("include_affiliates", "maybe", None),
    ],
)
def test_bad_values_on_the_timeline_name_the_filter(anonymous, name, value, mentioned):
    ActorFactory(name="Russia")
    body = assert_bad_request(get(anonymous, "events", **{name: value}), name)
    if mentioned:
        assert mentioned in str(body[name])


@pytest.mark.parametrize("endpoint", ["responses", "accusations"])
@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999999999999"])
def test_an_out_of_range_proposal_id_is_not_a_server_error(browser, endpoint, value):
    about = published(AccusationFactory if endpoint == "accusations" else ResponseFactory)

    response = get(browser, endpoint, proposal=value)

    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        assert about.pk not in {row["id"] for row in response.json()["results"]}
    else:
        assert "proposal" in response.json()


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"], ids=["min", "max"]
)
def test_an_updated_after_at_the_edge_of_time_is_not_a_server_error(browser, value):
    published(ProposalFactory)

    response = get(browser, "events", updated_after=value)

    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert "updated_after" in response.json()


def test_several_bad_values_name_every_filter(anonymous):
    body = assert_bad_request(
        get(anonymous, "proposals", conflict="moon-war", proposer="atlantis", date_after="x"),
        "conflict",
    )
    assert set(body) == {"conflict", "proposer", "date_after"}


# --- completeness ----------------------------------------------------------------------------

# Filterable fields with no filter of their name, each with the reason.
NOT_FILTERED = {
    # A kind's own endpoint lists only that kind: the timeline has the kind filter.
    ("proposals", "kind"),
    ("responses", "kind"),
    ("meetings", "kind"),
    ("accusations", "kind"),
}

# What every event list shares (updated_after is "on every list").
SHARED_EVENT_FILTERS = {
    "conflict",
    "actor",
    "include_affiliates",
    "date_after",
    "date_before",
    "date_precision",
    "editorial_status",
    "q",
    "ordering",
    "updated_after",
}
# The roles each kind's endpoint filters on.
ENDPOINT_ROLES = {
    "proposals": {"proposer", "addressee", "mediator", "guarantor", "signatory", "monitor"},
    "responses": {"responder"},
    "meetings": {"mediator", "host", "delegation"},
    "accusations": {"accuser", "accused"},
}


def filterable_fields(model) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields if f.choices or isinstance(f, models.BooleanField)
    ]


def missing_filters(endpoint: str, model, filterset_class) -> set[str]:
    filters = filterset_class.base_filters if filterset_class else {}
    return {
        f.name
        for f in filterable_fields(model)
        if f.name not in filters and (endpoint, f.name) not in NOT_FILTERED
    }


@pytest.mark.parametrize("endpoint,viewset", [(p, v) for p, v, _ in router.registry])
def test_every_choice_and_boolean_field_has_a_filter_of_its_name(endpoint, viewset):
    model = viewset.queryset.model
    filterset_class = getattr(viewset, "filterset_class", None)

    assert missing_filters(endpoint, model, filterset_class) == set()

    # A choice filter accepts exactly the field's choices.
    for field in filterable_fields(model):
        f = (filterset_class.base_filters if filterset_class else {}).get(field.name)
        if isinstance(f, ChoicesFilter):
            assert f.extra["choices"] == list(field.choices), field.name


def test_the_completeness_check_notices_a_removed_filter():
    crippled = type("Crippled", (ProposalFilterSet,), {})
    del crippled.base_filters["arrangement"]
    del crippled.base_filters["talks_format"]

    assert missing_filters("proposals", Proposal, crippled) == {"arrangement", "talks_format"}
    assert "arrangement" in ProposalFilterSet.base_filters


def test_the_allowlist_names_only_fields_that_exist():
    endpoints = {p: v for p, v, _ in router.registry}
    for endpoint, name in NOT_FILTERED:
        model = endpoints[endpoint].queryset.model
        assert name in {f.name for f in filterable_fields(model)}, (endpoint, name)


def test_the_timeline_has_every_filter_of_the_contract():
    assert CONTRACT_FILTERS - set(FILTERED["events"].base_filters) == set()


@pytest.mark.parametrize("endpoint", ["proposals", "responses", "meetings", "accusations"])
def test_every_kind_endpoint_has_the_shared_filters_and_its_roles(endpoint):
    filters = set(FILTERED[endpoint].base_filters)

    assert SHARED_EVENT_FILTERS | ENDPOINT_ROLES[endpoint] <= filters


def test_talks_over_several_days_match_a_range_reaching_their_last_day(anonymous):
    talks = published(
        MeetingFactory, date=datetime.date(2025, 3, 10), end_date=datetime.date(2025, 3, 20)
    )
    assert talks.id in ids(anonymous, "meetings", date_after="2025-03-15")
    assert talks.id in ids(anonymous, "events", date_after="2025-03-20")
    assert talks.id not in ids(anonymous, "meetings", date_after="2025-03-21")
