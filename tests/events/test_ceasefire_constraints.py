"""The rules between a proposal's ceasefire fields, kept by the database and named to the
editor by full_clean (each constraint's message, on its field)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from tests.factories import ActorFactory, ProposalFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 4, 20)
NEXT = DAY + datetime.timedelta(days=1)
BEFORE = DAY - datetime.timedelta(days=1)
ACCEPTED = {"outcome": "accepted"}


def refused(field: str, **fields) -> None:
    """Refused by full_clean, naming ``field``, and by the database."""
    proposal = ProposalFactory.build(conflict=ProposalFactory().conflict, **fields)
    with pytest.raises(ValidationError) as error:
        proposal.full_clean()
    assert field in error.value.message_dict, error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal.save()


def accepted(**fields) -> None:
    proposal = ProposalFactory.build(conflict=ProposalFactory().conflict, **fields)
    proposal.full_clean()
    proposal.save()


@pytest.mark.parametrize("agreed_on", [BEFORE, DAY])
def test_it_may_be_agreed_until_the_day_it_ended(agreed_on):
    accepted(agreed_on=agreed_on, ended_on=DAY, **ACCEPTED)


def test_it_cannot_be_agreed_after_it_ended():
    refused("agreed_on", agreed_on=NEXT, ended_on=DAY, **ACCEPTED)


def test_a_truce_kept_first_may_be_agreed_after_it_took_effect():
    accepted(effective_from=BEFORE, agreed_on=DAY, **ACCEPTED)


def test_an_agreement_that_never_took_effect_has_a_date_and_no_effective_one():
    accepted(agreed_on=DAY, **ACCEPTED)


def test_a_unilateral_truce_is_not_agreed():
    refused("agreed_on", agreed_on=DAY, arrangement="unilateral", **ACCEPTED)
    for arrangement in ["bilateral", "multilateral", ""]:
        accepted(agreed_on=DAY, arrangement=arrangement, **ACCEPTED)


@pytest.mark.parametrize("outcome", ["proposed", "under_consideration", "rejected"])
def test_an_agreed_proposal_is_not_only_proposed_or_rejected(outcome):
    refused("agreed_on", agreed_on=DAY, outcome=outcome)


@pytest.mark.parametrize(
    "outcome",
    ["accepted", "partially_accepted", "in_effect", "expired", "collapsed", "withdrawn"],
)
def test_an_agreed_proposal_may_have_any_later_outcome(outcome):
    accepted(agreed_on=DAY, outcome=outcome)


def test_a_verbal_arrangement_has_no_text():
    url = "https://agreements.example.org/1"
    refused("text_url", written="verbal", text_url=url)
    accepted(written="written", text_url=url)
    accepted(written="", text_url=url)
    accepted(written="verbal")


def test_a_text_url_is_a_url():
    proposal = ProposalFactory.build(conflict=ProposalFactory().conflict, text_url="no url")
    with pytest.raises(ValidationError) as error:
        proposal.full_clean()
    assert list(error.value.message_dict) == ["text_url"]


@pytest.mark.parametrize(
    "ended",
    [
        {"ended_on": DAY, **ACCEPTED},
        {"end_reason": "withdrawn", **ACCEPTED},
        {"outcome": "withdrawn"},
        {"outcome": "collapsed"},
    ],
)
def test_who_ended_it_is_given_once_it_ended(ended):
    accepted(ended_by=ActorFactory(), **ended)


def test_who_ended_it_is_not_given_while_it_holds():
    refused("ended_by", ended_by=ActorFactory(), outcome="in_effect")


def test_an_actor_who_ended_a_proposal_cannot_be_deleted():
    actor = ActorFactory()
    ProposalFactory(ended_by=actor, outcome="collapsed")
    with pytest.raises(ProtectedError):
        actor.delete()
