"""An editor records a proposal from an article and a reviewer publishes it, in a real browser."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from events.models import Event, Proposal, Source
from tests.factories import ActorFactory, ConflictFactory

PASSWORD = "correct-horse-battery"
SENTENCE = "Russia proposed a 30-day ceasefire to Ukraine on Monday."
BODY = (
    "KYIV — The war entered its fourth spring with talk of a pause.\n\n"
    f"{SENTENCE} Kyiv said it would study the offer.\n\n"
    "Talks between delegations are expected next week in Istanbul."
)
SCREENSHOT = "/tmp/e2e-proposal-add.png"


def log_in(page: Page, base_url: str, user) -> None:
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text(user.username)


def log_out(page: Page) -> None:
    page.locator("#logout-form").get_by_role("button", name="Log out").click()
    expect(page.locator("#content")).to_contain_text("Logged out")


def choose_autocomplete(page: Page, select_id: str, text: str, option: str = "") -> None:
    """Pick in an admin autocomplete (select2) widget: open it, type ``text``, click the
    option reading ``option`` (``text`` when not given; an actor's reads
    ``Russia · State · RUS``)."""
    option = option or text
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    results = page.locator(".select2-container--open .select2-results")
    results.get_by_role("option", name=option, exact=True).click()
    # The widget writes the choice back into the hidden <select> the form posts.
    expect(page.locator(f"#{select_id} option:checked")).to_have_text(option)


def run_action(page: Page, event: Event, action_label: str) -> None:
    page.locator(f"input[name=_selected_action][value='{event.pk}']").check()
    page.locator("select[name=action]").select_option(label=action_label)
    page.get_by_role("button", name="Go").click()


def action_labels(page: Page) -> list[str]:
    return page.locator("select[name=action] option").all_inner_texts()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_editor_records_a_proposal_from_an_article_and_a_reviewer_publishes_it(
    page: Page, live_server, editor, reviewer
):
    conflict = ConflictFactory(name="Russia-Ukraine war", slug="russia-ukraine-war")
    russia = ActorFactory(name="Russia")
    ActorFactory(name="Ukraine")
    base_url = live_server.url

    # The editor saves the article.
    log_in(page, base_url, editor)
    page.goto(f"{base_url}/admin/events/source/add/")
    page.locator("#id_title").fill("Russia offers a 30-day ceasefire")
    page.locator("#id_url").fill("https://news.example.org/2025/04/ceasefire-offer")
    page.locator("#id_body").fill(BODY)
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    source = Source.objects.get(title="Russia offers a 30-day ceasefire")

    # From the article's page to a proposal form with the article beside it.
    page.get_by_role("link", name="Add proposal from this article").click()
    expect(page).to_have_url(f"{base_url}/admin/events/proposal/add/?source={source.pk}")
    expect(page.locator("aside.article")).to_contain_text(SENTENCE)
    expect(page.locator("#id_citations-0-source")).to_have_value(str(source.pk))

    choose_autocomplete(page, "id_conflict", conflict.name)
    page.locator("#id_title").fill("Russia proposes a 30-day ceasefire")
    page.locator("#id_date").fill("2025-04-21")
    page.get_by_label("Ceasefire", exact=True).check()
    choose_autocomplete(page, "id_participants-0-actor", "Russia", "Russia · State")
    page.locator("#id_participants-0-role").select_option(label="Proposer")
    # A quote the article does not contain is refused...
    page.locator("#id_citations-0-quote").fill("Ukraine proposed a 30-day ceasefire to Russia.")
    # For a person to look at, not asserted on. From the top: the article and the sidebar are
    # sticky and would otherwise be drawn where filling the quote scrolled to.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.locator("input[name=_save]").click()
    expect(page.locator("#citations-group .errorlist")).to_contain_text(
        "does not occur in the article"
    )
    assert not Proposal.objects.exists()

    # ...and the exact words are accepted.
    page.locator("#id_citations-0-quote").fill(SENTENCE)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    proposal = Proposal.objects.get()

    # The editor submits it for review; publishing is not theirs to do.
    page.goto(f"{base_url}/admin/events/proposal/")
    assert "Submit selected events for review" in action_labels(page)
    assert "Publish selected events" not in action_labels(page)
    run_action(page, proposal, "Submit selected events for review")
    expect(page.locator(".messagelist")).to_contain_text("1 event(s) submitted for review.")
    log_out(page)

    # The reviewer publishes it.
    log_in(page, base_url, reviewer)
    page.goto(f"{base_url}/admin/events/proposal/")
    run_action(page, proposal, "Publish selected events")
    expect(page.locator(".messagelist")).to_contain_text("1 event(s) published.")
    row = page.locator("#result_list tbody tr", has_text=proposal.title)
    expect(row.locator("td.field-editorial_status")).to_have_text("Published")

    proposal.refresh_from_db()
    assert proposal.editorial_status == Event.Status.PUBLISHED
    assert proposal.conflict == conflict
    assert proposal.date == datetime.date(2025, 4, 21)
    assert [(p.actor, p.role) for p in proposal.participants.all()] == [(russia, "proposer")]
    assert [(c.source, c.quote) for c in proposal.citations.all()] == [(source, SENTENCE)]
    assert proposal.created_by == editor
    assert proposal.updated_by == reviewer
    # Added and submitted by the editor, published by the reviewer.
    assert proposal.history.count() == 3
    assert {h.history_user for h in proposal.history.all()} == {editor, reviewer}
