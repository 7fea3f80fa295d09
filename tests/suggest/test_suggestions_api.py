"""GET /api/v1/sources/<id>/suggestions/: who reads it, its shape, its queries, and that each
suggested body creates a draft when posted to its endpoint."""

import pytest
from django.contrib.auth.models import Permission

from events.models import Event, Participant
from tests.api.personas import *  # noqa: F403 (the personas are fixtures)
from tests.factories import (
    CitationFactory,
    ParticipantFactory,
    ProposalFactory,
    SourceFactory,
)

from .conftest import PUBLISHED

ARTICLE = (
    "Sudan's army and RSF trade blame as truce frays\n\n"
    "The Rapid Support Forces declared a unilateral 72-hour truce on Sunday. Last month, "
    "Hemedti proposed direct negotiations with the army, which Burhan rejected. The army "
    "accused the RSF of violating the truce on Monday. Envoys of the army and the RSF held "
    "talks in Saudi Arabia on May 6, mediated by Washington. Egypt welcomed the army's "
    "30-day truce. The two sides reached an agreement on a pause in attacks on civilians, "
    "said Jibril Ibrahim."
)


@pytest.fixture
def article(world):
    return SourceFactory(body=ARTICLE, published_at=PUBLISHED, title="Truce frays")


@pytest.fixture
def army_truce(world):
    """A proposal in the database that Egypt's welcome names (its proposer and duration)."""
    truce = ProposalFactory(
        conflict=world.conflict,
        title="Army's 30-day truce",
        date=PUBLISHED.date(),
        duration_hours=720,
    )
    ParticipantFactory(event=truce, actor=world.army, role=Participant.Role.PROPOSER)
    return truce


def url(source) -> str:
    return f"/api/v1/sources/{source.pk}/suggestions/"


def test_anonymous_visitors_get_no_suggestions(anonymous, article):
    response = anonymous.get(url(article))
    assert response.status_code == 401
    assert "detail" in response.json()


def test_token_holders_without_the_article_text_permission_get_no_suggestions(analyst, article):
    # The suggestions quote the article's sentences: its text, which they may not read.
    response = analyst.get(url(article))

    assert response.status_code == 403
    assert "Can read the full text of sources" in response.json()["detail"]


def test_token_holders_with_the_article_text_permission_read_suggestions(analyst, world):
    analyst.user.user_permissions.add(
        Permission.objects.get(content_type__app_label="events", codename="view_source_body")
    )
    # A source a published event cites: one such token holder may see.
    cited = CitationFactory(
        source=SourceFactory(body=ARTICLE, published_at=PUBLISHED),
        event=ProposalFactory(editorial_status=Event.Status.PUBLISHED),
        quote="The Rapid Support Forces declared",
    ).source

    response = analyst.get(url(cited))

    assert response.status_code == 200
    assert response.json()["records"]


def test_editors_read_suggestions_with_their_session(editor_client, article):
    assert editor_client.get(url(article)).status_code == 200


def test_an_unknown_source_is_a_json_404(editor_api, world):
    response = editor_api.get("/api/v1/sources/999999/suggestions/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_an_unknown_parameter_is_a_400_naming_it(editor_api, article):
    response = editor_api.get(url(article) + "?kind=proposal")
    assert response.status_code == 400
    assert "kind" in response.json()


def test_the_shape_of_suggestions(editor_api, article, army_truce):
    data = editor_api.get(url(article)).json()
    assert set(data) == {"source", "actors", "new_actors", "records"}
    assert data["source"] == article.pk
    # The headline names it first, by its acronym.
    assert {"slug": "rsf", "name": "Rapid Support Forces", "words": "RSF"} in data["actors"]
    assert any(a["name"] == "Jibril Ibrahim" for a in data["new_actors"])
    kinds = [r["kind"] for r in data["records"]]
    assert set(kinds) == {"proposal", "response", "meeting", "accusation"}
    for record in data["records"]:
        assert set(record) == {
            "kind",
            "endpoint",
            "body",
            "quote",
            "sentence",
            "triggers",
            "explanation",
        }
        assert record["quote"] in ARTICLE
        assert record["body"]["citations"][0] == {"source": article.pk, "quote": record["quote"]}
        assert record["triggers"] and record["explanation"]
    welcome = next(r for r in data["records"] if r["body"].get("stance") == "welcomed")
    assert welcome["body"]["proposal"] == army_truce.pk


@pytest.mark.parametrize("more", [0, 5])
def test_suggestions_take_ten_queries_however_long_the_article(
    editor_api, world, army_truce, django_assert_num_queries, more
):
    body = ARTICLE + "".join(
        f"\n\nOn May {day}, Egypt welcomed the army's 30-day truce, and Hemedti said the "
        f"army had violated it near Bahri. Talks with the RSF were held in Jeddah."
        for day in range(1, more + 1)
    )
    source = SourceFactory(body=body, published_at=PUBLISHED)
    # 1 the token, 2 the user's permissions and its groups' (the article's text may be read),
    # 1 the source, 2 the actors named (by name, by alias), 1 their aliases,
    # 1 the persons' affiliations, 1 the conflict, 1 its parties, 1 the proposals answers may
    # name, 1 their participants.
    with django_assert_num_queries(12):
        response = editor_api.get(url(source))
    assert response.status_code == 200


def test_each_suggested_body_posted_to_its_endpoint_creates_the_draft(
    editor_api, article, army_truce
):
    records = editor_api.get(url(article)).json()["records"]
    # A response needs its proposal: those the database has no proposal for are left to the
    # editor (the explanation says so).
    postable = [r for r in records if r["kind"] != "response" or "proposal" in r["body"]]
    assert {r["kind"] for r in postable} == {"proposal", "response", "meeting", "accusation"}
    for record in postable:
        response = editor_api.post(record["endpoint"], record["body"], format="json")
        assert response.status_code == 201, (record["body"], response.json())
        event = Event.objects.get(pk=response.json()["id"])
        assert event.editorial_status == Event.Status.DRAFT
        assert event.kind == record["kind"]
        quotes = [c["quote"] for c in record["body"]["citations"]]
        assert [c.quote for c in event.citations.order_by("pk")] == quotes
        assert quotes[0] == record["quote"]
    drafts = Event.objects.filter(editorial_status=Event.Status.DRAFT).exclude(pk=army_truce.pk)
    assert drafts.count() == len(postable)


def test_the_schema_documents_suggestions(anonymous, settings):
    response = anonymous.get("/api/schema/", {"format": "json"})
    path = response.json()["paths"]["/api/v1/sources/{id}/suggestions/"]
    schema = path["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/SourceSuggestions")
