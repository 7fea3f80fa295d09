"""The edges of the domain model and the editorial services: each rule on both sides of its line.

A constraint is checked twice, by ``full_clean()`` (the error on the field an editor changes)
and by the database (an IntegrityError however the row is saved).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actors.models import Affiliation
from events import services
from events.models import (
    NOT_IN_HISTORY,
    ConflictParty,
    Event,
    Meeting,
    Participant,
    Proposal,
    Response,
    Source,
    ViolationAccusation,
    linked_proposals,
)
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    AffiliationFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 4, 20)
ONE_DAY = datetime.timedelta(days=1)


def field_errors(record) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    return error.value.message_dict


def assert_refused_by_database(record):
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


def assert_saved(record):
    with transaction.atomic():
        record.save()
    record.refresh_from_db()


# --- check constraints: the equal value passes, one less is refused ---------------------------


def test_event_may_end_on_its_date():
    meeting = MeetingFactory.build(conflict=ConflictFactory(), date=DAY, end_date=DAY)
    meeting.full_clean()
    assert_saved(meeting)
    assert meeting.end_date == DAY
    assert meeting.period_end == DAY


def test_event_ending_the_day_before_its_date_is_refused():
    meeting = MeetingFactory.build(conflict=ConflictFactory(), date=DAY, end_date=DAY - ONE_DAY)
    assert field_errors(meeting) == {"end_date": ["The end date cannot be before the date."]}
    assert_refused_by_database(meeting)


def test_proposed_end_may_equal_the_proposed_start():
    proposal = ProposalFactory.build(
        conflict=ConflictFactory(), proposed_start=DAY, proposed_end=DAY
    )
    proposal.full_clean()
    assert_saved(proposal)
    assert (proposal.proposed_start, proposal.proposed_end) == (DAY, DAY)


def test_proposed_end_the_day_before_the_start_is_refused():
    proposal = ProposalFactory.build(
        conflict=ConflictFactory(), proposed_start=DAY, proposed_end=DAY - ONE_DAY
    )
    assert field_errors(proposal) == {
        "proposed_end": ["The proposed end cannot be before the proposed start."]
    }
    assert_refused_by_database(proposal)


def test_an_open_proposed_period_is_allowed():
    for start, end in [(DAY, None), (None, DAY)]:
        proposal = ProposalFactory.build(
            conflict=ConflictFactory(), proposed_start=start, proposed_end=end
        )
        proposal.full_clean()
        assert_saved(proposal)


def test_a_truce_may_end_the_day_it_took_effect():
    proposal = ProposalFactory.build(conflict=ConflictFactory(), effective_from=DAY, ended_on=DAY)
    proposal.full_clean()
    assert_saved(proposal)
    assert (proposal.effective_from, proposal.ended_on) == (DAY, DAY)


def test_a_truce_ending_the_day_before_it_took_effect_is_refused():
    proposal = ProposalFactory.build(
        conflict=ConflictFactory(), effective_from=DAY, ended_on=DAY - ONE_DAY
    )
    assert field_errors(proposal) == {"ended_on": ["It cannot have ended before it took effect."]}
    assert_refused_by_database(proposal)


def test_a_duration_of_one_hour_is_allowed():
    proposal = ProposalFactory.build(conflict=ConflictFactory(), duration_hours=1)
    proposal.full_clean()
    assert_saved(proposal)
    assert proposal.duration_hours == 1


def test_a_duration_of_zero_hours_is_refused():
    proposal = ProposalFactory.build(conflict=ConflictFactory(), duration_hours=0)
    assert field_errors(proposal) == {
        "duration_hours": ["The duration must be more than zero hours."]
    }
    assert_refused_by_database(proposal)


def test_an_affiliation_may_end_the_day_it_starts():
    affiliation = AffiliationFactory.build(
        person=ActorFactory(kind="person"),
        organization=ActorFactory(),
        start_date=DAY,
        end_date=DAY,
    )
    affiliation.full_clean()
    assert_saved(affiliation)
    assert Affiliation.objects.get(pk=affiliation.pk).end_date == DAY


def test_an_affiliation_ending_the_day_before_it_starts_is_refused():
    affiliation = AffiliationFactory.build(
        person=ActorFactory(kind="person"),
        organization=ActorFactory(),
        start_date=DAY,
        end_date=DAY - ONE_DAY,
    )
    assert field_errors(affiliation) == {
        "end_date": ["The end date cannot be before the start date."]
    }
    assert_refused_by_database(affiliation)


@pytest.mark.parametrize(
    ("link", "verb"), [("extends", "extend"), ("counters", "counter"), ("replaces", "replace")]
)
def test_a_proposal_cannot_link_to_itself(link, verb):
    proposal = ProposalFactory()
    setattr(proposal, link, proposal)
    assert field_errors(proposal) == {link: [f"A proposal cannot {verb} itself."]}
    assert_refused_by_database(proposal)


@pytest.mark.parametrize("link", ["extends", "counters", "replaces"])
def test_a_proposal_may_link_to_another(link):
    earlier = ProposalFactory()
    proposal = ProposalFactory(conflict=earlier.conflict)
    setattr(proposal, link, earlier)
    proposal.full_clean()
    assert_saved(proposal)
    assert getattr(proposal, link) == earlier
    assert linked_proposals(proposal) == [earlier]


def test_talks_format_on_talks_is_allowed_and_blank_on_others():
    ProposalFactory.build(
        conflict=ConflictFactory(), proposal_kind="talks", talks_format="mediated"
    ).full_clean()
    ProposalFactory.build(conflict=ConflictFactory(), talks_format="").full_clean()
    truce = ProposalFactory.build(conflict=ConflictFactory(), talks_format="mediated")
    assert field_errors(truce) == {
        "talks_format": ["A talks format applies only to proposals of talks."]
    }


def test_an_actor_is_a_party_to_a_conflict_once():
    conflict = ConflictFactory()
    russia = ActorFactory(name="Russia")
    ConflictParty.objects.create(conflict=conflict, actor=russia)
    duplicate = ConflictParty(conflict=conflict, actor=russia)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "This actor is already a party to the conflict." in str(error.value)
    assert_refused_by_database(duplicate)
    assert ConflictParty.objects.filter(conflict=conflict).count() == 1
    ConflictParty(conflict=ConflictFactory(), actor=russia).full_clean()


# --- clean(): cross-record rules ---------------------------------------------------------------


def test_a_response_to_a_proposal_of_another_conflict_names_the_proposal():
    response = ResponseFactory.build(
        conflict=ConflictFactory(name="Second"),
        proposal=ProposalFactory(conflict=ConflictFactory(name="First")),
        responder=ActorFactory(),
    )
    assert field_errors(response) == {
        "proposal": [
            f"“{response.proposal}” belongs to another conflict (First): a record links only "
            "to proposals of its own conflict."
        ]
    }


def test_a_response_in_its_proposals_conflict_is_clean():
    proposal = ProposalFactory()
    ResponseFactory.build(
        conflict=proposal.conflict, proposal=proposal, responder=ActorFactory()
    ).full_clean()


def test_moving_a_proposal_away_from_its_responses_names_how_many():
    response = ResponseFactory()
    ResponseFactory(conflict=response.conflict, proposal=response.proposal)
    proposal = Proposal.objects.get(pk=response.proposal.pk)
    proposal.full_clean()  # in its own conflict: nothing to say
    proposal.conflict = ConflictFactory(name="Elsewhere")
    assert field_errors(proposal) == {
        "conflict": [
            "2 record(s) linking to this proposal belong to its current conflict: a record and "
            "the proposals it links to are in one conflict."
        ]
    }


def test_a_quote_must_occur_in_the_article():
    source = SourceFactory(title="Truce news", body="Both sides agreed to a “30-day truce”.")
    citation = CitationFactory.build(event=ProposalFactory(), source=source, quote="60-day truce")
    assert field_errors(citation) == {
        "quote": [
            "This quote does not occur in the article “Truce news”. Copy it exactly from the "
            "article text (differences in spacing and in quote-mark style are ignored)."
        ]
    }
    citation.quote = 'agreed to a  "30-day truce"'
    citation.full_clean()


def test_a_quote_from_an_article_without_text_is_not_checked():
    source = SourceFactory(body="")
    CitationFactory.build(event=ProposalFactory(), source=source, quote="anything").full_clean()


def test_source_url_is_normalized_when_saved_and_cleaned():
    source = SourceFactory(url="HTTPS://News.example.org/a?utm_source=x&id=1#top")
    assert Source.objects.get(pk=source.pk).url == "https://news.example.org/a?id=1"
    unsaved = Source(title="T", url="https://news.example.org/b?fbclid=1")
    unsaved.clean()
    assert unsaved.url == "https://news.example.org/b"


def test_records_read_as_their_names():
    actor = ActorFactory(name="Russia")
    conflict = ConflictFactory(name="War")
    proposal = ProposalFactory(conflict=conflict, title="Easter truce")
    assert str(conflict) == "War"
    assert str(proposal) == "Easter truce"
    assert str(ConflictParty(conflict=conflict, actor=actor)) == "Russia"
    assert str(Participant(event=proposal, actor=actor, role="mediator")) == "Russia (Mediator)"
    assert str(CitationFactory.build(quote="x" * 70)) == f"“{'x' * 60}”"
    assert str(SourceFactory(title="An article")) == "An article"


# --- dates: precision, period_end, display -----------------------------------------------------


@pytest.mark.parametrize(
    ("precision", "given", "date", "period_end", "display"),
    [
        ("day", DAY, DAY, DAY, "2025-04-20"),
        ("month", DAY, datetime.date(2025, 4, 1), datetime.date(2025, 4, 30), "2025-04"),
        ("month", datetime.date(2025, 1, 31), datetime.date(2025, 1, 1), None, "2025-01"),
        ("month", datetime.date(2024, 2, 10), datetime.date(2024, 2, 1), None, "2024-02"),
        ("month", datetime.date(2025, 2, 10), datetime.date(2025, 2, 1), None, "2025-02"),
        ("month", datetime.date(2025, 12, 25), datetime.date(2025, 12, 1), None, "2025-12"),
        ("year", DAY, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), "2025"),
        ("year", datetime.date(2024, 12, 31), datetime.date(2024, 1, 1), None, "2024"),
    ],
)
def test_a_date_is_pinned_to_the_start_of_its_period(precision, given, date, period_end, display):
    expected_end = (
        period_end
        or {
            (2025, 1): datetime.date(2025, 1, 31),
            (2024, 2): datetime.date(2024, 2, 29),
            (2025, 2): datetime.date(2025, 2, 28),
            (2025, 12): datetime.date(2025, 12, 31),
            (2024, 1): datetime.date(2024, 12, 31),
        }[(date.year, date.month)]
    )
    proposal = ProposalFactory(date=given, date_precision=precision)
    stored = Event.objects.get(pk=proposal.pk)
    assert (stored.date, stored.period_end) == (date, expected_end)
    assert stored.date_display == display


def test_february_of_a_leap_year_ends_on_the_29th():
    leap = ProposalFactory(date=datetime.date(2024, 2, 29), date_precision="month")
    common = ProposalFactory(date=datetime.date(2025, 2, 14), date_precision="month")
    assert (leap.date, leap.period_end) == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    assert (common.date, common.period_end) == (
        datetime.date(2025, 2, 1),
        datetime.date(2025, 2, 28),
    )


@pytest.mark.parametrize(
    ("precision", "end_date", "period_end"),
    [
        ("day", DAY + ONE_DAY, DAY + ONE_DAY),
        ("day", DAY, DAY),
        ("day", None, DAY),
        ("month", datetime.date(2025, 5, 3), datetime.date(2025, 5, 3)),
        ("month", datetime.date(2025, 4, 30), datetime.date(2025, 4, 30)),
        ("month", datetime.date(2025, 4, 25), datetime.date(2025, 4, 30)),
        ("year", datetime.date(2026, 1, 2), datetime.date(2026, 1, 2)),
        ("year", datetime.date(2025, 6, 1), datetime.date(2025, 12, 31)),
    ],
)
def test_an_end_date_beyond_the_period_extends_it(precision, end_date, period_end):
    meeting = MeetingFactory(date=DAY, date_precision=precision, end_date=end_date)
    assert Event.objects.get(pk=meeting.pk).period_end == period_end


def test_full_clean_pins_the_date_without_saving():
    proposal = ProposalFactory.build(
        conflict=ConflictFactory(), date="2025-04-20", date_precision="month"
    )
    proposal.full_clean()
    assert proposal.date == datetime.date(2025, 4, 1)
    assert proposal.period_end == datetime.date(2025, 4, 30)
    assert proposal.kind == "proposal"
    assert proposal.pk is None


def test_a_date_given_as_text_is_parsed_when_saved():
    proposal = ProposalFactory(date="2025-04-20", date_precision="year")
    assert proposal.date == datetime.date(2025, 1, 1)
    assert proposal.period_end == datetime.date(2025, 12, 31)


@pytest.mark.parametrize("date", [None, "", "20 April", "2025-02-30"])
def test_a_missing_or_bad_date_is_an_error_on_the_date(date):
    proposal = ProposalFactory.build(conflict=ConflictFactory(), date=date)
    errors = field_errors(proposal)
    assert list(errors) == ["date"]


@pytest.mark.parametrize(
    ("factory", "kind"),
    [
        (ProposalFactory, "proposal"),
        (ResponseFactory, "response"),
        (MeetingFactory, "meeting"),
        (AccusationFactory, "accusation"),
    ],
)
def test_each_kind_records_its_kind_and_finds_itself(factory, kind):
    event = factory()
    stored = Event.objects.get(pk=event.pk)
    assert stored.kind == kind
    assert type(stored.as_kind()) is type(event)
    assert stored.as_kind().pk == event.pk


def test_an_event_of_no_kind_links_to_nothing():
    assert linked_proposals(Event(conflict=ConflictFactory(), date=DAY, title="x")) == []


def test_each_kind_lists_the_proposals_it_refers_to():
    proposal = ProposalFactory()
    other = ProposalFactory(conflict=proposal.conflict)
    response = ResponseFactory(conflict=proposal.conflict, proposal=proposal)
    accusation = AccusationFactory(conflict=proposal.conflict, proposal=proposal)
    meeting = MeetingFactory(conflict=proposal.conflict)
    meeting.produced.add(proposal)
    meeting.discussed.add(other)
    assert linked_proposals(response) == [proposal]
    assert linked_proposals(accusation) == [proposal]
    assert linked_proposals(AccusationFactory()) == []
    assert linked_proposals(meeting) == [proposal, other]
    assert linked_proposals(MeetingFactory()) == []
    assert linked_proposals(ProposalFactory()) == []
    linking = ProposalFactory(
        conflict=proposal.conflict, extends=proposal, counters=other, replaces=proposal
    )
    assert linked_proposals(linking) == [proposal, other, proposal]


# --- the workflow: skips with reasons, history with the verb and the user ----------------------


def cited(factory=ProposalFactory, **fields):
    return CitationFactory(event=factory(**fields)).event


def status_of(event) -> str:
    return Event.objects.get(pk=event.pk).editorial_status


@pytest.fixture
def reviewer_user(db):
    return UserFactory(username="reviewer", groups=["Reviewers"])


@pytest.mark.parametrize("link", ["produced", "discussed"])
def test_a_meeting_is_published_after_the_proposals_it_refers_to(link, reviewer_user):
    proposal = cited(title="Energy pause", editorial_status=Event.Status.IN_REVIEW)
    meeting = cited(
        MeetingFactory,
        title="Riyadh talks",
        conflict=proposal.conflict,
        editorial_status=Event.Status.IN_REVIEW,
    )
    getattr(meeting, link).add(proposal)

    result = services.change_status([meeting], "publish", reviewer_user)
    assert (result.verb, result.changed) == ("published", 0)
    assert result.skipped == [
        "“Riyadh talks” was not published: it refers to “Energy pause”, which is not published yet."
    ]
    assert status_of(meeting) == Event.Status.IN_REVIEW

    assert services.change_status([proposal], "publish", reviewer_user).changed == 1
    result = services.change_status([Meeting.objects.get(pk=meeting.pk)], "publish", reviewer_user)
    assert (result.changed, result.skipped) == (1, [])
    assert status_of(meeting) == Event.Status.PUBLISHED


def test_the_timeline_publishes_each_kind_after_its_proposal(reviewer_user):
    proposal = cited(title="Easter truce", editorial_status=Event.Status.IN_REVIEW)
    response = cited(
        ResponseFactory,
        title="Kyiv answers",
        conflict=proposal.conflict,
        proposal=proposal,
        editorial_status=Event.Status.IN_REVIEW,
    )
    accusation = cited(
        AccusationFactory,
        title="Shelling",
        conflict=proposal.conflict,
        proposal=proposal,
        editorial_status=Event.Status.IN_REVIEW,
    )
    counter = cited(
        title="Counter-offer",
        conflict=proposal.conflict,
        counters=proposal,
        editorial_status=Event.Status.IN_REVIEW,
    )
    timeline = list(Event.objects.filter(pk__in=[response.pk, accusation.pk, counter.pk]))
    assert {type(event) for event in timeline} == {Event}

    result = services.change_status(timeline, "publish", reviewer_user)
    assert result.changed == 0
    assert sorted(result.skipped) == sorted(
        f"“{title}” was not published: it refers to “Easter truce”, which is not published yet."
        for title in ["Kyiv answers", "Shelling", "Counter-offer"]
    )

    services.change_status([proposal], "publish", reviewer_user)
    timeline = list(Event.objects.filter(pk__in=[response.pk, accusation.pk, counter.pk]))
    result = services.change_status(timeline, "publish", reviewer_user)
    assert (result.changed, result.skipped) == (3, [])
    for kind, event in [
        (Response, response),
        (ViolationAccusation, accusation),
        (Proposal, counter),
    ]:
        # The kind's own history records the step.
        assert kind.history.filter(event_ptr_id=event.pk).latest().editorial_status == "published"


def test_an_uncited_event_in_review_is_not_published(reviewer_user):
    uncited = ProposalFactory(title="No evidence", editorial_status=Event.Status.IN_REVIEW)
    result = services.change_status([uncited], "publish", reviewer_user)
    assert (result.changed, result.skipped) == (
        0,
        [
            "“No evidence” was not published: it has no citation. Add the words from the "
            "article that it rests on."
        ],
    )
    assert status_of(uncited) == Event.Status.IN_REVIEW


def test_an_uncited_draft_is_not_submitted(reviewer_user):
    uncited = ProposalFactory(title="No evidence")
    result = services.change_status([uncited], "submit", reviewer_user)
    assert result.verb == "submitted for review"
    assert (result.changed, result.skipped) == (
        0,
        [
            "“No evidence” was not submitted for review: it has no citation. Add the words "
            "from the article that it rests on."
        ],
    )
    assert status_of(uncited) == Event.Status.DRAFT


def test_uncited_events_may_still_be_retracted_or_returned_to_draft(reviewer_user):
    published = ProposalFactory(editorial_status=Event.Status.PUBLISHED)
    in_review = ProposalFactory(editorial_status=Event.Status.IN_REVIEW)
    assert services.change_status([published], "retract", reviewer_user).changed == 1
    assert services.change_status([in_review], "return_to_draft", reviewer_user).changed == 1
    assert status_of(published) == Event.Status.RETRACTED
    assert status_of(in_review) == Event.Status.DRAFT


@pytest.mark.parametrize(
    ("transition", "status", "message"),
    [
        ("submit", "in_review", "it is in review, and only draft events can be."),
        ("publish", "draft", "it is draft, and only in review events can be."),
        ("publish", "published", "it is published, and only in review events can be."),
        ("retract", "retracted", "it is retracted, and only published events can be."),
        ("retract", "in_review", "it is in review, and only published events can be."),
        ("return_to_draft", "published", "it is published, and only in review events can be."),
    ],
)
def test_a_step_that_does_not_apply_says_why(transition, status, message, reviewer_user):
    event = cited(title="Truce", editorial_status=status)
    result = services.change_status([event], transition, reviewer_user)
    verb = services.TRANSITIONS[transition][2]
    assert (result.changed, result.skipped) == (0, [f"“Truce” was not {verb}: {message}"])
    assert status_of(event) == status


def test_a_mixed_selection_changes_what_it_can(reviewer_user):
    ready = cited(title="Ready", editorial_status=Event.Status.IN_REVIEW)
    draft = cited(title="Draft")
    uncited = ProposalFactory(title="Uncited", editorial_status=Event.Status.IN_REVIEW)
    result = services.change_status(
        Proposal.objects.filter(pk__in=[ready.pk, draft.pk, uncited.pk]).order_by("title"),
        "publish",
        reviewer_user,
    )
    assert result.changed == 1
    assert [message.split(":")[0] for message in result.skipped] == [
        "“Draft” was not published",
        "“Uncited” was not published",
    ]
    assert status_of(ready) == Event.Status.PUBLISHED


STEPS = [
    ("submit", "draft", "in_review", "Submitted for review"),
    ("publish", "in_review", "published", "Published"),
    ("retract", "published", "retracted", "Retracted"),
    ("return_to_draft", "in_review", "draft", "Returned to draft"),
]


@pytest.mark.parametrize(("transition", "before", "after", "reason"), STEPS)
def test_each_step_is_recorded_with_its_verb_and_user(transition, before, after, reason):
    user = UserFactory(username="acting")
    proposal = cited(title="As curated", summary="Kept", editorial_status=before)

    result = services.change_status([Proposal.objects.get(pk=proposal.pk)], transition, user)
    assert (result.changed, result.skipped) == (1, [])

    stored = Proposal.objects.get(pk=proposal.pk)
    assert (stored.editorial_status, stored.updated_by, stored.title, stored.summary) == (
        after,
        user,
        "As curated",
        "Kept",
    )
    assert stored.updated_at > proposal.updated_at
    latest, previous = stored.history.order_by("-history_id")[:2]
    assert latest.history_change_reason == reason
    assert latest.updated_by_id == user.pk
    assert (latest.editorial_status, previous.editorial_status) == (after, before)
    changed = {
        field.attname
        for field in Proposal._meta.concrete_fields
        # The search document is derived on every save, not kept in the history.
        if field.name not in NOT_IN_HISTORY
        and getattr(latest, field.attname) != getattr(previous, field.attname)
    }
    assert changed == {"editorial_status", "updated_by_id", "updated_at"}


@pytest.mark.parametrize(("transition", "before", "after", "reason"), STEPS)
def test_each_step_in_the_admin_records_the_reviewer(
    transition, before, after, reason, reviewer, reviewer_client
):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.urls import reverse

    proposal = cited(editorial_status=before)
    action = {"submit": "submit_for_review"}.get(transition, transition)
    reviewer_client.post(
        reverse("admin:events_proposal_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [proposal.pk]},
    )
    latest = Proposal.history.filter(event_ptr_id=proposal.pk).latest()
    assert (latest.editorial_status, latest.history_change_reason) == (after, reason)
    assert (latest.history_user, latest.updated_by) == (reviewer, reviewer)


def test_a_step_outside_a_request_records_the_acting_user_in_history():
    user = UserFactory(username="acting")
    proposal = cited(editorial_status="in_review")
    services.change_status([proposal], "publish", user)
    assert Proposal.history.filter(event_ptr_id=proposal.pk).latest().history_user == user


def test_a_step_records_in_history_only_what_it_saved(reviewer_user):
    proposal = cited(title="As curated", editorial_status="in_review")
    proposal.title = "Unsaved edit"
    services.change_status([proposal], "publish", reviewer_user)
    assert Proposal.objects.get(pk=proposal.pk).title == "As curated"
    assert Proposal.history.filter(event_ptr_id=proposal.pk).latest().title == "As curated"


def test_the_step_is_taken_on_events_given_as_a_queryset_of_the_timeline(reviewer_user):
    proposal = cited(editorial_status=Event.Status.IN_REVIEW)
    result = services.change_status(Event.objects.filter(pk=proposal.pk), "publish", reviewer_user)
    assert result.changed == 1
    latest = Proposal.history.filter(event_ptr_id=proposal.pk).latest()
    assert (latest.editorial_status, latest.history_change_reason) == ("published", "Published")


def test_source_is_locked_for_editors_once_published_events_cite_it(editor, reviewer):
    source = SourceFactory()
    assert not services.source_locked_for(editor, Source(title="new"))
    assert not services.source_locked_for(editor, source)
    CitationFactory(source=source, event=ProposalFactory(editorial_status="in_review"))
    assert not services.source_locked_for(editor, source)
    CitationFactory(source=source, event=ProposalFactory(editorial_status="published"))
    assert services.source_locked_for(editor, source)
    assert not services.source_locked_for(reviewer, source)


def test_a_retracted_citing_event_also_locks_the_source(editor):
    source = SourceFactory()
    CitationFactory(source=source, event=ProposalFactory(editorial_status="retracted"))
    assert services.source_locked_for(editor, source)


# --- querysets: inclusive edges ----------------------------------------------------------------


def test_overlapping_includes_both_edges_of_the_period():
    meeting = MeetingFactory(date=DAY, end_date=DAY + 2 * ONE_DAY)
    period_end = meeting.period_end
    events = Event.objects.all()
    assert list(events.overlapping(after=period_end)) == [meeting.event_ptr]
    assert list(events.overlapping(after=period_end + ONE_DAY)) == []
    assert list(events.overlapping(before=DAY)) == [meeting.event_ptr]
    assert list(events.overlapping(before=DAY - ONE_DAY)) == []
    assert list(events.overlapping(after=period_end, before=DAY)) == [meeting.event_ptr]
    assert list(events.overlapping(after=DAY + ONE_DAY, before=DAY + ONE_DAY)) == [
        meeting.event_ptr
    ]
    assert list(events.overlapping()) == [meeting.event_ptr]


def test_overlapping_matches_a_month_by_any_of_its_days():
    march = ProposalFactory(date=datetime.date(2025, 3, 15), date_precision="month")
    days = [datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)]
    for day in days:
        assert list(Proposal.objects.overlapping(after=day, before=day)) == [march]
    for day in [datetime.date(2025, 2, 28), datetime.date(2025, 4, 1)]:
        assert list(Proposal.objects.overlapping(after=day, before=day)) == []


def in_effect(day):
    return set(Proposal.objects.in_effect_on(day).values_list("title", flat=True))


@pytest.mark.parametrize(
    ("title", "start", "end"),
    [("Truce", "effective_from", "ended_on"), ("Offer", "proposed_start", "proposed_end")],
)
def test_in_effect_on_the_first_and_last_day_of_the_period(title, start, end):
    ProposalFactory(title=title, outcome="accepted", **{start: DAY, end: DAY + 2 * ONE_DAY})
    assert in_effect(DAY - ONE_DAY) == set()
    assert in_effect(DAY) == {title}
    assert in_effect(DAY + 2 * ONE_DAY) == {title}
    assert in_effect(DAY + 3 * ONE_DAY) == set()


def test_open_ended_periods_stay_in_effect():
    ProposalFactory(title="Truce", outcome="in_effect", effective_from=DAY)
    ProposalFactory(title="Offer", outcome="accepted", proposed_start=DAY)
    assert in_effect(DAY - ONE_DAY) == set()
    assert in_effect(DAY + 365 * ONE_DAY) == {"Truce", "Offer"}


def test_a_proposal_without_periods_is_never_in_effect():
    ProposalFactory(title="Talks", outcome="accepted", proposed_end=DAY, ended_on=DAY)
    assert in_effect(DAY) == set()
    assert in_effect(DAY - ONE_DAY) == set()


def test_the_effective_period_overrides_the_proposed_one():
    ProposalFactory(
        title="Late truce",
        outcome="expired",
        proposed_start=DAY,
        proposed_end=DAY + 9 * ONE_DAY,
        effective_from=DAY + 5 * ONE_DAY,
        ended_on=DAY + 6 * ONE_DAY,
    )
    assert in_effect(DAY) == set()
    assert in_effect(DAY + 4 * ONE_DAY) == set()
    assert in_effect(DAY + 5 * ONE_DAY) == {"Late truce"}
    assert in_effect(DAY + 6 * ONE_DAY) == {"Late truce"}
    assert in_effect(DAY + 7 * ONE_DAY) == set()
    assert in_effect(DAY + 9 * ONE_DAY) == set()


def test_published_is_only_published_events():
    ProposalFactory(title="Out", editorial_status="published")
    for status in ["draft", "in_review", "retracted"]:
        ProposalFactory(title=status, editorial_status=status)
    assert [e.title for e in Event.objects.published()] == ["Out"]


# --- involving: roles, responders, affiliates on the day ---------------------------------------


def titles(queryset):
    return set(queryset.values_list("title", flat=True))


def test_involving_matches_a_role_and_not_another():
    russia = ActorFactory(name="Russia")
    proposal = ProposalFactory(title="Offer")
    ParticipantFactory(event=proposal, actor=russia, role="proposer")
    ProposalFactory(title="Unrelated")
    assert titles(Event.objects.involving([russia])) == {"Offer"}
    assert titles(Event.objects.involving([russia.pk], roles=["proposer"])) == {"Offer"}
    assert titles(Event.objects.involving([russia], roles=["addressee"])) == set()


def test_involving_matches_a_responder_unless_other_roles_are_asked():
    ukraine = ActorFactory(name="Ukraine")
    ResponseFactory(title="Answer", responder=ukraine)
    assert titles(Event.objects.involving([ukraine])) == {"Answer"}
    assert titles(Event.objects.involving([ukraine], roles=["responder", "proposer"])) == {"Answer"}
    assert titles(Event.objects.involving([ukraine], roles=["proposer"])) == set()


def test_involving_affiliates_only_on_the_days_of_their_affiliation():
    russia = ActorFactory(name="Russia")
    putin = ActorFactory(name="Putin", kind="person")
    AffiliationFactory(person=putin, organization=russia, start_date=DAY, end_date=DAY + ONE_DAY)
    for title, date in [("Before", DAY - ONE_DAY), ("On", DAY), ("Last", DAY + ONE_DAY)]:
        ParticipantFactory(event=ProposalFactory(title=title, date=date), actor=putin)
    ResponseFactory(title="Answer", date=DAY, responder=putin)
    ResponseFactory(title="Later answer", date=DAY + 2 * ONE_DAY, responder=putin)
    assert titles(Event.objects.involving([russia])) == set()
    assert titles(Event.objects.involving([russia], include_affiliates=True)) == {
        "On",
        "Last",
        "Answer",
    }
    assert titles(
        Event.objects.involving([russia], roles=["proposer"], include_affiliates=True)
    ) == {"On", "Last"}


# --- the article beside the form ---------------------------------------------------------------


def test_highlight_marks_each_occurrence_in_any_spacing_and_quote_style():
    body = "They agreed to a \u201c30-day truce\u201d. A 30-day\n truce, they said."
    assert services.highlight(body, ['"30-day truce"', "30-day truce"]) == (
        "They agreed to a <mark>\u201c30-day truce\u201d</mark>. A <mark>30-day\n truce</mark>,"
        " they said."
    )


def test_highlight_marks_overlapping_quotes_once():
    body = "one two three four five"
    assert services.highlight(body, ["one two three", "two three four"]) == (
        "<mark>one two three four</mark> five"
    )
    assert services.highlight(body, ["one two three four", "two three"]) == (
        "<mark>one two three four</mark> five"
    )
    assert services.highlight(body, ["two", "one two", "four"]) == (
        "<mark>one two</mark> three <mark>four</mark> five"
    )
    assert services.highlight(body, ["one two", "two three", "three four"]) == (
        "<mark>one two three four</mark> five"
    )
    assert services.highlight(body, ["one", "two"]) == (
        "<mark>one</mark> <mark>two</mark> three four five"
    )


def test_highlight_escapes_html_in_and_around_marks():
    body = "<b>Talks</b> & a \u201ctruce <now>\u201d said 'Kyiv' & \"Moscow\""
    assert services.highlight(body, ["truce <now>"]) == (
        "&lt;b&gt;Talks&lt;/b&gt; &amp; a \u201c<mark>truce &lt;now&gt;</mark>\u201d said "
        "&#x27;Kyiv&#x27; &amp; &quot;Moscow&quot;"
    )
    assert services.highlight(body, ["<b>Talks</b> &", "& a"]) == (
        "<mark>&lt;b&gt;Talks&lt;/b&gt; &amp; a</mark> \u201ctruce &lt;now&gt;\u201d said "
        "&#x27;Kyiv&#x27; &amp; &quot;Moscow&quot;"
    )


def test_highlight_ignores_blank_and_absent_quotes():
    body = "a <truce>"
    assert services.highlight(body, ["", "  ", "peace"]) == "a &lt;truce&gt;"
    assert services.highlight(body, []) == "a &lt;truce&gt;"


def test_articles_for_form_lists_the_cited_articles_and_the_one_being_read():
    event = ProposalFactory()
    cited_source = SourceFactory(title="Cited", body="a 30-day truce")
    CitationFactory(event=event, source=cited_source, quote="30-day truce")
    CitationFactory(event=event, source=cited_source, quote="a")
    reading = SourceFactory(title="Reading", body="a 30-day truce again")
    SourceFactory(title="Unrelated")
    articles = services.articles_for_form(event_id=event.pk, source_id=reading.pk)
    assert [(a.source.title, str(a.text)) for a in articles] == [
        ("Cited", "<mark>a</mark> <mark>30-day truce</mark>"),
        ("Reading", "a 30-day truce again"),
    ]
    articles = services.articles_for_form(event_id=str(event.pk), source_id=str(cited_source.pk))
    assert [(a.source.title, str(a.text)) for a in articles] == [
        ("Cited", "<mark>a</mark> <mark>30-day truce</mark>")
    ]


def test_articles_for_form_skips_articles_without_text():
    event = ProposalFactory()
    CitationFactory(event=event, source=SourceFactory(body=""), quote="x")
    assert services.articles_for_form(event_id=event.pk) == []
    assert services.articles_for_form(source_id=SourceFactory(body="").pk) == []


@pytest.mark.parametrize(
    "odd", [None, "", "abc", "0", "-1", "1.5", "1e3", "12345678901234567890", True, 0, -5, [1]]
)
def test_articles_for_form_ignores_odd_ids(odd):
    SourceFactory(title="Any")
    CitationFactory()
    assert services.articles_for_form(event_id=odd, source_id=odd) == []


def test_articles_for_form_ignores_ids_of_missing_records():
    assert services.articles_for_form(event_id=999_999, source_id="999999") == []


# --- validation without the other half of a rule ----------------------------------------------


def test_a_long_tracking_url_is_shortened_before_its_length_is_checked():
    url = "https://news.example.org/a?id=7&utm_source=" + "x" * 1000
    source = Source(title="Long", url=url)
    source.full_clean()
    assert source.url == "https://news.example.org/a?id=7"


def test_excluded_fields_are_not_validated():
    proposal = ProposalFactory.build(conflict=ConflictFactory(), title="")
    assert list(field_errors(proposal)) == ["title"]
    proposal.full_clean(exclude=["title"])


def test_a_citation_without_source_is_an_error_on_the_source():
    citation = CitationFactory.build(event=ProposalFactory(), source=None, quote="anything")
    assert list(field_errors(citation)) == ["source"]


def test_a_proposal_without_conflict_is_an_error_on_the_conflict_only():
    proposal = ResponseFactory().proposal
    proposal.conflict = None
    assert field_errors(proposal) == {"conflict": ["This field cannot be null."]}


@pytest.mark.parametrize("missing", ["conflict", "proposal"])
def test_a_response_missing_its_conflict_or_proposal_names_only_that(missing):
    response = ResponseFactory.build(
        conflict=ConflictFactory(), proposal=ProposalFactory(), responder=ActorFactory()
    )
    response.proposal.conflict = response.conflict
    setattr(response, missing, None)
    assert field_errors(response) == {missing: ["This field cannot be null."]}


def test_published_citations_of_another_article_do_not_lock_this_one(editor):
    CitationFactory(event=ProposalFactory(editorial_status="published"))
    assert not services.source_locked_for(editor, SourceFactory())


@pytest.mark.parametrize("transition", ["submit", "return_to_draft"])
def test_only_publishing_waits_for_the_proposals_referred_to(transition, reviewer_user):
    proposal = ProposalFactory(title="Still a draft")
    status = services.TRANSITIONS[transition][0][0]
    response = cited(
        ResponseFactory, conflict=proposal.conflict, proposal=proposal, editorial_status=status
    )
    assert services.change_status([response], transition, reviewer_user).changed == 1


def test_retracting_does_not_wait_for_the_proposals_referred_to(reviewer_user):
    response = cited(ResponseFactory, editorial_status="published")
    assert services.change_status([response], "retract", reviewer_user).changed == 1
    assert status_of(response) == Event.Status.RETRACTED


def test_articles_for_form_reads_each_article_once(django_assert_num_queries):
    event = ProposalFactory()
    source = CitationFactory(event=event).source
    # 1: the event's citations with their sources; the article being read is one of them.
    with django_assert_num_queries(1):
        articles = services.articles_for_form(event_id=event.pk, source_id=source.pk)
    assert [a.source for a in articles] == [source]
    # 1: the citations; no article being read.
    with django_assert_num_queries(1):
        services.articles_for_form(event_id=event.pk)


def test_a_source_validates_its_own_fields():
    source = Source(title="", url="not a url")
    assert sorted(field_errors(source)) == ["title", "url"]


def test_an_affiliate_counts_only_for_the_organization_of_that_day():
    russia = ActorFactory(name="Russia")
    putin = ActorFactory(name="Putin", kind="person")
    AffiliationFactory(person=putin, organization=russia, end_date=DAY - ONE_DAY)
    AffiliationFactory(person=putin, organization=ActorFactory(name="Elsewhere"))
    ParticipantFactory(event=ProposalFactory(title="Offer", date=DAY), actor=putin)
    assert titles(Event.objects.involving([russia], include_affiliates=True)) == set()
