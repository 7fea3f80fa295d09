"""An event's places through the API: written with the event in one transaction, read on every
list and detail (the first one's coordinates as flat columns), a long table ``locations/``."""

import csv
import io

import pytest

from events.models import Event, Location, Proposal
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ConflictFactory,
    LocationFactory,
    MeetingFactory,
    ProposalFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
PUBLISHED = Event.Status.PUBLISHED
DONETSK = {
    "name": "Donetsk",
    "country": "UKR",
    "admin1": "UA-14",
    "latitude": 48.015883,
    "longitude": 37.80285,
    "precision": "town",
    "geonames_id": 709717,
}
KYIV = {
    "name": "Kyiv",
    "country": "UKR",
    "admin1": "UA-30",
    "latitude": None,
    "longitude": None,
    "precision": "town",
    "geonames_id": None,
}
FACTORIES = {
    "proposals": ProposalFactory,
    "responses": ResponseFactory,
    "meetings": MeetingFactory,
    "accusations": AccusationFactory,
}


def proposal_body(**overrides) -> dict:
    ConflictFactory(slug="war")
    return {
        "conflict": "war",
        "date": "2025-04-19",
        "title": "Easter truce",
        "proposal_kind": "ceasefire",
        **overrides,
    }


# --- writes ------------------------------------------------------------------------------------


def test_an_event_is_written_with_its_locations_in_their_order(editor_api):
    response = editor_api.post(
        f"{API}/proposals/", proposal_body(locations=[DONETSK, KYIV]), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["locations"] == [DONETSK, KYIV]
    assert (body["latitude"], body["longitude"]) == (48.015883, 37.80285)
    proposal = Proposal.objects.get()
    assert [p.name for p in proposal.locations.all()] == ["Donetsk", "Kyiv"]
    assert editor_api.get(f"{API}/proposals/{proposal.pk}/").json()["locations"] == [
        DONETSK,
        KYIV,
    ]


def test_coordinates_are_taken_as_text_and_numbers_and_shown_as_numbers(editor_api):
    place = {"name": "Pole", "latitude": "-90", "longitude": 180}

    response = editor_api.post(f"{API}/proposals/", proposal_body(locations=[place]), format="json")

    assert response.status_code == 201, response.content
    shown = response.json()["locations"][0]
    assert (shown["latitude"], shown["longitude"]) == (-90.0, 180.0)
    assert shown["country"] == "" and shown["precision"] == ""


def test_a_region_gives_a_blank_country(editor_api):
    place = {"name": "Zaporizhzhia oblast", "admin1": "UA-23", "precision": "area"}

    response = editor_api.post(f"{API}/proposals/", proposal_body(locations=[place]), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["locations"][0]["country"] == "UKR"


def test_a_write_without_locations_keeps_them_and_an_empty_list_removes_them(editor_api):
    proposal = ProposalFactory()
    LocationFactory(event=proposal)
    url = f"{API}/proposals/{proposal.pk}/"

    assert editor_api.patch(url, {"title": "Renamed"}, format="json").status_code == 200
    assert proposal.locations.count() == 1

    response = editor_api.patch(url, {"locations": [KYIV]}, format="json")
    assert response.status_code == 200, response.content
    assert [p.name for p in proposal.locations.all()] == ["Kyiv"]

    assert editor_api.patch(url, {"locations": []}, format="json").status_code == 200
    assert not proposal.locations.exists()


@pytest.mark.parametrize(
    "place,field,message",
    [
        ({"latitude": 90.000001}, "latitude", "A latitude is from -90 to 90."),
        ({"longitude": -180.000001}, "longitude", "A longitude is from -180 to 180."),
        ({"latitude": 1, "longitude": None}, "longitude", "Give both the latitude"),
        ({"latitude": "48.0158831"}, "latitude", "no more than 6 decimal places"),
        ({"latitude": 1e300}, "latitude", "no more than 9 digits"),
        ({"latitude": "NaN"}, "latitude", "A valid number is required."),
        ({"latitude": "Infinity"}, "latitude", "A valid number is required."),
        ({"latitude": "north"}, "latitude", "A valid number is required."),
        ({"country": "ukr"}, "country", "not an ISO 3166-1 alpha-3"),
        ({"admin1": "UA-99"}, "admin1", "not an ISO 3166-2 subdivision code"),
        ({"country": "RUS"}, "admin1", "UA-14 is a region of UKR, not of RUS."),
        ({"geonames_id": 2**63}, "geonames_id", "less than or equal to"),
        ({"precision": "village"}, "precision", "not a valid choice"),
        ({"name": ""}, "name", "may not be blank"),
    ],
)
def test_a_bad_location_is_a_400_naming_it_and_nothing_is_written(
    editor_api, place, field, message
):
    locations = [KYIV, {**DONETSK, **place}]

    response = editor_api.post(
        f"{API}/proposals/", proposal_body(locations=locations), format="json"
    )

    assert response.status_code == 400, response.content
    body = response.json()
    # The model's rules name the row's field, the field's own checks nest it (as citations').
    errors = body.get(f"locations[1].{field}") or body["locations"]["1"][field]
    assert message in " ".join(errors), body
    assert not Event.objects.exists() and not Location.objects.exists()


def test_an_update_refused_for_a_location_leaves_the_event_as_it_was(editor_api):
    proposal = ProposalFactory(title="Before")
    LocationFactory(event=proposal)

    response = editor_api.patch(
        f"{API}/proposals/{proposal.pk}/",
        {"title": "After", "locations": [{**KYIV, "latitude": 91, "longitude": 1}]},
        format="json",
    )

    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.title == "Before"
    assert [p.name for p in proposal.locations.all()] == ["Donetsk"]


def test_at_most_max_locations_per_event(editor_api):
    places = [{"name": f"Place {n}"} for n in range(Event.MAX_LOCATIONS + 1)]

    refused = editor_api.post(f"{API}/proposals/", proposal_body(locations=places), format="json")
    accepted = editor_api.post(
        f"{API}/proposals/", proposal_body(locations=places[:-1]), format="json"
    )

    assert refused.status_code == 400
    assert list(refused.json()) == ["locations"]
    assert accepted.status_code == 201
    assert Location.objects.count() == Event.MAX_LOCATIONS


@pytest.mark.parametrize("not_a_list", [{"name": "Kyiv"}, "Kyiv", 1, [1], [None]])
def test_locations_that_are_not_a_list_of_objects_are_a_400(editor_api, not_a_list):
    response = editor_api.post(
        f"{API}/proposals/", proposal_body(locations=not_a_list), format="json"
    )

    assert response.status_code == 400
    assert list(response.json())[0].startswith("locations")


# --- reads -------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", [*FACTORIES, "events"])
def test_every_list_row_is_its_detail_with_the_first_locations_coordinates(anonymous, endpoint):
    kinds = FACTORIES if endpoint == "events" else {endpoint: FACTORIES[endpoint]}
    for kind, factory in kinds.items():
        event = factory(editorial_status=PUBLISHED)
        LocationFactory(event=event, name="Kyiv", admin1="UA-30", latitude="50.45", longitude=30.5)
        LocationFactory(event=event)
        bare = factory(editorial_status=PUBLISHED)
        rows = {r["id"]: r for r in anonymous.get(f"{API}/{endpoint}/").json()["results"]}

        row = rows[event.pk]
        assert (row["latitude"], row["longitude"]) == (50.45, 30.5)
        assert [p["name"] for p in row["locations"]] == ["Kyiv", "Donetsk"]
        assert (rows[bare.pk]["latitude"], rows[bare.pk]["longitude"]) == (None, None)
        assert rows[bare.pk]["locations"] == []
        if endpoint != "events":  # a list's row (from values) is its detail (serialized)
            assert row == anonymous.get(f"{API}/{kind}/{event.pk}/").json()


def test_the_csv_has_the_first_locations_coordinates_and_every_locations_columns(anonymous):
    event = ProposalFactory(editorial_status=PUBLISHED)
    LocationFactory(event=event, name="Kyiv", admin1="UA-30", latitude="50.45", longitude=30.5)
    LocationFactory(event=event, latitude=None, longitude=None)

    text = anonymous.get(f"{API}/events/", {"format": "csv"}).content.decode()

    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["latitude"], row["longitude"]) == ("50.45", "30.5")
    assert row["locations.name"] == '["Kyiv","Donetsk"]'
    assert row["locations.admin1"] == '["UA-30","UA-14"]'
    assert row["locations.latitude"] == "[50.45,null]"
    assert row["locations.precision"] == '["town","town"]'


def test_fields_selects_the_coordinates_alone(anonymous):
    event = ProposalFactory(editorial_status=PUBLISHED)
    LocationFactory(event=event)

    rows = anonymous.get(f"{API}/events/", {"fields": "id,longitude"}).json()["results"]

    assert rows == [{"id": event.pk, "longitude": 37.80285}]


# --- the long table ----------------------------------------------------------------------------


def test_the_locations_table_is_one_row_per_place_of_the_visible_events(anonymous):
    first = ProposalFactory(editorial_status=PUBLISHED)
    second = AccusationFactory(editorial_status=PUBLISHED)
    draft = ProposalFactory()
    LocationFactory(event=second, name="Kyiv", admin1="UA-30", precision="area")
    LocationFactory(event=first)
    LocationFactory(event=draft)
    LocationFactory(event=first, name="Moscow", country="RUS", admin1="RU-MOW")

    rows = anonymous.get(f"{API}/locations/").json()["results"]

    assert [(r["event"], r["kind"], r["name"]) for r in rows] == [
        (first.pk, "proposal", "Donetsk"),
        (first.pk, "proposal", "Moscow"),
        (second.pk, "accusation", "Kyiv"),
    ]
    assert rows[0] == {"event": first.pk, "kind": "proposal", **DONETSK, "geonames_id": None}
    area = anonymous.get(f"{API}/locations/", {"precision": "area"}).json()["results"]
    assert [r["name"] for r in area] == ["Kyiv"]
    towns = anonymous.get(f"{API}/locations/", {"precision": "town,exact"}).json()["results"]
    assert [r["name"] for r in towns] == ["Donetsk", "Moscow"]
    # The timeline's filters choose the events: all of an event's places are its rows.
    in_russia = anonymous.get(f"{API}/locations/", {"country": "RUS"}).json()["results"]
    assert [r["name"] for r in in_russia] == ["Donetsk", "Moscow"]


def test_the_locations_table_is_exported_as_csv(anonymous):
    LocationFactory(event=ProposalFactory(editorial_status=PUBLISHED), geonames_id=709717)

    text = b"".join(anonymous.get(f"{API}/locations/export.csv").streaming_content).decode()

    assert text.splitlines()[0] == (
        "event,kind,name,country,admin1,latitude,longitude,precision,geonames_id"
    )
    row = ",proposal,Donetsk,UKR,UA-14,48.015883,37.80285,town,709717"
    assert text.splitlines()[1].endswith(row)
