"""The analysts' aggregates per conflict: counts by kind and month, the accusation matrix."""

import datetime

import pytest

from events.models import Event, Participant
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

PUBLISHED = Event.Status.PUBLISHED


@pytest.fixture
def war(db):
    return ConflictFactory(slug="russia-ukraine-war", name="Russia Ukraine War")


@pytest.fixture
def actors(db):
    return {slug: ActorFactory(slug=slug) for slug in ("russia", "ukraine", "belarus", "poland")}


def accusation(conflict, date, accusers, accused, **fields):
    fields.setdefault("editorial_status", PUBLISHED)
    event = AccusationFactory(conflict=conflict, date=date, **fields)
    for actor in accusers:
        ParticipantFactory(event=event, actor=actor, role=Participant.Role.ACCUSER)
    for actor in accused:
        ParticipantFactory(event=event, actor=actor, role=Participant.Role.ACCUSED)
    return event


def test_counts_published_events_by_kind_and_month(anonymous, war):
    march, april = datetime.date(2025, 3, 11), datetime.date(2025, 4, 20)
    proposal = ProposalFactory(conflict=war, date=march, editorial_status=PUBLISHED)
    ProposalFactory(conflict=war, date=datetime.date(2025, 3, 30), editorial_status=PUBLISHED)
    ResponseFactory(conflict=war, date=march, proposal=proposal, editorial_status=PUBLISHED)
    MeetingFactory(conflict=war, date=april, editorial_status=PUBLISHED)
    # A month-precision date counts in its month.
    AccusationFactory(
        conflict=war,
        date=datetime.date(2025, 4, 1),
        date_precision="month",
        editorial_status=PUBLISHED,
    )
    # Not counted: drafts, records in review, retracted ones, and other conflicts.
    ProposalFactory(conflict=war, date=march)
    MeetingFactory(conflict=war, date=april, editorial_status=Event.Status.IN_REVIEW)
    AccusationFactory(conflict=war, date=april, editorial_status=Event.Status.RETRACTED)
    ProposalFactory(conflict=ConflictFactory(slug="other"), date=march, editorial_status=PUBLISHED)

    response = anonymous.get("/api/v1/conflicts/russia-ukraine-war/counts/")

    assert response.status_code == 200
    assert response.json() == {
        "conflict": "russia-ukraine-war",
        "counts": [
            {"month": "2025-03", "kind": "proposal", "count": 2},
            {"month": "2025-03", "kind": "response", "count": 1},
            {"month": "2025-04", "kind": "accusation", "count": 1},
            {"month": "2025-04", "kind": "meeting", "count": 1},
        ],
    }


def test_counts_within_a_period(analyst, war):
    for month in (1, 2, 3):
        ProposalFactory(
            conflict=war, date=datetime.date(2025, month, 15), editorial_status=PUBLISHED
        )

    response = analyst.get(
        "/api/v1/conflicts/russia-ukraine-war/counts/",
        {"date_after": "2025-02-01", "date_before": "2025-02-28"},
    )

    assert response.status_code == 200
    assert response.json()["counts"] == [{"month": "2025-02", "kind": "proposal", "count": 1}]


def test_counts_of_a_conflict_without_events(anonymous, war):
    response = anonymous.get("/api/v1/conflicts/russia-ukraine-war/counts/")

    assert response.json() == {"conflict": "russia-ukraine-war", "counts": []}


def test_the_accusation_matrix_counts_pairs_within_the_period(anonymous, war, actors):
    russia, ukraine, belarus, poland = (
        actors[s] for s in ("russia", "ukraine", "belarus", "poland")
    )
    accusation(war, datetime.date(2025, 3, 18), [ukraine], [russia])
    accusation(war, datetime.date(2025, 3, 25), [ukraine], [russia])
    accusation(war, datetime.date(2025, 3, 20), [russia], [ukraine])
    # Two accusers and two accused: four pairs.
    accusation(war, datetime.date(2025, 4, 2), [ukraine, poland], [russia, belarus])
    # "March 2025" overlaps a period starting on the 15th.
    accusation(war, datetime.date(2025, 3, 1), [russia], [ukraine], date_precision="month")
    # Not counted: outside the period, unpublished, another conflict, not an accusation.
    accusation(war, datetime.date(2025, 3, 14), [ukraine], [russia])
    accusation(war, datetime.date(2025, 4, 16), [ukraine], [russia])
    accusation(war, datetime.date(2025, 3, 20), [ukraine], [russia], editorial_status="draft")
    accusation(ConflictFactory(slug="other"), datetime.date(2025, 3, 20), [poland], [belarus])
    proposal = ProposalFactory(
        conflict=war, date=datetime.date(2025, 3, 20), editorial_status=PUBLISHED
    )
    ParticipantFactory(event=proposal, actor=russia, role=Participant.Role.PROPOSER)

    response = anonymous.get(
        "/api/v1/conflicts/russia-ukraine-war/accusation-matrix/",
        {"date_after": "2025-03-15", "date_before": "2025-04-15"},
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "conflict": "russia-ukraine-war",
        "accusers": ["poland", "russia", "ukraine"],
        "accused": ["belarus", "russia", "ukraine"],
        "matrix": [
            {"accuser": "poland", "accused": "belarus", "count": 1},
            {"accuser": "poland", "accused": "russia", "count": 1},
            {"accuser": "russia", "accused": "ukraine", "count": 2},
            {"accuser": "ukraine", "accused": "belarus", "count": 1},
            {"accuser": "ukraine", "accused": "russia", "count": 3},
        ],
    }


def test_the_accusation_matrix_without_a_period_covers_everything(anonymous, war, actors):
    accusation(war, datetime.date(2023, 1, 1), [actors["ukraine"]], [actors["russia"]])
    accusation(war, datetime.date(2025, 1, 1), [actors["ukraine"]], [actors["russia"]])

    response = anonymous.get("/api/v1/conflicts/russia-ukraine-war/accusation-matrix/")

    assert response.json()["matrix"] == [{"accuser": "ukraine", "accused": "russia", "count": 2}]


@pytest.mark.parametrize("endpoint", ["counts", "accusation-matrix"])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_after": "2025-02-30"}, "date_after"),
        ({"date_before": "last week"}, "date_before"),
        ({"date_after": "2025-03-01", "date_before": "2025-04-31"}, "date_before"),
    ],
)
def test_a_bad_date_is_a_400_naming_the_field(anonymous, war, endpoint, params, field):
    response = anonymous.get(f"/api/v1/conflicts/russia-ukraine-war/{endpoint}/", params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("endpoint", ["counts", "accusation-matrix"])
def test_an_unknown_conflict_is_not_found(anonymous, war, endpoint):
    response = anonymous.get(f"/api/v1/conflicts/no-such-war/{endpoint}/")

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("persona", ["anonymous", "editor_api"])
def test_aggregates_describe_the_public_record_for_every_reader(request, persona, war, actors):
    client = request.getfixturevalue(persona)
    day = datetime.date(2025, 4, 20)
    accusation(war, day, [actors["russia"]], [actors["ukraine"]])
    accusation(war, day, [actors["ukraine"]], [actors["russia"]], editorial_status="draft")
    counts = client.get(f"/api/v1/conflicts/{war.slug}/counts/").json()["counts"]
    matrix = client.get(f"/api/v1/conflicts/{war.slug}/accusation-matrix/").json()["matrix"]
    assert counts == [{"month": "2025-04", "kind": "accusation", "count": 1}]
    assert matrix == [{"accuser": "russia", "accused": "ukraine", "count": 1}]
