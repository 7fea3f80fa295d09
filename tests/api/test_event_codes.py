"""Each kind's rows carry the codes of events/codes.py's rules, in JSON and CSV, from the list's
rows (events/api/rows.py) as from the detail's serializer: proposals by kind, arrangement,
mediator and outcome; responses by stance and the proposal's kind; meetings by mediator,
format and host; accusations."""

import csv
import io

import pytest

from events.codes import MAPPING_VERSION
from events.models import Participant
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
ROLE = Participant.Role
COLUMNS = ["cameo", "cameo_root", "quad_class", "plover", "plover_mode", "mapping_version"]


def shown(cameo, root, quad, plover, mode) -> dict:
    values = (cameo, root, quad, plover, mode, MAPPING_VERSION)
    return dict(zip(COLUMNS, values, strict=True))


@pytest.fixture
def world(db):
    conflict = ConflictFactory(slug="war")
    actors = {slug: ActorFactory(slug=slug) for slug in ("ru", "ua", "us", "sa")}

    def record(factory, roles=(), **fields):
        event = factory(conflict=conflict, editorial_status="published", **fields)
        for slug, role in roles:
            ParticipantFactory(event=event, actor=actors[slug], role=role)
        return event

    proposals = {
        "declared": record(
            ProposalFactory,
            [("ru", ROLE.PROPOSER)],
            proposal_kind="ceasefire",
            arrangement="unilateral",
            outcome="expired",
        ),
        "brokered": record(
            ProposalFactory,
            [("us", ROLE.MEDIATOR), ("ru", ROLE.ADDRESSEE)],
            proposal_kind="partial_ceasefire",
            outcome="accepted",
        ),
        "agreed": record(
            ProposalFactory,
            [("ru", ROLE.PROPOSER), ("ua", ROLE.ADDRESSEE)],
            proposal_kind="humanitarian_pause",
            arrangement="bilateral",
            outcome="in_effect",
        ),
        "offered": record(
            ProposalFactory,
            [("ru", ROLE.PROPOSER), ("ua", ROLE.ADDRESSEE)],
            proposal_kind="ceasefire",
            arrangement="bilateral",
            outcome="proposed",
        ),
        "brokered-withdrawn": record(
            ProposalFactory,
            [("us", ROLE.MEDIATOR)],
            proposal_kind="humanitarian_pause",
            outcome="withdrawn",
        ),
        "called": record(
            ProposalFactory,
            [("ua", ROLE.PROPOSER), ("ru", ROLE.ADDRESSEE)],
            proposal_kind="ceasefire",
            outcome="accepted",
        ),
        "talks": record(ProposalFactory, [("ru", ROLE.PROPOSER)], proposal_kind="talks"),
        "exchange": record(ProposalFactory, proposal_kind="prisoner_exchange"),
        "plan": record(ProposalFactory, proposal_kind="peace_plan"),
    }
    responses = {
        (stance, kind): record(
            ResponseFactory,
            proposal=proposals[kind],
            responder=actors["ru"],
            stance=stance,
        )
        for stance in (
            "accepted",
            "conditional",
            "rejected",
            "dismissed",
            "countered",
            "welcomed",
            "considering",
        )
        for kind in ("called", "talks")
    }
    responses["accepted", "exchange"] = record(
        ResponseFactory, proposal=proposals["exchange"], responder=actors["ua"]
    )
    responses["rejected", "plan"] = record(
        ResponseFactory, proposal=proposals["plan"], responder=actors["ua"], stance="rejected"
    )
    delegations = [("ru", ROLE.DELEGATION), ("ua", ROLE.DELEGATION)]
    meetings = {
        "mediated": record(
            MeetingFactory,
            [("us", ROLE.MEDIATOR), *delegations, ("sa", ROLE.HOST)],
            meeting_format="parallel",
        ),
        "visit": record(MeetingFactory, [*delegations, ("ua", ROLE.HOST)]),
        "multilateral": record(
            MeetingFactory, [*delegations, ("sa", ROLE.HOST)], meeting_format="multilateral"
        ),
        "unhosted": record(MeetingFactory, delegations),
    }
    accusation = record(AccusationFactory, [("ru", ROLE.ACCUSER), ("ua", ROLE.ACCUSED)])
    return proposals, responses, meetings, accusation


EXPECTED_PROPOSALS = {
    "declared": shown("0871", "08", 2, "CONCEDE", None),
    "brokered": shown("0871", "08", 2, "CONCEDE", None),
    "agreed": shown("0871", "08", 2, "CONCEDE", None),
    "offered": shown("0256", "02", 1, "REQUEST", "yield"),
    "brokered-withdrawn": shown("0256", "02", 1, "REQUEST", "yield"),
    "called": shown("0256", "02", 1, "REQUEST", "yield"),
    "talks": shown("036", "03", 1, "AGREE", None),
    "exchange": shown("0253", "02", 1, "REQUEST", "yield"),
    "plan": shown("037", "03", 1, "AGREE", None),
}
EXPECTED_RESPONSES = {
    ("accepted", "called"): shown("0871", "08", 2, "CONCEDE", None),
    ("conditional", "called"): shown("0356", "03", 1, "CONCEDE", None),
    ("rejected", "called"): shown("1246", "12", 3, "REJECT", "yield"),
    ("dismissed", "called"): shown("1246", "12", 3, "REJECT", "yield"),
    ("countered", "called"): shown("1246", "12", 3, "REJECT", "yield"),
    ("welcomed", "called"): shown("051", "05", 1, "SUPPORT", None),
    ("considering", "called"): shown("014", "01", 1, None, None),
    ("accepted", "talks"): shown("036", "03", 1, "AGREE", None),
    ("conditional", "talks"): shown("036", "03", 1, "AGREE", None),
    ("rejected", "talks"): shown("125", "12", 3, "REJECT", "meet"),
    ("dismissed", "talks"): shown("125", "12", 3, "REJECT", "meet"),
    ("countered", "talks"): shown("125", "12", 3, "REJECT", "meet"),
    ("welcomed", "talks"): shown("051", "05", 1, "SUPPORT", None),
    ("considering", "talks"): shown("014", "01", 1, None, None),
    ("accepted", "exchange"): shown("0353", "03", 1, "CONCEDE", None),
    ("rejected", "plan"): shown("127", "12", 3, "REJECT", "meet"),
}
EXPECTED_MEETINGS = {
    "mediated": shown("045", "04", 1, "CONSULT", "third-party"),
    "visit": shown("046", "04", 1, "CONSULT", "visit"),
    "multilateral": shown("046", "04", 1, "CONSULT", "multilateral"),
    "unhosted": shown("046", "04", 1, "CONSULT", None),
}
EXPECTED_ACCUSATION = shown("112", "11", 3, "ACCUSE", "allege")


def expected_rows(world) -> dict[str, dict[int, dict]]:
    proposals, responses, meetings, accusation = world
    return {
        "proposals": {proposals[k].pk: v for k, v in EXPECTED_PROPOSALS.items()},
        "responses": {responses[k].pk: v for k, v in EXPECTED_RESPONSES.items()},
        "meetings": {meetings[k].pk: v for k, v in EXPECTED_MEETINGS.items()},
        "accusations": {accusation.pk: EXPECTED_ACCUSATION},
    }


ENDPOINTS = ["proposals", "responses", "meetings", "accusations"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_lists_json_rows_carry_each_records_codes(anonymous, world, endpoint):
    response = anonymous.get(f"{API}/{endpoint}/", {"page_size": 100})
    assert response.status_code == 200, response.content
    found = {row["id"]: row["codes"] for row in response.json()["results"]}
    assert found == expected_rows(world)[endpoint]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_lists_csv_rows_carry_each_records_codes_as_text(anonymous, world, endpoint):
    response = anonymous.get(
        f"{API}/{endpoint}/", {"page_size": 100, "format": "csv", "fields": "id,codes"}
    )
    assert response.status_code == 200, response.content
    header, *rows = csv.reader(io.StringIO(response.content.decode()))
    assert header == ["id", *(f"codes.{name}" for name in COLUMNS)]
    found = {int(row[0]): row[1:] for row in rows}
    as_text = {
        pk: ["" if value is None else str(value) for value in codes.values()]
        for pk, codes in expected_rows(world)[endpoint].items()
    }
    assert found == as_text


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_details_serializer_gives_the_codes_its_list_row_gives(anonymous, world, endpoint):
    rows = anonymous.get(f"{API}/{endpoint}/", {"page_size": 100}).json()["results"]
    for row in rows:
        detail = anonymous.get(f"{API}/{endpoint}/{row['id']}/")
        assert detail.status_code == 200, detail.content
        assert detail.json()["codes"] == row["codes"]
