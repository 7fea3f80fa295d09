"""``manage.py score_suggestions``: the gold format, its errors, and the seed's figures."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from events.models import Event, Source
from events.suggest.score import GoldError, read_gold

SEED_GOLD = Path(__file__).resolve().parents[2] / "events" / "demo" / "seed_gold.json"


def score(*args) -> str:
    out = StringIO()
    call_command("score_suggestions", *args, stdout=out)
    return out.getvalue()


def row(output: str, name: str) -> list[str]:
    return next(line.split() for line in output.splitlines() if line.split()[:1] == [name])


def test_the_seed_reaches_the_targets_and_writes_nothing(db):
    output = score(str(SEED_GOLD), "--load-demo")
    gold, suggested, matched = (int(n) for n in row(output, "records")[1:4])
    assert gold == 15
    assert matched / gold >= 0.9  # recall
    assert matched / suggested >= 0.7  # precision
    for kind in ("proposal", "response", "meeting", "accusation"):
        assert row(output, kind)[4] != "—"
    assert row(output, "actors")[4] == "100%"
    # The demo data and the articles were loaded in a transaction rolled back.
    assert not Source.objects.exists() and not Event.objects.exists()


def test_the_gold_s_actors_must_exist(db):
    with pytest.raises(CommandError, match="load_demo"):
        score(str(SEED_GOLD))


def _gold(tmp_path, data) -> str:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


ARTICLE = {
    "title": "Truce",
    "url": "",
    "published_at": "2023-05-17T09:00:00Z",
    "body": "The army accused the RSF of violating the truce. Egypt welcomed the plan.",
    "actors": ["saf", "rsf", "egypt"],
    "records": [
        {
            "kind": "accusation",
            "body": {
                "accusers": ["saf"],
                "accused": ["rsf"],
                "citations": [{"quote": "accused the RSF of violating the truce"}],
            },
        },
        {
            "kind": "meeting",
            "body": {"delegations": ["saf"], "citations": [{"quote": "Egypt welcomed"}]},
        },
    ],
}


def test_records_match_by_kind_quote_and_actors_and_are_counted_by_kind(world, tmp_path):
    output = score(_gold(tmp_path, {"articles": [ARTICLE]}), "--details")
    assert row(output, "accusation")[1:6] == ["1", "1", "1", "100%", "100%"]
    assert row(output, "meeting")[1:6] == ["1", "0", "0", "0%", "—"]
    assert row(output, "response")[1:6] == ["0", "1", "0", "—", "0%"]
    assert row(output, "records")[1:6] == ["2", "2", "1", "50%", "50%"]
    assert "missed: meeting" in output
    assert "not in the gold: response" in output


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], r'Expected \{"articles": \[\.\.\.\]\}'),
        ({"articles": [{"title": "x", "records": []}]}, r"articles\[0\]\.body: required"),
        (
            {"articles": [{**ARTICLE, "published_at": "yesterday"}]},
            r"articles\[0\]\.published_at",
        ),
        (
            {"articles": [{**ARTICLE, "records": [{"kind": "truce", "body": {}}]}]},
            r"articles\[0\]\.records\[0\]\.kind",
        ),
        (
            {
                "articles": [
                    {
                        **ARTICLE,
                        "records": [
                            {"kind": "meeting", "body": {"citations": [{"quote": "not there"}]}}
                        ],
                    }
                ]
            },
            r"records\[0\]\.body\.citations\[0\]\.quote: does not occur",
        ),
    ],
)
def test_a_gold_file_out_of_format_is_refused_naming_the_place(data, message):
    with pytest.raises(GoldError, match=message):
        read_gold(json.dumps(data))


def test_the_command_names_the_file_and_the_problem(tmp_path):
    with pytest.raises(CommandError, match="gold.json: Not JSON"):
        path = tmp_path / "gold.json"
        path.write_text("{", encoding="utf-8")
        score(str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        score(str(tmp_path / "missing.json"))


OTHER_GOLD = Path(__file__).resolve().parent / "gold_other_article.json"


def test_a_second_article_reaches_the_targets(world):
    """README's figures ("Scoring the suggestions"): another conflict, other wording."""
    output = score(str(OTHER_GOLD))
    gold, suggested, matched = (int(n) for n in row(output, "records")[1:4])
    assert gold == 8
    assert matched / gold >= 0.9 and matched / suggested >= 0.7


UNSEEN_GOLD = Path(__file__).resolve().parent / "gold_unseen_article.json"


def test_a_third_article_reaches_the_targets_but_one_answer(gaza):
    """README's figures: written after the rules (it scored 57% recall, 67% precision then).
    "Netanyahu said the terms did not meet Israel's demands" is a rejection no word says."""
    output = score(str(UNSEEN_GOLD), "--details")
    gold, suggested, matched = (int(n) for n in row(output, "records")[1:4])
    assert (gold, suggested, matched) == (7, 6, 6)
    assert "missed: response “Netanyahu rejects the terms”" in output
