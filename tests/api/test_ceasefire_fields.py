"""The proposals' ceasefire fields through the API: each filter's exact rows, writes and their
400s, and the codes derived from them, in lists (built from values) and details (serialized)."""

import datetime

import pytest

from events.models import Event, Participant, Proposal
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import ActorFactory, ConflictFactory, ParticipantFactory, ProposalFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def published(**fields):
    return ProposalFactory(editorial_status=Event.Status.PUBLISHED, **fields)


def found(client, query: str) -> set[int]:
    response = client.get(f"{API}/proposals/?page_size=1000&{query}")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def arrangements(db) -> dict[str, int]:
    """A published proposal of each arrangement, "" not coded."""
    return {
        value: published(arrangement=value).pk
        for value in ["unilateral", "bilateral", "multilateral", ""]
    }


@pytest.mark.parametrize(
    "query,expected",
    [
        ("arrangement=unilateral", {"unilateral"}),
        ("arrangement=bilateral", {"bilateral"}),
        ("arrangement=multilateral", {"multilateral"}),
        ("arrangement=bilateral,multilateral", {"bilateral", "multilateral"}),
        ("arrangement=unilateral&arrangement=bilateral", {"unilateral", "bilateral"}),
        # The flag arrangement replaced: false is every other proposal, not coded ones too.
        ("unilateral=true", {"unilateral"}),
        ("unilateral=false", {"bilateral", "multilateral", ""}),
        ("unilateral=true&arrangement=bilateral", set()),
    ],
)
def test_arrangement_finds_exactly_its_proposals(anonymous, arrangements, query, expected):
    assert found(anonymous, query) == {arrangements[value] for value in expected}


@pytest.mark.parametrize("value", ["Unilateral", "one-sided", "true"])
def test_an_unknown_arrangement_is_a_400_naming_it(anonymous, value):
    response = anonymous.get(f"{API}/proposals/?arrangement={value}")

    assert response.status_code == 400
    assert list(response.json()) == ["arrangement"]


@pytest.mark.parametrize(
    "arrangement,kind,cameo",
    [
        ("unilateral", "ceasefire", "0871"),  # declare truce
        ("unilateral", "humanitarian_pause", "0871"),
        ("bilateral", "ceasefire", "0256"),  # an offer: appeal for de-escalation
        ("multilateral", "ceasefire", "0256"),
        ("", "ceasefire", "0256"),
        ("unilateral", "prisoner_exchange", "0353"),  # no truce: an intent to release
    ],
)
def test_only_a_unilateral_truce_is_a_declared_one(anonymous, arrangement, kind, cameo):
    proposal = published(arrangement=arrangement, proposal_kind=kind)

    row = anonymous.get(f"{API}/proposals/?id={proposal.pk}").json()["results"][0]
    detail = anonymous.get(f"{API}/proposals/{proposal.pk}/").json()

    assert row["codes"]["cameo"] == detail["codes"]["cameo"] == cameo
    assert row["arrangement"] == detail["arrangement"] == arrangement


def test_an_editor_writes_the_arrangement(editor_api):
    conflict = ConflictFactory()
    body = {"conflict": conflict.slug, "date": "2025-04-19", "title": "Truce"}

    created = editor_api.post(
        f"{API}/proposals/", {**body, "proposal_kind": "ceasefire", "arrangement": "bilateral"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["arrangement"] == "bilateral"

    url = f"{API}/proposals/{created.json()['id']}/"
    refused = editor_api.patch(url, {"arrangement": "one-sided"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["arrangement"]

    cleared = editor_api.patch(url, {"arrangement": ""}, format="json")
    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["arrangement"] == ""


@pytest.mark.parametrize("name,choices", [("written", Proposal.Written), ("stage", Proposal.Stage)])
def test_every_choice_finds_exactly_its_proposals(anonymous, name, choices):
    made = {value: published(**{name: value}).pk for value in [*choices.values, ""]}

    for value in choices.values:
        assert found(anonymous, f"{name}={value}") == {made[value]}, value
    both = ",".join(choices.values[:2])
    assert found(anonymous, f"{name}={both}") == {made[v] for v in choices.values[:2]}


DAY = datetime.date(2025, 4, 20)


@pytest.fixture
def agreed(db) -> dict:
    """Proposals agreed the day before, on and after DAY, and one never agreed."""
    days = {"before": DAY - datetime.timedelta(days=1), "on": DAY}
    days["after"] = DAY + datetime.timedelta(days=1)
    made = {key: published(agreed_on=day, outcome="accepted").pk for key, day in days.items()}
    made["never"] = published().pk
    return made


@pytest.mark.parametrize(
    "query,expected",
    [
        ("agreed_after=2025-04-20", {"on", "after"}),  # on the day: included
        ("agreed_before=2025-04-20", {"before", "on"}),
        ("agreed_after=2025-04-20&agreed_before=2025-04-20", {"on"}),
        ("agreed_after=2025-04-21", {"after"}),
        ("agreed_before=2025-04-19", {"before"}),
        ("agreed_after=2025-04-22", set()),
    ],
)
def test_agreed_after_and_before_are_inclusive(anonymous, agreed, query, expected):
    assert found(anonymous, query) == {agreed[key] for key in expected}


@pytest.mark.parametrize("value", ["2025-13-01", "20-04-2025", "tomorrow", "99999-01-01"])
def test_a_malformed_agreement_date_is_a_400_naming_it(anonymous, value):
    for name in ["agreed_after", "agreed_before"]:
        response = anonymous.get(f"{API}/proposals/?{name}={value}")
        assert response.status_code == 400
        assert list(response.json()) == [name]


def test_ended_by_finds_what_any_of_the_actors_ended(anonymous):
    russia, ukraine, turkey = (ActorFactory(slug=slug) for slug in ["russia", "ukraine", "turkey"])
    by_russia = published(ended_by=russia, outcome="collapsed").pk
    by_ukraine = published(ended_by=ukraine, outcome="withdrawn").pk
    published(ended_by=turkey, outcome="collapsed")
    published(outcome="collapsed")

    assert found(anonymous, "ended_by=russia") == {by_russia}
    assert found(anonymous, "ended_by=russia,ukraine") == {by_russia, by_ukraine}
    response = anonymous.get(f"{API}/proposals/?ended_by=nobody")
    assert response.status_code == 400
    assert list(response.json()) == ["ended_by"]


def agreement_body(**changes) -> dict:
    """A proposal agreed on 19 April that Russia ended on the 25th (actor russia made first)."""
    return {
        "conflict": ConflictFactory().slug,
        "date": "2025-04-19",
        "title": "Truce",
        "proposal_kind": "ceasefire",
        "arrangement": "bilateral",
        "agreed_on": "2025-04-19",
        "written": "written",
        "text_url": "https://agreements.example.org/1",
        "stage": "framework",
        "ended_on": "2025-04-25",
        "ended_by": "russia",
        "outcome": "collapsed",
        **changes,
    }


def test_an_editor_writes_the_agreement_and_its_end(editor_api):
    russia = ActorFactory(slug="russia")
    body = agreement_body()

    created = editor_api.post(f"{API}/proposals/", body, format="json")

    assert created.status_code == 201, created.content
    shown = created.json()
    assert {name: shown[name] for name in body if name != "conflict"} == {
        name: value for name, value in body.items() if name != "conflict"
    }
    assert Proposal.objects.get(pk=shown["id"]).ended_by == russia


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"written": "verbal"}, "text_url"),
        ({"text_url": "not a url"}, "text_url"),
        ({"agreed_on": "2025-04-26"}, "agreed_on"),
        ({"ended_by": "nobody"}, "ended_by"),
        ({"stage": "ceasefire"}, "stage"),
        ({"written": "oral"}, "written"),
    ],
)
def test_a_refused_agreement_is_a_400_naming_the_field(editor_api, changes, field):
    ActorFactory(slug="russia")
    body = agreement_body(**changes)

    response = editor_api.post(f"{API}/proposals/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Proposal.objects.exists()


AGREEMENT_ROLES = [
    ("guarantor", "guarantors"),
    ("signatory", "signatories"),
    ("monitor", "monitors"),
]


@pytest.mark.parametrize("role,field", AGREEMENT_ROLES)
def test_an_agreement_role_finds_exactly_its_proposals(anonymous, role, field):
    turkey, qatar = ActorFactory(slug="turkey"), ActorFactory(slug="qatar")
    made = {}
    for key, actor, actor_role in [
        ("turkey", turkey, role),
        ("qatar", qatar, role),
        ("other-role", turkey, "mediator" if role != "mediator" else "proposer"),
    ]:
        proposal = published()
        ParticipantFactory(event=proposal, actor=actor, role=actor_role)
        made[key] = proposal.pk

    assert found(anonymous, f"{role}=turkey") == {made["turkey"]}
    assert found(anonymous, f"{role}=turkey,qatar") == {made["turkey"], made["qatar"]}
    timeline = anonymous.get(f"{API}/events/?{role}=turkey&page_size=1000").json()["results"]
    assert [row["id"] for row in timeline] == [made["turkey"]]
    assert timeline[0][field] == ["turkey"]
    detail = anonymous.get(f"{API}/proposals/{made['turkey']}/").json()
    assert detail[field] == ["turkey"]


def test_an_editor_writes_the_agreement_roles(editor_api):
    for slug in ["russia", "turkey", "qatar", "un"]:
        ActorFactory(slug=slug)
    body = agreement_body(guarantors=["turkey"], signatories=["qatar", "turkey"], monitors=["un"])

    created = editor_api.post(f"{API}/proposals/", body, format="json")

    assert created.status_code == 201, created.content
    rows = Participant.objects.filter(event=created.json()["id"])
    roles = rows.values_list("role", "actor__slug")
    assert sorted(roles) == [
        ("guarantor", "turkey"),
        ("monitor", "un"),
        ("signatory", "qatar"),
        ("signatory", "turkey"),
    ]


def test_talks_held_have_no_guarantors(editor_api):
    ActorFactory(slug="turkey")
    body = {"conflict": ConflictFactory().slug, "date": "2025-04-19", "title": "Talks"}

    response = editor_api.post(f"{API}/meetings/", {**body, "guarantors": ["turkey"]}, "json")

    # Not a field of a meeting: ignored, as any unknown key of a body, and no row is made.
    assert response.status_code == 201, response.content
    assert not Participant.objects.filter(role="guarantor").exists()
