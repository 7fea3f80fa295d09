"""Tombstones reveal nothing: with updated_after a public reader gets the published records that
match every filter, plus the records retracted since then selected by updated_after, kind and
conflict only. No other filter includes or excludes a retracted record, and no ordering places
one by its hidden content: tombstones come last, by (updated_at, id).

Every record of a test is stamped a day ahead, and the lists are asked for what changed since
an hour ahead, so that each test sees exactly its own records and can assert whole lists.
"""

import datetime
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from events.api.urls import router
from events.api.views import TOMBSTONE_FILTERS
from events.models import ConflictDyad, ConflictParty, Event, Location, Participant, Proposal
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    UserFactory,
)

API = "/api/v1"
PUBLISHED, RETRACTED = Event.Status.PUBLISHED, Event.Status.RETRACTED
DAY = datetime.date(2025, 4, 20)

ENDPOINT_FACTORY = {
    "events": ProposalFactory,
    "proposals": ProposalFactory,
    "responses": ResponseFactory,
    "meetings": MeetingFactory,
    "accusations": AccusationFactory,
}
MAIN_ROLE = {
    ProposalFactory: Participant.Role.PROPOSER,
    MeetingFactory: Participant.Role.HOST,
    AccusationFactory: Participant.Role.ACCUSER,
}
# The timeline's filters of one kind are tried on records of that kind.
TIMELINE_FACTORY = {
    "stance": ResponseFactory,
    "responder": ResponseFactory,
    "host": MeetingFactory,
    "delegation": MeetingFactory,
    "accuser": AccusationFactory,
    "accused": AccusationFactory,
}


@pytest.fixture
def anonymous(db):
    return APIClient()


@pytest.fixture
def since():
    return timezone.now() + datetime.timedelta(hours=1)


def stamp(*events, ahead: datetime.timedelta = datetime.timedelta(days=1)):
    """Mark ``events`` changed ``ahead`` from now (in the given order, a second apart)."""
    moment = timezone.now() + ahead
    for offset, event in enumerate(events):
        Event.objects.filter(pk=event.pk).update(
            updated_at=moment + datetime.timedelta(seconds=offset)
        )


def listing(client, endpoint, since, **params):
    response = client.get(
        f"{API}/{endpoint}/", {"page_size": 1000, "updated_after": since.isoformat(), **params}
    )
    assert response.status_code == 200, response.content
    return response.json()


def row_ids(body) -> list[int]:
    return [row["id"] for row in body["results"]]


# --- every filter but updated_after, kind and conflict ignores tombstones ---------------------


class Actors:
    def __init__(self):
        # Russia and the war have other datasets' ids, Ukraine and the other war none.
        self.russia = ActorFactory(
            name="Russia", country="RUS", ucdp_actor_id=57, wikidata_id="Q159"
        )
        self.ukraine = ActorFactory(name="Ukraine", country="UKR")
        self.war = ConflictFactory(name="War", ucdp_conflict_id=13243)
        ConflictDyad.objects.create(conflict=self.war, ucdp_dyad_id=14280)
        ConflictParty.objects.create(conflict=self.war, actor=self.russia)
        self.other_war = ConflictFactory(name="Other war")
        ConflictParty.objects.create(conflict=self.other_war, actor=self.ukraine)
        self.proposal = ProposalFactory(
            conflict=self.war, editorial_status=PUBLISHED, pax_agreement_id=2451
        )
        self.other_proposal = ProposalFactory(conflict=self.war, editorial_status=PUBLISHED)


def role_case(role):
    return (
        {role: "russia"},
        lambda a: {"participants": [(role, a.russia)]},
        lambda a: {"participants": [(role, a.ukraine)]},
    )


def fields_case(params, hit, miss):
    return (params, lambda a: dict(hit), lambda a: dict(miss))


def actor_case(factory):
    if factory is ResponseFactory:
        return (
            {"actor": "russia"},
            lambda a: {"responder": a.russia},
            lambda a: {"responder": a.ukraine},
        )
    return ({"actor": "russia"}, *role_case(MAIN_ROLE[factory])[1:])


def pax_case(factory):
    """A proposal with the PA-X id, or a record about one (a.proposal has it)."""
    if factory is ProposalFactory:
        return fields_case({"pax_agreement": "2451"}, {"pax_agreement_id": 2451}, {})
    link = "produced" if factory is MeetingFactory else "proposal"
    about = (lambda a: [a.proposal]) if factory is MeetingFactory else (lambda a: a.proposal)
    other = (lambda a: []) if factory is MeetingFactory else (lambda a: a.other_proposal)
    return (
        {"pax_agreement": "2451"},
        lambda a: {link: about(a), "conflict": a.war},
        lambda a: {link: other(a), "conflict": a.war},
    )


def case(endpoint, name, factory):
    """(params, fields of a record the filter matches, fields of one it does not)."""
    if name == "actor":
        return actor_case(factory)
    if name in ("ucdp_actor", "wikidata"):
        _, hit, miss = actor_case(factory)
        return ({name: {"ucdp_actor": "57", "wikidata": "Q159"}[name]}, hit, miss)
    if name in ("ucdp_conflict", "ucdp_dyad"):
        return (
            {name: {"ucdp_conflict": "13243", "ucdp_dyad": "14280"}[name]},
            lambda a: {"conflict": a.war},
            lambda a: {"conflict": a.other_war},
        )
    if name == "pax_agreement":
        return pax_case(factory)
    if name == "party_country":
        return (
            {"party_country": "RUS"},
            lambda a: {"conflict": a.war},
            lambda a: {"conflict": a.other_war},
        )
    kyiv = {"name": "Kyiv", "country": "UKR", "admin1": "UA-30", "precision": "town"}
    lviv = {"name": "Lviv", "country": "UKR", "admin1": "UA-46", "precision": "town"}
    kyiv.update(latitude="50.450000", longitude="30.523000")
    lviv.update(latitude="49.842000", longitude="24.032000")
    if name in ("country", "admin1", "bbox"):
        params = {"country": "UKR", "admin1": "UA-30", "bbox": "30,50,31,51"}[name]
        miss = {**lviv, "country": "RUS", "admin1": "", "latitude": None, "longitude": None}
        if name != "country":
            miss = lviv
        return fields_case({name: params}, {"locations": [kyiv]}, {"locations": [miss]})
    if name == "include_affiliates":
        params, hit, miss = actor_case(factory)
        return ({**params, "include_affiliates": "true"}, hit, miss)
    if name == "responder" and factory is ResponseFactory:
        return actor_case(factory)
    if name in (
        *("proposer", "addressee", "mediator", "host", "delegation", "accuser", "accused"),
        *("guarantor", "signatory", "monitor"),
    ):
        return role_case(name)
    if name in ("id", "thread"):
        return ({}, lambda a: {}, lambda a: {})  # the matching record's id, once made
    if name == "proposal":
        return (
            {},  # the proposal's id is known only once made
            lambda a: {"proposal": a.proposal, "conflict": a.proposal.conflict},
            lambda a: {"proposal": a.other_proposal, "conflict": a.proposal.conflict},
        )
    if name == "ended_by":
        return (
            {"ended_by": "russia"},
            lambda a: {"ended_by": a.russia, "outcome": Proposal.Outcome.COLLAPSED},
            lambda a: {"ended_by": a.ukraine, "outcome": Proposal.Outcome.COLLAPSED},
        )
    in_effect = {"outcome": Proposal.Outcome.IN_EFFECT, "effective_from": DAY}
    agreed = {"outcome": Proposal.Outcome.ACCEPTED}
    return {
        "date_after": fields_case(
            {"date_after": "2025-04-20"}, {"date": DAY}, {"date": DAY.replace(day=19)}
        ),
        "date_before": fields_case(
            {"date_before": "2025-04-20"}, {"date": DAY}, {"date": DAY.replace(day=21)}
        ),
        "month": fields_case({"month": "2025-04"}, {"date": DAY}, {"date": DAY.replace(month=3)}),
        "date_precision": fields_case({"date_precision": "day"}, {}, {"date_precision": "month"}),
        "editorial_status": fields_case({"editorial_status": "published"}, {}, {}),
        "q": fields_case(
            {"q": "easter"}, {"title": "Easter truce"}, {"title": "Prisoner exchange"}
        ),
        "proposal_kind": fields_case({"proposal_kind": "talks"}, {"proposal_kind": "talks"}, {}),
        "scope": fields_case({"scope": "maritime"}, {"scope": "maritime"}, {}),
        "outcome": fields_case({"outcome": "in_effect"}, {"outcome": "in_effect"}, {}),
        "purpose": fields_case({"purpose": "holiday"}, {"purposes": ["holiday"]}, {}),
        "talks_format": fields_case(
            {"talks_format": "mediated"}, {"proposal_kind": "talks", "talks_format": "mediated"}, {}
        ),
        "end_reason": fields_case({"end_reason": "expired"}, {"end_reason": "expired"}, {}),
        "arrangement": fields_case({"arrangement": "bilateral"}, {"arrangement": "bilateral"}, {}),
        "unilateral": fields_case({"unilateral": "true"}, {"arrangement": "unilateral"}, {}),
        "written": fields_case({"written": "verbal"}, {"written": "verbal"}, {}),
        "stage": fields_case({"stage": "renewal"}, {"stage": "renewal"}, {}),
        "agreed_after": fields_case(
            {"agreed_after": "2025-04-20"},
            {"agreed_on": DAY, **agreed},
            {"agreed_on": DAY.replace(day=19), **agreed},
        ),
        "agreed_before": fields_case(
            {"agreed_before": "2025-04-20"},
            {"agreed_on": DAY, **agreed},
            {"agreed_on": DAY.replace(day=21), **agreed},
        ),
        "in_effect_on": fields_case({"in_effect_on": "2025-04-20"}, in_effect, {}),
        "in_effect_at": fields_case({"in_effect_at": "2025-04-20T12:00:00Z"}, in_effect, {}),
        "stance": fields_case({"stance": "rejected"}, {"stance": "rejected"}, {}),
        "meeting_format": fields_case(
            {"meeting_format": "parallel"}, {"meeting_format": "parallel"}, {}
        ),
        "verification": fields_case(
            {"verification": "confirmed"}, {"verification": "confirmed"}, {}
        ),
    }[name]


def filter_cases():
    for endpoint, viewset, _ in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        if endpoint not in ENDPOINT_FACTORY:
            continue
        # A filter added without a case here fails with a KeyError in case().
        for name in sorted(filterset.base_filters):
            if name in (*TOMBSTONE_FILTERS, "ordering"):
                continue
            factory = ENDPOINT_FACTORY[endpoint]
            if endpoint == "events":
                factory = TIMELINE_FACTORY.get(name, factory)
            yield pytest.param(endpoint, name, factory, id=f"{endpoint}-{name}")


def make(factory, status, fields):
    fields = dict(fields)
    participants = fields.pop("participants", [])
    produced = fields.pop("produced", [])
    locations = fields.pop("locations", [])
    event = factory(editorial_status=status, **fields)
    for place in locations:
        Location.objects.create(event=event, **place)
    for role, actor in participants:
        ParticipantFactory(event=event, actor=actor, role=role)
    if produced:
        event.produced.set(produced)
    return event


@pytest.mark.parametrize("endpoint,name,factory", list(filter_cases()))
def test_no_filter_but_updated_after_kind_and_conflict_includes_or_excludes_a_tombstone(
    anonymous, since, endpoint, name, factory
):
    actors = Actors()
    params, hit, miss = case(endpoint, name, factory)
    if name == "proposal":
        params = {"proposal": actors.proposal.pk}
    matching = make(factory, PUBLISHED, hit(actors))
    if name in ("id", "thread"):
        params = {name: matching.pk}
    not_matching = make(factory, PUBLISHED, miss(actors))
    retracted_matching = make(factory, RETRACTED, hit(actors))
    retracted_not_matching = make(factory, RETRACTED, miss(actors))
    stamp(matching, not_matching, retracted_matching, retracted_not_matching)

    body = listing(anonymous, endpoint, since, **params)

    if name == "editorial_status":
        # Of the published records, the status filter keeps those it names.
        expected_published = [not_matching.pk, matching.pk]
        assert sorted(row_ids(body)[:2]) == sorted(expected_published)
    else:
        assert row_ids(body)[:1] == [matching.pk]
    # Both retracted records come as tombstones, last, by when they changed.
    assert row_ids(body)[-2:] == [retracted_matching.pk, retracted_not_matching.pk]
    assert len(body["results"]) == body["count"] == (4 if name == "editorial_status" else 3)
    for row in body["results"][-2:]:
        assert set(row) == {"id", "kind", "editorial_status", "updated_at"}


# --- kind and conflict select tombstones too -------------------------------------------------


def test_kind_and_conflict_select_tombstones(anonymous, since):
    war, other = ConflictFactory(name="War"), ConflictFactory(name="Other")
    proposal = ProposalFactory(conflict=war, editorial_status=RETRACTED)
    meeting = MeetingFactory(conflict=war, editorial_status=RETRACTED)
    elsewhere = ProposalFactory(conflict=other, editorial_status=RETRACTED)
    stamp(proposal, meeting, elsewhere)

    assert row_ids(listing(anonymous, "events", since, kind="proposal")) == [
        proposal.pk,
        elsewhere.pk,
    ]
    assert row_ids(listing(anonymous, "events", since, conflict="war")) == [
        proposal.pk,
        meeting.pk,
    ]
    assert row_ids(listing(anonymous, "meetings", since)) == [meeting.pk]
    # Changed before updated_after: no tombstone.
    assert row_ids(listing(anonymous, "events", since + datetime.timedelta(days=2))) == []


def test_without_updated_after_there_are_no_tombstones(anonymous):
    record = ProposalFactory(editorial_status=PUBLISHED, title="Easter truce")
    ProposalFactory(editorial_status=RETRACTED, title="Easter truce")

    response = anonymous.get(f"{API}/events/", {"q": "easter", "page_size": 1000})

    assert [row["id"] for row in response.json()["results"]] == [record.pk]


# --- ordering and pages --------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["events", "proposals"])
@pytest.mark.parametrize(
    "ordering,published_order",
    [
        ("title", ["Beta", "Gamma"]),
        ("-title", ["Gamma", "Beta"]),
        ("date", ["Gamma", "Beta"]),
        ("-date", ["Beta", "Gamma"]),
        ("id", ["Beta", "Gamma"]),
        ("updated_at", ["Beta", "Gamma"]),
        (None, ["Beta", "Gamma"]),
    ],
)
def test_ordering_puts_tombstones_last_by_when_they_changed(
    anonymous, since, endpoint, ordering, published_order
):
    made = {
        "Beta": ProposalFactory(title="Beta", date=DAY, editorial_status=PUBLISHED),
        "Gamma": ProposalFactory(
            title="Gamma", date=DAY.replace(day=1), editorial_status=PUBLISHED
        ),
        # Retracted: their titles and dates would sort them first and in the middle.
        "Zulu": ProposalFactory(title="Zulu", date=DAY.replace(day=10), editorial_status=RETRACTED),
        "Alpha": ProposalFactory(
            title="Alpha", date=DAY.replace(month=1), editorial_status=RETRACTED
        ),
    }
    stamp(made["Beta"], made["Gamma"], made["Zulu"], made["Alpha"])
    params = {"ordering": ordering} if ordering else {}

    body = listing(anonymous, endpoint, since, **params)

    expected = [*published_order, "Zulu", "Alpha"]
    assert row_ids(body) == [made[title].pk for title in expected]


def test_tombstones_of_one_moment_are_ordered_by_id(anonymous, since):
    first = ProposalFactory(title="Zulu", editorial_status=RETRACTED)
    second = ProposalFactory(title="Alpha", editorial_status=RETRACTED)
    moment = timezone.now() + datetime.timedelta(days=1)
    Event.objects.filter(pk__in=[first.pk, second.pk]).update(updated_at=moment)

    for ordering in ("title", "-title", "-id"):
        assert row_ids(listing(anonymous, "events", since, ordering=ordering)) == [
            first.pk,
            second.pk,
        ]


@pytest.mark.parametrize("page_size", [1, 2, 3, 5])
def test_pages_hold_every_record_once_and_count_is_exact(anonymous, since, page_size):
    published = [
        ProposalFactory(title=f"Published {n}", editorial_status=PUBLISHED) for n in range(3)
    ]
    retracted = [
        ProposalFactory(title=f"Retracted {n}", editorial_status=RETRACTED) for n in range(2)
    ]
    stamp(*published, *retracted)
    seen, page = [], 1
    while page:
        response = anonymous.get(
            f"{API}/events/",
            {
                "updated_after": since.isoformat(),
                "q": "published",
                "ordering": "title",
                "page_size": page_size,
                "page": page,
            },
        )
        body = response.json()
        assert body["count"] == 5
        seen += row_ids(body)
        page = page + 1 if body["next"] else None

    assert seen == [e.pk for e in published] + [e.pk for e in retracted]


# --- editors and reviewers filter every status alike ---------------------------------------------


def test_editors_filters_apply_to_retracted_records_as_to_any(db, since):
    client = APIClient()
    client.force_authenticate(UserFactory(username="tomb-editor", groups=["Editors"]))
    matching = ProposalFactory(title="Easter truce", editorial_status=RETRACTED)
    not_matching = ProposalFactory(title="Prisoner exchange", editorial_status=RETRACTED)
    stamp(matching, not_matching)

    body = listing(client, "events", since, q="easter")

    assert row_ids(body) == [matching.pk]
    assert body["results"][0]["title"] == "Easter truce"


@pytest.mark.parametrize("endpoint", ["events", "proposals"])
def test_exports_hold_the_same_tombstones_as_the_list(anonymous, since, endpoint):
    matching = ProposalFactory(title="Easter truce", editorial_status=PUBLISHED)
    ProposalFactory(title="Prisoner exchange", editorial_status=PUBLISHED)
    retracted = ProposalFactory(title="Prisoner exchange", editorial_status=RETRACTED)
    stamp(matching, retracted)

    response = anonymous.get(
        f"{API}/{endpoint}/export.jsonl",
        {"updated_after": since.isoformat(), "q": "easter", "ordering": "title"},
    )

    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [matching.pk, retracted.pk]
