"""A conflict of its own for the suggestion tests: Sudan's army against the Rapid Support
Forces, with mediators, so that no test leans on the seed article's words."""

import datetime
from dataclasses import dataclass

import pytest

from actors.models import Actor
from events.suggest import suggest_for_source
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    AffiliationFactory,
    ConflictFactory,
    SourceFactory,
)

# A Wednesday.
PUBLISHED = datetime.datetime(2023, 5, 17, 9, 0, tzinfo=datetime.UTC)


@dataclass
class World:
    army: Actor
    rsf: Actor
    burhan: Actor
    dagalo: Actor
    egypt: Actor
    united_states: Actor
    saudi_arabia: Actor
    outlet: Actor
    conflict: object


@pytest.fixture
def world(db) -> World:
    army = ActorFactory(name="Sudanese Armed Forces", slug="saf", kind=Actor.Kind.ARMED_GROUP)
    rsf = ActorFactory(name="Rapid Support Forces", slug="rsf", kind=Actor.Kind.ARMED_GROUP)
    ActorAliasFactory(actor=army, name="the army")
    ActorAliasFactory(actor=army, name="SAF")
    ActorAliasFactory(actor=rsf, name="RSF")
    burhan = ActorFactory(
        name="Abdel Fattah al-Burhan", slug="abdel-fattah-al-burhan", kind=Actor.Kind.PERSON
    )
    ActorAliasFactory(actor=burhan, name="Burhan")
    dagalo = ActorFactory(
        name="Mohamed Hamdan Dagalo", slug="mohamed-hamdan-dagalo", kind=Actor.Kind.PERSON
    )
    ActorAliasFactory(actor=dagalo, name="Hemedti")
    AffiliationFactory(person=burhan, organization=army, role="Commander")
    AffiliationFactory(person=dagalo, organization=rsf, role="Commander")
    egypt = ActorFactory(name="Egypt", slug="egypt", country="EGY")
    ActorAliasFactory(actor=egypt, name="Egyptian")
    united_states = ActorFactory(name="United States", slug="united-states", country="USA")
    ActorAliasFactory(actor=united_states, name="Washington")
    saudi_arabia = ActorFactory(name="Saudi Arabia", slug="saudi-arabia", country="SAU")
    outlet = ActorFactory(name="Sudan Tribune", slug="sudan-tribune", kind=Actor.Kind.MEDIA)
    conflict = ConflictFactory(
        name="Sudan war", slug="sudan-war", start_date=datetime.date(2023, 4, 15)
    )
    conflict.parties.set([army, rsf])
    return World(army, rsf, burhan, dagalo, egypt, united_states, saudi_arabia, outlet, conflict)


@pytest.fixture
def suggest(world):
    """The records suggested for a text published on ``PUBLISHED`` (or ``published``)."""

    def suggest(body: str, published=PUBLISHED):
        source = SourceFactory(body=body, published_at=published)
        return suggest_for_source(source)

    return suggest


def records(suggestions, kind: str | None = None) -> list[dict]:
    return [r for r in suggestions.records if kind is None or r["kind"] == kind]


@pytest.fixture
def gaza(db):
    """The actors of tests/suggest/gold_unseen_article.json."""
    israel = ActorFactory(name="Israel", slug="israel", country="ISR")
    ActorAliasFactory(actor=israel, name="Israeli")
    hamas = ActorFactory(name="Hamas", slug="hamas", kind=Actor.Kind.ARMED_GROUP)
    netanyahu = ActorFactory(name="Benjamin Netanyahu", slug="benjamin-netanyahu", kind="person")
    AffiliationFactory(person=netanyahu, organization=israel, role="Prime Minister")
    qatar = ActorFactory(name="Qatar", slug="qatar", country="QAT")
    ActorAliasFactory(actor=qatar, name="Qatari")
    egypt = ActorFactory(name="Egypt", slug="egypt", country="EGY")
    ActorAliasFactory(actor=egypt, name="Egyptian")
    ActorFactory(name="United States", slug="united-states", country="USA")
    conflict = ConflictFactory(
        name="Israel–Hamas war", slug="israel-hamas-war", start_date=datetime.date(2023, 10, 7)
    )
    conflict.parties.set([israel, hamas])
    return conflict
