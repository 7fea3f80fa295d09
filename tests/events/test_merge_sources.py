"""A reviewer merges duplicate articles (events.services.merge_sources, the sources' admin
action): citations move to the kept source, the duplicate's id and URL keep leading to it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from events.models import Citation, Event, MergedSource, Source
from events.services import merge_sources
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import CitationFactory, ProposalFactory, SourceFactory

pytestmark = pytest.mark.django_db

TEXT = "Both sides agreed to a “30-day truce” on Monday. Talks will follow."


@pytest.fixture
def kept(db):
    return SourceFactory(url="https://news.example.org/truce", title="Truce agreed", body=TEXT)


@pytest.fixture
def duplicate(db):
    return SourceFactory(
        url="https://news.example.org/truce-amp", title="Truce agreed (AMP)", body=TEXT
    )


def gone(source) -> bool:
    return not Source.objects.filter(pk=source.pk).exists()


def test_citations_move_to_the_kept_source(reviewer, kept, duplicate):
    citation = CitationFactory(source=duplicate, quote="30-day truce")

    result = merge_sources(kept, [duplicate], reviewer)

    assert Citation.objects.get(pk=citation.pk).source == kept
    assert gone(duplicate)
    assert (result.moved, result.merged) == (1, [duplicate.pk])


def test_a_quote_absent_from_the_kept_text_refuses_the_whole_merge(reviewer, kept, duplicate):
    moved_first = CitationFactory(source=duplicate, quote="30-day truce")  # merged first
    longer = SourceFactory(body=TEXT + " In Istanbul, said the mediator.")
    CitationFactory(
        source=longer, event=ProposalFactory(title="Istanbul talks"), quote="said the mediator"
    )

    with pytest.raises(ValidationError, match="Istanbul talks") as refusal:
        merge_sources(kept, [duplicate, longer], reviewer)

    assert "“said the mediator”" in str(refusal.value)
    assert not gone(duplicate) and not gone(longer)
    assert Citation.objects.get(pk=moved_first.pk).source == duplicate
    assert not MergedSource.objects.exists()


def test_an_event_cited_with_the_same_words_twice_keeps_one_citation(reviewer, kept, duplicate):
    event = ProposalFactory()
    CitationFactory(event=event, source=kept, quote="30-day truce")
    CitationFactory(event=event, source=duplicate, quote="30-day truce")

    result = merge_sources(kept, [duplicate], reviewer)

    assert list(event.citations.values_list("source", flat=True)) == [kept.pk]
    assert result.collapsed == 1


def test_the_duplicates_id_redirects_in_the_api(reviewer, reviewer_api, kept, duplicate):
    merge_sources(kept, [duplicate], reviewer)

    response = reviewer_api.get(f"/api/v1/sources/{duplicate.pk}/")

    assert response.status_code == 301
    assert response["Location"].endswith(f"/api/v1/sources/{kept.pk}/")
    assert reviewer_api.get(f"/api/v1/sources/{duplicate.pk + 1000}/").status_code == 404


def test_the_duplicates_url_finds_the_kept_source(reviewer, reviewer_client, kept, duplicate):
    merge_sources(kept, [duplicate], reviewer)

    page = reviewer_client.get(
        reverse("admin:events_source_changelist"), {"q": "truce-amp"}
    ).content.decode()

    assert reverse("admin:events_source_change", args=[kept.pk]) in page
    assert MergedSource.objects.get().url == "https://news.example.org/truce-amp"


def test_a_new_source_with_a_merged_url_is_refused_naming_the_kept_one(reviewer, kept, duplicate):
    merge_sources(kept, [duplicate], reviewer)

    again = Source(url="https://news.example.org/truce-amp", title="Again")
    with pytest.raises(ValidationError, match=f"source {kept.pk}"):
        again.full_clean()


def test_events_citing_the_duplicate_are_marked_updated(reviewer, kept, duplicate):
    citing = CitationFactory(source=duplicate).event
    untouched = CitationFactory(source=kept).event
    before = timezone.now()

    merge_sources(kept, [duplicate], reviewer)

    assert Event.objects.get(pk=citing.pk).updated_at >= before
    assert Event.objects.get(pk=untouched.pk).updated_at < before


def test_an_event_dated_after_every_article_is_refused(reviewer, duplicate):
    kept = SourceFactory(body=TEXT, published_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    event = ProposalFactory(title="Late truce", date=datetime.date(2025, 4, 20))
    CitationFactory(event=event, source=duplicate)

    with pytest.raises(ValidationError, match="Late truce"):
        merge_sources(kept, [duplicate], reviewer)


def test_editors_do_not_merge_sources(editor, kept, duplicate):
    with pytest.raises(PermissionDenied):
        merge_sources(kept, [duplicate], editor)
    assert not gone(duplicate)


def test_the_history_records_the_merge(reviewer, kept, duplicate):
    citation = CitationFactory(source=duplicate)

    merge_sources(kept, [duplicate], reviewer)

    assert kept.history.latest().history_change_reason == (
        f"Merged source(s) {duplicate.pk} into this one"
    )
    deleted = Source.history.filter(id=duplicate.pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", reviewer)
    moved = citation.history.latest()
    assert (moved.source_id, moved.history_user) == (kept.pk, reviewer)


# The admin action ----------------------------------------------------------------------------


def post_action(client, sources, **extra):
    return client.post(
        reverse("admin:events_source_changelist"),
        {"action": "merge_sources", "_selected_action": [s.pk for s in sources], **extra},
    )


def test_the_merge_action_is_offered_to_reviewers_only(reviewer_client, editor_client):
    url = reverse("admin:events_source_changelist")
    assert 'value="merge_sources"' in reviewer_client.get(url).content.decode()
    assert 'value="merge_sources"' not in editor_client.get(url).content.decode()


def test_the_admin_merges_after_choosing_and_confirming(reviewer_client, kept, duplicate):
    CitationFactory(source=duplicate)

    assert 'name="kept"' in post_action(reviewer_client, [kept, duplicate]).content.decode()
    confirm = post_action(reviewer_client, [kept, duplicate], kept=kept.pk).content.decode()
    assert "1 citations" in confirm and not gone(duplicate)
    merged = post_action(reviewer_client, [kept, duplicate], kept=kept.pk, confirm="Merge")

    assert merged["Location"] == reverse("admin:events_source_change", args=[kept.pk])
    assert gone(duplicate)
    page = reviewer_client.get(merged["Location"]).content.decode()
    assert "https://news.example.org/truce-amp" in page  # merged duplicates
