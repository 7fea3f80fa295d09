"""An editor's proposal picker offers the proposals of the conflict chosen in the form first."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_editorial_workflow import choose_autocomplete, log_in
from tests.factories import ConflictFactory, ProposalFactory

EASTER = "Easter truce · 2025-04-19 · Russia–Ukraine war"
CIVILIAN = "30-day truce on civilian areas · 2025-04-20 · Russia–Ukraine war"
HOSTAGES = "Hostage release deal · 2025-05-02 · Israel–Hamas war"
GAZA = "Gaza ceasefire · 2025-01-19 · Israel–Hamas war"


def picker_options(page: Page, select_id: str):
    """Open the picker and return its options (select2 fills them in after the request)."""
    page.locator(f"#{select_id} + .select2").click()
    return page.locator(".select2-container--open .select2-results__option")


def close_picker(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(page.locator(".select2-container--open")).to_have_count(0)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_editor_sees_the_chosen_conflicts_proposals_first(page: Page, live_server, editor):
    ukraine_war = ConflictFactory(name="Russia–Ukraine war", slug="russia-ukraine-war")
    gaza_war = ConflictFactory(name="Israel–Hamas war", slug="israel-hamas-war")
    ProposalFactory(conflict=ukraine_war, title="Easter truce", date=datetime.date(2025, 4, 19))
    ProposalFactory(
        conflict=ukraine_war,
        title="30-day truce on civilian areas",
        date=datetime.date(2025, 4, 20),
    )
    ProposalFactory(conflict=gaza_war, title="Hostage release deal", date=datetime.date(2025, 5, 2))
    ProposalFactory(conflict=gaza_war, title="Gaza ceasefire", date=datetime.date(2025, 1, 19))

    log_in(page, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/events/response/add/")

    choose_autocomplete(page, "id_conflict", ukraine_war.name)
    expect(picker_options(page, "id_proposal")).to_have_text([CIVILIAN, EASTER, HOSTAGES, GAZA])
    close_picker(page)

    # Another conflict chosen: its proposals come first.
    choose_autocomplete(page, "id_conflict", gaza_war.name)
    expect(picker_options(page, "id_proposal")).to_have_text([HOSTAGES, GAZA, CIVILIAN, EASTER])
    # The chosen proposal reads the same in the form.
    page.locator(".select2-container--open .select2-results__option", has_text=GAZA).click()
    expect(page.locator("#id_proposal + .select2 .select2-selection__rendered")).to_contain_text(
        GAZA
    )
