"""The workflow from the change form in a real browser: an editor saves and submits a new
proposal in one click; a reviewer finds it in the index's review queue and publishes it from
its change form."""

import pytest
from playwright.sync_api import Page, expect

from events.models import Event, Proposal
from tests.e2e.test_editorial_workflow import choose_autocomplete, log_in, log_out
from tests.factories import ConflictFactory, SourceFactory

SENTENCE = "Both sides agreed to a “30-day truce” on Monday."


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_editor_saves_and_submits_and_reviewer_publishes_from_the_form(
    page: Page, live_server, editor, reviewer
):
    conflict = ConflictFactory(name="Russia-Ukraine war", slug="russia-ukraine-war")
    source = SourceFactory(title="A truce is agreed")
    base_url = live_server.url

    # The editor records the proposal and submits it in the same click.
    log_in(page, base_url, editor)
    page.goto(f"{base_url}/admin/events/proposal/add/?source={source.pk}")
    choose_autocomplete(page, "id_conflict", conflict.name)
    page.locator("#id_title").fill("A 30-day truce")
    page.locator("#id_date").fill("2025-04-20")
    page.get_by_label("Ceasefire", exact=True).check()
    page.locator("#id_citations-0-quote").fill(SENTENCE)
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    page.get_by_role("button", name="Save and submit").click()

    proposal = Proposal.objects.get(title="A 30-day truce")
    expect(page).to_have_url(f"{base_url}/admin/events/proposal/{proposal.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("“A 30-day truce” submitted for review.")
    assert proposal.editorial_status == Event.Status.IN_REVIEW
    assert [c.quote for c in proposal.citations.all()] == [SENTENCE]
    # In review, the editor may only send it back.
    expect(page.get_by_role("button", name="Return to draft")).to_be_visible()
    expect(page.get_by_role("button", name="Save and submit")).to_have_count(0)
    log_out(page)

    # The reviewer finds it waiting on the index and publishes it from its form.
    log_in(page, base_url, reviewer)
    queue = page.locator("#review-queue")
    expect(queue).to_contain_text("1 awaiting review")
    expect(queue.locator(".queue-editor")).to_have_text(["editor"])
    queue.get_by_role("link", name="A 30-day truce").click()
    page.get_by_role("button", name="Publish").click()

    expect(page.locator(".messagelist")).to_contain_text("“A 30-day truce” published.")
    expect(page.get_by_role("button", name="Retract")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    proposal.refresh_from_db()
    assert proposal.editorial_status == Event.Status.PUBLISHED
    assert proposal.history.latest().history_user == reviewer
