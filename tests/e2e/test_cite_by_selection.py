"""An editor quotes an article by selecting its words and pressing Cite, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from events.models import Citation
from tests.e2e.desk import SELECT_TEXT_JS
from tests.e2e.test_editorial_workflow import log_in
from tests.factories import ActorFactory, CitationFactory, ProposalFactory, SourceFactory

BODY = (
    "Putin declared an Easter truce on Saturday.\n"
    "Ukraine's president called the “pause” a political maneuver.\n\n"
    "Shelling continued in Kherson overnight."
)
# Across the highlight of the quote already cited and a line break.
FIRST = "an Easter truce on Saturday.\nUkraine's president"
SECOND = "Shelling continued in Kherson overnight."
SCREENSHOT = "/tmp/e2e-cite-by-selection.png"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_editor_cites_two_selections_and_saves_the_articles_spans(page: Page, live_server, editor):
    article = SourceFactory(title="Putin declares an Easter truce", body=BODY)
    proposal = ProposalFactory(title="Easter truce", created_by=editor)
    CitationFactory(event=proposal, source=article, quote="Easter truce")
    log_in(page, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/events/proposal/{proposal.pk}/change/")

    body = page.locator(f".article .body[data-source-id='{article.pk}']")
    expect(body.locator("mark")).to_have_text("Easter truce")
    cite = page.get_by_role("button", name="Cite", exact=True)
    expect(cite).to_be_disabled()  # nothing selected yet

    # The first selection fills the empty row the form has, citing the article.
    page.evaluate(SELECT_TEXT_JS, [body.element_handle(), FIRST])
    expect(cite).to_be_enabled()
    cite.click()
    expect(page.locator("#id_citations-1-quote")).to_have_value(FIRST)
    expect(page.locator("#id_citations-1-source")).to_have_value(str(article.pk))

    # The second finds no empty row left: one is added for it.
    expect(page.locator("#id_citations-2-quote")).to_have_count(0)
    page.evaluate(SELECT_TEXT_JS, [body.element_handle(), SECOND])
    cite.click()
    expect(page.locator("#id_citations-2-quote")).to_have_value(SECOND)
    expect(page.locator("#id_citations-2-source")).to_have_value(str(article.pk))
    expect(page.locator("#id_citations-2-source + .select2")).to_contain_text(article.title)
    # The rows already filled keep their quotes.
    expect(page.locator("#id_citations-0-quote")).to_have_value("Easter truce")
    expect(page.locator("#id_citations-1-quote")).to_have_value(FIRST)

    # For a person to look at, not asserted on.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    quotes = list(
        Citation.objects.filter(event=proposal, source=article).values_list("quote", flat=True)
    )
    assert quotes == ["Easter truce", FIRST, SECOND]
    assert all(quote in BODY for quote in quotes)  # the article's own characters


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_cite_is_enabled_only_for_a_selection_in_its_article(page: Page, live_server, editor):
    first = SourceFactory(title="First", body=BODY)
    second = SourceFactory(title="Second", body="Talks will follow in Istanbul.")
    proposal = ProposalFactory(title="Easter truce", created_by=editor)
    CitationFactory(event=proposal, source=first, quote="Easter truce")
    CitationFactory(event=proposal, source=second, quote="Talks will follow")
    log_in(page, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/events/proposal/{proposal.pk}/change/")

    buttons = {
        source: page.locator(f".cite-selection[data-source-id='{source.pk}']")
        for source in (first, second)
    }
    page.evaluate(
        SELECT_TEXT_JS,
        [page.locator(f".body[data-source-id='{second.pk}']").element_handle(), "Istanbul"],
    )
    expect(buttons[second]).to_be_enabled()
    expect(buttons[first]).to_be_disabled()
    # A new row defaults to no article here (two are shown): Cite sets the one it belongs to.
    buttons[second].click()
    expect(page.locator("#id_citations-2-quote")).to_have_value("Istanbul")
    expect(page.locator("#id_citations-2-source")).to_have_value(str(second.pk))
    # Selecting outside the articles disables both.
    page.evaluate(
        SELECT_TEXT_JS, [page.locator("#id_title").locator("xpath=..").element_handle(), "Title"]
    )
    expect(buttons[second]).to_be_disabled()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_actor_buttons_fill_free_participant_rows_beside_the_cite_button(
    page: Page, live_server, editor
):
    # The article panel's buttons share how they find a free row and choose in a picker.
    ukraine, russia = ActorFactory(name="Ukraine"), ActorFactory(name="Russia")
    article = SourceFactory(body="Ukraine answered Russia on Sunday.")
    log_in(page, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/events/proposal/add/?source={article.pk}")
    chips = page.locator(".named-actors")
    chips.get_by_role("button", name="Ukraine").click()
    chips.get_by_role("button", name="Russia").click()
    expect(page.locator("#id_participants-0-actor")).to_have_value(str(ukraine.pk))
    expect(page.locator("#id_participants-1-actor")).to_have_value(str(russia.pk))
    expect(page.locator("#id_citations-0-source")).to_have_value(str(article.pk))
