"""The admin lists' search: every word must occur, case-insensitively; events search their
search document, sources and actors their own columns; on PostgreSQL through trigram indexes.
Searched or filtered lists are counted up to a threshold, never whole."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from events.models import Event, Meeting, MergedSource, Proposal, Response, Source
from events.models import ViolationAccusation as Accusation
from tests.factories import (
    AccusationFactory,
    ActorAliasFactory,
    ActorFactory,
    CitationFactory,
    LocationFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

KINDS = {
    "proposal": ProposalFactory,
    "response": ResponseFactory,
    "meeting": MeetingFactory,
    "violationaccusation": AccusationFactory,
}
# The timeline of all kinds searches as each kind's list does.
EVENT_LISTS = [(model, KINDS[model]) for model in KINDS] + [("event", MeetingFactory)]


def found(client, url, term, **filters):
    response = client.get(url, {"q": term, **filters})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def event_ids(client, model, term):
    return {e.pk for e in found(client, reverse(f"admin:events_{model}_changelist"), term)}


def searched_event(factory, **kwargs):
    """An event of the kind, its quote from an article, a participant with an alias, a
    location; and an event of the same kind that matches none of the words searched below."""
    event = factory(title="Truce near Corvik", summary="Shelling along the Belmoor road", **kwargs)
    source = SourceFactory(body="Both sides said the harbour ceasefire holds.")
    CitationFactory(event=event, source=source, quote="harbour ceasefire")
    actor = ActorFactory(name="Republic of Estvast")
    ActorAliasFactory(actor=actor, name="Vastland")
    ParticipantFactory(event=event, actor=actor)
    LocationFactory(event=event, name="Dravmoor")
    other = factory(title="Talks in Geneva", summary="Nothing agreed")
    return event, other


@pytest.mark.parametrize(("model", "factory"), EVENT_LISTS)
@pytest.mark.parametrize(
    "term",
    [
        "Corvik",  # title
        "belmoor",  # summary, case-insensitive
        "HARBOUR CEASEFIRE",  # a quote
        "Estvast",  # a participant's name
        "vastland",  # a participant's alias
        "DRAVMOOR",  # a location's name
        '"near Corvik"',  # a quoted phrase stays whole
    ],
)
def test_event_lists_find_by_every_part_of_the_search_document(
    reviewer_client, model, factory, term
):
    event, _ = searched_event(factory)
    assert event_ids(reviewer_client, model, term) == {event.pk}


@pytest.mark.parametrize(("model", "factory"), EVENT_LISTS)
def test_event_lists_miss_what_does_not_occur(reviewer_client, model, factory):
    searched_event(factory)
    assert event_ids(reviewer_client, model, "Harvik") == set()


@pytest.mark.parametrize(("model", "factory"), EVENT_LISTS)
def test_event_lists_need_every_word(reviewer_client, model, factory):
    event, other = searched_event(factory)
    assert event_ids(reviewer_client, model, "corvik vastland") == {event.pk}
    # Each word occurs in one event only: together they find none.
    assert event_ids(reviewer_client, model, "corvik geneva") == set()
    assert event_ids(reviewer_client, model, "geneva agreed") == {other.pk}


def test_response_list_finds_the_responder_and_its_alias(reviewer_client):
    responder = ActorFactory(name="Kingdom of Galdena")
    ActorAliasFactory(actor=responder, name="Galdenians")
    response = ResponseFactory(responder=responder, title="A reply")
    ResponseFactory(title="Another reply")
    assert event_ids(reviewer_client, "response", "galdena") == {response.pk}
    assert event_ids(reviewer_client, "response", "Galdenians") == {response.pk}


def test_kind_list_shows_its_own_kind_only(reviewer_client):
    proposal = ProposalFactory(title="Corvik truce")
    MeetingFactory(title="Corvik meeting")
    assert event_ids(reviewer_client, "proposal", "corvik") == {proposal.pk}


def test_a_search_of_short_words_only_is_refused_with_a_message(reviewer_client):
    ProposalFactory(title="UN truce")
    response = reviewer_client.get(reverse("admin:events_proposal_changelist"), {"q": "un"})
    assert list(response.context["cl"].result_list) == []
    assert "at least one word of 3 or more characters" in response.content.decode()


def test_a_word_of_3_characters_is_searched_alone(reviewer_client):
    ufa = ProposalFactory(title="Truce talks in Ufa")
    ProposalFactory(title="Truce talks in Geneva")
    assert event_ids(reviewer_client, "proposal", "UFA") == {ufa.pk}


def test_a_short_word_beside_a_longer_one_narrows_the_search(reviewer_client):
    un = ProposalFactory(title="UN truce near Corvik")
    ProposalFactory(title="EU truce near Corvik")
    assert event_ids(reviewer_client, "proposal", "corvik un") == {un.pk}


def test_actor_picker_still_searches_a_short_word(reviewer_client):
    actor = ActorFactory(name="UN")
    ActorFactory(name="Ukraine")
    response = reviewer_client.get(
        reverse("admin:actors_actor_autocomplete"),
        {
            "term": "un",
            "app_label": "events",
            "model_name": "participant",
            "field_name": "actor",
        },
    )
    assert response.status_code == 200
    assert str(actor.pk) in {r["id"] for r in response.json()["results"]}


# --- sources ---------------------------------------------------------------------------------

SOURCES = reverse("admin:events_source_changelist")


def source_ids(client, term):
    return {s.pk for s in found(client, SOURCES, term)}


def make_sources():
    source = SourceFactory(title="Shelling near Corvik", url="https://daily.example.org/belmoor-1")
    MergedSource.objects.create(
        source=source, merged_id=9_999, url="https://wire.example.org/galmir", title="Dup"
    )
    other = SourceFactory(title="Talks in Geneva", url="https://daily.example.org/geneva")
    return source, other


@pytest.mark.parametrize("term", ["corvik", "BELMOOR", "wire.example.org/galmir"])
def test_source_list_finds_by_title_url_and_merged_url(reviewer_client, term):
    source, _ = make_sources()
    assert source_ids(reviewer_client, term) == {source.pk}


def test_source_list_misses_and_needs_every_word(reviewer_client):
    source, other = make_sources()
    assert source_ids(reviewer_client, "harvik") == set()
    assert source_ids(reviewer_client, "corvik galmir") == {source.pk}
    assert source_ids(reviewer_client, "corvik geneva") == set()
    assert source_ids(reviewer_client, "daily.example.org") == {source.pk, other.pk}


# --- actors ----------------------------------------------------------------------------------

ACTORS = reverse("admin:actors_actor_changelist")


def actor_ids(client, term):
    return {a.pk for a in found(client, ACTORS, term)}


def make_actors():
    actor = ActorFactory(name="Republic of Estvast", slug="estvast-republic", wikidata_id="Q4242")
    ActorAliasFactory(actor=actor, name="Vastland")
    ActorAliasFactory(actor=actor, name="Vastlanders")
    other = ActorFactory(name="Kingdom of Galdena", wikidata_id="Q42")
    return actor, other


@pytest.mark.parametrize("term", ["estvast", "ESTVAST-REPUBLIC", "vastland", "q4242"])
def test_actor_list_finds_by_name_slug_alias_and_wikidata_id(reviewer_client, term):
    actor, _ = make_actors()
    # Two matching aliases: the actor once.
    assert [a.pk for a in found(reviewer_client, ACTORS, term)] == [actor.pk]


def test_actor_list_misses_and_needs_every_word(reviewer_client):
    actor, other = make_actors()
    assert actor_ids(reviewer_client, "harvik") == set()
    # A Wikidata ID is matched whole: Q42 is not part of Q4242.
    assert actor_ids(reviewer_client, "Q42") == {other.pk}
    assert actor_ids(reviewer_client, "republic vastland") == {actor.pk}
    assert actor_ids(reviewer_client, "republic galdena") == set()


# --- the indexes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "indexes"),
    [
        (Event, ["event_search_document_trgm"]),
        (Proposal, ["event_search_document_trgm"]),
        (Response, ["event_search_document_trgm"]),
        (Meeting, ["event_search_document_trgm"]),
        (Accusation, ["event_search_document_trgm"]),
        (Source, ["source_title_trgm", "source_url_trgm", "merged_source_url_trgm"]),
        (
            Actor,
            [
                "actor_name_trgm",
                "actor_slug_trgm",
                "actor_wikidata_id_trgm",
                "actoralias_name_trgm",
            ],
        ),
    ],
)
def test_search_reads_the_trigram_indexes(model, indexes):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes are PostgreSQL's")
    assert_search_plans(model, indexes)


def assert_search_plans(model, indexes):
    """The search of "Corvik" in ``model``'s list reads each of ``indexes``: in the list's
    query, or in the query reading a related table's matches first."""
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    with connection.cursor() as cursor:
        # A tiny table is read whole (or in date order) otherwise: left with bitmap scans,
        # the planner shows whether the indexes answer the search.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    with CaptureQueriesContext(connection) as first:
        queryset, duplicates = model_admin.get_search_results(
            request, model.objects.all(), "Corvik"
        )
    assert duplicates is False
    plans = [queryset.order_by().explain()]
    with connection.cursor() as cursor:
        for query in first.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    plan = "\n".join(plans)
    for index in indexes:
        assert f"Bitmap Index Scan on {index}" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert "DISTINCT" not in str(queryset.query)


@pytest.mark.parametrize(
    ("model", "make", "indexes"),
    [
        (
            Source,
            lambda: [
                MergedSource.objects.create(
                    source=SourceFactory(),
                    url=f"https://corvik.example.org/{n}",
                    merged_id=90_000 + n,
                    title="Merged duplicate",
                )
                for n in range(3)
            ],
            ["source_title_trgm", "source_url_trgm", "merged_source_url_trgm"],
        ),
        (
            Actor,
            lambda: [ActorAliasFactory(name=f"Corvik {n}") for n in range(3)],
            ["actor_name_trgm", "actor_slug_trgm", "actoralias_name_trgm"],
        ),
    ],
)
def test_many_related_matches_are_searched_as_a_union(monkeypatch, model, make, indexes):
    """More related matches than RELATED_IDS: the list is the union of the row's own matches
    and theirs, read through the same indexes, and finds them all."""
    from lib import admin_search

    monkeypatch.setattr(admin_search, "RELATED_IDS", 2)
    made = make()
    expected = {row.source_id if model is Source else row.actor_id for row in made}
    model_admin = admin.site._registry[model]
    queryset, _ = model_admin.get_search_results(
        RequestFactory().get("/"), model.objects.all(), "Corvik"
    )
    assert " UNION " in str(queryset.query)
    assert set(queryset.values_list("pk", flat=True)) == expected
    monkeypatch.setattr(admin_search, "RELATED_IDS", 3)
    queryset, _ = model_admin.get_search_results(
        RequestFactory().get("/"), model.objects.all(), "Corvik"
    )
    assert " UNION " not in str(queryset.query)
    assert set(queryset.values_list("pk", flat=True)) == expected
    if connection.vendor == "postgresql":
        monkeypatch.setattr(admin_search, "RELATED_IDS", 2)
        assert_search_plans(model, indexes)


# --- counts ----------------------------------------------------------------------------------


def count_sql(client, url, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [q["sql"] for q in context.captured_queries if "COUNT(" in q["sql"].upper()]


def test_searched_list_above_the_threshold_counts_only_to_it(reviewer_client, settings):
    settings.ADMIN_SEARCH_COUNT_THRESHOLD = 2
    for _ in range(4):
        ProposalFactory(title="Corvik truce")
    response, counts = count_sql(
        reviewer_client, reverse("admin:events_proposal_changelist"), {"q": "corvik"}
    )
    # One count, of at most threshold + 1 rows.
    assert len(counts) == 1, counts
    assert "LIMIT 3" in counts[0]
    assert counts[0].upper().startswith("SELECT COUNT(*) FROM (SELECT")
    body = response.content.decode()
    assert "more than 2 results" in body
    assert "more than 2 proposals" in body
    assert "4 results" not in body


def test_filtered_list_above_the_threshold_counts_only_to_it(reviewer_client, settings):
    settings.ADMIN_ESTIMATED_COUNT_THRESHOLD = 2
    for _ in range(3):
        ProposalFactory(editorial_status="draft")
    response, counts = count_sql(
        reviewer_client,
        reverse("admin:events_proposal_changelist"),
        {"editorial_status__exact": "draft"},
    )
    assert len(counts) == 1 and "LIMIT 3" in counts[0], counts
    assert "more than 2 proposals" in response.content.decode()


def test_list_at_the_threshold_is_counted_exactly(reviewer_client, settings):
    settings.ADMIN_SEARCH_COUNT_THRESHOLD = 2
    ProposalFactory(title="Corvik truce")
    ProposalFactory(title="Corvik talks")
    ProposalFactory(title="Geneva talks")
    response, _ = count_sql(
        reviewer_client, reverse("admin:events_proposal_changelist"), {"q": "corvik"}
    )
    body = response.content.decode()
    assert "2 results" in body
    assert "more than" not in body


def test_a_search_is_counted_to_its_own_threshold_and_a_filter_to_the_other(
    reviewer_client, settings
):
    settings.ADMIN_SEARCH_COUNT_THRESHOLD = 2
    settings.ADMIN_ESTIMATED_COUNT_THRESHOLD = 5
    for _ in range(3):
        ProposalFactory(title="Corvik truce", editorial_status="draft")
    url = reverse("admin:events_proposal_changelist")
    searched, counts = count_sql(reviewer_client, url, {"q": "corvik"})
    assert "LIMIT 3" in counts[0], counts
    assert "more than 2 results" in searched.content.decode()
    filtered, counts = count_sql(reviewer_client, url, {"editorial_status__exact": "draft"})
    assert "LIMIT 6" in counts[0], counts
    assert "3 proposals" in filtered.content.decode()
    # Spaces alone are no search: the list is not searched, nor counted as one.
    blank, counts = count_sql(
        reviewer_client, url, {"q": "   ", "editorial_status__exact": "draft"}
    )
    assert "LIMIT 6" in counts[0], counts


@pytest.mark.parametrize(
    ("url", "make", "word"),
    [
        (
            "admin:events_source_changelist",
            lambda: [SourceFactory(title="Corvik") for _ in range(3)],
            "corvik",
        ),
        (
            "admin:actors_actor_changelist",
            lambda: [ActorFactory(name=f"Corvik {n}") for n in range(3)],
            "corvik",
        ),
        (
            "admin:events_event_changelist",
            lambda: [MeetingFactory(title="Corvik") for _ in range(3)],
            "corvik",
        ),
    ],
)
def test_every_searched_list_is_bounded(reviewer_client, settings, url, make, word):
    settings.ADMIN_SEARCH_COUNT_THRESHOLD = 2
    make()
    response, counts = count_sql(reviewer_client, reverse(url), {"q": word})
    assert len(counts) == 1 and "LIMIT 3" in counts[0], counts
    assert "more than 2 results" in response.content.decode()


def test_the_thresholds_default_to_a_thousand_searched_and_ten_thousand_filtered():
    from lib.paginators import EstimatedCountPaginator

    paginator = EstimatedCountPaginator(Proposal.objects.all(), 100)
    assert paginator.threshold == 10_000
    paginator.searched = True
    assert paginator.threshold == 1_000


@pytest.mark.parametrize(
    ("url", "make", "related"),
    [
        ("admin:events_event_changelist", lambda: searched_event(MeetingFactory), 0),
        ("admin:events_proposal_changelist", lambda: searched_event(ProposalFactory), 0),
        ("admin:events_source_changelist", make_sources, 2),
        ("admin:actors_actor_changelist", make_actors, 2),
    ],
)
def test_searched_list_queries(reviewer_client, django_assert_max_num_queries, url, make, related):
    make()
    # Session, user, its two permission queries; the conflict filter's choices (events), the
    # year filter's first and last year (events, sources); the bounded count, the page and
    # its prefetched rows (participants with their actors; aliases). And for each word, the
    # related table's matches (merged duplicates' URLs, aliases): two words here.
    with django_assert_max_num_queries(9 + related):
        response = reviewer_client.get(reverse(url), {"q": "corvik vastland"})
    assert response.status_code == 200


# --- the year filter (instead of the date hierarchy) -----------------------------------------


def test_year_filter_offers_the_years_of_the_table_and_filters_on_one(reviewer_client):
    import datetime

    in_2024 = ProposalFactory(date=datetime.date(2024, 12, 31))
    in_2025 = ProposalFactory(date=datetime.date(2025, 1, 1))
    MeetingFactory(date=datetime.date(2022, 6, 1))
    url = reverse("admin:events_proposal_changelist")
    response = reviewer_client.get(url)
    choices = [
        c["display"]
        for c in response.context["cl"].filter_specs[-1].choices(response.context["cl"])
    ]
    # From the last year to the first, whatever the kind; "All" first.
    assert choices[1:] == ["2025", "2024", "2023", "2022"]
    assert {e.pk for e in found(reviewer_client, url, "", date_year=2025)} == {in_2025.pk}
    assert {e.pk for e in found(reviewer_client, url, "", date_year=2024)} == {in_2024.pk}
    assert found(reviewer_client, url, "", date_year=2023) == set()


def test_year_filter_on_sources_datetimes(reviewer_client):
    import datetime

    from django.utils import timezone

    first = SourceFactory(published_at=timezone.make_aware(datetime.datetime(2025, 1, 1)))
    SourceFactory(published_at=timezone.make_aware(datetime.datetime(2024, 12, 31, 23, 59)))
    assert {s.pk for s in found(reviewer_client, SOURCES, "", published_at_year=2025)} == {first.pk}


@pytest.mark.parametrize("value", ["abc", "0", "99999", "２０２５"])
def test_year_filter_refuses_what_is_not_a_year(reviewer_client, value):
    ProposalFactory()
    response = reviewer_client.get(
        reverse("admin:events_proposal_changelist"), {"date_year": value}
    )
    # Django's answer to a wrong filter: back to the list, "?e=1".
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


# --- the language filter (choices from the column's index) -----------------------------------


def language_choices(client):
    response = client.get(SOURCES)
    spec = next(s for s in response.context["cl"].filter_specs if s.title == "language")
    return [c["display"] for c in spec.choices(response.context["cl"])]


def test_language_filter_offers_each_language_once_and_filters_on_one(reviewer_client):
    russian = SourceFactory(language="ru")
    SourceFactory(language="uk")
    SourceFactory(language="en")
    SourceFactory(language="uk")
    # "All" first, then each language in order.
    assert language_choices(reviewer_client) == ["All", "en", "ru", "uk"]
    assert {s.pk for s in found(reviewer_client, SOURCES, "", language="ru")} == {russian.pk}
    assert found(reviewer_client, SOURCES, "", language="fr") == set()


def test_language_filter_reads_the_index_not_the_table():
    if connection.vendor != "postgresql":
        pytest.skip("the index probes are PostgreSQL's")
    from lib.admin_filters import distinct_values

    for language in ["en", "ru", "uk", "en"]:
        SourceFactory(language=language)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as captured:
        assert distinct_values(Source, "language") == ["en", "ru", "uk"]
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "source_language" in plan, plan
    assert "Seq Scan on events_source" not in plan, plan
