"""Strict query parameters on every list, detail and aggregate of /api/v1/.

Repeated keys of a list-valued filter mean the same as its comma list; a scalar given twice, an
unknown parameter, an empty value or a malformed one is a 400 naming it. Id filters take lists
of ids within 1..2^63−1, and ``thread`` gathers a proposal's records on the timeline.
"""

import datetime
from urllib.parse import quote

import pytest
from django.utils import timezone

from actors.models import Actor
from events.api.urls import router
from events.models import Conflict, Event
from lib.filters import (
    EMPTY,
    EMPTY_ITEM,
    MAX_ID,
    REPEATED,
    IdFilter,
    StableOrderingFilter,
    StrictBooleanFilter,
    check_query_params,
    query_param_errors,
)
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    AffiliationFactory,
    ConflictFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    PublicSourceFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
PUBLISHED = Event.Status.PUBLISHED
LISTS = {prefix: viewset for prefix, viewset, _ in router.registry}
FACTORIES = {
    "events": ProposalFactory,
    "proposals": ProposalFactory,
    "responses": ResponseFactory,
    "meetings": MeetingFactory,
    "accusations": AccusationFactory,
}
EVENT_LISTS = list(FACTORIES)
EVERY_FILTER = [
    pytest.param(prefix, name, f, id=f"{prefix}-{name}")
    for prefix, viewset in LISTS.items()
    for name, f in viewset.filterset_class.base_filters.items()
]
LIST_FILTERS = [p for p in EVERY_FILTER if getattr(p.values[2], "takes_lists", False)]
SCALAR_FILTERS = [p for p in EVERY_FILTER if not getattr(p.values[2], "takes_lists", False)]


def get(client, url: str):
    return client.get(url if url.startswith("/") else f"{API}/{url}")


def found(client, url: str) -> list:
    response = get(client, url)
    assert response.status_code == 200, response.content
    key = "slug" if url.split("/")[0] in ("actors", "conflicts") else "id"
    return [row[key] for row in response.json()["results"]]


def refused(client, url: str, name: str) -> list[str]:
    response = get(client, url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {name}, body
    return body[name]


def published(factory, **fields):
    return factory(editorial_status=PUBLISHED, **fields)


# --- unknown parameters ------------------------------------------------------------------------


def valid_parameters(prefix: str) -> str:
    paging = {"page", "page_size", "cursor", "count"}
    names = {*LISTS[prefix].filterset_class.base_filters, *paging, "format", "fields"}
    return ", ".join(sorted(names))


@pytest.mark.parametrize("prefix", list(LISTS))
def test_an_unknown_parameter_is_a_400_listing_the_valid_ones(anonymous, prefix):
    assert refused(anonymous, f"{prefix}/?no_such=1", "no_such") == [
        f"Unknown parameter. Valid parameters: {valid_parameters(prefix)}."
    ]


def test_proposal_on_the_timeline_is_unknown_not_ignored(anonymous):
    published(ProposalFactory)

    messages = refused(anonymous, "events/?proposal=1", "proposal")

    assert messages == [f"Unknown parameter. Valid parameters: {valid_parameters('events')}."]
    assert ", thread, " in messages[0]


def test_unknown_parameters_and_bad_values_come_in_one_400(anonymous):
    response = get(anonymous, "proposals/?colour=red&kind=x&date_after=")

    assert response.status_code == 400
    assert set(response.json()) == {"colour", "kind", "date_after"}
    assert response.json()["date_after"] == [EMPTY]


# A field of each endpoint's records, for ``fields=`` (an unknown one is a 400).
A_FIELD = {
    "actors": "slug",
    "conflicts": "slug",
    "participants": "event",
    "citations": "event",
    "locations": "event",
    "releases": "version",
}


def a_field(path: str) -> str:
    return A_FIELD.get(path.split("/")[0], "id")


@pytest.mark.parametrize("prefix", list(LISTS))
def test_the_parameters_every_list_knows_are_accepted(anonymous, prefix):
    url = f"{prefix}/?page=1&page_size=5&format=json&fields={a_field(prefix)}"
    assert get(anonymous, url).status_code == 200


def test_a_views_own_parameters_are_known_and_read_by_it(rf):
    """``extra_query_params`` names parameters the view reads itself: known, not checked."""
    from rest_framework.request import Request

    from lib.filters import StrictFilterBackend

    class View:
        detail = False
        extra_query_params = ("token",)
        filterset_class = None
        paginator = None

    request = Request(rf.get("/", {"token": ["", "b"]}))
    queryset = Event.objects.all()
    assert StrictFilterBackend().filter_queryset(request, queryset, View()) is queryset

    with pytest.raises(Exception) as refused_:
        StrictFilterBackend().filter_queryset(Request(rf.get("/", {"page": "1"})), queryset, View())
    assert set(refused_.value.detail) == {"page"}


def test_a_view_without_a_filterset_knows_only_its_pages_and_format(rf):
    from rest_framework.request import Request

    from events.api.pagination import PageNumberPagination
    from lib.filters import StrictFilterBackend

    class View:
        lookup_field = "pk"
        kwargs: dict = {}
        filterset_class = None
        paginator = PageNumberPagination()

    queryset = Event.objects.all()
    ok = Request(rf.get("/", {"page": "2", "page_size": "3", "format": "json", "fields": "id"}))
    assert StrictFilterBackend().filter_queryset(ok, queryset, View()) is queryset

    with pytest.raises(Exception) as refused_:
        StrictFilterBackend().filter_queryset(Request(rf.get("/", {"q": "x"})), queryset, View())
    assert refused_.value.detail["q"][0] == (
        "Unknown parameter. Valid parameters: count, cursor, fields, format, page, page_size."
    )

    # The same view's detail (a lookup in its URL): filters never apply, and it takes only
    # format and fields.
    detail = View()
    detail.kwargs = {"pk": 1}
    assert StrictFilterBackend().filter_queryset(Request(rf.get("/")), queryset, detail) is queryset
    with pytest.raises(Exception) as refused_:
        StrictFilterBackend().filter_queryset(Request(rf.get("/", {"q": "x"})), queryset, detail)
    assert refused_.value.detail["q"][0] == "Unknown parameter. Valid parameters: fields, format."


@pytest.mark.parametrize(
    "kwargs,is_list", [({"ref": "a"}, False), ({"slug": "a"}, True), ({}, True)]
)
def test_a_detail_is_known_by_the_lookup_url_kwarg_when_the_view_has_one(kwargs, is_list):
    from lib.filters import lists_records

    class View:
        lookup_field = "slug"
        lookup_url_kwarg = "ref"

    view = View()
    view.kwargs = kwargs
    assert lists_records(view) is is_list


def test_updated_after_is_described_in_the_schema(anonymous):
    schema = anonymous.get("/api/schema/", {"format": "json"}).json()
    parameters = schema["paths"]["/api/v1/sources/"]["get"]["parameters"]

    described = {p["name"]: p.get("description") for p in parameters}
    # A source also counts as changed when an event citing it was published since then.
    assert described["updated_after"] == (
        "Created or changed since then (ISO 8601 date and time), or cited by an event "
        "published or changed since then."
    )


def test_query_param_errors_by_kind_of_parameter(rf):
    params = rf.get(
        "/", {"a": ["1", "2"], "b": ["1", "2"], "c": ["x", ""], "d": " ", "e": ["", ""], "z": "1"}
    ).GET

    errors = query_param_errors(params, {"a", "b", "c", "d", "e"}, lists={"b", "c"}, free={"e"})

    assert set(errors) == {"a", "c", "d", "z"}
    assert errors["a"] == [REPEATED]
    assert errors["c"] == errors["d"] == [EMPTY]
    assert errors["z"] == ["Unknown parameter. Valid parameters: a, b, c, d, e."]


# --- details and aggregates -------------------------------------------------------------------


def detail_urls():
    proposal = published(ProposalFactory)
    conflict = proposal.conflict
    actor = ActorFactory()
    return [
        f"proposals/{proposal.pk}/",
        f"events/{proposal.pk}/",
        f"conflicts/{conflict.slug}/",
        f"actors/{actor.slug}/",
        f"sources/{PublicSourceFactory().pk}/",
        f"affiliations/{AffiliationFactory().pk}/",
    ]


def test_a_detail_accepts_format_and_fields_only(anonymous):
    for url in detail_urls():
        assert get(anonymous, f"{url}?format=json&fields={a_field(url)}").status_code == 200, url
        messages = refused(anonymous, f"{url}?conflict=x", "conflict")
        assert messages == ["Unknown parameter. Valid parameters: fields, format."], url
        assert refused(anonymous, f"{url}?format=json&format=json", "format") == [REPEATED]
        assert refused(anonymous, f"{url}?format=", "format") == [EMPTY]


def test_a_write_to_one_record_is_refused_on_an_unknown_parameter_before_writing(editor_api):
    proposal = ProposalFactory(title="Kept")

    response = editor_api.patch(
        f"{API}/proposals/{proposal.pk}/?dry_run=1", {"title": "Changed"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"dry_run"}
    proposal.refresh_from_db()
    assert proposal.title == "Kept"


@pytest.mark.parametrize("endpoint", ["conflicts", "actors", "proposals"])
def test_a_create_with_an_empty_format_is_refused_naming_it_before_writing(editor_api, endpoint):
    body = {"name": "Delta war", "kind": "state"}

    response = editor_api.post(f"{API}/{endpoint}/?format=", body, format="json")

    assert response.status_code == 400, response.content
    assert response.json() == {"format": [EMPTY]}
    assert not Conflict.objects.filter(name="Delta war").exists()
    assert not Actor.objects.filter(name="Delta war").exists()


@pytest.mark.parametrize("aggregate", ["counts", "accusation-matrix"])
def test_the_aggregates_take_only_their_period_and_format(anonymous, aggregate):
    war = ConflictFactory()
    url = f"conflicts/{war.slug}/{aggregate}/"

    ok = f"{url}?date_after=2025-01-01&date_before=2025-12-31&format=json"
    assert get(anonymous, ok).status_code == 200
    assert refused(anonymous, f"{url}?kind=proposal", "kind") == [
        "Unknown parameter. Valid parameters: date_after, date_before, format."
    ]
    assert refused(anonymous, f"{url}?fields=id", "fields")[0].startswith("Unknown parameter.")
    twice = f"{url}?date_after=2025-01-01&date_after=2025-02-01"
    assert refused(anonymous, twice, "date_after") == [REPEATED]
    assert refused(anonymous, f"{url}?date_before=", "date_before") == [EMPTY]


def test_check_query_params_leaves_fields_to_its_reader(rf):
    from rest_framework.request import Request

    request = Request(rf.get("/", {"fields": ["id", "id"], "format": "json"}))
    assert check_query_params(request, ("fields", "format")) is None


# --- repeated keys ------------------------------------------------------------------------------


def bad_items(f) -> tuple[str, str]:
    """Two values the filter refuses, each named in its message."""
    if isinstance(f, StableOrderingFilter):
        return "no_key", "-other_key"
    if isinstance(f, IdFilter):
        return "0", "abc"
    return "no-such-1", "no-such-2"


@pytest.mark.parametrize("prefix,name,f", LIST_FILTERS)
def test_every_list_filter_reads_every_repeated_key(anonymous, prefix, name, f):
    first, second = bad_items(f)

    messages = " ".join(refused(anonymous, f"{prefix}/?{name}={first}&{name}={second}", name))

    assert first in messages
    assert second in messages


@pytest.mark.parametrize("prefix,name,f", SCALAR_FILTERS)
def test_every_scalar_filter_given_twice_is_a_400(anonymous, prefix, name, f):
    assert refused(anonymous, f"{prefix}/?{name}=1&{name}=1", name) == [REPEATED]


@pytest.mark.parametrize("prefix,name,f", EVERY_FILTER)
def test_every_filter_refuses_an_empty_value(anonymous, prefix, name, f):
    assert refused(anonymous, f"{prefix}/?{name}=", name) == [EMPTY]
    assert refused(anonymous, f"{prefix}/?{name}=%20", name) == [EMPTY]


@pytest.mark.parametrize("prefix,name,f", LIST_FILTERS)
def test_every_list_filter_refuses_an_empty_item(anonymous, prefix, name, f):
    assert refused(anonymous, f"{prefix}/?{name}=,", name) == [EMPTY_ITEM]
    assert refused(anonymous, f"{prefix}/?{name}=x,%20,y", name) == [EMPTY_ITEM]


@pytest.fixture
def kinds():
    return {
        "proposal": published(ProposalFactory),
        "response": published(ResponseFactory),
        "meeting": published(MeetingFactory),
        "accusation": published(AccusationFactory),
    }


def test_repeated_kinds_are_the_comma_list(anonymous, kinds):
    expected = {kinds["proposal"].pk, kinds["response"].pk}

    listed = found(anonymous, "events/?kind=proposal,response")
    repeated = found(anonymous, "events/?kind=proposal&kind=response")
    mixed = found(anonymous, "events/?kind=proposal&kind=response,proposal")

    assert set(listed) == expected
    assert repeated == mixed == listed


def test_repeated_conflicts_actors_and_roles_are_the_comma_list(anonymous):
    one, two, three = (published(ProposalFactory) for _ in range(3))
    russia, ukraine, other = ActorFactory(), ActorFactory(), ActorFactory()
    ParticipantFactory(event=one, actor=russia)
    ParticipantFactory(event=two, actor=ukraine)
    ParticipantFactory(event=three, actor=other)
    a, b = one.conflict.slug, two.conflict.slug

    for name, first, second in [
        ("conflict", a, b),
        ("actor", russia.slug, ukraine.slug),
        ("proposer", russia.slug, ukraine.slug),
    ]:
        for prefix in ("events", "proposals"):
            repeated = found(anonymous, f"{prefix}/?{name}={first}&{name}={second}")
            assert set(repeated) == {one.pk, two.pk}, name
            assert repeated == found(anonymous, f"{prefix}/?{name}={first},{second}"), name


def test_repeated_choices_of_a_kind_are_the_comma_list(anonymous):
    accepted = published(ResponseFactory, stance="accepted")
    rejected = published(ResponseFactory, stance="rejected", conflict=accepted.conflict)
    published(ResponseFactory, stance="welcomed", conflict=accepted.conflict)

    repeated = found(anonymous, "responses/?stance=accepted&stance=rejected")

    assert set(repeated) == {accepted.pk, rejected.pk}
    assert repeated == found(anonymous, "responses/?stance=accepted,rejected")


def test_repeated_parties_outlets_people_and_kinds_of_actor_are_the_comma_list(anonymous):
    russia, ukraine, usa = (ActorFactory(kind="state") for _ in range(3))
    war, peace, other = ConflictFactory(), ConflictFactory(), ConflictFactory()
    war.parties.add(russia)
    peace.parties.add(ukraine)
    other.parties.add(usa)
    tass, kyiv = PublicSourceFactory(outlet=russia), PublicSourceFactory(outlet=ukraine)
    PublicSourceFactory(outlet=usa)
    held = [AffiliationFactory(organization=actor) for actor in (russia, ukraine, usa)]
    person = held[0].person
    group = ActorFactory(kind="armed_group")

    cases = [
        ("conflicts", "party", russia.slug, ukraine.slug, {war.slug, peace.slug}),
        ("sources", "outlet", russia.slug, ukraine.slug, {tass.pk, kyiv.pk}),
        ("affiliations", "organization", russia.slug, ukraine.slug, {held[0].pk, held[1].pk}),
        ("affiliations", "person", person.slug, held[1].person.slug, {held[0].pk, held[1].pk}),
        ("actors", "kind", "person", "armed_group", {a.person.slug for a in held} | {group.slug}),
    ]
    for prefix, name, first, second, expected in cases:
        repeated = found(anonymous, f"{prefix}/?{name}={first}&{name}={second}&page_size=1000")
        assert set(repeated) == expected, name
        listed = found(anonymous, f"{prefix}/?{name}={first},{second}&page_size=1000")
        assert repeated == listed, name


@pytest.mark.parametrize(
    "prefix,keys", [("events", "-date,id"), ("actors", "-name,slug"), ("proposals", "title,-id")]
)
def test_repeated_ordering_keys_are_the_comma_list(anonymous, prefix, keys):
    for day in (1, 2, 2, 3):
        published(ProposalFactory, date=datetime.date(2025, 4, day))
    ActorFactory.create_batch(3)
    first, second = keys.split(",")

    repeated = found(anonymous, f"{prefix}/?ordering={first}&ordering={second}")

    assert repeated == found(anonymous, f"{prefix}/?ordering={keys}")
    assert repeated != found(anonymous, f"{prefix}/?ordering={second},{first}")


# --- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", EVENT_LISTS)
def test_id_takes_a_list_of_ids_as_commas_or_repeated_keys(anonymous, prefix):
    factory = FACTORIES[prefix]
    one, two, _three = (published(factory) for _ in range(3))
    wanted = {one.pk, two.pk}

    assert set(found(anonymous, f"{prefix}/?id={one.pk},{two.pk}")) == wanted
    assert set(found(anonymous, f"{prefix}/?id={one.pk}&id={two.pk}")) == wanted
    assert found(anonymous, f"{prefix}/?id={one.pk}") == [one.pk]


@pytest.mark.parametrize(
    "prefix,factory", [("responses", ResponseFactory), ("accusations", AccusationFactory)]
)
def test_proposal_takes_a_list_of_proposals(anonymous, prefix, factory):
    truce, talks, other = (published(ProposalFactory) for _ in range(3))
    about = {
        p.pk: published(factory, proposal=p, conflict=p.conflict).pk for p in (truce, talks, other)
    }
    wanted = {about[truce.pk], about[talks.pk]}

    assert set(found(anonymous, f"{prefix}/?proposal={truce.pk},{talks.pk}")) == wanted
    assert set(found(anonymous, f"{prefix}/?proposal={truce.pk}&proposal={talks.pk}")) == wanted


ID_FILTERS = [
    ("events", "id"),
    ("proposals", "id"),
    ("responses", "id"),
    ("meetings", "id"),
    ("accusations", "id"),
    ("responses", "proposal"),
    ("accusations", "proposal"),
]


@pytest.mark.parametrize("prefix,name", ID_FILTERS)
def test_an_id_is_from_1_to_2_to_the_63_minus_1(anonymous, prefix, name):
    assert get(anonymous, f"{prefix}/?{name}=1").status_code == 200
    assert get(anonymous, f"{prefix}/?{name}={MAX_ID}").status_code == 200
    for bad in ("0", str(MAX_ID + 1), "-1", "1.0", "one", "1e3"):
        assert refused(anonymous, f"{prefix}/?{name}={bad}", name) == [
            f"Expected ids from 1 to {MAX_ID}: {bad}."
        ], bad


def test_every_bad_id_of_a_list_is_named(anonymous):
    assert refused(anonymous, f"events/?id=0,5,x&id={MAX_ID + 1}", "id") == [
        f"Expected ids from 1 to {MAX_ID}: 0, x, {MAX_ID + 1}."
    ]


# --- thread -----------------------------------------------------------------------------------


def day(n: int) -> datetime.date:
    return datetime.date(2025, 4, n)


@pytest.fixture
def thread():
    """A proposal with every kind of record linked to it, and records linked elsewhere."""
    war = ConflictFactory()
    offer = published(ProposalFactory, conflict=war, date=day(10))
    earlier = published(ProposalFactory, conflict=war, date=day(1))
    other = published(ProposalFactory, conflict=war, date=day(10))
    offer.counters = earlier  # the offer counters an earlier one: a link out, not in its thread
    offer.save()
    records = {
        "offer": offer,
        "response": published(ResponseFactory, conflict=war, proposal=offer, date=day(12)),
        "accusation": published(AccusationFactory, conflict=war, proposal=offer, date=day(15)),
        "discussed": published(MeetingFactory, conflict=war, date=day(8)),
        "produced": published(MeetingFactory, conflict=war, date=day(10)),
        "counter": published(ProposalFactory, conflict=war, counters=offer, date=day(11)),
        "extension": published(ProposalFactory, conflict=war, extends=offer, date=day(20)),
        "replacement": published(ProposalFactory, conflict=war, replaces=offer, date=day(20)),
    }
    records["discussed"].discussed.add(offer)
    records["produced"].produced.add(offer)
    draft = ResponseFactory(conflict=war, proposal=offer, date=day(13))
    elsewhere = {
        "earlier": earlier,
        "other": other,
        "other_response": published(ResponseFactory, conflict=war, proposal=other),
        "other_meeting": published(MeetingFactory, conflict=war),
        "draft": draft,
    }
    elsewhere["other_meeting"].discussed.add(other)
    return records, elsewhere


def test_thread_is_a_proposal_with_its_linked_records_in_date_order(anonymous, thread):
    records, _ = thread
    r = {name: record.pk for name, record in records.items()}
    # date, then id: the offer and the meeting that produced it share 10 April.
    on_tenth = sorted([r["offer"], r["produced"]])
    later = sorted([r["extension"], r["replacement"]])
    expected = [r["discussed"], *on_tenth, r["counter"], r["response"], r["accusation"], *later]

    assert found(anonymous, f"events/?thread={r['offer']}") == expected


def test_thread_follows_ordering_when_given(anonymous, thread):
    records, _ = thread
    offer = records["offer"].pk

    by_date = found(anonymous, f"events/?thread={offer}")
    descending = found(anonymous, f"events/?thread={offer}&ordering=-date")

    assert descending == list(reversed(by_date))


def test_thread_takes_several_proposals(anonymous, thread):
    records, elsewhere = thread
    both = {r.pk for r in records.values()} | {
        elsewhere["other"].pk,
        elsewhere["other_response"].pk,
        elsewhere["other_meeting"].pk,
    }
    offer, other = records["offer"].pk, elsewhere["other"].pk

    assert set(found(anonymous, f"events/?thread={offer},{other}")) == both
    assert set(found(anonymous, f"events/?thread={offer}&thread={other}")) == both


def test_thread_combines_with_the_other_filters(anonymous, thread):
    records, _ = thread
    wanted = {records["response"].pk, records["accusation"].pk}

    thread_after = found(anonymous, f"events/?thread={records['offer'].pk}&date_after=2025-04-12")
    kinds = found(anonymous, f"events/?thread={records['offer'].pk}&kind=response,accusation")

    assert set(thread_after) == wanted | {records["extension"].pk, records["replacement"].pk}
    assert set(kinds) == wanted


def test_thread_of_an_unknown_proposal_is_a_400_naming_it(anonymous, thread):
    records, _ = thread
    response_id = records["response"].pk

    messages = refused(anonymous, f"events/?thread={records['offer'].pk},{response_id}", "thread")

    assert messages == [f"Unknown proposal: {response_id}."]
    assert refused(anonymous, f"events/?thread={MAX_ID}", "thread") == [
        f"Unknown proposal: {MAX_ID}."
    ]
    assert refused(anonymous, "events/?thread=0", "thread") == [
        f"Expected ids from 1 to {MAX_ID}: 0."
    ]


def test_a_thread_of_a_draft_proposal_is_unknown_to_public_readers_only(
    anonymous, editor_api, thread
):
    records, _ = thread
    draft = ProposalFactory(conflict=records["offer"].conflict)

    # Whether a draft exists is not told to those who may not read it.
    assert refused(anonymous, f"events/?thread={draft.pk}", "thread") == [
        f"Unknown proposal: {draft.pk}."
    ]
    assert found(editor_api, f"events/?thread={draft.pk}") == [draft.pk]


def test_an_id_list_takes_at_most_1000_ids(anonymous):
    assert get(anonymous, "events/?id=" + ",".join(map(str, range(1, 1001)))).status_code == 200
    assert refused(anonymous, "events/?id=" + ",".join(map(str, range(1, 1002))), "id") == [
        "At most 1000 ids; 1001 were given."
    ]


def test_the_browsable_apis_blank_filter_fields_mean_not_filtered(anonymous, thread):
    records, _ = thread
    # The filter form of the HTML page submits its blank fields too.
    html = anonymous.get(f"{API}/events/?kind=&actor=&date_after=&q=", HTTP_ACCEPT="text/html")
    json = get(anonymous, "events/?kind=&actor=&date_after=&q=")

    assert html.status_code == 200
    assert str(records["offer"].title) in html.content.decode()
    assert json.status_code == 400
    assert set(json.json()) == {"kind", "actor", "date_after", "q"}


# --- booleans -------------------------------------------------------------------------------


BOOLEAN_FILTERS = [p for p in EVERY_FILTER if isinstance(p.values[2], StrictBooleanFilter)]


@pytest.mark.parametrize(
    "text,value",
    [("true", True), ("True", True), ("1", True), ("false", False), ("False", False), ("0", False)],
)
def test_unilateral_accepts_exactly_true_false_and_1_0(anonymous, text, value):
    alone = published(ProposalFactory, arrangement="unilateral")
    together = published(ProposalFactory, arrangement="bilateral")
    uncoded = published(ProposalFactory, arrangement="")

    expected = {alone.pk} if value else {together.pk, uncoded.pk}

    assert set(found(anonymous, f"proposals/?unilateral={text}")) == expected


@pytest.mark.parametrize("prefix,name,f", BOOLEAN_FILTERS)
@pytest.mark.parametrize("text", ["yes", "no", "TRUE", "t", "on", "2", "true,false"])
def test_every_boolean_refuses_other_spellings(anonymous, prefix, name, f, text):
    assert refused(anonymous, f"{prefix}/?{name}={text}", name) == [
        "Expected true or false (True/False, 1/0)."
    ]


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1001", "1.5", "", "99999999999999999999"])
def test_page_size_is_from_1_to_1000(anonymous, value):
    messages = refused(anonymous, f"proposals/?page_size={value}", "page_size")

    expected = EMPTY if value == "" else f"Enter a whole number from 1 to 1000: {value}."
    assert messages == [expected]


def test_page_size_at_its_bounds(anonymous):
    ids = [published(ProposalFactory).pk for _ in range(3)]

    assert len(found(anonymous, "proposals/?page_size=1")) == 1
    assert set(found(anonymous, "proposals/?page_size=1000")) == set(ids)
    assert len(found(anonymous, "proposals/")) == 3


def test_the_page_size_rule_is_the_paginations_own(rf):
    """Also where no filter backend ran first."""
    from rest_framework.exceptions import ValidationError
    from rest_framework.request import Request

    from events.api.pagination import PageNumberPagination

    request = Request(rf.get("/", {"page_size": "1001"}))
    with pytest.raises(ValidationError) as error:
        PageNumberPagination().get_page_size(request)
    assert error.value.detail == {"page_size": ["Enter a whole number from 1 to 1000: 1001."]}
    assert PageNumberPagination().get_page_size(Request(rf.get("/"))) == 50


@pytest.mark.parametrize("value", ["abc", "0", "-2", "1.0"])
def test_page_is_a_whole_number_from_1(anonymous, value):
    assert refused(anonymous, f"proposals/?page={value}", "page") == [
        f"Enter a whole number from 1 to {MAX_ID}: {value}."
    ]


def test_a_page_past_the_end_is_not_found_and_last_is_the_last(anonymous):
    first, second = published(ProposalFactory), published(ProposalFactory)

    assert get(anonymous, "proposals/?page=3&page_size=1").status_code == 404
    assert get(anonymous, f"proposals/?page={MAX_ID}&page_size=1").status_code == 404
    newest_last = sorted([first.pk, second.pk])[0]
    assert found(anonymous, "proposals/?page=2&page_size=1") == [newest_last]
    assert found(anonymous, "proposals/?page=last&page_size=1") == [newest_last]
    assert refused(anonymous, "proposals/?page=1&page=2", "page") == [REPEATED]


# --- edges ----------------------------------------------------------------------------------


EVERY_UPDATED_LIST = [
    ("events", ProposalFactory),
    ("proposals", ProposalFactory),
    ("responses", ResponseFactory),
    ("meetings", MeetingFactory),
    ("accusations", AccusationFactory),
    ("actors", ActorFactory),
    ("affiliations", AffiliationFactory),
    ("conflicts", ConflictFactory),
    # A source the public sees: a published event cites it.
    ("sources", PublicSourceFactory),
]


@pytest.mark.parametrize("prefix,factory", EVERY_UPDATED_LIST)
def test_updated_after_includes_its_own_instant_and_not_one_microsecond_before(
    anonymous, prefix, factory
):
    fields = {"editorial_status": PUBLISHED} if prefix in FACTORIES else {}
    record = factory(**fields)
    moment = timezone.now().replace(microsecond=123456) + datetime.timedelta(days=1)
    type(record).objects.filter(pk=record.pk).update(updated_at=moment)
    key = record.slug if prefix in ("actors", "conflicts") else record.pk

    def at(instant):
        return quote(instant.isoformat())

    assert found(anonymous, f"{prefix}/?updated_after={at(moment)}") == [key]
    after = moment + datetime.timedelta(microseconds=1)
    assert found(anonymous, f"{prefix}/?updated_after={at(after)}") == []
    before = moment - datetime.timedelta(microseconds=1)
    assert found(anonymous, f"{prefix}/?updated_after={at(before)}") == [key]


@pytest.fixture
def periods():
    """Two proposals in effect: one over its effective period, one over its proposed period."""
    return {
        "effective": published(
            ProposalFactory,
            date=day(1),
            outcome="accepted",
            proposed_start=day(2),
            proposed_end=day(28),
            effective_from=day(10),
            ended_on=day(20),
        ),
        "proposed": published(
            ProposalFactory,
            date=day(1),
            outcome="in_effect",
            proposed_start=day(5),
            proposed_end=day(15),
        ),
    }


@pytest.mark.parametrize(
    "on,in_effect",
    [
        (4, set()),
        (5, {"proposed"}),  # the proposed period's first day
        (9, {"proposed"}),  # the day before the effective period: the proposed one no longer counts
        (10, {"proposed", "effective"}),  # its first day
        (15, {"proposed", "effective"}),  # the proposed period's last day
        (16, {"effective"}),
        (20, {"effective"}),  # the effective period's last day
        (21, set()),
    ],
)
@pytest.mark.parametrize("prefix", ["proposals", "events"])
def test_in_effect_on_at_the_first_and_last_day_of_a_period(
    anonymous, periods, prefix, on, in_effect
):
    expected = {periods[name].pk for name in in_effect}

    assert set(found(anonymous, f"{prefix}/?in_effect_on=2025-04-{on:02}")) == expected


@pytest.mark.parametrize("text", ["true", "True", "1"])
def test_include_affiliates_on_takes_every_spelling_of_true(anonymous, text):
    state, person = ActorFactory(kind="state"), ActorFactory(kind="person")
    AffiliationFactory(person=person, organization=state, start_date=day(1))
    by_state = published(ProposalFactory, date=day(20))
    by_person = published(ProposalFactory, date=day(20))
    ParticipantFactory(event=by_state, actor=state)
    ParticipantFactory(event=by_person, actor=person)

    with_people = found(anonymous, f"proposals/?proposer={state.slug}&include_affiliates={text}")
    assert set(with_people) == {by_state.pk, by_person.pk}


@pytest.mark.parametrize("text", ["false", "False", "0"])
def test_include_affiliates_off_takes_every_spelling_of_false(anonymous, text):
    state, person = ActorFactory(kind="state"), ActorFactory(kind="person")
    AffiliationFactory(person=person, organization=state, start_date=day(1))
    by_state = published(ProposalFactory, date=day(20))
    ParticipantFactory(event=published(ProposalFactory, date=day(20)), actor=person)
    ParticipantFactory(event=by_state, actor=state)

    alone = found(anonymous, f"proposals/?proposer={state.slug}&include_affiliates={text}")
    assert alone == [by_state.pk]


def test_party_matches_the_conflicts_an_actor_is_party_to(anonymous):
    russia, ukraine, usa = (ActorFactory(kind="state") for _ in range(3))
    war, talks, other = ConflictFactory(), ConflictFactory(), ConflictFactory()
    war.parties.add(russia, ukraine)
    talks.parties.add(russia, usa)
    other.parties.add(usa)

    assert set(found(anonymous, f"conflicts/?party={russia.slug}")) == {war.slug, talks.slug}
    # A conflict with two of the parties asked for comes once.
    both = found(anonymous, f"conflicts/?party={ukraine.slug},{russia.slug}")
    assert (
        sorted(both) == [war.slug, talks.slug] if war.name < talks.name else [talks.slug, war.slug]
    )
    assert found(anonymous, f"conflicts/?party={ActorFactory().slug}") == []


def test_sources_by_outlet_and_language(anonymous):
    tass, reuters = ActorFactory(kind="media"), ActorFactory(kind="media")
    russian = PublicSourceFactory(outlet=tass, language="ru")
    english = PublicSourceFactory(outlet=reuters, language="en")
    PublicSourceFactory(outlet=ActorFactory(kind="media"), language="uk")

    assert found(anonymous, f"sources/?outlet={tass.slug}") == [russian.pk]
    assert set(found(anonymous, f"sources/?outlet={tass.slug},{reuters.slug}")) == {
        russian.pk,
        english.pk,
    }
    assert found(anonymous, "sources/?language=RU") == [russian.pk]
    assert found(anonymous, "sources/?language=r") == []


def test_sources_published_after_and_before_include_the_equal_day(anonymous):
    noon = datetime.time(12, tzinfo=datetime.UTC)
    by_day = {
        n: PublicSourceFactory(published_at=datetime.datetime.combine(day(n), noon))
        for n in (9, 10, 11)
    }
    PublicSourceFactory(published_at=None)

    def published_ids(query):
        return set(found(anonymous, f"sources/?{query}"))

    assert published_ids("published_after=2025-04-10") == {by_day[10].pk, by_day[11].pk}
    assert published_ids("published_before=2025-04-10") == {by_day[9].pk, by_day[10].pk}
    both = "published_after=2025-04-10&published_before=2025-04-10"
    assert published_ids(both) == {by_day[10].pk}
    assert published_ids("published_after=2025-04-12") == set()
    assert published_ids("published_before=2025-04-08") == set()


def ordering_keys(prefix):
    choices = LISTS[prefix].filterset_class.base_filters["ordering"].extra["choices"]
    return [key for key, _ in choices]


ORDERINGS = [
    pytest.param(prefix, key, id=f"{prefix}-{key}")
    for prefix in EVENT_LISTS
    for key in ordering_keys(prefix)
]


@pytest.mark.parametrize("prefix,key", ORDERINGS)
def test_every_ordering_key_with_the_id_as_tie_breaker_in_its_direction(anonymous, prefix, key):
    """Two records tie on every key but the id; a third, made first, is after both on every
    key but the id."""
    factory = FACTORIES[prefix]
    last = published(factory, date=day(11), title="Zulu")
    tied = [published(factory, date=day(10), title="Alpha") for _ in range(2)]
    moment = timezone.now()
    Event.objects.filter(pk__in=[r.pk for r in tied]).update(updated_at=moment)
    Event.objects.filter(pk=last.pk).update(updated_at=moment + datetime.timedelta(days=1))
    if key.removeprefix("-") == "id":
        ascending = [last.pk, tied[0].pk, tied[1].pk]
    else:
        ascending = [tied[0].pk, tied[1].pk, last.pk]

    listed = found(anonymous, f"{prefix}/?ordering={key}")

    assert listed == (ascending[::-1] if key.startswith("-") else ascending)


@pytest.mark.parametrize("key", ordering_keys("actors"))
def test_every_ordering_key_of_actors_in_both_directions(anonymous, key):
    made = [ActorFactory(name=n, slug=s) for n, s in [("Bravo", "a-3"), ("Alpha", "a-2")]]
    made.append(ActorFactory(name="Charlie", slug="a-1"))
    field = key.removeprefix("-")
    ascending = [a.slug for a in sorted(made, key=lambda a: getattr(a, field))]

    listed = found(anonymous, f"actors/?ordering={key}")

    assert listed == (ascending[::-1] if key.startswith("-") else ascending)


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"], ids=["min", "max"]
)
def test_an_updated_after_outside_the_years_1_to_9999_in_utc_is_a_400(anonymous, value):
    assert refused(anonymous, f"events/?updated_after={quote(value)}", "updated_after") == [
        "Enter a date and time between years 1 and 9999."
    ]
