"""``manage.py benchmark_api``: a table with a row per question on a tiny synthetic database,
the API and the SQL agreeing, the data gone afterwards, and no database but a bench one used.

Only that the command works is tested here; its timings are numbers to read, never asserted.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from actors.models import Actor, Affiliation
from events.models import Citation, Conflict, Event, Participant, Proposal, Response, Source

pytestmark = pytest.mark.django_db

QUESTIONS = [
    "timeline",
    "conflict+actor+dates",
    "proposals in_effect_on",
    "full-text q",
    "accuser+affiliates",
    "csv page of 1000",
]
TINY = ["--events", "60", "--repeat", "1", "--allow-any-database"]


def run(*args) -> str:
    out = StringIO()
    call_command("benchmark_api", *args, stdout=out, stderr=out)
    return out.getvalue()


def table_rows(output: str) -> dict[str, str]:
    """The table's rows by question (the lines after the header's rule)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("---")) + 1
    rows = {}
    for line in lines[start:]:
        for name in QUESTIONS:
            if line.startswith(name + " "):
                rows[name] = line
    return rows


def test_it_prints_a_row_per_question_with_the_same_ids_and_removes_its_data():
    output = run(*TINY)

    rows = table_rows(output)
    assert set(rows) == set(QUESTIONS)
    assert all(row.endswith("same") for row in rows.values()), output
    assert "MISMATCH" not in output
    assert "rows/s" in output
    for model in (Event, Proposal, Response, Participant, Citation, Source, Conflict, Actor):
        assert not model.objects.exists(), model
    assert not Affiliation.objects.exists()


def test_keep_leaves_the_events_which_a_second_run_benchmarks_only_with_reuse():
    run(*TINY, "--keep")

    assert Event.objects.count() == 60
    assert Participant.objects.count() >= 60
    assert Citation.objects.count() >= 60
    # Every kind, each a complete two-table row, and every response in its proposal's conflict.
    assert set(Event.objects.values_list("kind", flat=True)) == set(Event.Kind)
    assert not Response.objects.exclude(conflict=F("proposal__conflict")).exists()
    with pytest.raises(CommandError, match="--reuse"):
        run(*TINY)

    output = run("--repeat", "1", "--allow-any-database", "--reuse")

    assert set(table_rows(output)) == set(QUESTIONS)
    assert not Event.objects.exists()


def test_it_refuses_a_database_whose_name_lacks_bench(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "tracker")

    with pytest.raises(CommandError, match="whose name contains 'bench'"):
        run("--events", "60", "--repeat", "1")

    assert not Event.objects.exists()
