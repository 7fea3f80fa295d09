"""The cells of a CSV row: arrays as JSON, nested objects in place, no formula a spreadsheet
would run, leading zeros kept, errors as JSON.

``flatten`` is what the paginated CSV and the streamed exports write; its rules are tested on
rows directly, then through the API.
"""

import contextlib
import csv
import io
import json

import pandas as pd
import pytest
from django.core.management import call_command

from events.api.renderers import flatten, serializer_columns
from events.api.serializers import ProposalSerializer
from events.models import Event, Proposal
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.api.test_quickstart import BASE, readme_block
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    AffiliationFactory,
    CitationFactory,
    ProposalFactory,
    SourceFactory,
)

PUBLISHED = Event.Status.PUBLISHED
TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
CITATION_COLUMNS = [
    "citations.source",
    "citations.source_title",
    "citations.source_url",
    "citations.archive_url",
    "citations.quote",
    "citations.speaker",
    "citations.via",
]
CODES_COLUMNS = [
    "codes.cameo",
    "codes.cameo_root",
    "codes.quad_class",
    "codes.plover",
    "codes.plover_mode",
    "codes.mapping_version",
]


# --- flatten, on rows -------------------------------------------------------------------------


def test_a_nested_object_becomes_its_columns_in_place():
    row = {"id": 1, "codes": {"cameo": "036", "plover": "REQUEST"}, "title": "Talks"}

    assert list(flatten(row).items()) == [
        ("id", 1),
        ("codes.cameo", "036"),
        ("codes.plover", "REQUEST"),
        ("title", "Talks"),
    ]


@pytest.mark.parametrize(
    ("values", "cell"),
    [
        (["russia", "ukraine"], '["russia","ukraine"]'),
        (["russia"], '["russia"]'),
        ([], "[]"),
        ([4, 17], "[4,17]"),
        (["Київ"], '["Київ"]'),
    ],
)
def test_a_list_of_values_is_a_json_array(values, cell):
    assert flatten({"proposers": values}) == {"proposers": cell}


def test_a_list_of_objects_is_a_json_array_per_key_in_place():
    row = {
        "id": 1,
        "citations": [
            {"source": 3, "quote": "30-day truce", "speaker": None},
            {"source": 4, "quote": 'Talks; then, a "truce"\nmaybe', "speaker": "peskov"},
        ],
        "updated_at": "2025-03-01T00:00:00Z",
    }

    flat = flatten(row)

    assert list(flat) == [
        "id",
        "citations.source",
        "citations.quote",
        "citations.speaker",
        "updated_at",
    ]
    assert flat["citations.source"] == "[3,4]"
    assert flat["citations.speaker"] == '[null,"peskov"]'
    assert json.loads(flat["citations.quote"]) == [
        "30-day truce",
        'Talks; then, a "truce"\nmaybe',
    ]


def test_null_is_an_empty_cell_and_numbers_stay_numbers():
    row = {"end_date": None, "duration_hours": 48, "delta": -5, "share": -0.5, "flag": True}

    assert flatten(row) == {
        "end_date": "",
        "duration_hours": 48,
        "delta": -5,
        "share": -0.5,
        "flag": True,
    }


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_a_text_cell_that_would_be_a_formula_is_neutralised(trigger):
    text = f'{trigger}HYPERLINK("https://evil.example","click")'

    assert flatten({"title": text}) == {"title": f"'{text}"}


@pytest.mark.parametrize("text", ["a=b", "2025-03-01", "", "'quoted", " =spaced", "036"])
def test_other_text_is_left_as_it_is(text):
    assert flatten({"title": text}) == {"title": text}


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_an_array_cell_starts_with_a_bracket_whatever_its_values(trigger):
    values = [f"{trigger}1+1", f'"],{trigger}cmd\r\n\t', "]"]

    for flat in (
        flatten({"aliases": values}),
        flatten({"citations": [{"quote": value} for value in values]}),
    ):
        (cell,) = flat.values()
        assert cell.startswith("[")
        assert not set(cell) & {"\t", "\r", "\n"}  # JSON escapes them: the cell is one line
        assert json.loads(cell) == values  # the values themselves, unchanged


def test_the_columns_of_a_serializer_are_its_fields_with_nested_ones_in_place():
    columns = serializer_columns(ProposalSerializer())

    start = columns.index("replaces")
    assert columns[start : start + 1 + len(CODES_COLUMNS)] == ["replaces", *CODES_COLUMNS]
    # Then the first location's coordinates, the locations' columns, the citations'.
    after = columns[start + 1 + len(CODES_COLUMNS) :]
    assert after[:3] == ["latitude", "longitude", "locations.name"]
    assert after.index("citations.source") > after.index("locations.name")
    assert "codes" not in columns and "citations" not in columns and "locations" not in columns
    assert columns[-2:] == ["created_at", "updated_at"]


# --- through the API ---------------------------------------------------------------------------


def read_csv(response) -> tuple[list[str], list[dict]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *body = csv.reader(io.StringIO(response.content.decode("utf-8")))
    return header, [dict(zip(header, row, strict=True)) for row in body]


@pytest.mark.django_db
def test_an_event_without_citations_has_empty_arrays_in_their_columns(anonymous):
    proposal = ProposalFactory(editorial_status=PUBLISHED)
    proposer = ActorFactory(slug="russia")
    proposal.participants.create(actor=proposer, role="proposer")

    for endpoint in ("events", "proposals"):
        header, rows = read_csv(anonymous.get(f"/api/v1/{endpoint}/", {"format": "csv"}))

        assert "citations" not in header
        citation_columns = [c for c in header if c.startswith("citations.")]
        assert citation_columns == CITATION_COLUMNS
        assert {rows[0][c] for c in citation_columns} == {"[]"}
        assert rows[0]["proposers"] == '["russia"]'
        assert rows[0]["mediators"] == "[]"


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["events", "proposals", "actors", "conflicts", "sources"])
def test_the_header_is_the_same_whatever_the_rows_contain(anonymous, endpoint):
    empty = read_csv(anonymous.get(f"/api/v1/{endpoint}/", {"format": "csv"}))[0]
    bare = ProposalFactory(editorial_status=PUBLISHED)
    without = read_csv(anonymous.get(f"/api/v1/{endpoint}/", {"format": "csv"}))[0]
    cited = ProposalFactory(editorial_status=PUBLISHED, conflict=bare.conflict)
    CitationFactory(event=cited, speaker=ActorFactory(slug="peskov"))
    ActorAliasFactory(actor=ActorFactory(slug="russia"), name="the Kremlin")
    AffiliationFactory(organization=ActorFactory(slug="kremlin"))
    bare.conflict.parties.add(ActorFactory(slug="ukraine"))
    full = read_csv(anonymous.get(f"/api/v1/{endpoint}/", {"format": "csv"}))[0]

    assert empty == without == full


@pytest.mark.django_db
def test_an_actor_without_affiliations_has_empty_arrays_in_their_columns(anonymous):
    russia = ActorFactory(slug="russia", name="Russia")
    ActorAliasFactory(actor=russia, name="the Kremlin")
    ActorAliasFactory(actor=russia, name="Moscow")
    AffiliationFactory(
        person=ActorFactory(slug="peskov", name="Peskov", kind="person"),
        organization=russia,
        role="Spokesman",
    )

    header, rows = read_csv(anonymous.get("/api/v1/actors/", {"format": "csv"}))
    by_slug = {row["slug"]: row for row in rows}

    assert "affiliations" not in header
    assert json.loads(by_slug["russia"]["aliases"]) == ["Moscow", "the Kremlin"]
    assert by_slug["russia"]["affiliations.organization"] == "[]"
    assert by_slug["russia"]["affiliations.role"] == "[]"
    assert by_slug["peskov"]["aliases"] == "[]"
    assert by_slug["peskov"]["affiliations.organization"] == '["russia"]'
    assert by_slug["peskov"]["affiliations.role"] == '["Spokesman"]'


@pytest.mark.django_db
def test_a_formula_in_a_title_is_text_in_csv_and_unchanged_in_json(anonymous):
    title = '=HYPERLINK("https://evil.example","Truce")'
    proposal = ProposalFactory(editorial_status=PUBLISHED, title=title, duration_hours=48)
    source = SourceFactory(body="-30-day truce")
    CitationFactory(event=proposal, quote="-30-day truce", source=source)

    rows = read_csv(anonymous.get("/api/v1/proposals/", {"format": "csv"}))[1]

    assert rows[0]["title"] == f"'{title}"
    assert rows[0]["duration_hours"] == "48"
    assert json.loads(rows[0]["citations.quote"]) == ["-30-day truce"]
    assert anonymous.get(f"/api/v1/proposals/{proposal.pk}/").json()["title"] == title


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["proposals", "events"])
def test_a_cameo_code_keeps_its_leading_zero_in_pandas_with_dtype_str(anonymous, endpoint):
    ProposalFactory(editorial_status=PUBLISHED, proposal_kind=Proposal.ProposalKind.TALKS)
    response = anonymous.get(f"/api/v1/{endpoint}/", {"format": "csv"})
    assert response.status_code == 200

    # As the README's example reads it: every cell as text, arrays with json.loads.
    frame = pd.read_csv(io.BytesIO(response.content), dtype=str, keep_default_na=False)
    proposers = frame["proposers"].map(json.loads)

    if endpoint == "proposals":
        assert list(frame["codes.cameo"]) == ["036"]
        # What dtype=str is for: left to guess, pandas reads the code as the number 36.
        assert list(pd.read_csv(io.BytesIO(response.content))["codes.cameo"]) == [36]
    assert list(frame["id"].astype(int)) == [Proposal.objects.get().pk]
    assert list(proposers) == [[]]


@pytest.mark.django_db
def test_a_detail_in_csv_is_one_row_with_the_lists_header(anonymous):
    proposal = ProposalFactory(editorial_status=PUBLISHED)

    list_header = read_csv(anonymous.get("/api/v1/proposals/", {"format": "csv"}))[0]
    header, rows = read_csv(anonymous.get(f"/api/v1/proposals/{proposal.pk}/", {"format": "csv"}))

    assert header == list_header
    assert [row["id"] for row in rows] == [str(proposal.pk)]


# --- errors stay JSON ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["format", "accept"])
@pytest.mark.parametrize(
    ("persona", "method", "path", "params", "status", "key"),
    [
        ("anonymous", "get", "/api/v1/events/", {"kind": "truce"}, 400, "kind"),
        ("anonymous", "get", "/api/v1/events/", {"page": "99"}, 404, "detail"),
        ("anonymous", "get", "/api/v1/proposals/{pk}/", {}, 404, "detail"),
        ("anonymous", "get", "/api/v1/conflicts/no-such-war/counts/", {}, 404, "detail"),
        ("anonymous", "post", "/api/v1/proposals/", {}, 401, "detail"),
        ("editor_api", "post", "/api/v1/proposals/{published}/publish/", {}, 403, "detail"),
    ],
)
def test_an_error_is_json_when_csv_was_asked(
    request, how, persona, method, path, params, status, key
):
    client = request.getfixturevalue(persona)
    published = ProposalFactory(editorial_status=PUBLISHED)
    path = path.format(pk=published.pk + 1000, published=published.pk)
    if how == "format":
        query = "&".join(f"{k}={v}" for k, v in {**params, "format": "csv"}.items())
        response = getattr(client, method)(f"{path}?{query}")
    else:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        response = getattr(client, method)(f"{path}?{query}", HTTP_ACCEPT="text/csv")

    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [key]


@pytest.mark.django_db
def test_a_list_asked_for_with_accept_text_csv_is_csv(anonymous):
    ProposalFactory(editorial_status=PUBLISHED)

    header, rows = read_csv(anonymous.get("/api/v1/events/", HTTP_ACCEPT="text/csv"))

    assert len(rows) == 1


@pytest.mark.django_db(transaction=True)
def test_the_readme_pandas_example_prints_what_it_says(live_server):
    call_command("load_demo", verbosity=0)
    code = readme_block("pandas").replace(BASE, live_server.url)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "README.md", "exec"), {})
    assert output.getvalue() == readme_block("pandas-output")
