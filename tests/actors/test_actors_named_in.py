"""Actors named in a text: initials with their full stops ("U.S."), as written."""

from actors.services import actors_named_in
from tests.factories import ActorAliasFactory, ActorFactory


def test_initials_with_full_stops_name_their_actor(db):
    united_states = ActorFactory(name="United States", slug="united-states")
    ActorAliasFactory(actor=united_states, name="U.S.")
    hits = actors_named_in("U.S. officials met in Riyadh.")
    assert [(hit.actor.slug, hit.words) for hit in hits] == [("united-states", "U.S.")]


def test_initials_in_capitals_match_only_in_capitals(db):
    united_states = ActorFactory(name="United States", slug="united-states")
    ActorAliasFactory(actor=united_states, name="U.S.")
    assert actors_named_in("the u.s. and us") == []


def test_initials_without_their_last_full_stop_name_no_one(db):
    united_states = ActorFactory(name="United States", slug="united-states")
    ActorAliasFactory(actor=united_states, name="U.S.")
    assert actors_named_in("U.S officials") == []
