"""A proposal's purposes: a list of known purposes, each once, stored in the choices' order;
the migration that made the single purpose a list, forward and back (tests/migrator.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.models import Proposal
from tests.factories import ProposalFactory

DAY = datetime.date(2025, 4, 19)
BEFORE = ("events", "0018_proposal_exact_times")
AFTER = ("events", "0019_proposal_purposes")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "purposes,message",
    [
        (["holiday", "truce"], "Unknown purpose: truce."),
        (["holiday", "holiday"], "A purpose is listed twice."),
        ("holiday", "Give the purposes as a list"),
        ([1], "Give the purposes as a list"),
        ({"holiday": True}, "Give the purposes as a list"),
    ],
)
def test_purposes_other_than_a_list_of_known_ones_each_once_are_refused_on_the_field(
    purposes, message
):
    proposal = ProposalFactory.build(conflict=ProposalFactory().conflict, purposes=purposes)

    with pytest.raises(ValidationError) as refusal:
        proposal.full_clean()

    assert message in " ".join(refusal.value.message_dict["purposes"])


@pytest.mark.django_db
def test_purposes_are_stored_in_the_choices_order_and_none_is_an_empty_list():
    several = ProposalFactory(purposes=["other", "holiday", "humanitarian"])
    none = ProposalFactory()

    several.refresh_from_db()
    none.refresh_from_db()
    assert several.purposes == ["humanitarian", "holiday", "other"]
    assert none.purposes == []


@pytest.mark.django_db
def test_every_purpose_together_is_valid():
    proposal = ProposalFactory(purposes=list(reversed(Proposal.Purpose.values)))

    proposal.full_clean()
    assert proposal.purposes == Proposal.Purpose.values


def old_proposal(apps, conflict, title: str, purpose: str) -> None:
    fields = {
        "kind": "proposal",
        "date": DAY,
        "period_end": DAY,
        "title": title,
        "proposal_kind": "ceasefire",
        "purpose": purpose,
    }
    proposal = apps.get_model("events", "Proposal").objects.create(conflict=conflict, **fields)
    apps.get_model("events", "HistoricalProposal").objects.create(
        id=proposal.pk,
        event_ptr_id=proposal.pk,
        conflict_id=conflict.pk,
        created_at=timezone.now(),
        updated_at=timezone.now(),
        history_date=timezone.now(),
        history_type="+",
        **fields,
    )


def by_title(apps, field: str) -> tuple[dict, dict]:
    rows = apps.get_model("events", "Proposal").objects.values_list("title", field)
    history = apps.get_model("events", "HistoricalProposal").objects.values_list("title", field)
    return dict(rows), dict(history)


@pytest.mark.django_db(transaction=True)
def test_the_single_purpose_becomes_a_list_of_it_and_back(migrator):
    old = migrator.before(BEFORE)
    conflict = old.get_model("events", "Conflict").objects.create(slug="war", name="War")
    old_proposal(old, conflict, "Easter", "holiday")
    old_proposal(old, conflict, "Uncoded", "")

    new = migrator.after(AFTER)
    expected = {"Easter": ["holiday"], "Uncoded": []}
    assert by_title(new, "purposes") == (expected, expected)

    # Coded with several since: back, the first in the choices' order is kept.
    Proposal = new.get_model("events", "Proposal")
    Proposal.objects.filter(title="Uncoded").update(purposes=["humanitarian", "election"])
    old = migrator.before(BEFORE)
    assert by_title(old, "purpose")[0] == {"Easter": "holiday", "Uncoded": "humanitarian"}
