"""``q`` searches one document per event: title, summary, quotes, participants' and a
response's responder's names and aliases, locations' names, in web-search syntax (words,
"phrases", -exclusions, or). The document follows every change of what it holds, whichever
way the change is made.
"""

import importlib
import itertools

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import ActorAlias
from events.models import Citation, Event, Location, Participant
from events.search import Clause, parse, refresh_search_documents, search
from tests.admin.test_concurrency import form_fields
from tests.admin.test_restore import edited, restore
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    CitationFactory,
    LocationFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
    UserFactory,
)

API = "/api/v1"
PUBLISHED = Event.Status.PUBLISHED


@pytest.fixture
def anonymous(db):
    return APIClient()


def found(client, q, endpoint="events") -> set[int]:
    response = client.get(f"{API}/{endpoint}/", {"q": q, "page_size": 1000})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def truce(**fields):
    fields.setdefault("title", "Truce declared")
    return ProposalFactory(editorial_status=PUBLISHED, **fields)


def with_participant(event, name, alias=None, role=Participant.Role.PROPOSER):
    actor = ActorFactory(name=name)
    if alias:
        ActorAliasFactory(actor=actor, name=alias)
    ParticipantFactory(event=event, actor=actor, role=role)
    return event


NUMBERS = itertools.count()


# The places of the document, each holding ``text`` in an event that is a truce.
def easter_in_title(text):
    return truce(title=f"Truce for {text}")


def easter_in_summary(text):
    return truce(summary=f"Declared for {text}.")


def easter_in_quote(text):
    event = truce()
    CitationFactory(event=event, quote=f"A truce for {text}.")
    return event


def easter_in_participant_name(text):
    return with_participant(truce(), f"{text} Committee")


def easter_in_alias(text):
    return with_participant(truce(), f"Church {next(NUMBERS)}", alias=f"{text} Committee")


def easter_in_responder_name(text):
    return ResponseFactory(
        editorial_status=PUBLISHED, title="Truce accepted", responder=ActorFactory(name=text)
    )


def easter_in_responder_alias(text):
    responder = ActorFactory(name=f"Church {next(NUMBERS)}")
    ActorAliasFactory(actor=responder, name=f"{text} Committee")
    return ResponseFactory(editorial_status=PUBLISHED, title="Truce accepted", responder=responder)


def easter_in_location(text):
    event = truce()
    LocationFactory(event=event, name=f"{text} Island")
    return event


PLACES = [
    easter_in_title,
    easter_in_summary,
    easter_in_quote,
    easter_in_participant_name,
    easter_in_alias,
    easter_in_responder_name,
    easter_in_responder_alias,
    easter_in_location,
]


@pytest.mark.parametrize("place", PLACES)
def test_q_finds_a_word_in_each_part_of_the_document(anonymous, place):
    hit = place("Easter")
    miss = place("Christmas")

    assert found(anonymous, "easter") & {hit.pk, miss.pk} == {hit.pk}


@pytest.mark.parametrize("place", PLACES)
def test_an_exclusion_leaves_out_events_mentioning_it_anywhere(anonymous, place):
    mentions_easter = place("Easter")
    other_truce = place("Christmas")
    # Another part of the same event matches "truce": the exclusion still wins.
    CitationFactory(event=mentions_easter, quote="The truce holds.")

    assert found(anonymous, "truce -easter") & {mentions_easter.pk, other_truce.pk} == {
        other_truce.pk
    }


def test_all_words_must_occur_somewhere_in_one_event(anonymous):
    both = with_participant(truce(title="Energy truce"), "Kremlin")
    only_one = truce(title="Energy truce")
    split = truce(title="Energy truce")
    other = with_participant(truce(title="Prisoner exchange"), "Kremlin")

    assert found(anonymous, "energy kremlin") & {both.pk, only_one.pk, split.pk, other.pk} == {
        both.pk
    }


def test_a_quoted_phrase_matches_its_words_together_in_order(anonymous):
    phrase = truce(title="Easter truce declared")
    apart = truce(title="Truce declared", summary="Easter came and went.")
    reversed_ = truce(title="A truce for Easter")

    assert found(anonymous, '"easter truce"') & {phrase.pk, apart.pk, reversed_.pk} == {phrase.pk}


def test_or_matches_either_side(anonymous):
    riyadh = truce(summary="Talks in Riyadh.")
    istanbul = with_participant(truce(), "Istanbul delegation")
    geneva = truce(summary="Talks in Geneva.")

    assert found(anonymous, "riyadh or istanbul") & {riyadh.pk, istanbul.pk, geneva.pk} == {
        riyadh.pk,
        istanbul.pk,
    }
    # OR binds loosest: (talks riyadh) or geneva.
    assert found(anonymous, "talks riyadh OR geneva") & {
        riyadh.pk,
        istanbul.pk,
        geneva.pk,
    } == {riyadh.pk, geneva.pk}


def test_a_query_of_nothing_searchable_finds_nothing(anonymous):
    truce()

    assert found(anonymous, '- "" ()') == set()


def test_q_is_case_insensitive(anonymous):
    event = with_participant(truce(), "Kremlin")

    assert event.pk in found(anonymous, "KREMLIN")
    assert event.pk in found(anonymous, "kremlin")


# --- parsing (the embedded databases' approximation) -------------------------------------------


@pytest.mark.parametrize(
    "text,clauses",
    [
        ("truce -easter", [Clause(["truce"], ["easter"])]),
        ('"easter truce" kremlin', [Clause(["easter truce", "kremlin"])]),
        ('-"energy  pause"', [Clause([], ["energy pause"])]),
        ("riyadh or istanbul", [Clause(["riyadh"]), Clause(["istanbul"])]),
        ("a b OR c -d", [Clause(["a", "b"]), Clause(["c"], ["d"])]),
        ("or truce or", [Clause(["truce"])]),
        ("truce:* (talks)", [Clause(["truce", "talks"])]),
        ("30-day truce", [Clause(["30-day", "truce"])]),
        ('"unclosed phrase', [Clause(["unclosed phrase"])]),
        ("- ! ()", []),
    ],
)
def test_parse_reads_web_search_syntax(text, clauses):
    assert parse(text) == clauses


# --- the document follows changes -------------------------------------------------------------


def test_a_changed_quote_changes_what_q_finds(anonymous):
    event = truce()
    citation = CitationFactory(event=event, quote="An Easter truce.")

    citation.quote = "A Christmas truce."
    citation.save()

    assert event.pk not in found(anonymous, "easter")
    assert event.pk in found(anonymous, "christmas")
    Citation.objects.filter(pk=citation.pk).get().delete()
    assert event.pk not in found(anonymous, "christmas")


def test_a_changed_participant_list_changes_what_q_finds(anonymous):
    event = with_participant(truce(), "Kremlin")
    participant = Participant.objects.get(event=event)

    participant.actor = ActorFactory(name="Vatican")
    participant.save()
    assert event.pk not in found(anonymous, "kremlin")
    assert event.pk in found(anonymous, "vatican")

    participant.delete()
    assert event.pk not in found(anonymous, "vatican")


def test_a_renamed_actor_changes_what_q_finds_in_its_events(anonymous):
    proposal = with_participant(truce(), "Kremlin")
    response = easter_in_responder_name("Kremlin")
    actor = Participant.objects.get(event=proposal).actor
    response.responder = actor
    response.save()

    actor.name = "Presidential Office"
    actor.save()

    assert found(anonymous, "presidential") >= {proposal.pk, response.pk}
    assert found(anonymous, "kremlin") & {proposal.pk, response.pk} == set()


def test_a_changed_alias_changes_what_q_finds(anonymous):
    event = with_participant(truce(), "Russia", alias="Kremlin")
    alias = ActorAlias.objects.get(name="Kremlin")

    alias.name = "Moscow"
    alias.save()
    assert event.pk not in found(anonymous, "kremlin")
    assert event.pk in found(anonymous, "moscow")

    alias.delete()
    assert event.pk not in found(anonymous, "moscow")
    ActorAliasFactory(actor=alias.actor, name="Kremlin")
    assert event.pk in found(anonymous, "kremlin")


def test_a_changed_title_summary_or_responder_changes_what_q_finds(anonymous):
    response = easter_in_responder_name("Kremlin")

    response.title = "Pause accepted"
    response.summary = "In Riyadh."
    response.responder = ActorFactory(name="Vatican")
    response.save()

    assert response.pk not in found(anonymous, "truce or kremlin")
    assert response.pk in found(anonymous, "pause riyadh vatican")


def test_a_save_of_other_fields_keeps_the_document(anonymous):
    event = with_participant(truce(), "Kremlin")

    event.editorial_status = PUBLISHED
    event.save(update_fields=["editorial_status"])

    assert event.pk in found(anonymous, "kremlin")


def test_the_apis_writes_keep_the_document_current(db):
    reviewer = APIClient()
    reviewer.force_authenticate(UserFactory(username="search-reviewer", groups=["Reviewers"]))
    ActorFactory(name="Russia", slug="russia")
    source = SourceFactory(body="")
    created = reviewer.post(
        f"{API}/proposals/",
        {
            "conflict": ProposalFactory().conflict.slug,
            "date": "2025-04-19",
            "title": "Energy pause",
            "proposal_kind": "ceasefire",
            "proposers": ["russia"],
            "citations": [{"source": source.pk, "quote": "a thirty-hour pause"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    # Participants are written in bulk there; aliases in bulk by the actors' API.
    assert set(search(Event.objects.all(), "russia thirty")) == {Event.objects.get(pk=pk)}
    changed = reviewer.patch(f"{API}/actors/russia/", {"aliases": ["Kremlin"]}, format="json")
    assert changed.status_code == 200, changed.content
    assert set(search(Event.objects.all(), "kremlin")) == {Event.objects.get(pk=pk)}


def test_refreshing_rebuilds_every_document_from_its_rows(db):
    event = with_participant(truce(summary="In Riyadh."), "Russia", alias="Kremlin")
    CitationFactory(event=event, quote="A thirty-hour pause.")
    expected = Event.objects.get(pk=event.pk).search_document
    Event.objects.update(search_document="")

    refresh_search_documents(Event.objects.all())

    document = Event.objects.get(pk=event.pk).search_document
    assert document == expected
    for part in ("Truce declared", "In Riyadh.", "A thirty-hour pause.", "Russia", "Kremlin"):
        assert part in document


def test_the_document_is_never_shown(anonymous, editor_api_client):
    event = with_participant(truce(), "Kremlin")

    for client in (anonymous, editor_api_client):
        row = client.get(f"{API}/proposals/{event.pk}/").json()
        assert "search_document" not in row
        listed = client.get(f"{API}/events/", {"q": "kremlin"}).json()["results"]
        assert all("search_document" not in r for r in listed)


@pytest.fixture
def editor_api_client(db):
    client = APIClient()
    client.force_authenticate(UserFactory(username="search-editor", groups=["Editors"]))
    return client


# --- cost ------------------------------------------------------------------------------------


def test_q_costs_the_lists_queries_and_no_more(anonymous, django_assert_max_num_queries):
    for n in range(5):
        event = with_participant(truce(title=f"Energy truce {n}"), f"Actor {n}")
        CitationFactory(event=event, quote="The energy truce.")

    with CaptureQueriesContext(connection) as plain:
        anonymous.get(f"{API}/events/", {"page_size": 100})
    # The page (the whole list: no count needed), participants with their actors, citations
    # with their articles, locations.
    assert len(plain.captured_queries) == 4
    with django_assert_max_num_queries(4):
        rows = anonymous.get(f"{API}/events/", {"page_size": 100, "q": "energy -easter"})
    assert rows.json()["count"] == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_q_is_answered_from_the_documents_gin_index(db):
    truce(title="Energy truce")
    queryset = search(Event.objects.all(), "energy -easter")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # On a few rows a scan is cheaper: the planner is told to avoid one if it can.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "event_document_search_gin" in plan, plan


# --- every way of writing keeps it current ----------------------------------------------------


def documents() -> dict[int, str]:
    return dict(Event.objects.values_list("pk", "search_document"))


def test_load_demo_leaves_every_document_as_its_rows_make_it(db):
    call_command("load_demo", verbosity=0)
    loaded = documents()

    refresh_search_documents(Event.objects.all())

    assert loaded and documents() == loaded
    assert search(Event.objects.all(), "kremlin").exists()


def test_a_restore_from_the_history_restores_what_q_finds(editor_client, anonymous):
    proposal = CitationFactory(event=ProposalFactory(title="Easter truce")).event
    old = edited(proposal, title="Energy pause")
    assert set(search(Event.objects.all(), "easter")) == set()

    assert restore(editor_client, proposal, old).status_code == 302

    assert set(search(Event.objects.all(), "easter")) == {Event.objects.get(pk=proposal.pk)}
    assert set(search(Event.objects.all(), "energy")) == set()


# --- locations ---------------------------------------------------------------------------------


def hits(q) -> set[int]:
    return set(search(Event.objects.all(), q).values_list("pk", flat=True))


def located(name="Avdiivka", **fields):
    """A published truce whose place is only in its location."""
    event = truce(**fields)
    LocationFactory(event=event, name=name)
    return event


def test_q_finds_an_event_by_its_locations_name_on_events_and_its_kinds_list(anonymous):
    event = located("Avdiivka")
    located("Mariupol")
    ResponseFactory(editorial_status=PUBLISHED, title="Truce accepted")

    assert found(anonymous, "avdiivka") == {event.pk}
    assert found(anonymous, "avdiivka", endpoint="proposals") == {event.pk}
    assert found(anonymous, "avdiivka", endpoint="responses") == set()


def test_the_locations_names_come_last_in_id_order(db):
    event = with_participant(truce(summary="In Riyadh."), "Russia")
    without = Event.objects.get(pk=event.pk).search_document
    LocationFactory(event=event, name="Kyiv")
    LocationFactory(event=event, name="Avdiivka")

    document = Event.objects.get(pk=event.pk).search_document
    assert document == f"{without}\nKyiv\nAvdiivka"
    Event.objects.update(search_document="")
    refresh_search_documents([event.pk])
    assert Event.objects.get(pk=event.pk).search_document == document


def test_an_event_without_a_location_keeps_the_document_it_had_before_locations(db):
    event = with_participant(truce(summary="In Riyadh."), "Russia")

    # The seven parts before the locations, and no separator after them.
    assert Event.objects.get(pk=event.pk).search_document == (
        "Truce declared\nIn Riyadh.\n\nRussia\n\n\n"
    )


def test_a_renamed_or_deleted_location_changes_what_q_finds(anonymous):
    event = located("Avdiivka")
    location = Location.objects.get(event=event)

    location.name = "Mariupol"
    location.save()
    assert event.pk not in found(anonymous, "avdiivka")
    assert event.pk in found(anonymous, "mariupol")

    location.delete()
    assert event.pk not in found(anonymous, "mariupol")


def test_two_locations_are_both_found(anonymous):
    event = located("Avdiivka")
    LocationFactory(event=event, name="Mariupol")

    assert event.pk in found(anonymous, "avdiivka mariupol")
    Location.objects.get(name="Avdiivka").delete()
    assert event.pk not in found(anonymous, "avdiivka")
    assert event.pk in found(anonymous, "mariupol")


def test_deleting_an_event_deletes_its_locations_without_error(db):
    event = located("Avdiivka")
    LocationFactory(event=event, name="Mariupol")

    Event.objects.get(pk=event.pk).delete()

    assert not Location.objects.exists() and not Event.objects.exists()


def test_the_apis_location_writes_keep_the_document_current(editor_api_client):
    event = ProposalFactory(title="Truce declared", editorial_status=Event.Status.DRAFT)

    changed = editor_api_client.patch(
        f"{API}/proposals/{event.pk}/",
        {"locations": [{"name": "Avdiivka"}, {"name": "Mariupol"}]},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert hits("avdiivka mariupol") == {event.pk}

    changed = editor_api_client.patch(
        f"{API}/proposals/{event.pk}/", {"locations": [{"name": "Kyiv"}]}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert hits("avdiivka or mariupol") == set()
    assert hits("kyiv") == {event.pk}


def test_the_apis_created_event_is_found_by_its_location(editor_api_client):
    source = SourceFactory(body="")
    created = editor_api_client.post(
        f"{API}/proposals/",
        {
            "conflict": ProposalFactory().conflict.slug,
            "date": "2025-04-19",
            "title": "Energy pause",
            "proposal_kind": "ceasefire",
            "citations": [{"source": source.pk, "quote": "a thirty-hour pause"}],
            "locations": [{"name": "Avdiivka", "country": "UKR"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content

    assert hits("avdiivka") == {created.json()["id"]}


def test_a_location_added_in_the_change_form_is_found(editor_client):
    event = ProposalFactory(title="Truce declared", editorial_status=Event.Status.DRAFT)
    url = reverse("admin:events_proposal_change", args=[event.pk])
    data = form_fields(editor_client.get(url))
    data.update({"locations-0-name": ["Avdiivka"], "locations-0-country": ["UKR"]})

    page = editor_client.post(url, data)

    assert page.status_code == 302, page.context and page.context["errors"]
    assert hits("avdiivka") == {event.pk}


def test_a_location_restored_from_its_history_is_found_again(db):
    event = located("Avdiivka")
    location = Location.objects.get(event=event)
    location.name = "Mariupol"
    location.save()
    first = location.history.earliest()
    location.delete()
    assert hits("avdiivka or mariupol") == set()

    # Its first version brought back, as simple-history restores a row.
    first.instance.save()

    assert hits("avdiivka") == {event.pk}
    assert hits("mariupol") == set()


def test_a_restore_of_the_event_from_its_history_keeps_its_locations_name(editor_client):
    proposal = CitationFactory(event=ProposalFactory(title="Easter truce")).event
    LocationFactory(event=proposal, name="Avdiivka")
    old = edited(proposal, title="Energy pause")

    assert restore(editor_client, proposal, old).status_code == 302

    assert hits("easter avdiivka") == {proposal.pk}


def test_loaddata_of_an_events_location_writes_its_name_in(db, tmp_path):
    event = located("Avdiivka")
    fixture = tmp_path / "locations.json"
    with fixture.open("w") as out:
        call_command("dumpdata", "events.location", stdout=out)
    Location.objects.all().delete()
    assert hits("avdiivka") == set()

    call_command("loaddata", str(fixture), verbosity=0)

    assert hits("avdiivka") == {event.pk}


# --- migration 0025: the names of existing locations -------------------------------------------

BEFORE_LOCATIONS_SEARCHED = ("events", "0024_source_language_index")
LOCATIONS_SEARCHED = ("events", "0025_location_names_in_search_documents")


def test_migration_0025_writes_the_locations_names_into_existing_documents(migrator, monkeypatch):
    # Batches of two locations: the events below span three, one of them across a boundary.
    migration = importlib.import_module(f"events.migrations.{LOCATIONS_SEARCHED[1]}")
    monkeypatch.setattr(migration, "BATCH", 2)
    old = migrator.before(BEFORE_LOCATIONS_SEARCHED)
    conflict = old.get_model("events", "Conflict").objects.create(slug="war", name="War")
    Proposal = old.get_model("events", "Proposal")
    OldLocation = old.get_model("events", "Location")
    places = {"Truce 1": ["Kyiv"], "Truce 2": ["Avdiivka", "Mariupol"], "Truce 3": []}
    places |= {"Truce 4": ["Odesa"], "Truce 5": ["Kherson"]}
    for title, names in places.items():
        proposal = Proposal.objects.create(
            kind="proposal",
            conflict=conflict,
            date="2025-04-19",
            period_end="2025-04-19",
            title=title,
            proposal_kind="ceasefire",
            # As migration 0008's expression wrote it: title, summary and five empty parts.
            search_document=f"{title}\n" + "\n" * 5,
        )
        for name in names:
            OldLocation.objects.create(event=proposal, name=name)

    new = migrator.after(LOCATIONS_SEARCHED)

    documents = dict(
        new.get_model("events", "Event").objects.values_list("title", "search_document")
    )
    assert documents == {
        title: f"{title}\n" + "\n" * 5 + "".join(f"\n{name}" for name in names)
        for title, names in places.items()
    }
