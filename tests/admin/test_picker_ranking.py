"""The proposal and source pickers rank the titles matching the term, and page without counting.

Exact title, then titles starting with the term, then the others, newest first within each;
the form's conflict's proposals before the others; each page reads one option past it to
say whether there are more (no COUNT of the matches or of the table), in the actor pickers
too.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, MergedSource
from tests.factories import (
    ActorFactory,
    ConflictFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PAGE = 20  # Django's autocomplete page size.


@pytest.fixture
def war():
    return ConflictFactory(name="Russia–Ukraine war", slug="russia-ukraine-war")


@pytest.fixture
def other_war():
    return ConflictFactory(name="Israel–Hamas war", slug="israel-hamas-war")


def day(n: int) -> datetime.date:
    return datetime.date(2025, 1, 1) + datetime.timedelta(days=n)


def answer(client, term="", conflict="", page=None, field="proposal", model="response"):
    params = {"app_label": "events", "model_name": model, "field_name": field, "term": term}
    params["conflict"] = conflict
    if page is not None:
        params["page"] = page
    return client.get(reverse("admin:events_proposal_autocomplete"), params)


def titles(client, term="", conflict="", page=None) -> list[str]:
    response = answer(client, term, conflict, page)
    assert response.status_code == 200, response.content
    return [result["text"].split(" · ")[0] for result in response.json()["results"]]


def proposals_in(conflict, count: int, title="Truce {n}"):
    return [
        ProposalFactory(conflict=conflict, title=title.format(n=n), date=day(n))
        for n in range(count)
    ]


# -- ranking ---------------------------------------------------------------------------------


def test_exact_title_then_prefix_then_substring_newest_last(editor_client, war):
    # The newer a proposal, the worse its match: date order alone would reverse them.
    ProposalFactory(conflict=war, title="Truce", date=day(1))
    ProposalFactory(conflict=war, title="Truce on energy sites", date=day(2))
    ProposalFactory(conflict=war, title="Easter truce", date=day(3))
    ProposalFactory(conflict=war, title="Energy pause", date=day(4))
    assert titles(editor_client, "truce", war.pk) == [
        "Truce",
        "Truce on energy sites",
        "Easter truce",
    ]


def test_matches_of_the_same_rank_are_newest_first(editor_client, war):
    ProposalFactory(conflict=war, title="Easter truce", date=day(1))
    ProposalFactory(conflict=war, title="Ramadan truce", date=day(3))
    ProposalFactory(conflict=war, title="Christmas truce", date=day(2))
    assert titles(editor_client, "truce", war.pk) == [
        "Ramadan truce",
        "Christmas truce",
        "Easter truce",
    ]


@pytest.mark.parametrize("term", ["easter truce", "  EASTER TRUCE ", "Easter Truce"])
def test_the_exact_title_ignores_case_and_outer_spaces(editor_client, war, term):
    ProposalFactory(conflict=war, title="Easter truce talks", date=day(2))
    ProposalFactory(conflict=war, title="Easter truce", date=day(1))
    assert titles(editor_client, term, war.pk) == ["Easter truce", "Easter truce talks"]


@pytest.mark.parametrize("term", ["tr", "T", "t r", "ru"])
def test_a_term_of_short_words_lists_its_matches_newest_first_unranked(editor_client, war, term):
    # No trigram serves one or two letters: the matches are not ranked, the newest come first.
    ProposalFactory(conflict=war, title="Truce", date=day(1))
    ProposalFactory(conflict=war, title="Easter truce", date=day(3))
    ProposalFactory(conflict=war, title="Energy pause", date=day(2))
    assert titles(editor_client, term, war.pk) == ["Easter truce", "Truce"]


def test_a_term_of_three_letters_is_ranked(editor_client, war):
    ProposalFactory(conflict=war, title="Truce", date=day(1))
    ProposalFactory(conflict=war, title="Easter truce", date=day(3))
    assert titles(editor_client, "tru", war.pk) == ["Truce", "Easter truce"]


def test_every_word_of_the_term_must_be_in_the_title(editor_client, war):
    ProposalFactory(conflict=war, title="Truce for Easter", date=day(1))
    ProposalFactory(conflict=war, title="Easter pause", date=day(2))
    ProposalFactory(conflict=war, title="Christmas truce", date=day(3))
    assert titles(editor_client, "easter truce", war.pk) == ["Truce for Easter"]


def test_the_term_matches_titles_only(editor_client, war):
    ProposalFactory(conflict=war, title="Energy pause", summary="A truce on energy sites.")
    assert titles(editor_client, "truce", war.pk) == []
    assert titles(editor_client, "energy", war.pk) == ["Energy pause"]


def test_the_forms_conflict_comes_before_a_better_match_elsewhere(editor_client, war, other_war):
    ProposalFactory(conflict=other_war, title="Truce", date=day(9))
    ProposalFactory(conflict=war, title="Easter truce", date=day(1))
    ProposalFactory(conflict=war, title="Truce on energy sites", date=day(2))
    ProposalFactory(conflict=other_war, title="Ramadan truce", date=day(8))
    assert titles(editor_client, "truce", war.pk) == [
        "Truce on energy sites",
        "Easter truce",
        "Truce",
        "Ramadan truce",
    ]


def test_without_a_term_the_forms_conflict_newest_first_then_the_others(
    editor_client, war, other_war
):
    ProposalFactory(conflict=other_war, title="Gaza ceasefire", date=day(9))
    ProposalFactory(conflict=war, title="Easter truce", date=day(1))
    ProposalFactory(conflict=war, title="Energy pause", date=day(2))
    assert titles(editor_client, "", war.pk) == ["Energy pause", "Easter truce", "Gaza ceasefire"]


def test_only_proposals_are_offered(editor_client, war):
    ResponseFactory(conflict=war, title="Truce accepted")
    ProposalFactory(conflict=war, title="Truce proposed")
    assert titles(editor_client, "truce", war.pk) == ["Truce proposed"]


@pytest.mark.parametrize(
    "status",
    [Event.Status.DRAFT, Event.Status.IN_REVIEW, Event.Status.PUBLISHED, Event.Status.RETRACTED],
)
def test_editors_pick_proposals_of_every_status_as_before(editor_client, war, status):
    # The admin's pickers link records being curated: no status is hidden from editors.
    ProposalFactory(conflict=war, title="Easter truce", editorial_status=status)
    assert titles(editor_client, "truce", war.pk) == ["Easter truce"]


def test_the_picker_needs_a_login(client, war):
    ProposalFactory(conflict=war, title="Easter truce")
    response = answer(client, "truce", war.pk)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# -- pages without counting -------------------------------------------------------------------


@pytest.mark.parametrize("count, more", [(PAGE - 1, False), (PAGE, False), (PAGE + 1, True)])
def test_more_says_whether_a_next_page_exists(editor_client, war, count, more):
    proposals_in(war, count)
    response = answer(editor_client, "truce", war.pk)
    body = response.json()
    assert len(body["results"]) == min(count, PAGE)
    assert body["pagination"] == {"more": more}


def test_the_next_page_holds_the_rest(editor_client, war):
    proposals_in(war, PAGE + 1)
    body = answer(editor_client, "truce", war.pk, page=2).json()
    assert [result["text"].split(" · ")[0] for result in body["results"]] == ["Truce 0"]
    assert body["pagination"] == {"more": False}


def test_a_page_past_the_end_is_not_found(editor_client, war):
    proposals_in(war, PAGE)
    assert answer(editor_client, "truce", war.pk, page=2).status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999999999999999999"])
def test_a_bad_page_is_not_found(editor_client, war, page):
    proposals_in(war, 3)
    assert answer(editor_client, "truce", war.pk, page=page).status_code == 404


def test_the_first_page_of_nothing_is_empty(editor_client, war):
    assert answer(editor_client, "nothing", war.pk).json() == {
        "results": [],
        "pagination": {"more": False},
    }


@pytest.mark.parametrize(
    "own, others, page, expected, more",
    [
        # The page ends exactly at the end of the conflict's proposals.
        (PAGE, 1, 1, [f"Own {n}" for n in range(PAGE - 1, -1, -1)], True),
        # It starts exactly there: the others from their start.
        (PAGE, 1, 2, ["Other 0"], False),
        # It straddles them.
        (
            PAGE + 5,
            3,
            2,
            [*(f"Own {n}" for n in range(4, -1, -1)), "Other 2", "Other 1", "Other 0"],
            False,
        ),
        # It starts past them: the others from their 16th (the 5 and their first 15 before).
        (5, 35, 2, [f"Other {n}" for n in range(19, -1, -1)], False),
        (5, 36, 2, [f"Other {n}" for n in range(20, 0, -1)], True),
    ],
)
def test_pages_run_from_the_forms_conflict_into_the_others(
    editor_client, war, other_war, own, others, page, expected, more
):
    proposals_in(war, own, title="Own {n}")
    proposals_in(other_war, others, title="Other {n}")
    body = answer(editor_client, "", war.pk, page=page).json()
    assert [result["text"].split(" · ")[0] for result in body["results"]] == expected
    assert body["pagination"] == {"more": more}


def test_no_query_counts_the_options(editor_client, war, other_war):
    proposals_in(war, PAGE + 5)
    proposals_in(other_war, 10)
    for term, page in [("truce", 1), ("truce", 2), ("", 1), ("", 2)]:
        with CaptureQueriesContext(connection) as queries:
            assert answer(editor_client, term, war.pk, page=page).status_code == 200
        assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_a_page_takes_two_queries_per_tier_it_reads(
    editor_client, war, other_war, django_assert_num_queries
):
    proposals_in(war, PAGE + 5)
    proposals_in(other_war, 10)
    # Session, user, the user's and the groups' permissions; the form's conflict's page (21
    # rows: 20 and one past them): their ids, then those rows.
    with django_assert_num_queries(6):
        assert len(titles(editor_client, "truce", war.pk)) == PAGE
    # The same four; the conflict's last 5, the others' first 10 (the page reaches them): ids
    # and rows of each.
    with django_assert_num_queries(8):
        assert len(titles(editor_client, "truce", war.pk, page=2)) == 15


def test_a_page_starting_past_the_conflicts_proposals_reads_their_ids_not_a_count(
    editor_client, war, other_war, django_assert_num_queries
):
    proposals_in(war, 5)
    proposals_in(other_war, PAGE + 10)
    # Session, user, the user's and the groups' permissions; the conflict's page (no ids: no
    # rows to read), the ids of its first 20 (5: the others' page starts at their 15th), the
    # others' page (ids, then rows).
    with django_assert_num_queries(8):
        assert titles(editor_client, "truce", war.pk, page=2) == [
            f"Truce {n}" for n in range(14, -1, -1)
        ]


@pytest.mark.parametrize("count, more", [(PAGE, False), (PAGE + 1, True)])
def test_actor_pickers_page_without_counting_too(editor_client, count, more):
    for n in range(count):
        ActorFactory(name=f"Militia {n:02}", slug=f"militia-{n:02}")
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(
            reverse("admin:actors_actor_autocomplete"),
            {
                "app_label": "events",
                "model_name": "participant",
                "field_name": "actor",
                "term": "militia",
            },
        )
    body = response.json()
    assert [r["text"].split(" · ")[0] for r in body["results"]][:PAGE] == [
        f"Militia {n:02}" for n in range(PAGE)
    ]
    assert body["pagination"] == {"more": more}
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


# -- a citation's source ------------------------------------------------------------------------


def source_answer(client, term="", page=None):
    params = {"app_label": "events", "model_name": "citation", "field_name": "source"}
    params["term"] = term
    if page is not None:
        params["page"] = page
    return client.get(reverse("admin:events_source_autocomplete"), params)


def source_titles(client, term="", page=None) -> list[str]:
    response = source_answer(client, term, page)
    assert response.status_code == 200, response.content
    return [result["text"] for result in response.json()["results"]]


def published(n: int) -> datetime.datetime:
    return datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(days=n)


def test_the_citation_form_asks_the_source_picker(editor_client):
    page = editor_client.get(reverse("admin:events_proposal_add")).content.decode()
    select = re.search(r'<select [^>]*name="citations-0-source"[^>]*>', page).group(0)
    assert f'data-ajax--url="{reverse("admin:events_source_autocomplete")}"' in select


def test_sources_exact_title_then_prefix_then_substring(editor_client):
    SourceFactory(title="Truce", published_at=published(1))
    SourceFactory(title="Truce holds in the south", published_at=published(2))
    SourceFactory(title="Easter truce broken", published_at=published(3))
    SourceFactory(title="Energy pause agreed", published_at=published(4))
    assert source_titles(editor_client, "truce") == [
        "Truce",
        "Truce holds in the south",
        "Easter truce broken",
    ]


@pytest.mark.parametrize(
    ("term", "expected"), [("tr", ["Easter truce", "Truce"]), ("tru", ["Truce", "Easter truce"])]
)
def test_sources_short_terms_are_newest_first_longer_ones_ranked(editor_client, term, expected):
    SourceFactory(title="Truce", published_at=published(1))
    SourceFactory(title="Easter truce", published_at=published(3))
    SourceFactory(title="Energy pause", published_at=published(2))
    assert source_titles(editor_client, term) == expected


def test_sources_without_a_term_are_newest_first(editor_client):
    SourceFactory(title="Older", published_at=published(1))
    SourceFactory(title="Newer", published_at=published(2))
    assert source_titles(editor_client) == ["Newer", "Older"]


def test_a_sources_url_finds_it_first_when_typed_in_full(editor_client):
    SourceFactory(title="Talks resume", url="https://news.example.org/talks")
    SourceFactory(title="More talks", url="https://news.example.org/talks-again")
    SourceFactory(title="Elsewhere", url="https://other.example.org/story")
    assert source_titles(editor_client, "https://news.example.org/talks") == [
        "Talks resume",
        "More talks",
    ]


def test_a_merged_duplicates_url_finds_the_kept_source(editor_client):
    kept = SourceFactory(title="Talks resume", url="https://news.example.org/talks")
    SourceFactory(title="Unrelated", url="https://news.example.org/other")
    MergedSource.objects.create(
        source=kept, merged_id=999, url="https://mirror.example.net/copy", title="Copy"
    )
    assert source_titles(editor_client, "mirror.example.net/copy") == ["Talks resume"]
    assert source_titles(editor_client, "mirror.example.net/elsewhere") == []


@pytest.mark.parametrize("count, more", [(PAGE, False), (PAGE + 1, True)])
def test_source_pages_say_whether_more_follow_without_counting(
    editor_client, count, more, django_assert_num_queries
):
    for n in range(count):
        SourceFactory(title=f"Truce report {n:02}", published_at=published(n))
    # Session, user, the user's and the groups' permissions; the merged duplicates' sources
    # with the term's URL; the page and one source past it (ids, then rows).
    with django_assert_num_queries(7), CaptureQueriesContext(connection) as queries:
        response = source_answer(editor_client, "truce")
    body = response.json()
    assert len(body["results"]) == PAGE
    assert body["pagination"] == {"more": more}
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
