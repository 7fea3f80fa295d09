"""The README's analyst quickstart is true: each example runs against the demo data.

The examples are read from the README itself, so the documentation and these tests cannot
drift apart: an example without an expectation here fails.
"""

import contextlib
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

README = Path(__file__).resolve().parents[2] / "README.md"
BASE = "http://127.0.0.1:8000"


def readme_block(name: str) -> str:
    text = README.read_text()
    match = re.search(
        rf"<!-- quickstart:{name} -->\n```\w*\n(.*?)```\n<!-- /quickstart:{name} -->", text, re.S
    )
    assert match, f"README has no quickstart:{name} block"
    return match.group(1)


def curl_paths() -> list[str]:
    return [url.removeprefix(BASE) for url in re.findall(r"curl '([^']+)'", readme_block("curl"))]


def titles(data) -> list[str]:
    return sorted(row["title"] for row in data["results"])


EXPECTATIONS = {
    "/api/v1/proposals/?in_effect_on=2025-04-20": lambda r: titles(r.json()) == ["Easter truce"],
    "/api/v1/proposals/?proposer=russia&include_affiliates=true"
    "&proposal_kind=ceasefire,partial_ceasefire&date_after=2025-01-01&date_before=2025-12-31": (
        lambda r: titles(r.json()) == ["Easter truce"]
    ),
    "/api/v1/accusations/?q=energy": lambda r: (
        r.json()["count"] == 2
        and {(row["accusers"][0], row["accused"][0]) for row in r.json()["results"]}
        == {("russia", "ukraine"), ("ukraine", "russia")}
    ),
    "/api/v1/responses/?date_after=2025-03-15&date_before=2025-03-15": lambda r: (
        sorted((row["responder"], row["stance"]) for row in r.json()["results"])
        == [("russia", "rejected"), ("ukraine", "accepted")]
    ),
    "/api/v1/conflicts/russia-ukraine-war/accusation-matrix/"
    "?date_after=2025-04-01&date_before=2025-04-30": lambda r: (
        r.json()["matrix"]
        == [
            {"accuser": "russia", "accused": "ukraine", "count": 1},
            {"accuser": "ukraine", "accused": "russia", "count": 1},
        ]
    ),
    "/api/v1/events/?kind=meeting&kind=response&date_after=2025-03-01&date_before=2025-03-31"
    "&ordering=date": lambda r: (
        titles(r.json())
        == [
            "Parallel talks in Saudi Arabia",
            "Russia rejects the full 30-day ceasefire",
            "Ukraine accepts the full 30-day ceasefire",
        ]
    ),
    "/api/v1/actors/?name=the%20Kremlin": lambda r: (
        [a["slug"] for a in r.json()["results"]] == ["russia"]
    ),
    "/api/v1/events/export.csv?conflict=russia-ukraine-war&ordering=date": lambda r: (
        r["Content-Type"].startswith("text/csv") and war_in_date_order(streamed(r))
    ),
}


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


def war_in_date_order(text: str) -> bool:
    """The header and the war's 15 events, the first in March 2025."""
    lines = text.strip().splitlines()
    return len(lines) == 1 + 15 and lines[1].split(",")[4] == "2025-03-01"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_every_curl_example_has_an_expectation():
    assert sorted(curl_paths()) == sorted(EXPECTATIONS)


@pytest.mark.parametrize("path", list(EXPECTATIONS))
def test_curl_example_answers_its_question(demo, path):
    response = APIClient().get(path)
    assert response.status_code == 200, response.content[:500]
    shown = path if response.streaming else response.content.decode()[:2000]
    assert EXPECTATIONS[path](response), shown


@pytest.mark.django_db(transaction=True)
def test_python_example_prints_what_the_readme_says(live_server):
    call_command("load_demo", verbosity=0)
    code = readme_block("python").replace(BASE, live_server.url)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "README.md", "exec"), {})
    assert output.getvalue() == readme_block("output")
