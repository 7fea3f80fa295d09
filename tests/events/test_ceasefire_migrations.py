"""The data migrations of the proposals' ceasefire fields, run on rows written before them and
reversed (tests/migrator.py)."""

import datetime

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_ARRANGEMENT = ("events", "0012_source_body_permission")
ARRANGEMENT = ("events", "0013_arrangement")
DAY = datetime.date(2025, 4, 19)


def old_proposal(apps, conflict, title: str, **fields):
    """A proposal and one version of it in the history, as the models of ``apps`` write them
    (without the app's save(): its derived columns set here)."""
    proposal = apps.get_model("events", "Proposal").objects.create(
        kind="proposal",
        conflict=conflict,
        date=DAY,
        period_end=DAY,
        title=title,
        proposal_kind="ceasefire",
        **fields,
    )
    apps.get_model("events", "HistoricalProposal").objects.create(
        id=proposal.pk,
        event_ptr_id=proposal.pk,
        kind="proposal",
        conflict_id=conflict.pk,
        date=DAY,
        period_end=DAY,
        title=title,
        proposal_kind="ceasefire",
        created_at=timezone.now(),
        updated_at=timezone.now(),
        history_date=timezone.now(),
        history_type="+",
        **fields,
    )
    return proposal.pk


def arrangements(apps) -> tuple[dict, dict]:
    """Each proposal's arrangement by title, in the table and in its history."""
    rows = apps.get_model("events", "Proposal").objects.values_list("title", "arrangement")
    history = apps.get_model("events", "HistoricalProposal").objects.values_list(
        "title", "arrangement"
    )
    return dict(rows), dict(history)


def test_a_unilateral_flag_becomes_the_unilateral_arrangement_and_back(migrator):
    old = migrator.before(BEFORE_ARRANGEMENT)
    conflict = old.get_model("events", "Conflict").objects.create(slug="war", name="War")
    old_proposal(old, conflict, "Declared", unilateral=True)
    old_proposal(old, conflict, "Offered", unilateral=False)

    new = migrator.after(ARRANGEMENT)
    expected = {"Declared": "unilateral", "Offered": ""}
    assert arrangements(new) == (expected, expected)

    # Coded since: only the unilateral arrangement sets the flag.
    Proposal = new.get_model("events", "Proposal")
    Proposal.objects.filter(title="Offered").update(arrangement="bilateral")
    Proposal.objects.filter(title="Declared").update(arrangement="unilateral")
    old = migrator.before(BEFORE_ARRANGEMENT)
    flags = old.get_model("events", "Proposal").objects.values_list("title", "unilateral")
    history = old.get_model("events", "HistoricalProposal").objects.values_list(
        "title", "unilateral"
    )
    assert dict(flags) == {"Declared": True, "Offered": False}
    assert dict(history) == {"Declared": True, "Offered": False}
