"""The invariants of the domain model hold in the database, not only in forms."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from actors.models import Actor, ActorAlias
from events.models import Participant, Proposal, Response, Source
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    AffiliationFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused_by_database(save):
    with pytest.raises(IntegrityError), transaction.atomic():
        save()
        if connection.vendor == "postgresql":
            # Deferred checks (a response's conflict) run at commit; run them now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_proposed_end_before_start_is_refused():
    proposal = ProposalFactory.build(
        conflict=ConflictFactory(),
        proposed_start=datetime.date(2025, 4, 20),
        proposed_end=datetime.date(2025, 4, 19),
    )
    with pytest.raises(ValidationError) as error:
        proposal.full_clean()
    assert "The proposed end cannot be before the proposed start." in str(error.value)
    assert_refused_by_database(proposal.save)


def test_ended_before_effective_is_refused():
    proposal = ProposalFactory()
    proposal.effective_from = datetime.date(2025, 4, 20)
    proposal.ended_on = datetime.date(2025, 4, 1)
    with pytest.raises(ValidationError, match="cannot have ended before it took effect"):
        proposal.full_clean()
    assert_refused_by_database(proposal.save)


def test_meeting_end_before_date_is_refused():
    meeting = MeetingFactory()
    meeting.end_date = meeting.date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="end date cannot be before the date"):
        meeting.full_clean()
    assert_refused_by_database(meeting.save)


@pytest.mark.parametrize("hours", [0])
def test_duration_must_be_positive(hours):
    proposal = ProposalFactory()
    proposal.duration_hours = hours
    with pytest.raises(ValidationError, match="more than zero hours"):
        proposal.full_clean()
    assert_refused_by_database(proposal.save)


def test_talks_format_only_on_talks():
    proposal = ProposalFactory(proposal_kind=Proposal.ProposalKind.CEASEFIRE)
    proposal.talks_format = Proposal.TalksFormat.BILATERAL
    with pytest.raises(ValidationError, match="applies only to proposals of talks"):
        proposal.full_clean()
    assert_refused_by_database(proposal.save)
    talks = ProposalFactory(proposal_kind="talks", talks_format="bilateral")
    talks.full_clean()


def test_accuser_cannot_be_the_accused():
    accusation = AccusationFactory()
    russia = ActorFactory(name="Russia")
    ParticipantFactory(event=accusation, actor=russia, role=Participant.Role.ACCUSER)
    accused = Participant(event=accusation, actor=russia, role=Participant.Role.ACCUSED)
    with pytest.raises(ValidationError, match="An accuser cannot also be the accused"):
        accused.full_clean()
    assert_refused_by_database(accused.save)


def test_same_role_twice_is_refused():
    proposal = ProposalFactory()
    actor = ActorFactory()
    ParticipantFactory(event=proposal, actor=actor, role="proposer")
    assert_refused_by_database(
        lambda: Participant.objects.create(event=proposal, actor=actor, role="proposer")
    )


def test_response_to_proposal_of_another_conflict_is_refused():
    proposal = ProposalFactory(conflict=ConflictFactory(name="First"))
    response = ResponseFactory.build(
        conflict=ConflictFactory(name="Second"), proposal=proposal, responder=ActorFactory()
    )
    with pytest.raises(ValidationError) as error:
        response.full_clean()
    assert "proposal" in error.value.message_dict
    assert_refused_by_database(response.save)


def test_moving_a_proposal_to_another_conflict_with_responses_is_refused():
    response = ResponseFactory()
    proposal = response.proposal
    proposal.conflict = ConflictFactory(name="Elsewhere")
    assert_refused_by_database(proposal.save)


def test_source_url_is_unique_after_normalization():
    SourceFactory(url="https://news.example.org/a?id=7&utm_source=feed#top")
    duplicate = Source(title="Again", url="https://NEWS.example.org/a?id=7&fbclid=abc")
    with pytest.raises(ValidationError, match="A source with this URL already exists"):
        duplicate.full_clean()
    assert duplicate.url == "https://news.example.org/a?id=7"
    assert_refused_by_database(duplicate.save)


def test_sources_without_url_may_coexist():
    SourceFactory(url="")
    SourceFactory(url="")
    assert Source.objects.filter(url="").count() == 2


def test_alias_is_unique_ignoring_case():
    russia = ActorFactory(name="Russia")
    ActorAlias.objects.create(actor=russia, name="Moscow")
    duplicate = ActorAlias(actor=ActorFactory(name="Other"), name="MOSCOW")
    with pytest.raises(ValidationError, match="This alias already names an actor"):
        duplicate.full_clean()
    assert_refused_by_database(duplicate.save)


def test_affiliation_end_before_start_is_refused():
    affiliation = AffiliationFactory.build(
        person=ActorFactory(kind="person"),
        organization=ActorFactory(),
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2019, 1, 1),
    )
    with pytest.raises(ValidationError, match="end date cannot be before the start date"):
        affiliation.full_clean()
    assert_refused_by_database(affiliation.save)


def test_wikidata_id_is_validated_and_unique():
    ActorFactory(name="Russia", wikidata_id="Q159")
    bad = Actor(slug="bad", name="Bad", kind="state", wikidata_id="159")
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "wikidata_id" in error.value.message_dict
    duplicate = Actor(slug="dup", name="Dup", kind="state", wikidata_id="Q159")
    with pytest.raises(ValidationError, match="already has this Wikidata ID"):
        duplicate.full_clean()
    assert_refused_by_database(duplicate.save)


def test_country_must_be_an_alpha3_code():
    actor = Actor(slug="x", name="X", kind="state", country="RU")
    with pytest.raises(ValidationError) as error:
        actor.full_clean()
    assert "not an ISO 3166-1 alpha-3" in str(error.value.message_dict["country"])
    actor.country = "RUS"
    actor.full_clean()


def test_deleting_a_cited_source_is_refused():
    from django.db.models import ProtectedError

    from tests.factories import CitationFactory

    citation = CitationFactory()
    with pytest.raises(ProtectedError):
        citation.source.delete()


def test_deleting_an_actor_taking_part_is_refused():
    from django.db.models import ProtectedError

    participant = ParticipantFactory()
    with pytest.raises(ProtectedError):
        participant.actor.delete()


def test_deleting_a_proposal_with_responses_is_refused():
    from django.db.models import ProtectedError

    response = ResponseFactory()
    with pytest.raises(ProtectedError):
        response.proposal.delete()
    assert Response.objects.filter(pk=response.pk).exists()


def test_moving_a_response_with_its_new_proposal_is_allowed():
    response = ResponseFactory()
    elsewhere = ConflictFactory(name="Elsewhere")
    response.conflict = elsewhere
    response.proposal = ProposalFactory(conflict=elsewhere)
    with transaction.atomic():
        response.save()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    response.refresh_from_db()
    assert response.conflict == elsewhere


def test_moving_a_response_away_from_its_proposal_is_refused():
    response = ResponseFactory()
    response.conflict = ConflictFactory(name="Elsewhere")
    assert_refused_by_database(response.save)


def test_a_proposal_cannot_link_to_itself():
    proposal = ProposalFactory()
    proposal.counters = proposal
    with pytest.raises(ValidationError) as error:
        proposal.full_clean()
    assert error.value.message_dict["counters"] == ["A proposal cannot counter itself."]
    assert_refused_by_database(proposal.save)


def test_deleting_a_party_to_a_conflict_is_refused():
    from django.db.models import ProtectedError

    conflict = ConflictFactory()
    russia = ActorFactory(name="Russia")
    conflict.parties.add(russia)
    with pytest.raises(ProtectedError):
        russia.delete()
    assert list(conflict.parties.all()) == [russia]
