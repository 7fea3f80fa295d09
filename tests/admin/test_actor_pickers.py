"""The actor pickers rank the right actor first, label kind and country, and offer to add an
actor whose name is not found."""

import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from actors.models import Actor
from events.models import Participant
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    ParticipantFactory,
    ResponseFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/admin/actors/actor/autocomplete/"
PARTICIPANT = {"app_label": "events", "model_name": "participant", "field_name": "actor"}

RUSSIA = "Russia · State · RUS"
CHURCH = "Russian Orthodox Church · Organization · RUS"
UNION = "Belarus–Russia Union State · Organization"
HAMAS = "Hamas · Armed group"
UKRAINE = "Ukraine · State · UKR"

# Each form's actor pickers: (the add page, the select's name).
PICKERS = [
    ("admin:events_proposal_add", "participants-0-actor"),
    ("admin:events_proposal_add", "citations-0-speaker"),
    ("admin:events_proposal_add", "citations-0-via"),
    ("admin:events_meeting_add", "participants-0-actor"),
    ("admin:events_violationaccusation_add", "participants-0-actor"),
    ("admin:events_response_add", "responder"),
    ("admin:events_response_add", "citations-0-speaker"),
    ("admin:events_conflict_add", "party_links-0-actor"),
    ("admin:actors_affiliation_add", "person"),
    ("admin:actors_affiliation_add", "organization"),
    ("admin:actors_actor_add", "affiliations-__prefix__-organization"),
    ("admin:events_source_add", "outlet"),
]


@pytest.fixture
def actors():
    russia = ActorFactory(name="Russia", slug="russia", country="RUS")
    ActorAliasFactory(actor=russia, name="the Kremlin")
    ActorAliasFactory(actor=russia, name="Russian Federation")
    ukraine = ActorFactory(name="Ukraine", slug="ukraine", country="UKR")
    ActorAliasFactory(actor=ukraine, name="Kyiv")
    return {
        RUSSIA: russia,
        UKRAINE: ukraine,
        CHURCH: ActorFactory(
            name="Russian Orthodox Church",
            slug="russian-orthodox-church",
            kind=Actor.Kind.ORGANIZATION,
            country="RUS",
        ),
        UNION: ActorFactory(
            name="Belarus–Russia Union State",
            slug="belarus-russia-union-state",
            kind=Actor.Kind.ORGANIZATION,
        ),
        HAMAS: ActorFactory(name="Hamas", slug="hamas", kind=Actor.Kind.ARMED_GROUP),
    }


def results(client, term="", page=None, **params) -> list[dict]:
    query = {**PARTICIPANT, "term": term, **params}
    if page:
        query["page"] = page
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def options(client, term="", **params) -> list[str]:
    """What the picker's options read, in order."""
    return [result["text"] for result in results(client, term, **params)]


# -- ranking --------------------------------------------------------------------------------


def test_exact_name_comes_before_prefix_and_substring_matches(editor_client, actors):
    assert options(editor_client, "Russia")[:3] == [RUSSIA, CHURCH, UNION]


@pytest.mark.parametrize("term", ["russia", "RUSSIA", "  Russia "])
def test_ranking_ignores_case_and_outer_spaces(editor_client, actors, term):
    assert options(editor_client, term)[:3] == [RUSSIA, CHURCH, UNION]


@pytest.mark.parametrize("term", ["kremlin", "Kremlin"])
def test_an_alias_finds_its_actor_first(editor_client, actors, term):
    # Decoys: an actor starting with the term, and one with a word starting with it.
    ActorFactory(name="Kremlin Watch", slug="kremlin-watch", kind=Actor.Kind.MEDIA)
    ActorFactory(name="Anti-Kremlin Front", slug="anti-kremlin-front")
    assert options(editor_client, term) == [
        f"the Kremlin → {RUSSIA}",
        "Kremlin Watch · Media",
        "Anti-Kremlin Front · State",
    ]


@pytest.mark.parametrize("term", ["the Kremlin", "THE KREMLIN"])
def test_an_alias_typed_in_full_finds_its_actor(editor_client, actors, term):
    ActorFactory(name="Kremlin Watch", slug="kremlin-watch", kind=Actor.Kind.MEDIA)
    assert options(editor_client, term) == [f"the Kremlin → {RUSSIA}"]


def test_prefix_then_word_prefix_then_substring_ties_by_name(editor_client):
    for name in ["Northern Alliance", "alliance of the North", "Alliance Party", "Balliance"]:
        ActorFactory(name=name, kind=Actor.Kind.ORGANIZATION)
    assert options(editor_client, "alliance") == [
        # Prefix matches, by name ignoring case.
        "alliance of the North · Organization",
        "Alliance Party · Organization",
        # A word of the name starts with the term.
        "Northern Alliance · Organization",
        # Anywhere in the name.
        "Balliance · Organization",
        # No actor is named "alliance".
        "Add actor “alliance”…",
    ]


def test_each_actor_is_listed_once_by_its_best_match(editor_client, actors):
    # Russia's name starts with the term, and so does an alias: listed once, by its name.
    assert options(editor_client, "Russia").count(RUSSIA) == 1
    assert not any("Russian Federation →" in text for text in options(editor_client, "Russia"))
    # The alias matches exactly, the name only as a prefix: the alias it is.
    assert options(editor_client, "russian federation") == [f"Russian Federation → {RUSSIA}"]


def test_an_alias_hit_reads_the_alias_as_stored(editor_client, actors):
    assert options(editor_client, "KYIV") == [f"Kyiv → {UKRAINE}"]


def test_an_alias_hit_is_chosen_as_the_plain_label(editor_client, actors):
    assert results(editor_client, "kyiv") == [
        {"id": str(actors[UKRAINE].pk), "text": f"Kyiv → {UKRAINE}", "label": UKRAINE}
    ]


def test_without_a_term_actors_are_listed_by_name(editor_client, actors):
    assert options(editor_client) == [UNION, HAMAS, RUSSIA, CHURCH, UKRAINE]


def test_slugs_still_find_actors_after_names_and_aliases(editor_client, actors):
    ActorFactory(name="Ruslan Stefanchuk", slug="stefanchuk", kind=Actor.Kind.PERSON)
    ActorFactory(name="Verkhovna Rada", slug="ruslan-s-parliament", kind=Actor.Kind.GOVERNMENT)
    assert options(editor_client, "rusl") == [
        "Ruslan Stefanchuk · Person",
        "Verkhovna Rada · Government",
        "Add actor “rusl”…",
    ]


# -- labels ---------------------------------------------------------------------------------


def test_options_read_name_kind_and_country(editor_client, actors):
    assert options(editor_client, "Hamas") == [HAMAS]
    assert options(editor_client, "Ukraine") == [UKRAINE]


@pytest.mark.parametrize(
    "kind, label",
    [
        (Actor.Kind.STATE, "X · State · ISR"),
        (Actor.Kind.GOVERNMENT, "X · Government · ISR"),
        (Actor.Kind.PERSON, "X · Person · ISR"),
        (Actor.Kind.ORGANIZATION, "X · Organization · ISR"),
        (Actor.Kind.ARMED_GROUP, "X · Armed group · ISR"),
        (Actor.Kind.MEDIA, "X · Media · ISR"),
    ],
)
def test_every_kind_reads_its_label(editor_client, kind, label):
    ActorFactory(name="X", slug="x", kind=kind, country="ISR")
    assert options(editor_client, "X") == [label]


def test_a_chosen_participant_reads_its_label_on_the_form(editor_client, actors):
    participant = ParticipantFactory(actor=actors[RUSSIA])
    citation = CitationFactory(event=participant.event, speaker=actors[HAMAS], via=None)
    page = editor_client.get(
        reverse("admin:events_proposal_change", args=[citation.event_id])
    ).content.decode()
    assert chosen(page, "participants-0-actor") == RUSSIA
    assert chosen(page, "citations-0-speaker") == HAMAS


def test_a_chosen_responder_reads_its_label_on_the_form(editor_client, actors):
    response = ResponseFactory(responder=actors[UKRAINE])
    page = editor_client.get(
        reverse("admin:events_response_change", args=[response.pk])
    ).content.decode()
    assert chosen(page, "responder") == UKRAINE


def test_a_form_with_errors_keeps_the_chosen_actors_label(editor_client, actors):
    conflict = ConflictFactory()
    data = {
        "conflict": conflict.pk,
        "title": "",  # required: the form comes back
        "date": "2025-04-19",
        "date_precision": "day",
        "proposal_kind": "ceasefire",
        "outcome": "proposed",
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-0-actor": actors[RUSSIA].pk,
        "participants-0-role": Participant.Role.PROPOSER,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "locations-TOTAL_FORMS": "0",
        "locations-INITIAL_FORMS": "0",
    }
    page = editor_client.post(reverse("admin:events_proposal_add"), data).content.decode()
    assert "This field is required" in page
    assert chosen(page, "participants-0-actor") == RUSSIA


def chosen(page: str, name: str) -> str:
    select = re.search(rf'<select [^>]*name="{re.escape(name)}".*?</select>', page, re.S)
    assert select, f"no picker for {name}"
    option = re.search(r"<option [^>]*selected[^>]*>([^<]*)</option>", select.group(0))
    return option.group(1) if option else ""


# -- every actor picker ---------------------------------------------------------------------


@pytest.mark.parametrize("page, name", PICKERS)
def test_every_actor_picker_asks_the_actor_options(editor_client, page, name):
    html = editor_client.get(reverse(page)).content.decode()
    select = re.search(rf'<select [^>]*name="{re.escape(name)}"[^>]*>', html)
    assert select, f"no picker for {name}"
    assert f'data-ajax--url="{URL}"' in select.group(0)
    assert "/static/actors/actor_pickers.js" in html


@pytest.mark.parametrize(
    "model, field",
    [
        ("participant", "actor"),
        ("citation", "speaker"),
        ("citation", "via"),
        ("response", "responder"),
        ("conflictparty", "actor"),
        ("affiliation", "person"),
        ("affiliation", "organization"),
    ],
)
def test_every_actor_link_gets_ranked_options(editor_client, actors, model, field):
    app = "actors" if model == "affiliation" else "events"
    params = {"app_label": app, "model_name": model, "field_name": field}
    assert options(editor_client, "kremlin", **params) == [f"the Kremlin → {RUSSIA}"]


def test_a_sources_outlet_lists_media_only(editor_client, actors):
    ActorFactory(name="Russia Today", slug="rt", kind=Actor.Kind.MEDIA, country="RUS")
    params = {"app_label": "events", "model_name": "source", "field_name": "outlet"}
    assert options(editor_client, "Russia", **params) == ["Russia Today · Media · RUS"]


# -- adding an actor ------------------------------------------------------------------------


def test_an_unknown_name_offers_to_add_the_actor_last(editor_client, actors):
    found = results(editor_client, "Rus Lang")
    assert found == [
        {
            "id": "add",
            "text": "Add actor “Rus Lang”…",
            "add_url": "/admin/actors/actor/add/?_popup=1&_to_field=id&name=Rus+Lang",
        }
    ]


def test_the_add_option_comes_after_the_matches(editor_client, actors):
    assert options(editor_client, "Russ") == [RUSSIA, CHURCH, UNION, "Add actor “Russ”…"]


@pytest.mark.parametrize("term", ["Russia", "russia", "Kyiv", "kremlin", "THE KREMLIN"])
def test_no_add_option_on_an_exact_name_or_alias(editor_client, actors, term):
    assert not any(text.startswith("Add actor") for text in options(editor_client, term))


def test_no_add_option_without_a_term(editor_client, actors):
    assert not any(text.startswith("Add actor") for text in options(editor_client, "  "))


def test_no_add_option_without_the_permission_to_add_actors(actors):
    user = UserFactory(username="reader")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_actor", "view_participant", "view_proposal"])
    )
    client = Client()
    client.force_login(user)
    assert options(client, "Russ") == [RUSSIA, CHURCH, UNION]
    assert options(client, "Rus Lang") == []


def test_the_add_option_is_on_the_last_page_only(editor_client):
    for number in range(25):
        ActorFactory(name=f"Militia {number:02}", kind=Actor.Kind.ARMED_GROUP)
    first = editor_client.get(URL, {**PARTICIPANT, "term": "Militia"}).json()
    assert first["pagination"] == {"more": True}
    assert len(first["results"]) == 20
    assert first["results"][-1]["text"] == "Militia 19 · Armed group"
    last = editor_client.get(URL, {**PARTICIPANT, "term": "Militia", "page": 2}).json()
    assert [r["text"] for r in last["results"]] == [
        *(f"Militia {n} · Armed group" for n in range(20, 25)),
        "Add actor “Militia”…",
    ]


def test_an_outlet_is_added_as_media(editor_client):
    params = {"app_label": "events", "model_name": "source", "field_name": "outlet"}
    assert results(editor_client, "Meduza", **params)[-1]["add_url"] == (
        "/admin/actors/actor/add/?_popup=1&_to_field=id&name=Meduza&kind=media"
    )


def test_the_add_popup_has_the_name_filled_in(editor_client):
    page = editor_client.get("/admin/actors/actor/add/?_popup=1&_to_field=id&name=Rus+Lang")
    assert 'name="name" value="Rus Lang"' in page.content.decode()


def test_an_actor_saved_in_the_popup_comes_back_with_its_label(editor_client):
    response = editor_client.post(
        "/admin/actors/actor/add/?_popup=1&_to_field=id&name=Hezbollah",
        {
            "_popup": "1",
            "_to_field": "id",
            "name": "Hezbollah",
            "slug": "",
            "kind": Actor.Kind.ARMED_GROUP,
            "country": "LBN",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            "affiliations-TOTAL_FORMS": "0",
            "affiliations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200, response.content
    actor = Actor.objects.get(name="Hezbollah")
    data = re.search(r'data-popup-response="([^"]+)"', response.content.decode()).group(1)
    assert json.loads(data.replace("&quot;", '"')) == {
        "value": str(actor.pk),
        "obj": "Hezbollah · Armed group · LBN",
    }


# -- permissions ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, actors):
    response = client.get(URL, {**PARTICIPANT, "term": "Russia"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_the_view_permission_on_actors_is_refused(actors):
    user = UserFactory(username="outsider")
    client = Client()
    client.force_login(user)
    assert client.get(URL, {**PARTICIPANT, "term": "Russia"}).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"app_label": "events", "model_name": "response", "field_name": "proposal"},
        {"app_label": "events", "model_name": "participant", "field_name": "role"},
        {"app_label": "events", "model_name": "participant", "field_name": "nope"},
        {"app_label": "events", "model_name": "participant"},
    ],
)
def test_a_link_to_anything_but_an_actor_is_refused(editor_client, actors, params):
    assert editor_client.get(URL, {**params, "term": "Russia"}).status_code == 403


# -- queries --------------------------------------------------------------------------------


def test_a_page_of_options_takes_constant_queries(editor_client, actors, django_assert_num_queries):
    for number in range(30):
        actor = ActorFactory(name=f"Rus militia {number:02}", kind=Actor.Kind.ARMED_GROUP)
        ActorAliasFactory(actor=actor, name=f"Russian militia {number:02}")
    # Session, user, the user's permissions and group permissions; the ids of the actors whose
    # aliases match (read first, lib/admin_search.py); the page and one actor past it: their
    # ids, then those actors (aliases and ranks in the same query; no count of the actors
    # found); the exact-match check of the add option (last page only).
    with django_assert_num_queries(7):
        assert len(results(editor_client, "Rus")) == 20
    with django_assert_num_queries(8):
        found = results(editor_client, "Rus", page=2)
    assert found[-1]["text"] == "Add actor “Rus”…"


def test_the_article_panels_actors_read_as_in_the_pickers(editor_client, actors):
    article = SourceFactory(body="Hamas and Kyiv answered the offer.")
    page = editor_client.get(f"/admin/events/proposal/add/?source={article.pk}").content.decode()
    assert f'data-actor-id="{actors[HAMAS].pk}" data-actor-label="{HAMAS}"' in page
    assert f'data-actor-id="{actors[UKRAINE].pk}" data-actor-label="{UKRAINE}"' in page
