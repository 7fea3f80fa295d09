"""The conflict page's charts in Chromium: drawn under the Content Security Policy (colours from
the stylesheet, no violation), and a bar's segment opens the list of its events."""

import datetime
import json

import pytest
from playwright.sync_api import Page, expect

from events.models import Event, Participant
from tests.e2e.test_content_security_policy import violations, watched  # noqa: F401
from tests.factories import AccusationFactory, ActorFactory, ConflictFactory, ParticipantFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_charts_are_drawn_under_the_policy_and_link_to_their_events(
    watched: Page,  # noqa: F811
    live_server,
):
    page = watched
    war = ConflictFactory(name="War", slug="war")
    russia, ukraine = ActorFactory(slug="russia"), ActorFactory(slug="ukraine")
    for date in (datetime.date(2025, 3, 20), datetime.date(2025, 4, 20)):
        event = AccusationFactory(conflict=war, date=date, editorial_status=Event.Status.PUBLISHED)
        ParticipantFactory(event=event, actor=russia, role=Participant.Role.ACCUSER)
        ParticipantFactory(event=event, actor=ukraine, role=Participant.Role.ACCUSED)

    page.goto(f"{live_server.url}/conflicts/war/")
    bar = page.locator("svg.chart-monthly rect.kind-accusation").first
    expect(bar).to_be_visible()
    # The fill comes from charts.css (no inline style): the accusations' red.
    assert bar.evaluate("rect => getComputedStyle(rect).fill") == "rgb(201, 42, 42)"
    cell = page.locator("table.heatmap td.heat-2")
    assert cell.evaluate("td => getComputedStyle(td).backgroundColor") == "rgb(250, 159, 181)"
    assert violations(page) == []

    with page.expect_navigation():
        bar.click()
    assert "month=2025-03" in page.url
    listed = json.loads(page.evaluate("fetch(location.href + '&format=json').then(r => r.text())"))
    assert listed["count"] == 1
