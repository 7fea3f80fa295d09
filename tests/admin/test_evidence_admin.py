"""The evidence rules as an editor meets them in the admin: quotes stored as the article's
words, an article's text or publication time not changed under the events citing it (the
refusal links them), links within one conflict and to published proposals, dates bounded by
the cited articles and today, one source per URL, and bounded inlines."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from events.models import Citation, Event, Meeting, Proposal, Source
from tests.admin.helpers import proposal_form
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    MeetingFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ARTICLE = "Kyiv said the “Easter truce” was a stunt.\nMoscow  denied it."
PUBLISHED = datetime.date(2025, 4, 20)
DAY = datetime.timedelta(days=1)


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def change_url(record) -> str:
    return reverse(f"admin:events_{type(record)._meta.model_name}_change", args=[record.pk])


def link_to(record, title: str | None = None) -> str:
    return f'<a href="{change_url(record)}">{escape(title or record.title)}</a>'


def form_errors(page) -> dict:
    return page.context["adminform"].form.errors


def inline_errors(page, prefix: str):
    """The errors of the inline ``prefix``: its rows' and its own."""
    for inline in page.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return inline.formset.errors, inline.formset.non_form_errors()
    raise AssertionError(prefix)


def source_form(source: Source, **changes) -> dict:
    published = source.published_at
    data = {
        "title": source.title,
        "url": source.url,
        "outlet": "",
        "published_at_0": published.date().isoformat() if published else "",
        "published_at_1": published.time().isoformat() if published else "",
        "language": source.language,
        "archive_url": source.archive_url,
        "accessed_at_0": "",
        "accessed_at_1": "",
        "body": source.body,
    }
    data.update(changes)
    return data


def event_form(event, citations=(), **fields) -> dict:
    """The change form of ``event`` as submitted, with new citation rows."""
    data = proposal_form(
        event.conflict, citations=citations, title=event.title, date=event.date.isoformat()
    )
    data.update(stance="accepted", verification="unverified")
    if event.kind == Event.Kind.RESPONSE:
        data.update(proposal=event.proposal_id, responder=event.responder_id)
    data.update(fields)
    return data


# --- quotes are the article's words -----------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        'the "Easter truce" was',
        "the «Easter truce» was",
        "the „Easter truce“ was",
        "the\r\n“Easter  truce”\twas",
        "the\u00a0“Easter\u00a0truce” was",
    ],
)
def test_a_quote_typed_otherwise_is_stored_as_the_articles_words(editor_client, typed):
    source = SourceFactory(body=ARTICLE)
    data = proposal_form(ConflictFactory(), citations=[(source, typed)])

    page = editor_client.post(reverse("admin:events_proposal_add"), data, follow=True)

    assert "was added successfully" in page.content.decode()
    assert list(Citation.objects.values_list("quote", flat=True)) == ["the “Easter truce” was"]


def test_a_quote_not_in_the_article_is_an_error_on_the_rows_quote(editor_client):
    source = SourceFactory(title="Kyiv answers", body=ARTICLE)
    data = proposal_form(ConflictFactory(), citations=[(source, "the Easter truce was")])

    page = editor_client.post(reverse("admin:events_proposal_add"), data)

    assert page.status_code == 200
    rows, _ = inline_errors(page, "citations")
    assert rows == [
        {
            "quote": [
                "This quote does not occur in the article “Kyiv answers”. Copy it exactly from "
                "the article text (differences in spacing and in quote-mark style are ignored)."
            ]
        }
    ]
    assert not Event.objects.exists()


# --- an article's text keeps the quotes citing it ---------------------------------------------


@pytest.mark.parametrize("status", ["draft", "in_review", "published"])
def test_a_text_orphaning_quotes_is_refused_with_links_to_the_events(reviewer_client, status):
    source = SourceFactory(title="Kyiv answers", body=ARTICLE)
    first = CitationFactory(
        source=source,
        quote="the “Easter truce” was",
        event=ProposalFactory(title="Easter <truce>", editorial_status=status),
    )
    second = CitationFactory(
        source=source,
        quote="Moscow  denied it.",
        event=AccusationFactory(title="Denial", editorial_status=status),
    )

    page = reviewer_client.post(change_url(source), source_form(source, body="Kyiv: nothing."))

    assert page.status_code == 200
    assert form_errors(page)["body"] == [
        "2 quote(s) citing this article would no longer occur in its text: "
        f"{link_to(first.event)} (“the “Easter truce” was”); "
        f"{link_to(second.event)} (“Moscow  denied it.”). "
        "Correct the text, or first change those quotes."
    ]
    assert f'href="/admin/events/proposal/{first.event.pk}/change/"' in page.content.decode()
    assert (
        f'href="/admin/events/violationaccusation/{second.event.pk}/change/"'
        in page.content.decode()
    )
    source.refresh_from_db()
    assert source.body == ARTICLE


def test_an_emptied_text_is_refused_while_quotes_cite_it(reviewer_client):
    citation = CitationFactory(source=SourceFactory(body=ARTICLE), quote="Moscow  denied it.")

    page = reviewer_client.post(change_url(citation.source), source_form(citation.source, body=""))

    assert page.status_code == 200
    assert list(form_errors(page)) == ["body"]
    assert link_to(citation.event) in form_errors(page)["body"][0]
    assert Source.objects.get().body == ARTICLE


def test_a_text_keeping_every_quote_is_saved_and_the_quotes_re_anchored(reviewer_client):
    source = SourceFactory(body=ARTICLE)
    citation = CitationFactory(
        source=source,
        quote="the “Easter truce” was",
        event=ProposalFactory(editorial_status="published"),
    )
    body = 'Kyiv said the "Easter\r\ntruce" was a stunt. Moscow denied it.'

    page = reviewer_client.post(change_url(source), source_form(source, body=body), follow=True)

    assert "was changed successfully" in page.content.decode()
    citation.refresh_from_db()
    assert citation.quote == 'the "Easter\r\ntruce" was'
    assert Source.objects.get().body == body


# --- links: one conflict, published to published --------------------------------------------


def elsewhere(proposal) -> str:
    return (
        f"“{proposal}” belongs to another conflict ({proposal.conflict}): a record links only "
        "to proposals of its own conflict."
    )


def unpublished(proposal) -> str:
    return (
        f"“{proposal}” is {proposal.get_editorial_status_display().lower()}: a published "
        "record links only to published proposals."
    )


# (factory of the linking record, the field, whether it is a list)
ADMIN_LINKS = [
    pytest.param(AccusationFactory, "proposal", False, id="accusation-proposal"),
    pytest.param(ResponseFactory, "proposal", False, id="response-proposal"),
    pytest.param(MeetingFactory, "produced", True, id="meeting-produced"),
    pytest.param(MeetingFactory, "discussed", True, id="meeting-discussed"),
    pytest.param(ProposalFactory, "extends", False, id="proposal-extends"),
    pytest.param(ProposalFactory, "counters", False, id="proposal-counters"),
    pytest.param(ProposalFactory, "replaces", False, id="proposal-replaces"),
]


def stored_link(record, field: str, many: bool):
    record = type(record).objects.get(pk=record.pk)
    return list(getattr(record, field).all()) if many else getattr(record, f"{field}_id")


@pytest.mark.parametrize(("factory", "field", "many"), ADMIN_LINKS)
def test_a_link_to_another_conflict_is_a_form_error_on_its_field(
    editor_client, factory, field, many
):
    record = factory(title="Linking record")
    before = stored_link(record, field, many)
    proposal = ProposalFactory(conflict=ConflictFactory(name="Other war"), title="Gaza truce")

    page = editor_client.post(
        change_url(record), event_form(record, **{field: proposal.pk, "title": "Renamed"})
    )

    assert page.status_code == 200
    assert form_errors(page) == {field: [elsewhere(proposal)]}
    assert stored_link(record, field, many) == before
    assert Event.objects.get(pk=record.pk).title == "Linking record"


@pytest.mark.parametrize(("factory", "field", "many"), ADMIN_LINKS)
def test_a_reviewer_linking_a_published_record_to_a_draft_gets_a_form_error(
    reviewer_client, factory, field, many
):
    record = factory(title="Published record", editorial_status="published")
    if factory is ResponseFactory:
        Event.objects.filter(pk=record.proposal_id).update(editorial_status="published")
    before = stored_link(record, field, many)
    draft = ProposalFactory(conflict=record.conflict, title="Energy pause")

    page = reviewer_client.post(change_url(record), event_form(record, **{field: draft.pk}))

    assert page.status_code == 200
    assert form_errors(page) == {field: [unpublished(draft)]}
    assert stored_link(record, field, many) == before


@pytest.mark.parametrize(("factory", "field", "many"), ADMIN_LINKS)
def test_a_reviewer_links_a_published_record_to_a_published_proposal(
    reviewer_client, factory, field, many
):
    record = factory(title="Published record", editorial_status="published")
    if factory is ResponseFactory:
        Event.objects.filter(pk=record.proposal_id).update(editorial_status="published")
    other = ProposalFactory(conflict=record.conflict, editorial_status="published")

    page = reviewer_client.post(
        change_url(record), event_form(record, **{field: other.pk}), follow=True
    )

    assert "was changed successfully" in page.content.decode()
    assert stored_link(record, field, many) == ([other] if many else other.pk)


def test_retracting_a_proposal_published_records_link_to_names_them(reviewer_client):
    proposal = CitationFactory(
        event=ProposalFactory(title="Easter truce", editorial_status="published")
    ).event
    meeting = MeetingFactory(
        conflict=proposal.conflict, title="Riyadh talks", editorial_status="published"
    )
    meeting.produced.add(proposal)
    changelist = reverse("admin:events_proposal_changelist")

    def retract(event):
        return reviewer_client.post(
            changelist,
            {"action": "retract", ACTION_CHECKBOX_NAME: [event.pk]},
            follow=True,
        ).content.decode()

    page = retract(proposal)

    assert (
        escape(
            f"“Easter truce” was not retracted: published records link to it (“Riyadh talks” "
            f"(meeting {meeting.pk}, published)). Retract them or change their links first."
        )
        in page
    )
    assert Event.objects.get(pk=proposal.pk).editorial_status == "published"

    reviewer_client.post(
        reverse("admin:events_meeting_changelist"),
        {"action": "retract", ACTION_CHECKBOX_NAME: [meeting.pk]},
    )
    assert "1 event(s) retracted." in retract(proposal)
    assert Event.objects.get(pk=proposal.pk).editorial_status == "retracted"


# --- dates ------------------------------------------------------------------------------------


def date_error(day: datetime.date, newest: datetime.date) -> str:
    return (
        f"Date: {day.isoformat()} is after the newest article it cites was published "
        f"({newest.isoformat()}): an article reports what happened before it."
    )


@pytest.mark.parametrize(("days_after", "accepted"), [(1, True), (2, False)])
def test_a_date_after_the_cited_articles_is_an_error_of_the_citations(
    editor_client, days_after, accepted
):
    older = SourceFactory(published_at=noon(PUBLISHED - 10 * DAY))
    newer = SourceFactory(published_at=noon(PUBLISHED))
    day = PUBLISHED + days_after * DAY
    data = proposal_form(
        ConflictFactory(),
        citations=[(newer, "30-day truce"), (older, "30-day truce")],
        date=day.isoformat(),
    )

    page = editor_client.post(reverse("admin:events_proposal_add"), data, follow=True)

    if accepted:
        assert "was added successfully" in page.content.decode()
        assert Proposal.objects.get().date == day
    else:
        _, errors = inline_errors(page, "citations")
        assert list(errors) == [date_error(day, PUBLISHED)]
        assert not Event.objects.exists()


def test_an_incident_after_the_cited_article_is_an_error_of_the_citations(editor_client):
    source = SourceFactory(published_at=noon(PUBLISHED))
    data = proposal_form(
        ConflictFactory(),
        citations=[(source, "30-day truce")],
        date="2025-04-18",
        incident_date="2025-04-22",
        verification="unverified",
    )

    page = editor_client.post(reverse("admin:events_violationaccusation_add"), data)

    _, errors = inline_errors(page, "citations")
    assert list(errors) == [
        "Incident date: 2025-04-22 is after the newest article it cites was published "
        "(2025-04-20): an article reports what happened before it."
    ]
    assert not Event.objects.exists()


@pytest.mark.parametrize(("days_ahead", "accepted"), [(1, True), (2, False)])
def test_a_date_ahead_of_today_is_a_form_error_on_date(editor_client, days_ahead, accepted):
    today = timezone.localdate()
    day = today + days_ahead * DAY
    data = proposal_form(ConflictFactory(), date=day.isoformat())

    page = editor_client.post(reverse("admin:events_proposal_add"), data, follow=True)

    if accepted:
        assert "was added successfully" in page.content.decode()
    else:
        assert form_errors(page) == {
            "date": [f"{day.isoformat()} is in the future (today is {today})."]
        }
        assert not Event.objects.exists()


def test_moving_a_sources_publication_before_its_events_links_them(reviewer_client):
    source = SourceFactory(published_at=noon(PUBLISHED))
    event = CitationFactory(
        source=source, event=ProposalFactory(title="Easter truce", date=PUBLISHED)
    ).event

    refused = reviewer_client.post(
        change_url(source), source_form(source, published_at_0="2025-04-18")
    )
    accepted = reviewer_client.post(
        change_url(source), source_form(source, published_at_0="2025-04-19"), follow=True
    )

    assert form_errors(refused) == {
        "published_at": [
            "Events citing this article would then be dated after every article they cite: "
            f"{link_to(event)} (2025-04-20)."
        ]
    }
    assert "was changed successfully" in accepted.content.decode()
    assert Source.objects.get().published_at == noon(PUBLISHED - DAY)


# --- one source per URL -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://news.example.org/world/truce?id=7&page=2",
        "https://www.News.Example.org:443/world/truce/?page=2&id=7",
        "http://WWW.news.example.org:80/world/truce?utm_source=x&page=2&id=7",
    ],
)
def test_another_spelling_of_a_known_url_links_the_existing_source(editor_client, url):
    existing = SourceFactory(
        url="https://news.example.org/world/truce?id=7&page=2", title="Truce <agreed>"
    )
    data = source_form(Source(title="Again", url=url, language="en"))

    page = editor_client.post(reverse("admin:events_source_add"), data)

    assert page.status_code == 200
    assert form_errors(page) == {
        "url": [f"A source with this URL already exists: {link_to(existing)}."]
    }
    assert link_to(existing) in page.content.decode()
    assert Source.objects.count() == 1


# --- bounded inlines ------------------------------------------------------------------------


# Django's InlineModelAdmin does not pass a ``validate_max`` class attribute to the formset (only
# get_formset(validate_max=True) does, as actors/admin.py's alias inline has it): the events'
# inlines then save every row up to max_num + 1000.
def add_meeting_with_delegations(client, count: int):
    actors = [ActorFactory() for _ in range(count)]
    data = proposal_form(ConflictFactory(), participants=[(a, "delegation") for a in actors])
    return client.post(reverse("admin:events_meeting_add"), data, follow=True)


def add_proposal_with_citations(client, count: int):
    rows = [(SourceFactory(), "30-day truce")] * count
    data = proposal_form(ConflictFactory(), citations=rows)
    return client.post(reverse("admin:events_proposal_add"), data, follow=True)


def test_citation_rows_at_the_limit_are_saved(editor_client):
    page = add_proposal_with_citations(editor_client, Event.MAX_CITATIONS)

    assert "was added successfully" in page.content.decode()
    assert Citation.objects.count() == Event.MAX_CITATIONS


def test_one_citation_row_more_than_the_limit_is_a_formset_error(editor_client):
    page = add_proposal_with_citations(editor_client, Event.MAX_CITATIONS + 1)

    assert not Event.objects.exists()
    _, errors = inline_errors(page, "citations")
    assert list(errors) == [f"Please submit at most {Event.MAX_CITATIONS} forms."]


def test_participant_rows_at_the_limit_are_saved(editor_client):
    page = add_meeting_with_delegations(editor_client, Event.MAX_PARTICIPANTS)

    assert "was added successfully" in page.content.decode()
    assert Meeting.objects.get().participants.count() == Event.MAX_PARTICIPANTS


def test_one_participant_row_more_than_the_limit_is_a_formset_error(editor_client):
    page = add_meeting_with_delegations(editor_client, Event.MAX_PARTICIPANTS + 1)

    assert not Event.objects.exists()
    _, errors = inline_errors(page, "participants")
    assert list(errors) == [f"Please submit at most {Event.MAX_PARTICIPANTS} forms."]
