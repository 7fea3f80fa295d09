"""The timeline page in Chromium, on the demo data (the seed article's story): every record
on its lane, a native tooltip on hover, a click opening the record, no console error and no
Content Security Policy violation. It saves a screenshot to test-output/timeline.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page

from events.models import Event
from tests.e2e.test_content_security_policy import COLLECT_VIOLATIONS

SCREENSHOT = Path(settings.BASE_DIR) / "test-output" / "timeline.png"

# Every mark's first title line, lane and link, as drawn.
MARKS = """
Array.from(document.querySelectorAll("a.tl-mark")).map((a) => ({
  title: a.querySelector("title").textContent.split("\\n")[0],
  lane: a.closest("svg").querySelector(`g.tl-lane[data-lane="${a.dataset.lane}"]`).dataset.label,
  href: a.getAttribute("href"),
  event: a.dataset.event,
}))
"""
# The title of the link under the mouse.
HOVERED_TITLE = """
(() => {
  const hovered = Array.from(document.querySelectorAll(":hover")).pop();
  const link = hovered && hovered.closest("a");
  return link ? link.querySelector("title").textContent : null;
})()
"""


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_timeline_tells_the_seed_articles_story(page: Page, live_server):
    call_command("load_demo", verbosity=0)
    # The demo's records are published as they load: nothing to publish first.
    assert set(Event.objects.values_list("editorial_status", flat=True)) == {"published"}
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.add_init_script(COLLECT_VIOLATIONS)

    response = page.goto(f"{live_server.url}/conflicts/russia-ukraine-war/timeline/")
    assert response.status == 200
    marks = page.evaluate(MARKS)
    lanes = {mark["title"]: mark["lane"] for mark in marks}
    assert lanes["Easter truce"] == "Russia"  # Putin's, on the day he is President of Russia
    assert lanes["30-day truce on civilian areas"] == "Ukraine"  # Zelenskyy's counter-offer
    assert lanes["Russia accuses Ukraine of violating the Easter truce"] == "Russia"
    assert lanes["Ukraine accuses Russia of violating the Easter truce"] == "Ukraine"
    assert lanes["Pause in strikes on energy infrastructure"] == "United States"  # mediated
    assert lanes["Full 30-day ceasefire"] == "United States"  # Trump's
    assert lanes["Parallel talks in Saudi Arabia"] == "United States"  # the mediator's
    assert len(marks) == Event.objects.count()
    # Lanes: the parties, then the mediator; Saudi Arabia only hosts, its lane would be empty.
    labels = page.eval_on_selector_all("g.tl-lane", "gs => gs.map(g => g.dataset.label)")
    assert labels == ["Russia", "Ukraine", "United States"]
    # The energy pause, dated to March, is a span over March, the Easter truce a solid bar.
    easter = next(mark for mark in marks if mark["title"] == "Easter truce")
    energy = next(m for m in marks if m["title"] == "Pause in strikes on energy infrastructure")
    assert page.locator(f'a.tl-mark[data-event="{easter["event"]}"] rect.tl-solid').count() == 1
    assert page.locator(f'a.tl-mark[data-event="{energy["event"]}"] rect.tl-month').count() == 1

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    easter_mark = page.locator(f'a.tl-mark[data-event="{easter["event"]}"]')
    easter_mark.locator("rect").hover()
    tooltip = page.evaluate(HOVERED_TITLE)
    assert tooltip.splitlines()[:3] == [
        "Easter truce",
        "Proposal, expired · 19 Apr 2025",
        "Effective period: 19 Apr 2025 – 20 Apr 2025",
    ]
    assert "30-hour ceasefire" in tooltip  # the first citation's quote

    assert page.evaluate("window.__cspViolations") == []
    assert console == []

    easter_mark.locator("rect").click()
    page.wait_for_url(f"**{easter['href']}")
    assert "Easter truce" in page.content()
