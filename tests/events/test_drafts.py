"""Drafts made from a suggested record's body, events it may duplicate, and citing an article in
an existing event instead (events.drafts)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from events import drafts
from events.models import Citation, Event, Meeting, Participant, Proposal, Response
from events.models import ViolationAccusation as Accusation
from tests.admin.helpers import suggested_proposal_body, suggestion_world
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PROPOSAL_SENTENCE = "Russia declared a 30-hour ceasefire with Ukraine on Saturday."
MEETING_SENTENCE = "Delegations of Russia and Ukraine met in Istanbul, hosted by Turkey."
ACCUSATION_SENTENCE = "Ukraine accused Russia of violating the truce overnight."
RESPONSE_SENTENCE = "Ukraine rejected the Easter truce as a stunt."
BODY = " ".join([PROPOSAL_SENTENCE, MEETING_SENTENCE, ACCUSATION_SENTENCE, RESPONSE_SENTENCE])


@pytest.fixture
def world():
    return {**suggestion_world(BODY), "turkey": ActorFactory(name="Turkey")}


def cited(world, sentence):
    return [{"source": world["source"].pk, "quote": sentence}]


def proposal_body(world, **changes):
    return suggested_proposal_body(world["source"], PROPOSAL_SENTENCE, **changes)


# --- create_draft ------------------------------------------------------------------------------


def test_a_proposal_draft_has_its_fields_participants_and_citation(world, editor):
    result = drafts.create_draft("proposal", proposal_body(world), editor)

    assert result.errors == {}
    proposal = Proposal.objects.get(pk=result.event.pk)
    assert proposal.editorial_status == Event.Status.DRAFT
    assert (proposal.title, proposal.date, proposal.arrangement, proposal.duration_hours) == (
        "Russia declares a 30-hour ceasefire",
        datetime.date(2025, 4, 19),
        "unilateral",
        30,
    )
    assert proposal.conflict == world["conflict"]
    assert proposal.created_by == editor
    assert {(p.actor.slug, p.role) for p in proposal.participants.all()} == {
        ("russia", Participant.Role.PROPOSER),
        ("ukraine", Participant.Role.ADDRESSEE),
    }
    assert [(c.source_id, c.quote) for c in proposal.citations.all()] == [
        (world["source"].pk, PROPOSAL_SENTENCE)
    ]


def test_a_draft_keeps_the_date_precision_of_the_suggestion(world, editor):
    body = proposal_body(world, date="2025-03-17", date_precision="month")

    event = drafts.create_draft("proposal", body, editor).event

    event.refresh_from_db()
    assert (event.date, event.date_precision, event.period_end) == (
        datetime.date(2025, 3, 1),
        "month",
        datetime.date(2025, 3, 31),
    )


def test_a_meeting_draft_has_hosts_and_delegations(world, editor):
    body = {
        "title": "Talks in Istanbul",
        "conflict": "russia-ukraine-war",
        "date": "2025-04-18",
        "date_precision": "day",
        "venue": "Istanbul",
        "meeting_format": "direct",
        "hosts": ["turkey"],
        "delegations": ["russia", "ukraine"],
        "citations": cited(world, MEETING_SENTENCE),
    }

    event = drafts.create_draft("meeting", body, editor).event

    meeting = Meeting.objects.get(pk=event.pk)
    assert meeting.venue == "Istanbul"
    assert sorted((p.actor.slug, p.role) for p in meeting.participants.all()) == [
        ("russia", "delegation"),
        ("turkey", "host"),
        ("ukraine", "delegation"),
    ]
    assert meeting.citations.get().quote == MEETING_SENTENCE


def test_an_accusation_draft_has_accusers_accused_and_the_truce(world, editor):
    truce = ProposalFactory(conflict=world["conflict"], date=datetime.date(2025, 4, 19))
    body = {
        "title": "Ukraine accuses Russia of violating the truce",
        "conflict": "russia-ukraine-war",
        "date": "2025-04-20",
        "date_precision": "day",
        "proposal": truce.pk,
        "accusers": ["ukraine"],
        "accused": ["russia"],
        "citations": cited(world, ACCUSATION_SENTENCE),
    }

    event = drafts.create_draft("accusation", body, editor).event

    accusation = Accusation.objects.get(pk=event.pk)
    assert accusation.proposal == truce
    assert sorted((p.actor.slug, p.role) for p in accusation.participants.all()) == [
        ("russia", "accused"),
        ("ukraine", "accuser"),
    ]


def test_a_response_draft_answers_the_proposal_it_names(world, editor):
    truce = ProposalFactory(conflict=world["conflict"], date=datetime.date(2025, 4, 19))
    body = {
        "title": "Ukraine rejects the Easter truce",
        "conflict": "russia-ukraine-war",
        "date": "2025-04-19",
        "date_precision": "day",
        "proposal": truce.pk,
        "responder": "ukraine",
        "stance": "rejected",
        "citations": cited(world, RESPONSE_SENTENCE),
    }

    event = drafts.create_draft("response", body, editor).event

    response = Response.objects.get(pk=event.pk)
    assert (response.proposal, response.responder, response.stance) == (
        truce,
        world["ukraine"],
        "rejected",
    )


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"conflict": None}, "conflict"),
        ({"title": ""}, "title"),
        ({"proposers": ["nobody-of-that-name"]}, "proposers"),
        ({"date": "2025-05-01"}, "date"),  # after the article was published
    ],
)
def test_a_refused_body_names_the_field_and_writes_nothing(world, editor, changes, field):
    body = {k: v for k, v in proposal_body(world, **changes).items() if v is not None}

    result = drafts.create_draft("proposal", body, editor)

    assert result.event is None
    assert field in result.errors and result.errors[field][0]
    assert not Event.objects.exists()


def test_a_quote_absent_from_the_article_is_named_with_its_row(world, editor):
    body = proposal_body(world, citations=cited(world, "Words the article never printed."))

    result = drafts.create_draft("proposal", body, editor)

    assert list(result.errors) == ["citations[0].quote"]
    assert not Event.objects.exists()


def test_a_citation_of_a_missing_source_is_named_with_its_row(world, editor):
    body = proposal_body(world, citations=[{"source": 999999, "quote": PROPOSAL_SENTENCE}])

    result = drafts.create_draft("proposal", body, editor)

    assert list(result.errors) == ["citations[0].source"]


def test_an_unknown_kind_is_an_error_naming_it(editor):
    assert list(drafts.create_draft("rumour", {}, editor).errors) == ["kind"]


def test_a_user_who_may_not_add_the_kind_creates_nothing(world):
    reader = UserFactory(username="reader")

    with pytest.raises(PermissionDenied):
        drafts.create_draft("proposal", proposal_body(world), reader)
    assert not Event.objects.exists()


def test_reviewers_create_drafts_too(world, reviewer):
    event = drafts.create_draft("proposal", proposal_body(world), reviewer).event

    assert event.editorial_status == Event.Status.DRAFT


# --- similar_events ----------------------------------------------------------------------------

DAY = datetime.date(2025, 4, 19)


def proposal_of(world, date, actor="russia", **fields):
    proposal = ProposalFactory(conflict=world["conflict"], date=date, **fields)
    ParticipantFactory(event=proposal, actor=world[actor], role=Participant.Role.PROPOSER)
    return proposal


def similar(world, date=DAY, actors=("russia",), kind="proposal", **kwargs):
    """The ids of the events similar_events finds, in its order."""
    ids = [world[a].pk for a in actors]
    return [e.pk for e in drafts.similar_events(kind, world["conflict"], ids, date, **kwargs)]


@pytest.mark.parametrize("days, found", [(-4, False), (-3, True), (0, True), (3, True), (4, False)])
def test_similar_events_are_dated_within_three_days(world, days, found):
    existing = proposal_of(world, DAY + datetime.timedelta(days=days))

    assert similar(world) == ([existing.pk] if found else [])


def test_a_month_precision_event_is_similar_to_days_in_and_near_its_month(world):
    march = proposal_of(world, datetime.date(2025, 3, 1), date_precision="month")

    assert similar(world, datetime.date(2025, 3, 20)) == [march.pk]
    assert similar(world, datetime.date(2025, 4, 3)) == [march.pk]
    assert similar(world, datetime.date(2025, 4, 4)) == []
    assert similar(world, datetime.date(2025, 2, 26)) == [march.pk]
    assert similar(world, datetime.date(2025, 2, 25)) == []


def test_a_suggestion_dated_by_month_finds_the_days_in_it(world):
    day = proposal_of(world, datetime.date(2025, 3, 30))

    assert similar(world, datetime.date(2025, 3, 1), precision="month") == [day.pk]
    assert similar(world, datetime.date(2025, 3, 1)) == []


def test_another_kind_conflict_or_actor_is_not_similar(world):
    own = proposal_of(world, DAY)
    other_conflict = ProposalFactory(conflict=ConflictFactory(name="Other war"), date=DAY)
    ParticipantFactory(event=other_conflict, actor=world["russia"])
    meeting = MeetingFactory(conflict=world["conflict"], date=DAY)
    ParticipantFactory(event=meeting, actor=world["russia"], role=Participant.Role.HOST)

    assert similar(world, actors=("ukraine",)) == []
    assert similar(world) == [own.pk]
    assert similar(world, kind="meeting") == [meeting.pk]
    assert similar(world, kind="accusation") == []


def test_any_shared_actor_in_any_role_makes_it_similar(world):
    accusation = AccusationFactory(conflict=world["conflict"], date=DAY)
    ParticipantFactory(event=accusation, actor=world["ukraine"], role=Participant.Role.ACCUSER)
    ParticipantFactory(event=accusation, actor=world["russia"], role=Participant.Role.ACCUSED)

    found = similar(world, actors=("russia", "turkey"), kind="accusation")

    assert found == [accusation.pk]


def test_a_response_shares_its_responder(world):
    response = ResponseFactory(conflict=world["conflict"], date=DAY, responder=world["ukraine"])

    assert similar(world, actors=("ukraine",), kind="response") == [response.pk]
    assert similar(world, actors=("russia",), kind="response") == []


def test_the_event_itself_and_retracted_events_are_left_out(world):
    itself = proposal_of(world, DAY)
    proposal_of(world, DAY, editorial_status=Event.Status.RETRACTED)
    published = proposal_of(world, DAY, editorial_status=Event.Status.PUBLISHED)

    assert similar(world, exclude=itself.pk) == [published.pk]


def test_nothing_to_compare_finds_nothing(world):
    proposal_of(world, DAY)

    assert similar(world, actors=()) == []
    assert drafts.similar_events("proposal", None, [world["russia"].pk], DAY) == []
    assert drafts.similar_events("proposal", world["conflict"], [world["russia"].pk], None) == []


def test_similar_events_take_one_query(world, django_assert_num_queries):
    for days in range(-2, 3):
        proposal_of(world, DAY + datetime.timedelta(days=days))

    # The events of the kind, conflict and dates sharing an actor (a subquery): one query.
    with django_assert_num_queries(1):
        found = drafts.similar_events(
            "proposal", world["conflict"], [world["russia"].pk, world["ukraine"].pk], DAY
        )
    assert len(found) == 5
    assert found[0].date == DAY  # the nearest first


# --- add_citation ------------------------------------------------------------------------------


def test_an_editor_cites_the_article_in_an_existing_draft(world, editor):
    draft = proposal_of(world, DAY)

    citation = drafts.add_citation(draft, world["source"], PROPOSAL_SENTENCE, editor)

    assert Citation.objects.get(pk=citation.pk).event_id == draft.pk
    assert citation.quote == PROPOSAL_SENTENCE
    draft.refresh_from_db()
    assert draft.updated_by == editor


def test_an_editor_may_not_cite_in_a_published_event(world, editor):
    published = proposal_of(world, DAY, editorial_status=Event.Status.PUBLISHED)

    with pytest.raises(PermissionDenied, match="only reviewers change published records"):
        drafts.add_citation(published, world["source"], PROPOSAL_SENTENCE, editor)
    assert not Citation.objects.exists()


def test_a_reviewer_cites_in_a_published_event(world, reviewer):
    published = proposal_of(world, DAY, editorial_status=Event.Status.PUBLISHED)

    drafts.add_citation(published, world["source"], PROPOSAL_SENTENCE, reviewer)

    assert published.citations.count() == 1


def test_a_quote_absent_from_the_article_is_refused(world, editor):
    draft = proposal_of(world, DAY)

    with pytest.raises(ValidationError) as refusal:
        drafts.add_citation(draft, world["source"], "Never printed.", editor)
    assert "quote" in refusal.value.message_dict
    assert not Citation.objects.exists()


def test_the_same_words_are_not_cited_twice(world, editor):
    draft = proposal_of(world, DAY)
    CitationFactory(event=draft, source=world["source"], quote=PROPOSAL_SENTENCE)

    with pytest.raises(ValidationError, match="already cites"):
        drafts.add_citation(draft, world["source"], PROPOSAL_SENTENCE, editor)
    assert draft.citations.count() == 1


def test_the_trigger_words_are_marked_in_the_quote():
    marked = drafts.highlight_words("Russia <declared> a Ceasefire; ceasefires", ["ceasefire"])

    assert marked == "Russia &lt;declared&gt; a <mark>Ceasefire</mark>; ceasefires"
