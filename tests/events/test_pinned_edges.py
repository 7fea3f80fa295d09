"""Behaviours at the edges of the model and the workflow that nothing else would notice
breaking: field validation of conflicts, affiliates on the day, blank quotes, the length of a
refusal, and which citations a new article text rewrites."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from actors.models import Actor
from events import services
from events.models import Citation, Conflict, Event, Proposal
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    AffiliationFactory,
    CitationFactory,
    ParticipantFactory,
    ProposalFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_conflicts_own_fields_are_validated():
    conflict = Conflict(name="Russia–Ukraine war", slug="not a slug!")
    with pytest.raises(ValidationError) as error:
        conflict.full_clean()
    assert list(error.value.message_dict) == ["slug"]


def test_a_conflict_without_a_name_gets_no_slug_from_it():
    conflict = Conflict(name="", slug="")
    with pytest.raises(ValidationError) as error:
        conflict.full_clean()
    assert list(error.value.message_dict) == ["name"]
    assert conflict.slug == ""


def test_an_affiliate_counts_only_on_the_days_they_were_affiliated_whoever_else_was():
    """Russia's side on a day is the people affiliated with Russia on that day: Putin's 2010
    offer is not Russia's when Medvedev, not Putin, was its president."""
    russia = ActorFactory(name="Russia", slug="russia")
    putin = ActorFactory(name="Putin", slug="putin", kind=Actor.Kind.PERSON)
    medvedev = ActorFactory(name="Medvedev", slug="medvedev", kind=Actor.Kind.PERSON)
    AffiliationFactory(
        person=putin,
        organization=russia,
        start_date=datetime.date(2000, 5, 7),
        end_date=datetime.date(2008, 5, 7),
    )
    AffiliationFactory(
        person=medvedev,
        organization=russia,
        start_date=datetime.date(2008, 5, 7),
        end_date=datetime.date(2012, 5, 7),
    )
    offer = ProposalFactory(title="Putin's 2010 offer", date=datetime.date(2010, 3, 1))
    ParticipantFactory(event=offer, actor=putin, role="proposer")
    earlier = ProposalFactory(title="Putin's 2005 offer", date=datetime.date(2005, 3, 1))
    ParticipantFactory(event=earlier, actor=putin, role="proposer")

    found = Event.objects.involving([russia], include_affiliates=True)

    assert set(found.values_list("title", flat=True)) == {"Putin's 2005 offer"}


def test_a_blank_quote_is_refused_as_blank_only():
    citation = Citation(event=ProposalFactory(), source=SourceFactory(), quote="")
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert error.value.message_dict["quote"] == ["This field cannot be blank."]


def test_a_retraction_refusal_names_the_first_five_published_records_linking_to_it():
    reviewer = UserFactory(username="reviewer", groups=["Reviewers"])
    proposal = ProposalFactory(title="Easter truce", editorial_status="published")
    for day in range(1, 7):
        AccusationFactory(
            conflict=proposal.conflict,
            proposal=proposal,
            title=f"Shelling {day}",
            date=datetime.date(2025, 4, day),
            editorial_status="published",
        )

    result = services.change_status([proposal], "retract", reviewer)

    assert result.changed == 0
    (message,) = result.skipped
    assert [f"Shelling {day}" in message for day in range(1, 7)] == [True] * 5 + [False]


def test_a_new_text_rewrites_only_the_citations_whose_words_changed():
    source = SourceFactory(body="They agreed to a “30-day truce”. Talks follow on Monday.")
    proposal = ProposalFactory()
    respelled = CitationFactory(event=proposal, source=source, quote="“30-day truce”")
    unchanged = CitationFactory(event=proposal, source=source, quote="Talks follow")
    before = {c.pk: c.history.count() for c in (respelled, unchanged)}

    source.body = 'They agreed to a "30-day truce". Talks follow on Monday.'
    source.full_clean()
    source.save()

    respelled.refresh_from_db()
    assert respelled.quote == '"30-day truce"'
    assert respelled.history.count() == before[respelled.pk] + 1
    assert unchanged.history.count() == before[unchanged.pk]


def test_an_article_text_saved_without_validation_leaves_orphaned_quotes_as_typed():
    source = SourceFactory(body="They agreed to a “30-day truce”.")
    citation = CitationFactory(source=source, quote="30-day truce")

    source.body = "A different article."
    source.save()  # no full_clean(): nothing re-anchors a quote that no longer occurs

    citation.refresh_from_db()
    assert citation.quote == "30-day truce"


@pytest.mark.parametrize("outcome", ["proposed", "under_consideration", "rejected", "withdrawn"])
def test_an_offer_that_never_took_effect_is_not_in_effect_whatever_its_dates(outcome):
    day = datetime.date(2025, 4, 20)
    ProposalFactory(outcome=outcome, proposed_start=day, effective_from=day)
    ProposalFactory(outcome=outcome, proposed_start=day)
    assert not Proposal.objects.in_effect_on(day).exists()
