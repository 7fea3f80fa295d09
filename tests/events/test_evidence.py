"""Evidence stays evidence: quotes are the article's own words, a change of the article's text
that would orphan a quote is refused whatever the citing event's status, and each article is
stored once. The model and the API here; the admin in tests/admin/test_evidence_admin.py."""

import pytest
from django.core.exceptions import ValidationError

from events.models import Citation, Event, Source
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    ProposalFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ARTICLE = "Kyiv said the “Easter truce” was a stunt.\nMoscow  denied it."
STORED = "the “Easter truce” was"

# (the article's words, the same words as an editor may type them)
TYPED_QUOTES = [
    pytest.param(ARTICLE, 'the "Easter truce" was', id="straight-for-curly"),
    pytest.param(ARTICLE, "the «Easter truce» was", id="guillemets-for-curly"),
    pytest.param(ARTICLE, "the „Easter truce“ was", id="low-high-for-curly"),
    pytest.param(ARTICLE, "the\n“Easter truce”\nwas", id="newlines"),
    pytest.param(ARTICLE, "the  “Easter   truce”  was", id="double-spaces"),
    pytest.param(ARTICLE, "the\t“Easter\ttruce”\twas", id="tabs"),
    pytest.param(ARTICLE, "the\u00a0“Easter\u00a0truce” was", id="no-break-spaces"),
    pytest.param(ARTICLE, '  the "Easter \r\n truce" was ', id="all-at-once"),
    pytest.param(
        ARTICLE.replace("“Easter truce”", '"Easter truce"'),
        "the “Easter truce” was",
        id="curly-for-straight",
    ),
    pytest.param(
        ARTICLE.replace("“Easter truce”", "«Easter truce»"),
        'the "Easter truce" was',
        id="straight-for-guillemets",
    ),
]


def span_of(body: str) -> str:
    """The article's own words for STORED, in the article's quote marks."""
    for mark in ("“Easter truce”", '"Easter truce"', "«Easter truce»"):
        if mark in body:
            return f"the {mark} was"
    raise AssertionError(body)


@pytest.fixture
def conflict():
    return ConflictFactory(name="Russia Ukraine War", slug="russia-ukraine-war")


def cite(status: str, body: str = ARTICLE, quote: str = STORED, title: str = "Easter truce"):
    source = SourceFactory(title="Kyiv answers", body=body)
    event = ProposalFactory(title=title, editorial_status=status)
    return CitationFactory(event=event, source=source, quote=quote)


def post_proposal(client, conflict, citations: list[dict]):
    body = {
        "conflict": conflict.slug,
        "date": "2025-04-19",
        "title": "Easter truce",
        "proposal_kind": "ceasefire",
        "citations": citations,
    }
    return client.post("/api/v1/proposals/", body, format="json")


def detail(kind: str, pk: int) -> str:
    return f"http://testserver/api/v1/{kind}/{pk}/"


# --- quotes are stored as the article's words ----------------------------------------------


@pytest.mark.parametrize(("body", "typed"), TYPED_QUOTES)
def test_an_orm_citation_stores_the_articles_own_span(body, typed):
    citation = CitationFactory(source=SourceFactory(body=body), quote=typed)

    citation.refresh_from_db()
    assert citation.quote == span_of(body)


@pytest.mark.parametrize(("body", "typed"), TYPED_QUOTES)
def test_an_api_citation_stores_the_articles_own_span(editor_api, conflict, body, typed):
    source = SourceFactory(body=body)

    response = post_proposal(editor_api, conflict, [{"source": source.pk, "quote": typed}])

    assert response.status_code == 201, response.json()
    assert [c["quote"] for c in response.json()["citations"]] == [span_of(body)]
    assert list(Citation.objects.values_list("quote", flat=True)) == [span_of(body)]


def test_a_quote_not_in_the_article_is_refused_on_the_citations_quote(editor_api, conflict):
    source = SourceFactory(title="Kyiv answers", body=ARTICLE)

    response = post_proposal(
        editor_api, conflict, [{"source": source.pk, "quote": "the Easter truce was"}]
    )

    assert response.status_code == 400
    assert response.json() == {
        "citations[0].quote": [
            "This quote does not occur in the article “Kyiv answers”. Copy it exactly from the "
            "article text (differences in spacing and in quote-mark style are ignored)."
        ]
    }
    assert not Event.objects.exists()


def test_quote_marks_of_another_kind_do_not_match():
    """Single marks are not double marks: the words must be the article's."""
    citation = CitationFactory.build(
        event=ProposalFactory(), source=SourceFactory(body=ARTICLE), quote="the 'Easter truce' was"
    )
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert list(error.value.message_dict) == ["quote"]


# --- a new text of the article keeps every quote citing it ---------------------------------

STATUSES = [Event.Status.DRAFT, Event.Status.IN_REVIEW, Event.Status.PUBLISHED]


@pytest.mark.parametrize("status", STATUSES)
def test_a_text_orphaning_a_quote_is_refused_by_the_model(status):
    citation = cite(status)
    source = citation.source
    source.body = "Kyiv said nothing."

    with pytest.raises(ValidationError) as error:
        source.full_clean()

    status_label = Event.Status(status).label.lower()
    assert error.value.message_dict == {
        "body": [
            "1 quote(s) citing this article would no longer occur in its text: "
            f"“Easter truce” (proposal {citation.event.pk}, {status_label}). Correct the text, "
            "or first change those quotes."
        ]
    }


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("status", STATUSES)
def test_a_text_orphaning_a_quote_is_refused_by_the_api(reviewer_api, status, method):
    citation = cite(status)
    second = CitationFactory(
        source=citation.source,
        event=ProposalFactory(title="Moscow denies", editorial_status=status),
        quote="Moscow  denied it.",
    )
    source = citation.source
    data = {"body": "Kyiv said nothing."}
    if method == "put":
        data = {"title": source.title, "url": source.url, **data}

    response = getattr(reviewer_api, method)(f"/api/v1/sources/{source.pk}/", data, format="json")

    assert response.status_code == 400, response.content
    status_label = Event.Status(status).label.lower()
    assert response.json() == {
        "body": [
            "2 quote(s) citing this article would no longer occur in its text: "
            f"“Easter truce” (proposal {citation.event.pk}, {status_label}); "
            f"“Moscow denies” (proposal {second.event.pk}, {status_label}). Correct the text, "
            "or first change those quotes."
        ],
        "orphaned_events": [
            detail("proposals", citation.event.pk),
            detail("proposals", second.event.pk),
        ],
    }
    source.refresh_from_db()
    assert source.body == ARTICLE
    assert sorted(Citation.objects.values_list("quote", flat=True)) == [
        "Moscow  denied it.",
        STORED,
    ]


def test_an_editor_changing_a_draft_citations_article_is_refused_too(editor_api):
    citation = cite(Event.Status.DRAFT)

    response = editor_api.patch(
        f"/api/v1/sources/{citation.source.pk}/", {"body": "Kyiv said nothing."}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["orphaned_events"] == [detail("proposals", citation.event.pk)]
    citation.source.refresh_from_db()
    assert citation.source.body == ARTICLE


def test_one_orphaned_quote_among_kept_ones_refuses_the_text(reviewer_api):
    citation = cite(Event.Status.PUBLISHED)
    kept = CitationFactory(source=citation.source, quote="Moscow denied it.")

    response = reviewer_api.patch(
        f"/api/v1/sources/{citation.source.pk}/",
        {"body": "Moscow denied it. Kyiv said nothing."},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["orphaned_events"] == [detail("proposals", citation.event.pk)]
    assert kept.event.pk != citation.event.pk


@pytest.mark.parametrize("body", ["", "   "])
def test_an_emptied_text_is_refused_while_quotes_cite_it(reviewer_api, body):
    citation = cite(Event.Status.PUBLISHED)

    response = reviewer_api.patch(
        f"/api/v1/sources/{citation.source.pk}/", {"body": body}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["body", "orphaned_events"]
    citation.source.refresh_from_db()
    assert citation.source.body == ARTICLE


def test_an_uncited_text_may_be_emptied(reviewer_api):
    source = SourceFactory(body=ARTICLE)

    response = reviewer_api.patch(f"/api/v1/sources/{source.pk}/", {"body": ""}, format="json")

    assert response.status_code == 200, response.json()
    source.refresh_from_db()
    assert source.body == ""


# (a new text keeping the quote, the quote as then stored)
KEPT_TEXTS = [
    pytest.param(
        'Kyiv said the "Easter truce" was a stunt.\nMoscow  denied it.',
        'the "Easter truce" was',
        id="straight-marks",
    ),
    pytest.param(
        "Kyiv said the\n“Easter  truce”\twas a stunt.\nMoscow  denied it.",
        "the\n“Easter  truce”\twas",
        id="other-spacing",
    ),
    pytest.param(
        "Update: Kyiv said the «Easter\u00a0truce» was a stunt. Moscow  denied it.",
        "the «Easter\u00a0truce» was",
        id="guillemets-and-no-break-space",
    ),
]


@pytest.mark.parametrize(("body", "anchored"), KEPT_TEXTS)
@pytest.mark.parametrize("status", STATUSES)
def test_a_text_keeping_every_quote_is_accepted_and_quotes_are_re_anchored(
    reviewer_api, status, body, anchored
):
    citation = cite(status)

    response = reviewer_api.patch(
        f"/api/v1/sources/{citation.source.pk}/", {"body": body}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["body"] == body
    citation.refresh_from_db()
    assert citation.quote == anchored
    assert citation.quote in body


def test_a_full_put_keeping_every_quote_re_anchors_them(reviewer_api):
    citation = cite(Event.Status.PUBLISHED)
    source = citation.source
    body = 'Kyiv said the "Easter truce" was a stunt.'

    response = reviewer_api.put(
        f"/api/v1/sources/{source.pk}/",
        {"title": source.title, "url": source.url, "body": body},
        format="json",
    )

    assert response.status_code == 200, response.json()
    citation.refresh_from_db()
    assert citation.quote == 'the "Easter truce" was'


def test_saving_a_new_text_through_the_orm_re_anchors_the_quotes():
    citation = cite(Event.Status.DRAFT)
    source = citation.source
    source.body = 'Kyiv said the\n"Easter truce" was a stunt. Moscow denied it.'
    source.full_clean()
    source.save()

    citation.refresh_from_db()
    assert citation.quote == 'the\n"Easter truce" was'


def test_saving_other_fields_leaves_the_quotes_as_they_are():
    citation = cite(Event.Status.DRAFT)
    Citation.objects.filter(pk=citation.pk).update(quote='the "Easter truce" was')
    source = Source.objects.get(pk=citation.source.pk)
    source.title = "Renamed"
    source.save(update_fields=["title"])

    citation.refresh_from_db()
    assert citation.quote == 'the "Easter truce" was'


# --- each article once --------------------------------------------------------------------

KNOWN_URL = "https://news.example.org/world/truce?id=7&page=2"
URL_SPELLINGS = [
    pytest.param("http://news.example.org/world/truce?id=7&page=2", id="http"),
    pytest.param("https://www.news.example.org/world/truce?id=7&page=2", id="www"),
    pytest.param("https://WWW.News.Example.ORG/world/truce?id=7&page=2", id="host-case"),
    pytest.param("https://news.example.org:443/world/truce?id=7&page=2", id="https-port"),
    pytest.param("http://news.example.org:80/world/truce?id=7&page=2", id="http-port"),
    pytest.param("https://news.example.org/world/truce/?id=7&page=2", id="trailing-slash"),
    pytest.param("https://news.example.org/world/truce?page=2&id=7", id="parameter-order"),
    pytest.param(
        "http://www.News.example.org:80/world/truce/?page=2&utm_source=x&id=7#top", id="all"
    ),
]


@pytest.mark.parametrize("url", URL_SPELLINGS)
def test_another_spelling_of_a_known_url_is_refused_by_the_model(url):
    existing = SourceFactory(url=KNOWN_URL, title="Truce agreed")
    duplicate = Source(title="Again", url=url)

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert error.value.message_dict == {
        "url": [f"A source with this URL already exists: “Truce agreed” (source {existing.pk})."]
    }


@pytest.mark.parametrize("url", URL_SPELLINGS)
def test_another_spelling_of_a_known_url_is_refused_by_the_api(editor_api, url):
    existing = SourceFactory(url=KNOWN_URL, title="Truce agreed")

    response = editor_api.post("/api/v1/sources/", {"url": url, "title": "Again"}, format="json")

    assert response.status_code == 400, response.content
    assert response.json() == {
        "url": [f"A source with this URL already exists: “Truce agreed” (source {existing.pk})."],
        "existing_source": [detail("sources", existing.pk)],
    }
    assert list(Source.objects.values_list("pk", flat=True)) == [existing.pk]


def test_changing_a_sources_url_to_a_known_spelling_is_refused(editor_api):
    existing = SourceFactory(url=KNOWN_URL, title="Truce agreed")
    other = SourceFactory(url="https://news.example.org/other")

    response = editor_api.patch(
        f"/api/v1/sources/{other.pk}/",
        {"url": "http://www.news.example.org/world/truce/?page=2&id=7"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["existing_source"] == [detail("sources", existing.pk)]
    other.refresh_from_db()
    assert other.url == "https://news.example.org/other"


def test_a_source_keeps_its_own_url_in_another_spelling(editor_api):
    source = SourceFactory(url=KNOWN_URL)

    response = editor_api.patch(
        f"/api/v1/sources/{source.pk}/",
        {"url": "http://www.news.example.org/world/truce/?page=2&id=7"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["url"] == KNOWN_URL


def test_a_url_differing_in_path_case_or_port_is_another_article(editor_api):
    SourceFactory(url=KNOWN_URL)

    for url in [
        "https://news.example.org/World/truce?id=7&page=2",
        "https://news.example.org:8443/world/truce?id=7&page=2",
        "https://news.example.org/world/truce?id=8&page=2",
    ]:
        response = editor_api.post("/api/v1/sources/", {"url": url, "title": "T"}, format="json")
        assert response.status_code == 201, (url, response.json())
    assert Source.objects.count() == 4


def test_a_speaker_is_kept_when_the_quote_is_anchored(editor_api, conflict):
    ActorFactory(slug="putin", name="Putin")
    source = SourceFactory(body=ARTICLE)

    response = post_proposal(
        editor_api, conflict, [{"source": source.pk, "quote": "Moscow denied", "speaker": "putin"}]
    )

    assert response.status_code == 201, response.json()
    assert [(c["quote"], c["speaker"]) for c in response.json()["citations"]] == [
        ("Moscow  denied", "putin")
    ]
