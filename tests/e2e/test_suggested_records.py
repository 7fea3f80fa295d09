"""An editor turns an article's suggested record into a draft in one click, in a real browser:
the suggestion engine reads the article, the source page offers its record."""

import re

import pytest
from playwright.sync_api import Page, expect

from events.models import ConflictParty, Event, Proposal
from tests.admin.helpers import suggestion_world
from tests.e2e.test_editorial_workflow import log_in

SENTENCE = "Russia declared a 30-hour ceasefire with Ukraine on Saturday."
BODY = f"MOSCOW — {SENTENCE}\n\nKyiv said it would study the offer."


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_create_draft_on_the_source_page_lands_on_the_drafts_form(page: Page, live_server, editor):
    world = suggestion_world(BODY, title="Russia declares Easter truce")
    for side in ("russia", "ukraine"):
        ConflictParty.objects.create(conflict=world["conflict"], actor=world[side])
    source = world["source"]

    log_in(page, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/events/source/{source.pk}/change/")
    suggested = page.locator("#suggested-records #suggestion-0")
    expect(suggested).to_contain_text("Proposal: Russia: 30-hour ceasefire")
    expect(suggested.locator("blockquote mark")).to_have_text(["30-hour", "ceasefire"])
    assert not Event.objects.exists()  # looking writes nothing

    suggested.get_by_role("button", name="Create draft").click()

    expect(page).to_have_url(re.compile(r"/admin/events/proposal/\d+/change/$"))
    proposal = Proposal.objects.get()
    assert page.url.endswith(f"/admin/events/proposal/{proposal.pk}/change/")
    expect(page.locator(".messagelist .success")).to_contain_text("created from the article")
    expect(page.locator("#id_title")).to_have_value("Russia: 30-hour ceasefire")
    expect(page.locator("#id_date")).to_have_value("2025-04-19")
    expect(page.locator("#id_citations-0-quote")).to_have_value(re.compile(re.escape(SENTENCE)))
    expect(page.locator("aside.article mark")).to_contain_text(SENTENCE)
    assert proposal.editorial_status == Event.Status.DRAFT
    assert sorted(p.actor.name for p in proposal.participants.all()) == ["Russia", "Ukraine"]
