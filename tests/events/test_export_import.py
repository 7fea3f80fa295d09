"""manage.py export and import: every row of every table comes back with its ids and values,
and a bad file writes nothing, naming the line and the field."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection
from rest_framework.authtoken.models import Token

from actors.models import Actor
from events.groups import REVIEWERS
from events.models import Event, Location, Meeting, Participant, Proposal
from events.search import LOCATIONS_MIGRATION
from events.services import merge_sources
from lib.backup import delete_records, exported_models, table_counts
from tests.factories import (
    AccusationFactory,
    ActorAliasFactory,
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


def build_world():
    """The demo, and around it what the demo lacks: users with groups, permissions and a
    token, records of every editorial status, links of every kind, a merged source, a renamed
    actor, an edited record and a deleted one (whose history stays)."""
    call_command("load_demo", verbosity=0)
    reviewer = UserFactory(username="rita", groups=[REVIEWERS])
    reviewer.user_permissions.add(Permission.objects.get(codename="view_actor"))
    Token.objects.create(user=reviewer)

    sudan = ConflictFactory(name="Sudan war")
    sudan.parties.add(ActorFactory(name="Sudan"), ActorFactory(name="RSF", kind="armed_group"))
    truce = ProposalFactory(
        conflict=sudan,
        created_by=reviewer,
        updated_by=reviewer,
        editorial_status="draft",
        proposal_kind=Proposal.ProposalKind.HUMANITARIAN_PAUSE,
        proposed_start=datetime.date(2025, 5, 1),
        proposed_end=datetime.date(2025, 5, 3),
        duration_hours=48,
    )
    counter = ProposalFactory(
        conflict=sudan,
        editorial_status="in_review",
        extends=truce,
        counters=truce,
        replaces=truce,
        date=datetime.date(2025, 5, 1),
        date_precision="month",
    )
    meeting = MeetingFactory(conflict=sudan, end_date=datetime.date(2025, 5, 2))
    meeting.produced.add(counter)
    meeting.discussed.add(truce, counter)
    AccusationFactory(conflict=sudan, proposal=truce, editorial_status="retracted")
    ResponseFactory(conflict=sudan, proposal=truce, stance="conditional", conditions="Aid first")
    ParticipantFactory(event=truce, role=Participant.Role.PROPOSER)
    ParticipantFactory(event=meeting, role=Participant.Role.MEDIATOR)

    kept, duplicate = SourceFactory(), SourceFactory(title="Same article, other URL")
    CitationFactory(
        event=counter,
        source=duplicate,
        speaker=ActorFactory(name="A spokesman", kind="person"),
        via=ActorFactory(name="Agency", kind="media"),
    )
    merge_sources(kept, [duplicate], reviewer)
    AffiliationFactory(end_date=datetime.date(2025, 1, 1))
    ActorAliasFactory(name="Khartoum")
    renamed = Actor.objects.get(slug="united-states")
    renamed.slug = "usa"
    renamed.save()  # the old slug, which published events showed, keeps leading to it

    truce.title = "Three-day humanitarian pause"
    truce.save()  # a second history row
    deleted = ProposalFactory(conflict=sudan)
    deleted_id = deleted.pk
    deleted.delete()  # gone, its history stays
    return deleted_id


def empty_database():
    """Every exported table emptied and its id sequence started again, as in a database that
    was just migrated."""
    delete_records()
    tables = {model._meta.db_table for model in exported_models()}
    sequences = [s for s in connection.introspection.sequence_list() if s["table"] in tables]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
            cursor.execute(statement)


def every_row():
    """Every row of every exported table, all columns, in id order."""
    rows = {}
    with connection.cursor() as cursor:
        for model in exported_models():
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")
            rows[model._meta.label_lower] = cursor.fetchall()
    return rows


def export(path):
    stderr = io.StringIO()
    call_command("export", output=str(path), stderr=stderr)
    return stderr.getvalue()


def lines_of(path):
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def find_line(lines, model, **fields):
    """The index of the first line of ``model`` whose fields include ``fields``."""
    for index, text in enumerate(lines[1:], start=1):
        line = json.loads(text)
        if line["model"] == model and all(line["fields"].get(k) == v for k, v in fields.items()):
            return index
    raise AssertionError(f"no {model} line with {fields}")


def edit_line(lines, index, **fields):
    line = json.loads(lines[index])
    line["fields"].update(fields)
    lines[index] = json.dumps(line)


def test_import_gives_back_every_row_of_every_table(tmp_path):
    deleted_id = build_world()
    before = every_row()
    path = tmp_path / "all.jsonl"
    progress = export(path)

    empty_database()
    assert not any(table_counts().values())
    stdout = io.StringIO()
    call_command("import", str(path), stdout=stdout, stderr=io.StringIO())

    assert every_row() == before
    assert sum(len(rows) for rows in before.values()) == len(lines_of(path)) - 1
    # Nothing the world made is missing from the comparison.
    for label in (
        "auth.user",
        "auth.user_groups",
        "auth.user_user_permissions",
        "authtoken.token",
        "actors.actorpreviousslug",
        "events.mergedsource",
        "events.meeting_discussed",
        "events.historicalmeeting_discussed",
        "events.historicalproposal",
    ):
        assert before[label], label
    assert "events.event: " in progress
    assert "Imported" in stdout.getvalue()
    # The history of the deleted proposal survived, and its id is not given again.
    assert Proposal.history.filter(id=deleted_id, history_type="-").exists()
    assert ProposalFactory().pk > deleted_id


def test_the_ids_go_on_after_the_largest_imported_one(tmp_path):
    build_world()
    path = tmp_path / "all.jsonl"
    export(path)
    largest = {m: m._base_manager.order_by("-pk").first().pk for m in (Actor, Meeting)}
    empty_database()
    call_command("import", str(path), verbosity=0)

    assert ActorFactory().pk > largest[Actor]
    assert MeetingFactory().pk > largest[Meeting]


def test_an_export_to_stdout_is_the_file(tmp_path):
    call_command("load_demo", verbosity=0)
    path = tmp_path / "all.jsonl"
    export(path)
    stdout = io.StringIO()
    call_command("export", stdout=stdout, verbosity=0)

    assert stdout.getvalue() == path.read_text(encoding="utf-8")
    header = json.loads(stdout.getvalue().splitlines()[0])
    assert header["format"] == "ceasefire-tracker-export/1"
    assert "0001_initial" in header["migrations"]["events"]


def test_an_empty_database_exports_a_header_that_imports(tmp_path):
    path = tmp_path / "empty.jsonl"
    export(path)
    assert len(lines_of(path)) == 1
    call_command("import", str(path), verbosity=0)
    assert not any(table_counts().values())


def test_it_refuses_a_database_that_holds_records(tmp_path):
    call_command("load_demo", verbosity=0)
    path = tmp_path / "all.jsonl"
    export(path)
    before = every_row()

    with pytest.raises(
        CommandError, match="already holds records: .*actors.actor \\(10\\).*--replace"
    ):
        call_command("import", str(path), verbosity=0)
    assert every_row() == before


def test_replace_deletes_the_records_first(tmp_path):
    call_command("load_demo", verbosity=0)
    path = tmp_path / "demo.jsonl"
    export(path)
    before = every_row()
    ActorFactory(name="Added after the export")

    call_command("import", str(path), replace=True, verbosity=0)

    assert every_row() == before


def import_fails(path, match):
    with pytest.raises(CommandError, match=match) as error:
        call_command("import", str(path), verbosity=0)
    assert str(error.value).startswith("Nothing was imported: ")
    assert not any(table_counts().values())  # nothing half-written


@pytest.fixture
def demo_file(tmp_path):
    call_command("load_demo", verbosity=0)
    path = tmp_path / "demo.jsonl"
    export(path)
    empty_database()
    return path


BAD_VALUES = {
    "a bad date": (
        ("events.event", {"title": "Full 30-day ceasefire"}, {"date": "2025-02-30"}),
        'events.event field "date": .*invalid date',
    ),
    "an unknown field": (
        ("actors.actor", {"slug": "ukraine"}, {"colour": "blue"}),
        'actors.actor has no field "colour"',
    ),
    "a null in a required field": (
        ("events.event", {"title": "Easter truce"}, {"title": None}),
        'events.event field "title" may not be null',
    ),
    "a value too long": (
        ("actors.actor", {"slug": "ukraine"}, {"country": "UKRAINE"}),
        'actors.actor field "country": longer than 3',
    ),
    "a check constraint": (
        ("events.proposal", {"duration_hours": 720}, {"duration_hours": 0}),
        "events.proposal: .*proposal_duration_positive",
    ),
    "a key to nothing": (
        ("events.participant", {"role": "accuser"}, {"actor": 99999}),
        'events.participant field "actor": no actors.actor with id 99999',
    ),
}


@pytest.mark.parametrize("case", BAD_VALUES)
def test_a_bad_value_names_the_line_and_the_field(demo_file, case):
    (model, found_by, edit), message = BAD_VALUES[case]
    lines = lines_of(demo_file)
    index = find_line(lines, model, **found_by)
    edit_line(lines, index, **edit)
    write_lines(demo_file, lines)

    import_fails(demo_file, f"line {index + 1}: {message}")


def test_a_missing_field_is_named_unless_it_may_be_null(demo_file):
    lines = lines_of(demo_file)
    index = find_line(lines, "actors.actor", slug="ukraine")
    line = json.loads(lines[index])
    line["fields"]["ucdp_actor_id"] = 7
    lines[index] = json.dumps(line)
    write_lines(demo_file, lines)
    call_command("import", str(demo_file), verbosity=0)
    assert Actor.objects.get(slug="ukraine").ucdp_actor_id == 7

    empty_database()
    del line["fields"]["ucdp_actor_id"]  # may be null: accepted, null
    lines[index] = json.dumps(line)
    write_lines(demo_file, lines)
    call_command("import", str(demo_file), verbosity=0)
    assert Actor.objects.get(slug="ukraine").ucdp_actor_id is None

    empty_database()
    del line["fields"]["name"]  # no default
    lines[index] = json.dumps(line)
    write_lines(demo_file, lines)
    import_fails(demo_file, f'line {index + 1}: actors.actor field "name" is missing')


def test_a_line_that_is_not_json_is_named(demo_file):
    lines = lines_of(demo_file)
    lines[5] = lines[5][:-1]
    write_lines(demo_file, lines)

    import_fails(demo_file, "line 6: not JSON")


def test_an_unknown_model_is_named(demo_file):
    lines = lines_of(demo_file)
    lines.insert(3, json.dumps({"model": "events.rumour", "pk": 1, "fields": {}}))
    write_lines(demo_file, lines)

    import_fails(demo_file, "line 4: unknown model 'events.rumour'")


def test_a_file_without_the_header_is_refused(demo_file):
    write_lines(demo_file, lines_of(demo_file)[1:])

    import_fails(demo_file, "line 1: not an export of this application")


def test_an_export_of_unapplied_migrations_is_refused(demo_file):
    lines = lines_of(demo_file)
    header = json.loads(lines[0])
    header["migrations"]["events"].append("9999_from_the_future")
    lines[0] = json.dumps(header)
    write_lines(demo_file, lines)

    import_fails(demo_file, "events.9999_from_the_future.*run manage.py migrate first")


def documents_of_located_events() -> dict[int, str]:
    return dict(
        Event.objects.filter(locations__isnull=False)
        .distinct()
        .values_list("pk", "search_document")
    )


def without_documents(path, keep_locations_migration: bool):
    """The file with every event's search document emptied, its header naming events 0025
    (the locations' names in the documents) or not."""
    lines = lines_of(path)
    header = json.loads(lines[0])
    if not keep_locations_migration:
        header["migrations"]["events"].remove(LOCATIONS_MIGRATION[1])
    lines[0] = json.dumps(header)
    for index, text in enumerate(lines[1:], start=1):
        if json.loads(text)["model"] == "events.event":
            edit_line(lines, index, search_document="")
    write_lines(path, lines)


def test_an_export_older_than_the_locations_in_documents_gets_their_names(tmp_path):
    call_command("load_demo", verbosity=0)
    expected = documents_of_located_events()
    assert expected and all(
        name in expected[event] for event, name in Location.objects.values_list("event", "name")
    )
    path = tmp_path / "old.jsonl"
    export(path)
    empty_database()
    without_documents(path, keep_locations_migration=False)

    call_command("import", str(path), verbosity=0)

    assert documents_of_located_events() == expected
    # The documents of events without a location are as the file has them.
    assert set(Event.objects.filter(locations=None).values_list("search_document", flat=True)) == {
        ""
    }


def test_an_export_as_new_as_the_locations_in_documents_keeps_its_documents(demo_file):
    without_documents(demo_file, keep_locations_migration=True)

    call_command("import", str(demo_file), verbosity=0)

    assert set(Event.objects.values_list("search_document", flat=True)) == {""}


DISMISSAL = "Ukraine dismisses the Easter truce as a political maneuver"


def test_a_response_to_another_conflicts_proposal_names_the_line(demo_file):
    # The trigger of events/migrations/0002 checks the row as it is inserted.
    lines = lines_of(demo_file)
    conflict = json.loads(lines[find_line(lines, "events.conflict")])
    other = {"model": "events.conflict", "pk": 99, "fields": dict(conflict["fields"])}
    other["fields"].update(slug="elsewhere", name="Elsewhere")
    lines.insert(find_line(lines, "events.conflict") + 1, json.dumps(other))
    index = find_line(lines, "events.event", title=DISMISSAL)
    edit_line(lines, index, conflict=99)
    write_lines(demo_file, lines)
    response = find_line(lines, "events.response", stance="dismissed")

    import_fails(demo_file, f"line {response + 1}: events.response: .*same conflict")


def test_a_group_unknown_to_the_database_is_named(tmp_path):
    UserFactory(username="rita", groups=[REVIEWERS])
    path = tmp_path / "users.jsonl"
    export(path)
    empty_database()
    lines = lines_of(path)
    index = find_line(lines, "auth.user_groups")
    edit_line(lines, index, group=["Astrologers"])
    write_lines(path, lines)

    import_fails(path, f'line {index + 1}: auth.user_groups field "group": no auth.group')


def test_an_output_that_cannot_be_written_is_named(tmp_path):
    with pytest.raises(CommandError, match="--output: .*No such file or directory"):
        call_command("export", output=str(tmp_path / "missing" / "all.jsonl"), verbosity=0)
