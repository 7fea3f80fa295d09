"""``manage.py generate_data``: synthetic data written with COPY that keeps every model rule,
the same for the same seed, and refused where it would do harm."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from rest_framework.test import APIClient

from actors.models import Actor, ActorAlias, Affiliation
from bench.generate import COLUMNS, PLACES, SEARCHED_PLACE
from bench.load import Progress, index_definitions, tables_to_empty
from events.models import (
    KIND_MODELS,
    KIND_ROLES,
    Citation,
    Conflict,
    ConflictParty,
    Event,
    Location,
    Meeting,
    Participant,
    Proposal,
    Response,
    Source,
    ViolationAccusation,
    event_date_errors,
    link_errors,
    linked_proposals,
)
from events.search import refresh_search_documents
from lib.dataversion import current_version
from tests.intake.test_import_command import Terminal

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="generate_data writes with PostgreSQL's COPY"
)

EVENTS, ACTORS, CONFLICTS = 3000, 300, 12
SAMPLE = 60  # records of each kind validated one by one


def generate(seed=1, stderr=None, **options):
    out = io.StringIO()
    call_command(
        "generate_data",
        events=EVENTS,
        actors=ACTORS,
        conflicts=CONFLICTS,
        seed=seed,
        allow_any_database=True,
        stdout=out,
        stderr=stderr or io.StringIO(),
        **options,
    )
    return out.getvalue()


def dump() -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        tables = {}
        for table in COLUMNS:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            tables[table] = cursor.fetchall()
        return tables


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    """One generated database for the module's tests, committed (VACUUM ANALYZE runs only
    outside a transaction) and emptied at the end. Each test still runs in a transaction of
    its own, rolled back, so a test that generates again leaves these rows as they were."""
    if connection.vendor != "postgresql":
        yield ""
        return
    with django_db_blocker.unblock():
        output = generate()
        yield output
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables_to_empty())} RESTART IDENTITY")


@pytest.fixture
def generated(committed, db):
    return committed


@postgresql_only
def test_it_fills_every_table_as_asked(generated):
    assert Event.objects.count() == EVENTS
    assert Actor.objects.count() == ACTORS
    assert Conflict.objects.count() == CONFLICTS
    assert Source.objects.count() == EVENTS // 5
    assert set(Event.objects.values_list("kind", flat=True)) == set(KIND_MODELS)
    kinds = Counter(Event.objects.values_list("kind", flat=True))
    for kind, model in KIND_MODELS.items():
        assert model.objects.count() == kinds[kind]
    assert set(Actor.objects.values_list("kind", flat=True)) == set(Actor.Kind)
    assert set(Event.objects.values_list("editorial_status", flat=True)) == set(Event.Status)
    assert set(Event.objects.values_list("date_precision", flat=True)) == set(Event.Precision)
    assert Event.objects.published().count() > EVENTS * 0.85
    assert ActorAlias.objects.exists() and Affiliation.objects.exists()
    assert ConflictParty.objects.count() >= 2 * CONFLICTS
    assert Meeting.produced.through.objects.exists()
    # Some proposals have exact times (in several zones); each is checked by the models' rules.
    assert (
        len(set(Proposal.objects.exclude(starts_at=None).values_list("time_zone", flat=True))) > 1
    )
    assert Proposal.objects.exclude(ends_at=None).exists()
    assert Meeting.discussed.through.objects.exists()
    per_event = Counter(Citation.objects.values_list("event", flat=True))
    assert len(per_event) == EVENTS
    assert min(per_event.values()) == 1 and max(per_event.values()) == 3
    # Six events in ten have a location, one in ten of those a second.
    places = Counter(Location.objects.values_list("event", flat=True))
    assert len(places) == EVENTS * 6 // 10
    assert sorted(Counter(places.values())) == [1, 2]
    assert 0.08 < Counter(places.values())[2] / len(places) < 0.12
    # The summary: rows per table, then seconds and events per second.
    lines = generated.splitlines()
    assert [f"{EVENTS:,}"] == [
        line.split()[1] for line in lines if line.startswith("events_event ")
    ]
    assert lines[-1].startswith(f"{EVENTS:,} events in ") and lines[-1].endswith(" events/s.")


@postgresql_only
def test_the_conflicts_sizes_are_skewed(generated):
    sizes = sorted(Counter(Event.objects.values_list("conflict", flat=True)).values())
    assert sizes[-1] > 4 * sizes[len(sizes) // 2]


@postgresql_only
def test_the_same_seed_gives_the_same_rows_and_another_seed_others(generated):
    first = dump()
    generate(replace=True)
    assert dump() == first
    generate(seed=2, replace=True)
    second = dump()
    assert second["events_event"] != first["events_event"]
    assert len(second["events_event"]) == EVENTS


def sample(model):
    return list(model.objects.order_by("pk")[:: max(1, model.objects.count() // SAMPLE)])


@postgresql_only
def test_generated_exact_times_agree_with_their_dates(generated):
    timed = list(Proposal.objects.exclude(starts_at=None).order_by("pk")[:SAMPLE])
    assert timed
    for proposal in timed:
        proposal.full_clean()  # the times' local dates are the dates they refine


@postgresql_only
@pytest.mark.parametrize("model", list(KIND_MODELS.values()))
def test_generated_records_pass_the_models_rules(generated, model):
    for record in sample(model):
        date, period_end = record.date, record.period_end
        record.full_clean()  # fields, constraints, clean(): future dates, links
        assert (record.date, record.period_end) == (date, period_end)  # already normalized
        participants = list(record.participants.all())
        assert {p.role for p in participants} <= set(KIND_ROLES[model])
        for participant in participants:
            participant.full_clean()
        citations = list(record.citations.select_related("source"))
        assert 1 <= len(citations) <= 3
        for citation in citations:
            citation.full_clean()  # the quote occurs in the article's body
        for location in record.locations.all():
            location.full_clean()  # codes, the region in its country, coordinates in range
        assert event_date_errors(record, [c.source for c in citations]) == {}
        links = linked_proposals(record)
        for proposal in links:
            assert proposal.conflict_id == record.conflict_id
            assert proposal.date <= record.period_end
        assert link_errors(record, {"links": links}) == {}


@postgresql_only
def test_generated_kinds_keep_their_own_rules(generated):
    for proposal in sample(Proposal):
        took_effect = proposal.outcome in Proposal.TOOK_EFFECT
        assert (proposal.effective_from is not None) == took_effect
        assert proposal.talks_format == "" or proposal.proposal_kind == "talks"
    for response in sample(Response):
        assert not response.participants.exists()
        assert response.proposal.pk < response.pk
    for accusation in sample(ViolationAccusation):
        roles = Counter(accusation.participants.values_list("role", flat=True))
        assert roles[Participant.Role.ACCUSER] == 1 and roles[Participant.Role.ACCUSED] >= 1
    with_truce = ViolationAccusation.objects.filter(proposal__isnull=False)
    assert with_truce.exists()
    assert not with_truce.filter(proposal__proposal_kind="talks").exists()


@postgresql_only
def test_names_and_aliases_name_one_actor_each(generated):
    for actor in sample(Actor):
        actor.full_clean()
    for alias in sample(ActorAlias):
        alias.full_clean()
    for affiliation in sample(Affiliation):
        affiliation.full_clean()
    states = Actor.objects.filter(kind=Actor.Kind.STATE)
    assert not states.filter(country="").exists()


@postgresql_only
def test_search_documents_are_as_the_model_computes_them(generated):
    ids = [e.pk for e in sample(Event)]
    written = dict(Event.objects.filter(pk__in=ids).values_list("pk", "search_document"))
    refresh_search_documents(ids)
    assert dict(Event.objects.filter(pk__in=ids).values_list("pk", "search_document")) == written


@postgresql_only
def test_the_api_finds_a_few_percent_by_place(generated):
    response = APIClient().get("/api/v1/events/", {"q": SEARCHED_PLACE, "page_size": 1000})
    assert response.status_code == 200, response.content
    found = response.json()["results"]
    assert 0.01 * EVENTS <= len(found) <= 0.2 * EVENTS
    assert SEARCHED_PLACE in PLACES


@postgresql_only
def test_the_schema_and_sequences_are_as_before(generated):
    before = index_definitions()
    version = current_version()
    err = io.StringIO()
    generate(replace=True, stderr=err)
    assert index_definitions() == before
    # A line per chunk of events (a log is no terminal), then the steps after them.
    lines = err.getvalue().splitlines()
    assert lines[-3].startswith(f"  {EVENTS:,}/{EVENTS:,} events ")
    assert lines[-2].startswith("Building ") and lines[-2].endswith(" indexes…")
    assert lines[-1] == "ANALYZE…"  # within the test's transaction: no VACUUM
    # The API's cached reads are of the data before.
    assert current_version() != version
    # New rows take ids after the generated ones.
    actor = Actor.objects.create(name="Someone New", kind=Actor.Kind.PERSON)
    assert actor.pk == ACTORS + 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


@postgresql_only
def test_it_refuses_a_database_without_bench_in_its_name(generated):
    assert "bench" not in connection.settings_dict["NAME"]
    with pytest.raises(CommandError, match="has no 'bench' in its name"):
        call_command("generate_data", events=10, replace=True, stdout=io.StringIO())
    assert Event.objects.count() == EVENTS


@postgresql_only
def test_it_refuses_a_database_holding_data_unless_replace(generated):
    with pytest.raises(CommandError, match="already holds .* pass --replace"):
        generate()
    assert Event.objects.count() == EVENTS


@pytest.mark.skipif("connection.vendor == 'postgresql'", reason="the refusal of other databases")
def test_it_refuses_sqlite(db):
    with pytest.raises(CommandError, match="PostgreSQL's COPY; this database is sqlite"):
        generate()


def test_the_progress_bar_redraws_in_place_on_a_terminal():
    out = Terminal()
    progress = Progress(out)
    progress(5000, 10000)
    progress(10000, 10000)
    first, second = out.getvalue().split("\r")[1:]
    assert first.startswith(f"[{'#' * 15}{'-' * 15}] 5,000/10,000 events ")
    assert " events/s  ETA " in first and not first.endswith("\n")
    assert second.startswith(f"[{'#' * 30}] 10,000/10,000 events ") and second.endswith(" s\n")


def test_the_progress_is_a_line_per_chunk_elsewhere():
    out = io.StringIO()
    progress = Progress(out)
    progress(5000, 10000)
    progress(10000, 10000)
    progress.step("Building 3 indexes…")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("  5,000/10,000 events ") and " events/s  ETA " in lines[0]
    assert lines[1].startswith("  10,000/10,000 events ")
    assert lines[2] == "Building 3 indexes…"
