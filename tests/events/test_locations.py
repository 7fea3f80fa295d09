"""An event's places: codes validated as ISO 3166 gives them, coordinates within range and
together, the rules in the model and the database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Location
from tests.factories import LocationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def errors_of(location: Location) -> dict[str, list[str]]:
    try:
        location.full_clean(exclude=["event"])
    except ValidationError as error:
        return error.message_dict
    return {}


def place(**fields) -> Location:
    values = {
        "name": "Donetsk",
        "country": "UKR",
        "admin1": "UA-14",
        "latitude": Decimal("48.015883"),
        "longitude": Decimal("37.802850"),
        "precision": Location.Precision.TOWN,
        **fields,
    }
    return Location(**values)


def assert_refused_by_database(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        LocationFactory(**fields)


@pytest.mark.parametrize("latitude", ["-90", "90", "0"])
def test_a_latitude_from_minus_90_to_90_is_accepted(latitude):
    assert errors_of(place(latitude=Decimal(latitude))) == {}


@pytest.mark.parametrize("latitude", ["-90.000001", "90.000001"])
def test_a_latitude_beyond_90_is_refused_by_the_model_and_the_database(latitude):
    assert errors_of(place(latitude=Decimal(latitude))) == {
        "latitude": ["A latitude is from -90 to 90."]
    }
    assert_refused_by_database(latitude=latitude)


@pytest.mark.parametrize("longitude", ["-180", "180", "0"])
def test_a_longitude_from_minus_180_to_180_is_accepted(longitude):
    assert errors_of(place(longitude=Decimal(longitude))) == {}


@pytest.mark.parametrize("longitude", ["-180.000001", "180.000001"])
def test_a_longitude_beyond_180_is_refused_by_the_model_and_the_database(longitude):
    assert errors_of(place(longitude=Decimal(longitude))) == {
        "longitude": ["A longitude is from -180 to 180."]
    }
    assert_refused_by_database(longitude=longitude)


@pytest.mark.parametrize("missing", ["latitude", "longitude"])
def test_a_coordinate_without_the_other_is_refused(missing):
    message = "Give both the latitude and the longitude, or neither."
    assert errors_of(place(**{missing: None})) == {"longitude": [message]}
    assert_refused_by_database(**{missing: None})


def test_a_place_without_coordinates_is_accepted():
    assert errors_of(place(latitude=None, longitude=None)) == {}


def test_more_than_6_decimals_are_refused():
    assert "latitude" in errors_of(place(latitude=Decimal("48.0158831")))


@pytest.mark.parametrize("code", ["ukr", "XXX", "UA", "UKRA"])
def test_a_country_is_an_upper_case_alpha_3_code(code):
    assert list(errors_of(place(country=code, admin1=""))) == ["country"]


@pytest.mark.parametrize("code", ["ua-14", "UA-99", "UA14", "XX-1"])
def test_an_admin1_is_an_iso_3166_2_code(code):
    assert "is not an ISO 3166-2 subdivision code" in errors_of(place(admin1=code))["admin1"][0]


def test_an_admin1_is_a_first_level_subdivision():
    # Kent is a county of England.
    location = place(country="GBR", admin1="GB-KEN")

    assert errors_of(location)["admin1"] == [
        "GB-KEN (Kent) is within GB-ENG: give the first-level subdivision."
    ]
    assert errors_of(place(country="GBR", admin1="GB-ENG")) == {}


def test_an_admin1_belongs_to_the_country():
    assert errors_of(place(country="RUS", admin1="UA-14")) == {
        "admin1": ["UA-14 is a region of UKR, not of RUS."]
    }


def test_an_admin1_gives_a_blank_country():
    location = place(country="", admin1="UA-23")

    assert errors_of(location) == {}
    assert location.country == "UKR"


def test_a_place_of_country_precision_names_its_country():
    location = place(country="", admin1="", precision=Location.Precision.COUNTRY)

    assert errors_of(location) == {
        "country": ["A location of country precision names its country."]
    }
    assert_refused_by_database(country="", admin1="", precision=Location.Precision.COUNTRY)
    assert errors_of(place(admin1="", precision=Location.Precision.COUNTRY)) == {}


def test_a_geonames_id_is_a_positive_number():
    assert "geonames_id" in errors_of(place(geonames_id=-1))
    assert errors_of(place(geonames_id=709717)) == {}


def test_an_events_first_location_is_its_main_one_and_they_go_with_it():
    event = ProposalFactory()
    second = LocationFactory(event=event, name="Kyiv", admin1="UA-30")
    first = LocationFactory(event=event, name="Donetsk")
    Location.objects.filter(pk=first.pk).update(id=second.pk - 1)

    assert [p.name for p in event.locations.all()] == ["Donetsk", "Kyiv"]

    event.delete()
    assert not Location.objects.exists()


def test_a_change_of_a_location_is_kept_in_its_history():
    location = LocationFactory()
    location.name = "Donetsk city"
    location.save()

    assert [h.name for h in location.history.all()] == ["Donetsk city", "Donetsk"]
