"""The place filters of the timeline and each kind's list: ``country``, ``admin1``, ``bbox``
(edges included) and ``party_country``; a bad value is a 400 naming the filter. On PostgreSQL
they are read from the location indexes."""

import pytest
from django.db import connection

from events.models import Event, Location
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.api.test_list_plans import one, plan, queries
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    ConflictFactory,
    LocationFactory,
    MeetingFactory,
    ProposalFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
PUBLISHED = Event.Status.PUBLISHED
ENDPOINTS = [
    pytest.param("proposals", ProposalFactory, id="proposals"),
    pytest.param("responses", ResponseFactory, id="responses"),
    pytest.param("meetings", MeetingFactory, id="meetings"),
    pytest.param("accusations", AccusationFactory, id="accusations"),
    pytest.param("events", MeetingFactory, id="events"),
]


def ids(client, endpoint: str, **params) -> set[int]:
    response = client.get(f"{API}/{endpoint}/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def refused(client, endpoint: str, name: str, value: str) -> str:
    response = client.get(f"{API}/{endpoint}/", {name: value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {name}, body
    return " ".join(body[name])


def at(factory, *places, **fields):
    """A published event with a location at each (longitude, latitude), or without
    coordinates for None."""
    event = factory(editorial_status=PUBLISHED, **fields)
    for place in places:
        lon, lat = place if place is not None else (None, None)
        LocationFactory(event=event, longitude=lon, latitude=lat)
    return event


# --- country and admin1 --------------------------------------------------------------------------


@pytest.fixture
def places():
    def made(factory):
        ukraine = factory(editorial_status=PUBLISHED)
        LocationFactory(event=ukraine)  # Donetsk, UA-14
        both = factory(editorial_status=PUBLISHED)
        LocationFactory(event=both, name="Kyiv", admin1="UA-30")
        LocationFactory(event=both, name="Moscow", country="RUS", admin1="RU-MOW")
        turkey = factory(editorial_status=PUBLISHED)
        LocationFactory(event=turkey, name="Istanbul", country="TUR", admin1="TR-34")
        nowhere = factory(editorial_status=PUBLISHED)
        return {"ukraine": ukraine, "both": both, "turkey": turkey, "nowhere": nowhere}

    return made


def id_set(records, *names) -> set[int]:
    return {records[name].pk for name in names}


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_country_matches_events_with_a_location_in_any_of_the_countries(
    anonymous, places, endpoint, factory
):
    made = places(factory)

    assert ids(anonymous, endpoint, country="UKR") == id_set(made, "ukraine", "both")
    assert ids(anonymous, endpoint, country="RUS") == id_set(made, "both")
    assert ids(anonymous, endpoint, country="RUS,TUR") == id_set(made, "both", "turkey")
    assert ids(anonymous, endpoint, country="USA") == set()


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_admin1_matches_events_with_a_location_in_any_of_the_regions(
    anonymous, places, endpoint, factory
):
    made = places(factory)

    assert ids(anonymous, endpoint, admin1="UA-14") == id_set(made, "ukraine")
    assert ids(anonymous, endpoint, admin1="UA-14,TR-34") == id_set(made, "ukraine", "turkey")
    assert ids(anonymous, endpoint, admin1="UA-30,RU-MOW") == id_set(made, "both")
    assert ids(anonymous, endpoint, admin1="UA-23") == set()


def test_codes_are_taken_in_any_case_and_as_repeated_keys(anonymous, places):
    made = places(ProposalFactory)

    assert ids(anonymous, "events", country="ukr") == id_set(made, "ukraine", "both")
    assert ids(anonymous, "events", country="Tur") == id_set(made, "turkey")
    assert ids(anonymous, "events", admin1="ua-14") == id_set(made, "ukraine")
    both = anonymous.get(f"{API}/events/?country=RUS&country=TUR").json()["results"]
    assert {row["id"] for row in both} == id_set(made, "both", "turkey")


def test_place_filters_combine_with_the_others(anonymous, places):
    made = places(ProposalFactory)
    other = made["both"].conflict

    assert ids(anonymous, "events", country="UKR", conflict=other.slug) == id_set(made, "both")


@pytest.mark.parametrize(
    "name,value,named",
    [
        ("country", "ZZZ", "ZZZ"),
        ("country", "UKR,UA", "UA"),
        ("country", "UKRA", "UKRA"),
        ("country", "804", "804"),
        ("admin1", "UA-99", "UA-99"),
        ("admin1", "UA-14,GB-KEN", "GB-KEN"),  # a county, within England
        ("admin1", "UKR", "UKR"),
        ("party_country", "XX", "XX"),
    ],
)
def test_a_bad_code_is_a_400_naming_the_filter_and_the_code(anonymous, name, value, named):
    assert named in refused(anonymous, "events", name, value)


# --- bbox ----------------------------------------------------------------------------------------


@pytest.fixture
def grid():
    """Events at the edges of the box 30,45,40,50, inside it, and a step outside each edge."""
    points = {
        "inside": (35, 47),
        "west_edge": (30, 47),
        "east_edge": (40, 47),
        "south_edge": (35, 45),
        "north_edge": (35, 50),
        "corner": (40, 50),
        "west_of": ("29.999999", 47),
        "east_of": ("40.000001", 47),
        "south_of": (35, "44.999999"),
        "north_of": (35, "50.000001"),
    }
    made = {name: at(ProposalFactory, point) for name, point in points.items()}
    made["no_coordinates"] = at(ProposalFactory, None)
    # One place outside the box, one in it: found once.
    made["two_places"] = at(ProposalFactory, (0, 0), (31, 46))
    return made


INSIDE = {"inside", "west_edge", "east_edge", "south_edge", "north_edge", "corner", "two_places"}


def test_bbox_includes_its_edges_and_nothing_beyond(anonymous, grid):
    found = ids(anonymous, "events", bbox="30,45,40,50")

    assert found == id_set(grid, *INSIDE)


@pytest.mark.parametrize("endpoint", ["proposals", "events"])
def test_bbox_with_more_decimals_than_stored_selects_the_same_points(anonymous, grid, endpoint):
    # 29.9999995 < 30 and 40.0000005 > 40: the edges' points are in, the next ones are not.
    found = ids(anonymous, endpoint, bbox="29.9999995,44.9999995,40.0000005,50.0000005")

    assert found == id_set(grid, *INSIDE)
    # 30.0000001 > 30: the west edge's points are out.
    found = ids(anonymous, endpoint, bbox="30.0000001,45,40,50")
    assert found == id_set(grid, *INSIDE - {"west_edge"})


def test_a_point_box_and_the_whole_world(anonymous, grid):
    poles = {
        "south_west": at(ProposalFactory, (-180, -90)),
        "north_east": at(ProposalFactory, (180, 90)),
    }

    assert ids(anonymous, "events", bbox="35,47,35,47") == id_set(grid, "inside")
    world = ids(anonymous, "events", bbox="-180,-90,180,90")
    assert world == id_set(grid, *(set(grid) - {"no_coordinates"})) | id_set(poles, *poles)
    assert ids(anonymous, "events", bbox="180,90,180,90") == id_set(poles, "north_east")


@pytest.mark.parametrize("endpoint,factory", ENDPOINTS)
def test_bbox_on_every_list(anonymous, endpoint, factory):
    inside, outside = at(factory, (35, 47)), at(factory, (41, 47))

    assert ids(anonymous, endpoint, bbox="30,45,40,50") == {inside.pk}
    assert outside.pk in ids(anonymous, endpoint, bbox="40,45,42,50")


@pytest.mark.parametrize(
    "value,message",
    [
        ("30,45,40", "Expected four numbers min_lon,min_lat,max_lon,max_lat; got 3 values."),
        ("30,45,40,50,60", "got 5 values"),
        ("30,45,,50", "max_lon is not a number: ."),
        ("30;45;40;50", "got 1 values"),
        ("west,45,40,50", "min_lon is not a number: west."),
        ("NaN,45,40,50", "min_lon is not a number: NaN."),
        ("30,inf,40,50", "min_lat is not a number: inf."),
        ("30,45,0x28,50", "max_lon is not a number: 0x28."),
        ("-180.000001,45,40,50", "min_lon is from -180 to 180: -180.000001."),
        ("30,45,180.000001,50", "max_lon is from -180 to 180"),
        ("30,-90.000001,40,50", "min_lat is from -90 to 90"),
        ("30,45,40,90.000001", "max_lat is from -90 to 90"),
        ("30,45,40,1e999999999", "max_lat is from -90 to 90"),
        ("40,45,30,50", "min_lon is greater than max_lon"),
        ("170,45,-170,50", "A box across the antimeridian is two boxes"),
        ("30,50,40,45", "min_lat is greater than max_lat"),
    ],
)
def test_a_bad_bbox_is_a_400_naming_it(anonymous, value, message):
    assert message in refused(anonymous, "events", "bbox", value)


def test_a_tiny_number_in_a_bbox_is_not_a_server_error(anonymous):
    inside = at(ProposalFactory, (0, 0))

    assert ids(anonymous, "events", bbox="-1e-999999999,-1,1e-999999999,1") == {inside.pk}


# --- party_country -------------------------------------------------------------------------------


def test_party_country_matches_the_events_of_conflicts_with_a_party_of_the_country(anonymous):
    war, other, partyless = ConflictFactory(), ConflictFactory(), ConflictFactory()
    war.parties.set([ActorFactory(country="RUS"), ActorFactory(country="UKR")])
    other.parties.set([ActorFactory(country="UKR"), ActorFactory(country="")])
    in_war = ProposalFactory(conflict=war, editorial_status=PUBLISHED)
    in_other = MeetingFactory(conflict=other, editorial_status=PUBLISHED)
    ProposalFactory(conflict=partyless, editorial_status=PUBLISHED)

    assert ids(anonymous, "events", party_country="RUS") == {in_war.pk}
    assert ids(anonymous, "events", party_country="ukr") == {in_war.pk, in_other.pk}
    assert ids(anonymous, "proposals", party_country="UKR,TUR") == {in_war.pk}
    assert ids(anonymous, "meetings", party_country="RUS") == set()
    assert ids(anonymous, "events", party_country="TUR") == set()


# --- plans (PostgreSQL) --------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
@pytest.mark.parametrize(
    "params,index",
    [
        ({"country": "UKR"}, "location_country"),
        ({"admin1": "UA-14"}, "location_admin1"),
        ({"bbox": "30,45,40,50"}, "location_coordinates"),
    ],
)
def test_the_place_filters_read_the_location_indexes(params, index):
    # A few events in Donetsk among many far from it (Vladivostok), the statistics current: a
    # selective filter.
    for event in [ProposalFactory(editorial_status=PUBLISHED) for _ in range(4)]:
        LocationFactory(event=event)
    elsewhere = ProposalFactory.create_batch(200, editorial_status=PUBLISHED)
    Location.objects.bulk_create(
        Location(
            event=event,
            name="Vladivostok",
            country="RUS",
            admin1="RU-PRI",
            latitude=43.1155,
            longitude=131.8855,
        )
        for event in elsewhere
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_location, events_event")

    sqls = queries(f"{API}/events/", {**params, "page_size": 2})

    count = plan(one(sqls, r"^SELECT COUNT\(\*\)"))
    assert f"Index Only Scan using {index}" in count, count
