"""Events count as changed when what their API rows show changes elsewhere."""

import datetime

import pytest

from events.models import Event
from tests.factories import ActorFactory, CitationFactory, ParticipantFactory, ProposalFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def age(*events):
    Event.objects.filter(pk__in=[e.pk for e in events]).update(updated_at=LONG_AGO)


def updated_at(event):
    return Event.objects.get(pk=event.pk).updated_at


def test_a_new_source_url_touches_the_events_citing_it():
    citation = CitationFactory()
    other = ProposalFactory()
    age(citation.event, other)
    citation.source.url = "https://news.example.org/moved"
    citation.source.save()
    assert updated_at(citation.event) > LONG_AGO
    assert updated_at(other) == LONG_AGO


def test_a_new_actor_slug_touches_the_events_naming_it():
    participant = ParticipantFactory()
    age(participant.event)
    participant.actor.slug = "renamed"
    participant.actor.save()
    assert updated_at(participant.event) > LONG_AGO


def test_other_changes_touch_nothing():
    participant = ParticipantFactory()
    citation = CitationFactory()
    age(participant.event, citation.event)
    participant.actor.description = "Longer description"
    participant.actor.save()
    citation.source.body = citation.source.body + " More."
    citation.source.save()
    assert updated_at(participant.event) == LONG_AGO
    assert updated_at(citation.event) == LONG_AGO
    ActorFactory()  # creating touches nothing either
    assert updated_at(participant.event) == LONG_AGO
