"""``?fields=``: only the fields asked for, on every list and detail, JSON and CSV, in the
serializer's order; an unknown name is a 400 listing the valid ones."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.api.urls import router
from events.models import Citation, Event, Location, Participant
from lib.selection import FieldSelectionMixin
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.api.test_csv import timeline  # noqa: F401 (the fixture: every list with rows)
from tests.api.test_csv_cells import CITATION_COLUMNS, CODES_COLUMNS
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
with_rows = pytest.mark.usefixtures("timeline", "a_place")


@pytest.fixture
def a_place(db, request):
    """A place of one of the timeline's published meetings, for the long table locations/."""
    request.getfixturevalue("timeline")
    meeting = Event.objects.filter(kind="meeting", editorial_status="published").first()
    Location.objects.create(event=meeting, name="Riyadh", country="SAU", precision="town")


API = "/api/v1"
# Each list, the fields asked for (in another order than the serializer's), and the field
# that names a record in its detail's URL.
SELECTIONS = {
    "actors": (["aliases", "slug"], "slug"),
    "affiliations": (["organization", "id"], "id"),
    "conflicts": (["parties", "slug"], "slug"),
    "sources": (["title", "id"], "id"),
    "events": (["proposers", "title", "date", "id"], "id"),
    "proposals": (["codes", "proposers", "id"], "id"),
    "responses": (["stance", "responder", "id"], "id"),
    "meetings": (["produced", "id"], "id"),
    "accusations": (["accused", "id"], "id"),
    "participants": (["actor", "event"], None),
    "citations": (["quote", "event"], None),
    "locations": (["name", "event"], None),
}
# The long tables do not show their rows' ids.
ROW_MODELS = {"participants": Participant, "citations": Citation, "locations": Location}


def get(client, path: str, **params):
    response = client.get(f"{API}/{path}", params)
    assert response.status_code == 200, response.content
    return response


def detail_path(client, endpoint: str) -> tuple[str, dict]:
    """The detail of the list's first row, and that row in full."""
    _, key = SELECTIONS[endpoint]
    full = get(client, f"{endpoint}/").json()["results"][0]
    if key is None:
        row = ROW_MODELS[endpoint].objects.order_by("event_id", "id").first()
        return f"{endpoint}/{row.pk}/", full
    return f"{endpoint}/{full[key]}/", full


def in_serializer_order(full_row: dict, names: list[str]) -> list[str]:
    return [key for key in full_row if key in names]


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv"), response.content
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_every_endpoint_of_the_api_selects_fields():
    # Releases select fields too: tests/releases/test_releases_api.py (they need files).
    assert {prefix for prefix, _, _ in router.registry} == {*SELECTIONS, "releases"}
    for prefix, viewset, _ in router.registry:
        assert issubclass(viewset, FieldSelectionMixin), prefix


@pytest.mark.parametrize("endpoint", SELECTIONS)
@with_rows
def test_a_list_shows_only_the_fields_asked_in_the_serializers_order(anonymous, endpoint):
    names, _ = SELECTIONS[endpoint]
    full = get(anonymous, f"{endpoint}/").json()["results"]

    rows = get(anonymous, f"{endpoint}/", fields=",".join(names)).json()["results"]

    expected = in_serializer_order(full[0], names)
    assert expected != names  # asked in another order
    assert [list(row) for row in rows] == [expected] * len(full)
    assert rows == [{name: row[name] for name in expected} for row in full]


@pytest.mark.parametrize("endpoint", SELECTIONS)
@with_rows
def test_a_detail_shows_only_the_fields_asked(anonymous, endpoint):
    names, _ = SELECTIONS[endpoint]
    path, full = detail_path(anonymous, endpoint)

    detail = get(anonymous, path, fields=",".join(names)).json()

    assert detail == {name: full[name] for name in in_serializer_order(full, names)}


@pytest.mark.parametrize("endpoint", SELECTIONS)
@with_rows
def test_a_csv_list_has_only_the_columns_of_the_fields_asked(anonymous, endpoint):
    names, _ = SELECTIONS[endpoint]
    full_header, *full_body = csv_rows(get(anonymous, f"{endpoint}/", format="csv"))

    header, *body = csv_rows(get(anonymous, f"{endpoint}/", format="csv", fields=",".join(names)))

    columns = [c for c in full_header if c.split(".")[0] in names]
    assert header == columns
    assert body == [[row[full_header.index(c)] for c in columns] for row in full_body]


@with_rows
def test_a_nested_field_selects_its_columns(anonymous):
    header = csv_rows(get(anonymous, "proposals/", format="csv", fields="citations,codes,id"))[0]

    assert header == ["id", *CODES_COLUMNS, *CITATION_COLUMNS]


@with_rows
def test_repeated_keys_and_a_name_given_twice_select_each_field_once(anonymous):
    response = anonymous.get(f"{API}/events/?fields=title,id&fields=title&page_size=1")

    assert list(response.json()["results"][0]) == ["id", "title"]


@with_rows
def test_the_timeline_shows_dates_titles_and_proposers_only(anonymous):
    rows = get(anonymous, "events/", fields="id,date,title,proposers", kind="proposal").json()

    assert {tuple(row) for row in rows["results"]} == {("id", "date", "title", "proposers")}
    assert {tuple(row["proposers"]) for row in rows["results"]} == {("russia", "turkey")}


VALID_EVENT_FIELDS = (
    "id, kind, url, conflict, date, date_precision, date_start, date_end, end_date, title, "
    "summary, editorial_status, proposal_kind, outcome, proposal, responder, stance, "
    "proposers, addressees, mediators, hosts, accusers, accused, delegations, guarantors, "
    "signatories, monitors, latitude, longitude, locations, citations, created_at, updated_at"
)


@pytest.mark.parametrize("format_", ["json", "csv"])
@pytest.mark.parametrize("rows", ["none", "some"], ids=["empty", "with rows"])
def test_an_unknown_field_is_a_400_listing_the_valid_ones(anonymous, format_, rows):
    if rows == "some":
        ProposalFactory(editorial_status=Event.Status.PUBLISHED)

    response = anonymous.get(f"{API}/events/", {"fields": "id,codes,nope", "format": format_})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "fields": [f"Unknown field: codes, nope. Valid fields: {VALID_EVENT_FIELDS}."]
    }


@pytest.mark.parametrize("endpoint", SELECTIONS)
@with_rows
def test_an_unknown_field_is_a_400_on_every_list_and_detail(anonymous, endpoint):
    detail, full = detail_path(anonymous, endpoint)

    for path in (f"{endpoint}/", detail):
        response = anonymous.get(f"{API}/{path}", {"fields": "nope"})

        assert response.status_code == 400, path
        (message,) = response.json()["fields"]
        assert message.startswith("Unknown field: nope. Valid fields: "), message
        assert message.removeprefix("Unknown field: nope. Valid fields: ").rstrip(".").split(
            ", "
        ) == list(full)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Empty value: give a value or leave the parameter out."),
        (" ", "Empty value: give a value or leave the parameter out."),
        ("id,,title", "Empty value in the list."),
        ("id,", "Empty value in the list."),
    ],
)
def test_an_empty_field_name_is_a_400(anonymous, value, message):
    response = anonymous.get(f"{API}/events/", {"fields": value})

    assert response.status_code == 400
    assert response.json() == {"fields": [message]}


@with_rows
def test_a_tombstone_stays_a_tombstone_whatever_fields_says(anonymous):
    retracted = ProposalFactory(editorial_status=Event.Status.RETRACTED, title="Secret truce")
    params = {"updated_after": "2000-01-01T00:00:00Z", "fields": "title", "page_size": 100}

    rows = get(anonymous, "events/", **params).json()["results"]
    text = get(anonymous, "events/", format="csv", **params).content.decode()

    tombstones = [row for row in rows if "id" in row]
    assert tombstones == [
        {
            "id": retracted.pk,
            "kind": "proposal",
            "editorial_status": "retracted",
            "updated_at": tombstones[0]["updated_at"],
        }
    ]
    assert [list(row) for row in rows if row not in tombstones] == [["title"]] * 16
    # In CSV a tombstone has the columns asked for, empty: nothing of what was retracted.
    header, *body = csv.reader(io.StringIO(text))
    assert header == ["title"]
    assert body[-1] == [""]
    assert "Secret truce" not in text


def test_a_write_answers_with_the_whole_record(editor_api):
    proposal = ProposalFactory()

    response = editor_api.patch(
        f"{API}/proposals/{proposal.pk}/?fields=id", {"title": "Changed"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Changed"
    assert "codes" in response.json()


@with_rows
def test_an_export_has_the_fields_asked(anonymous):
    response = anonymous.get(f"{API}/events/export.csv", {"fields": "title,id"})

    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert header == ["id", "title"]


@pytest.mark.parametrize("endpoint", ["events", "proposals", "meetings", "actors"])
@with_rows
def test_selecting_fields_costs_no_more_queries(anonymous, endpoint, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as everything:
        get(anonymous, f"{endpoint}/", page_size=100)

    names, _ = SELECTIONS[endpoint]
    with django_assert_max_num_queries(len(everything.captured_queries)):
        get(anonymous, f"{endpoint}/", page_size=100, fields=",".join(names))
