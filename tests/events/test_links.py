"""Links stay in their conflict, and a published record links only to published proposals.

Every link to a proposal (an accusation's and a response's ``proposal``, a meeting's
``produced`` and ``discussed``, a proposal's ``extends``, ``counters`` and ``replaces``) is
refused across conflicts by the model, the API and, on PostgreSQL, the database. The admin's
side is in tests/admin/test_evidence_admin.py.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from events import services
from events.models import Event, Meeting, Proposal, Response, ViolationAccusation
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ProposalFactory,
    ResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="the link triggers (migrations 0002 and 0006) are PostgreSQL's",
)

ENDPOINTS = {
    ViolationAccusation: "accusations",
    Response: "responses",
    Meeting: "meetings",
    Proposal: "proposals",
}
FACTORIES = {
    ViolationAccusation: AccusationFactory,
    Response: ResponseFactory,
    Meeting: MeetingFactory,
    Proposal: ProposalFactory,
}

# Every link a record makes to a proposal: (the linking kind, the field).
LINKS = [
    pytest.param(ViolationAccusation, "proposal", id="accusation-proposal"),
    pytest.param(Response, "proposal", id="response-proposal"),
    pytest.param(Meeting, "produced", id="meeting-produced"),
    pytest.param(Meeting, "discussed", id="meeting-discussed"),
    pytest.param(Proposal, "extends", id="proposal-extends"),
    pytest.param(Proposal, "counters", id="proposal-counters"),
    pytest.param(Proposal, "replaces", id="proposal-replaces"),
]
FOREIGN_KEY_LINKS = [link for link in LINKS if link.values[1] not in ("produced", "discussed")]


@pytest.fixture
def war():
    return ConflictFactory(name="Russia Ukraine War", slug="russia-ukraine-war")


@pytest.fixture
def other_war():
    return ConflictFactory(name="Israel Hamas War", slug="israel-hamas-war")


def is_m2m(model, field: str) -> bool:
    return model._meta.get_field(field).many_to_many


def linking(model, field: str, proposal, **fields):
    """A record of ``model`` in the proposal's conflict linking to it through ``field``."""
    fields.setdefault("conflict", proposal.conflict)
    if is_m2m(model, field):
        record = FACTORIES[model](**fields)
        getattr(record, field).add(proposal)
        return record
    if model is Response:
        fields.setdefault("responder", ActorFactory())
    return FACTORIES[model](**{field: proposal}, **fields)


def unlinked(model, conflict, **fields):
    """A record of ``model`` in ``conflict`` linking to nothing yet (a response must link: to a
    proposal of its own conflict)."""
    if model is Response:
        fields.setdefault("proposal", ProposalFactory(conflict=conflict))
    return FACTORIES[model](conflict=conflict, **fields)


def elsewhere_message(proposal) -> str:
    return (
        f"“{proposal}” belongs to another conflict ({proposal.conflict}): a record links only "
        "to proposals of its own conflict."
    )


def unpublished_message(proposal) -> str:
    return (
        f"“{proposal}” is {proposal.get_editorial_status_display().lower()}: a published "
        "record links only to published proposals."
    )


def write_body(model, conflict, field: str, proposal) -> dict:
    """A POST body for ``model`` that links to ``proposal`` through ``field``."""
    body = {"conflict": conflict.slug, "date": "2025-04-20", "title": "Linking record"}
    if model is Proposal:
        body["proposal_kind"] = "ceasefire"
    if model is Response:
        ActorFactory(slug="ukraine", name="Ukraine")
        body.update(responder="ukraine", stance="rejected")
    body[field] = [proposal.pk] if is_m2m(model, field) else proposal.pk
    return body


def run_deferred_checks() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def refused_by_database(write) -> None:
    with pytest.raises(IntegrityError, match="same_conflict"), transaction.atomic():
        write()
        run_deferred_checks()


# --- one conflict: the model ----------------------------------------------------------------


@pytest.mark.parametrize(("model", "field"), FOREIGN_KEY_LINKS)
def test_a_link_to_another_conflict_is_refused_by_full_clean_on_its_field(
    war, other_war, model, field
):
    proposal = ProposalFactory(conflict=other_war, title="Gaza truce")
    record = unlinked(model, war)
    setattr(record, field, proposal)

    with pytest.raises(ValidationError) as error:
        record.full_clean()

    assert error.value.message_dict == {field: [elsewhere_message(proposal)]}


@pytest.mark.parametrize(("model", "field"), FOREIGN_KEY_LINKS)
def test_a_link_within_the_conflict_is_clean(war, model, field):
    record = linking(model, field, ProposalFactory(conflict=war))

    record.full_clean()


# --- one conflict: the API --------------------------------------------------------------------


@pytest.mark.parametrize(("model", "field"), LINKS)
def test_a_post_linking_to_another_conflict_is_refused_on_the_field(
    editor_api, war, other_war, model, field
):
    proposal = ProposalFactory(conflict=other_war, title="Gaza truce")
    before = Event.objects.count()

    response = editor_api.post(
        f"/api/v1/{ENDPOINTS[model]}/", write_body(model, war, field, proposal), format="json"
    )

    assert response.status_code == 400, response.content
    assert response.json() == {field: [elsewhere_message(proposal)]}
    assert Event.objects.count() == before


@pytest.mark.parametrize(("model", "field"), LINKS)
def test_a_post_linking_within_the_conflict_is_created(editor_api, war, model, field):
    proposal = ProposalFactory(conflict=war)

    response = editor_api.post(
        f"/api/v1/{ENDPOINTS[model]}/", write_body(model, war, field, proposal), format="json"
    )

    assert response.status_code == 201, response.json()
    expected = [proposal.pk] if is_m2m(model, field) else proposal.pk
    assert response.json()[field] == expected


@pytest.mark.parametrize(("model", "field"), LINKS)
def test_a_patch_linking_to_another_conflict_is_refused_on_the_field(
    editor_api, war, other_war, model, field
):
    record = unlinked(model, war, title="Linking record")
    kept = getattr(record, field) if not is_m2m(model, field) else None
    proposal = ProposalFactory(conflict=other_war, title="Gaza truce")
    value = [proposal.pk] if is_m2m(model, field) else proposal.pk

    response = editor_api.patch(
        f"/api/v1/{ENDPOINTS[model]}/{record.pk}/",
        {"title": "Renamed", field: value},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert response.json() == {field: [elsewhere_message(proposal)]}
    record = model.objects.get(pk=record.pk)
    assert record.title == "Linking record"
    if is_m2m(model, field):
        assert not getattr(record, field).exists()
    else:
        assert getattr(record, field) == kept


@pytest.mark.parametrize("field", ["produced", "discussed"])
def test_moving_a_meeting_away_from_its_proposals_is_refused_by_the_api(
    editor_api, war, other_war, field
):
    proposal = ProposalFactory(conflict=war, title="Energy pause")
    meeting = linking(Meeting, field, proposal)

    response = editor_api.patch(
        f"/api/v1/meetings/{meeting.pk}/", {"conflict": other_war.slug}, format="json"
    )

    assert response.status_code == 400, response.content
    assert response.json() == {
        field: [
            f"“Energy pause” belongs to another conflict ({war}): a record links only to "
            "proposals of its own conflict."
        ]
    }
    assert Meeting.objects.get(pk=meeting.pk).conflict == war


# --- moving a proposal that records link to -------------------------------------------------


def moved_message(count: int) -> str:
    return (
        f"{count} record(s) linking to this proposal belong to its current conflict: a record "
        "and the proposals it links to are in one conflict."
    )


@pytest.mark.parametrize(("model", "field"), LINKS)
def test_moving_a_linked_proposal_is_refused_on_conflict_by_full_clean(
    war, other_war, model, field
):
    proposal = ProposalFactory(conflict=war)
    linking(model, field, proposal)
    linking(model, field, proposal)
    proposal.conflict = other_war

    with pytest.raises(ValidationError) as error:
        proposal.full_clean()

    assert error.value.message_dict == {"conflict": [moved_message(2)]}


@pytest.mark.parametrize(("model", "field"), LINKS)
def test_moving_a_linked_proposal_is_refused_on_conflict_by_the_api(
    editor_api, war, other_war, model, field
):
    proposal = ProposalFactory(conflict=war)
    linking(model, field, proposal)

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/", {"conflict": other_war.slug}, format="json"
    )

    assert response.status_code == 400, response.content
    assert response.json() == {"conflict": [moved_message(1)]}
    assert Proposal.objects.get(pk=proposal.pk).conflict == war


def test_moving_an_unlinked_proposal_is_allowed(editor_api, war, other_war):
    proposal = ProposalFactory(conflict=war)

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/", {"conflict": other_war.slug}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert Proposal.objects.get(pk=proposal.pk).conflict == other_war


# --- one conflict: the database (PostgreSQL) --------------------------------------------------


@postgresql_only
@pytest.mark.parametrize(("model", "field"), FOREIGN_KEY_LINKS)
def test_saving_a_link_to_another_conflict_is_refused_by_the_database(war, other_war, model, field):
    record = unlinked(model, war)
    setattr(record, field, ProposalFactory(conflict=other_war))

    refused_by_database(record.save)


@postgresql_only
@pytest.mark.parametrize(("model", "field"), FOREIGN_KEY_LINKS)
def test_creating_a_link_to_another_conflict_is_refused_by_the_database(
    war, other_war, model, field
):
    proposal = ProposalFactory(conflict=other_war)
    extra = {"responder": ActorFactory(), "stance": "accepted"} if model is Response else {}
    if model is Proposal:
        extra["proposal_kind"] = "ceasefire"

    refused_by_database(
        lambda: model.objects.create(
            conflict=war, date="2025-04-20", title="Linking", **{field: proposal}, **extra
        )
    )
    assert not model.objects.filter(title="Linking").exists()


@postgresql_only
@pytest.mark.parametrize("field", ["produced", "discussed"])
def test_adding_a_meetings_proposal_of_another_conflict_is_refused_by_the_database(
    war, other_war, field
):
    meeting = MeetingFactory(conflict=war)
    proposal = ProposalFactory(conflict=other_war)

    refused_by_database(lambda: getattr(meeting, field).add(proposal))
    refused_by_database(lambda: getattr(meeting, field).set([proposal]))
    refused_by_database(
        lambda: getattr(proposal, f"{field}_{'by' if field == 'produced' else 'at'}").add(meeting)
    )
    assert not getattr(meeting, field).exists()


@postgresql_only
@pytest.mark.parametrize(("model", "field"), FOREIGN_KEY_LINKS)
def test_updating_a_link_in_bulk_to_another_conflict_is_refused_by_the_database(
    war, other_war, model, field
):
    record = unlinked(model, war)
    proposal = ProposalFactory(conflict=other_war)

    refused_by_database(lambda: model.objects.filter(pk=record.pk).update(**{field: proposal}))


@postgresql_only
@pytest.mark.parametrize(("model", "field"), LINKS)
def test_moving_a_linked_proposal_is_checked_at_commit_by_the_database(
    war, other_war, model, field
):
    proposal = ProposalFactory(conflict=war)
    linking(model, field, proposal)

    with pytest.raises(IntegrityError, match="same_conflict"), transaction.atomic():
        # Deferred: the statement passes, the transaction does not.
        Event.objects.filter(pk=proposal.pk).update(conflict=other_war)
        assert Event.objects.get(pk=proposal.pk).conflict == other_war
        run_deferred_checks()
    assert Event.objects.get(pk=proposal.pk).conflict == war


@postgresql_only
@pytest.mark.parametrize(("model", "field"), LINKS)
def test_moving_a_linking_record_away_is_refused_by_the_database(war, other_war, model, field):
    record = linking(model, field, ProposalFactory(conflict=war))

    refused_by_database(lambda: Event.objects.filter(pk=record.pk).update(conflict=other_war))
    assert Event.objects.get(pk=record.pk).conflict == war


@postgresql_only
@pytest.mark.parametrize(("model", "field"), LINKS)
def test_moving_a_proposal_with_every_record_linking_to_it_is_allowed(war, other_war, model, field):
    proposal = ProposalFactory(conflict=war)
    records = [linking(model, field, proposal), linking(model, field, proposal)]
    moved = [proposal.pk, *(r.pk for r in records)]

    with transaction.atomic():
        Event.objects.filter(pk__in=moved).update(conflict=other_war)
        run_deferred_checks()

    assert set(Event.objects.filter(pk__in=moved).values_list("conflict", flat=True)) == {
        other_war.pk
    }


@postgresql_only
def test_moving_a_proposal_with_only_some_linking_records_is_refused(war, other_war):
    proposal = ProposalFactory(conflict=war)
    moving = AccusationFactory(conflict=war, proposal=proposal)
    MeetingFactory(conflict=war).produced.add(proposal)

    refused_by_database(
        lambda: Event.objects.filter(pk__in=[proposal.pk, moving.pk]).update(conflict=other_war)
    )


# --- a published record links only to published proposals -----------------------------------


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.IN_REVIEW])
@pytest.mark.parametrize(("model", "field"), FOREIGN_KEY_LINKS)
def test_a_published_record_linking_to_an_unpublished_proposal_is_refused_by_full_clean(
    war, model, field, status
):
    record = unlinked(model, war, editorial_status=Event.Status.PUBLISHED)
    if model is Response:
        Proposal.objects.filter(pk=record.proposal_id).update(editorial_status="published")
    proposal = ProposalFactory(conflict=war, title="Energy pause", editorial_status=status)
    setattr(record, field, proposal)

    with pytest.raises(ValidationError) as error:
        record.full_clean()

    assert error.value.message_dict == {field: [unpublished_message(proposal)]}


@pytest.mark.parametrize(("model", "field"), FOREIGN_KEY_LINKS)
def test_a_draft_may_link_to_a_draft_and_a_published_record_to_a_published_one(war, model, field):
    linking(model, field, ProposalFactory(conflict=war)).full_clean()
    published = ProposalFactory(conflict=war, editorial_status=Event.Status.PUBLISHED)
    linking(model, field, published, editorial_status=Event.Status.PUBLISHED).full_clean()


def published_linking(model, field: str, war):
    """A published record of ``model`` linking to a published proposal through ``field``."""
    proposal = ProposalFactory(conflict=war, editorial_status=Event.Status.PUBLISHED)
    return linking(model, field, proposal, editorial_status=Event.Status.PUBLISHED, title="Old")


@pytest.mark.parametrize(("model", "field"), LINKS)
def test_a_reviewer_relinking_a_published_record_to_a_draft_is_refused_by_the_api(
    reviewer_api, war, model, field
):
    record = published_linking(model, field, war)
    before = list(getattr(record, field).all()) if is_m2m(model, field) else getattr(record, field)
    draft = ProposalFactory(conflict=war, title="Energy pause")
    value = [draft.pk] if is_m2m(model, field) else draft.pk

    response = reviewer_api.patch(
        f"/api/v1/{ENDPOINTS[model]}/{record.pk}/", {"title": "New", field: value}, format="json"
    )

    assert response.status_code == 400, response.content
    assert response.json() == {field: [unpublished_message(draft)]}
    record = model.objects.get(pk=record.pk)
    assert record.title == "Old"
    after = list(getattr(record, field).all()) if is_m2m(model, field) else getattr(record, field)
    assert after == before


@pytest.mark.parametrize(("model", "field"), LINKS)
def test_a_reviewer_relinking_a_published_record_to_a_published_proposal_is_accepted(
    reviewer_api, war, model, field
):
    record = published_linking(model, field, war)
    other = ProposalFactory(conflict=war, editorial_status=Event.Status.PUBLISHED)
    value = [other.pk] if is_m2m(model, field) else other.pk

    response = reviewer_api.patch(
        f"/api/v1/{ENDPOINTS[model]}/{record.pk}/", {field: value}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()[field] == value


# --- retracting a proposal that published records link to ------------------------------------


def retract_refusal(proposal, records) -> str:
    names = "; ".join(
        f"“{r.title}” ({r.get_kind_display().lower()} {r.pk}, published)" for r in records
    )
    return (
        f"“{proposal.title}” was not retracted: published records link to it ({names}). "
        "Retract them or change their links first."
    )


@pytest.mark.parametrize(("model", "field"), LINKS)
def test_retracting_a_proposal_published_records_link_to_is_a_409_naming_them(
    reviewer_api, war, model, field
):
    proposal = CitationFactory(
        event=ProposalFactory(
            conflict=war, title="Easter truce", editorial_status=Event.Status.PUBLISHED
        )
    ).event
    record = linking(model, field, proposal, title="Kyiv", editorial_status="published")
    linking(model, field, proposal, title="Draft", editorial_status="draft")

    response = reviewer_api.post(f"/api/v1/proposals/{proposal.pk}/retract/")

    assert response.status_code == 409, response.content
    assert response.json() == {"detail": retract_refusal(proposal, [record])}
    assert Event.objects.get(pk=proposal.pk).editorial_status == Event.Status.PUBLISHED

    assert reviewer_api.post(f"/api/v1/{ENDPOINTS[model]}/{record.pk}/retract/").status_code == 200
    response = reviewer_api.post(f"/api/v1/proposals/{proposal.pk}/retract/")

    assert response.status_code == 200, response.content
    assert response.json()["editorial_status"] == "retracted"


def test_the_refusal_names_every_published_record_in_date_order(war):
    reviewer = UserFactory(username="reviewer", groups=["Reviewers"])
    proposal = ProposalFactory(conflict=war, title="Easter truce", editorial_status="published")
    later = AccusationFactory(
        conflict=war,
        proposal=proposal,
        title="Shelling",
        date="2025-04-22",
        editorial_status="published",
    )
    earlier = MeetingFactory(
        conflict=war, title="Riyadh talks", date="2025-04-21", editorial_status="published"
    )
    earlier.discussed.add(proposal)

    result = services.change_status([proposal], "retract", reviewer)

    assert (result.changed, result.skipped) == (
        0,
        [
            retract_refusal(
                proposal, [Event.objects.get(pk=earlier.pk), Event.objects.get(pk=later.pk)]
            )
        ],
    )


def test_retracting_a_proposal_together_with_its_linking_records_retracts_all(war):
    reviewer = UserFactory(username="reviewer", groups=["Reviewers"])
    proposal = ProposalFactory(conflict=war, title="Easter truce", editorial_status="published")
    accusation = AccusationFactory(conflict=war, proposal=proposal, editorial_status="published")

    result = services.change_status([proposal, accusation], "retract", reviewer)

    assert (result.changed, result.skipped) == (2, [])
