"""Quotes by selection, server side: each article beside an event form has its Cite button, and
every new citation row cites the article being curated."""

import re

import pytest
from django.urls import reverse

from events.models import Citation, Event
from tests.admin.helpers import inline_management, proposal_form
from tests.factories import CitationFactory, ConflictFactory, ProposalFactory, SourceFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Putin declared an Easter truce on Saturday.\n"
    "Ukraine's president called the “pause” a political maneuver.\n\n"
    "Shelling continued in Kherson overnight."
)


def citations_formset(response):
    return next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "citations"
    )


def new_row_sources(response) -> list:
    formset = citations_formset(response)
    new = formset.forms[formset.initial_form_count() :]
    return [form.initial.get("source") for form in [*new, formset.empty_form]]


def test_each_article_has_a_cite_button_naming_it(editor_client):
    article = SourceFactory(title="Putin declares an Easter truce", body=BODY)
    other = SourceFactory(title="Kyiv & the “pause”", body="Kyiv called the pause a maneuver.")
    event = ProposalFactory()
    CitationFactory(event=event, source=article, quote="Easter truce")
    CitationFactory(event=event, source=other, quote="a maneuver")
    html = editor_client.get(reverse("admin:events_proposal_change", args=[event.pk])).content
    html = html.decode()
    for source, label in [
        (article, "Putin declares an Easter truce"),
        (other, "Kyiv &amp; the “pause”"),
    ]:
        assert (
            f'<button type="button" class="cite-selection" data-source-id="{source.pk}" '
            f'data-source-label="{label}" aria-describedby="cite-help-{source.pk}" '
            "disabled>Cite</button>"
        ) in html
        assert f'<div class="body" data-source-id="{source.pk}">' in html
    assert "events/cite.js" in html
    assert "events/inline_rows.js" in html


def test_no_cite_button_where_the_form_is_read_only(editor_client, reviewer_client):
    article = SourceFactory(body=BODY)
    event = ProposalFactory(editorial_status=Event.Status.PUBLISHED)
    CitationFactory(event=event, source=article, quote="Easter truce")
    url = reverse("admin:events_proposal_change", args=[event.pk])
    button = 'class="cite-selection"'
    assert button not in editor_client.get(url).content.decode()
    assert button in reviewer_client.get(url).content.decode()


def test_new_rows_cite_the_article_the_form_was_opened_from(editor_client):
    article = SourceFactory(body=BODY)
    response = editor_client.get(reverse("admin:events_proposal_add") + f"?source={article.pk}")
    assert new_row_sources(response) == [article.pk, article.pk]
    html = response.content.decode()
    # The row added in the page starts with the article chosen, label and all.
    empty = re.search(r'id="citations-empty".*?</select>', html, re.S).group()
    assert f'<option value="{article.pk}" selected>{article.title}</option>' in empty


def test_new_rows_cite_the_only_article_beside_the_form(editor_client):
    article = SourceFactory(body=BODY)
    event = ProposalFactory()
    CitationFactory(event=event, source=article, quote="Easter truce")
    response = editor_client.get(reverse("admin:events_proposal_change", args=[event.pk]))
    assert new_row_sources(response) == [article.pk, article.pk]
    # The row already saved keeps its own.
    assert citations_formset(response).forms[0].initial["source"] == article.pk


def test_with_two_articles_a_new_row_cites_the_one_opened_from_else_none(editor_client):
    first, second = SourceFactory(body=BODY), SourceFactory(body="Talks will follow.")
    event = ProposalFactory()
    CitationFactory(event=event, source=first, quote="Easter truce")
    CitationFactory(event=event, source=second, quote="Talks")
    url = reverse("admin:events_proposal_change", args=[event.pk])
    assert new_row_sources(editor_client.get(url)) == [None, None]
    assert new_row_sources(editor_client.get(f"{url}?source={second.pk}")) == [second.pk] * 2


def test_a_new_event_without_an_article_has_no_default_source(editor_client):
    response = editor_client.get(reverse("admin:events_proposal_add"))
    assert new_row_sources(response) == [None, None]
    response = editor_client.get(reverse("admin:events_proposal_add") + "?source=999999")
    assert new_row_sources(response) == [None, None]


def test_rows_left_with_only_the_default_source_are_not_saved(editor_client):
    article = SourceFactory(body=BODY)
    data = proposal_form(ConflictFactory(), title="Easter truce")
    data.update(
        inline_management(
            "citations",
            [
                {"source": article.pk, "quote": "declared an Easter truce"},
                {"source": article.pk, "quote": ""},
                {"source": article.pk, "quote": ""},
            ],
        )
    )
    url = reverse("admin:events_proposal_add") + f"?source={article.pk}"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert list(Citation.objects.values_list("quote", flat=True)) == ["declared an Easter truce"]


def test_a_selection_across_a_highlight_and_a_line_break_is_saved_as_the_articles_span(
    editor_client,
):
    article = SourceFactory(body=BODY)
    event = ProposalFactory(title="Easter truce")
    cited = CitationFactory(event=event, source=article, quote="Easter truce")
    selected = "an Easter truce on Saturday.\nUkraine's president"
    assert selected in BODY
    url = reverse("admin:events_proposal_change", args=[event.pk])
    response = editor_client.get(url)
    assert "<mark>Easter truce</mark>" in response.content.decode()
    data = {
        **{k: v for k, v in response.context["adminform"].form.initial.items() if v is not None},
        "conflict": event.conflict_id,
        "title": event.title,
        "date": "2025-04-19",
        "date_precision": "day",
        "proposal_kind": "ceasefire",
        "outcome": "proposed",
        **inline_management("participants", []),
        **inline_management("locations", []),
        **inline_management(
            "citations",
            [
                {"id": cited.pk, "source": article.pk, "quote": cited.quote},
                # As a browser posts a textarea: line breaks as CR LF.
                {"source": article.pk, "quote": selected.replace("\n", "\r\n")},
            ],
            initial=1,
        ),
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    quotes = list(Citation.objects.filter(event=event).values_list("quote", flat=True))
    assert quotes == ["Easter truce", selected]
