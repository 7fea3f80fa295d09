"""An editor finds an actor by an alias in a participant row, and adds an actor no one has
recorded yet from the row's picker, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from actors.models import Actor
from events.models import Proposal
from tests.e2e.test_editorial_workflow import choose_autocomplete, log_in
from tests.factories import ActorAliasFactory, ActorFactory, ConflictFactory

RUSSIA = "Russia · State · RUS"


def open_picker(page: Page, select_id: str, term: str):
    """Open the picker, type ``term`` and return its options (filled in after the request)."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(term)
    return page.locator(".select2-container--open .select2-results__option")


def fill_proposal(page: Page, conflict) -> None:
    choose_autocomplete(page, "id_conflict", conflict.name)
    page.locator("#id_title").fill("Russia proposes an energy truce")
    page.locator("#id_date").fill("2025-03-18")
    page.get_by_label("Ceasefire", exact=True).check()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_editor_picks_an_actor_by_its_alias(page: Page, live_server, editor):
    conflict = ConflictFactory(name="Russia–Ukraine war", slug="russia-ukraine-war")
    russia = ActorFactory(name="Russia", slug="russia", country="RUS")
    ActorAliasFactory(actor=russia, name="the Kremlin")
    ActorFactory(name="Kremlin Watch", slug="kremlin-watch", kind=Actor.Kind.MEDIA)

    log_in(page, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/events/proposal/add/")
    fill_proposal(page, conflict)

    options = open_picker(page, "id_participants-0-actor", "kremlin")
    # "kremlin" is the alias "the Kremlin" without its article: no actor to add.
    expect(options).to_have_text(["the Kremlin → Russia · State · RUS", "Kremlin Watch · Media"])
    options.first.click()
    # Chosen, it reads the actor's label, without the alias.
    expect(page.locator("#id_participants-0-actor option:checked")).to_have_text(RUSSIA)
    expect(
        page.locator("#id_participants-0-actor + .select2 .select2-selection__rendered")
    ).to_have_text(RUSSIA)
    page.locator("#id_participants-0-role").select_option(label="Proposer")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    proposal = Proposal.objects.get()
    assert [(p.actor, p.role) for p in proposal.participants.all()] == [(russia, "proposer")]
    # The form shows the saved participant by its label too.
    expect(page.locator("#id_participants-0-actor option:checked")).to_have_text(RUSSIA)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_editor_adds_an_unknown_actor_from_a_participant_row(page: Page, live_server, editor):
    conflict = ConflictFactory(name="Russia–Ukraine war", slug="russia-ukraine-war")
    russia = ActorFactory(name="Russia", slug="russia", country="RUS")

    log_in(page, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/events/proposal/add/")
    fill_proposal(page, conflict)
    choose_autocomplete(page, "id_participants-0-actor", "Russia", RUSSIA)
    page.locator("#id_participants-0-role").select_option(label="Proposer")
    # A second row, added in the page: the new actor goes to this one.
    page.locator("#participants-group .add-row a").click()

    options = open_picker(page, "id_participants-1-actor", "Wagner Group")
    expect(options).to_have_text(["Add actor “Wagner Group”…"])
    with page.expect_popup() as opened:
        options.first.click()
    popup = opened.value
    expect(popup.locator("#id_name")).to_have_value("Wagner Group")
    popup.locator("#id_kind").select_option(label="Armed group")
    popup.locator("input[name=_save]").click()
    popup.wait_for_event("close")

    wagner = Actor.objects.get(name="Wagner Group")
    assert (wagner.slug, wagner.kind) == ("wagner-group", Actor.Kind.ARMED_GROUP)
    chosen = page.locator("#id_participants-1-actor option:checked")
    expect(chosen).to_have_text("Wagner Group · Armed group")
    expect(chosen).to_have_attribute("value", str(wagner.pk))
    expect(
        page.locator("#id_participants-1-actor + .select2 .select2-selection__rendered")
    ).to_contain_text("Wagner Group · Armed group")
    # The row it did not come from keeps its actor.
    expect(page.locator("#id_participants-0-actor option:checked")).to_have_text(RUSSIA)

    page.locator("#id_participants-1-role").select_option(label="Addressee")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    proposal = Proposal.objects.get()
    assert {(p.actor, p.role) for p in proposal.participants.all()} == {
        (russia, "proposer"),
        (wagner, "addressee"),
    }
