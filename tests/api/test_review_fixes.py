"""API edits that must keep the rules without a server error."""

import pytest

from events.models import Event
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    AffiliationFactory,
    CitationFactory,
    ParticipantFactory,
    ProposalFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_accuser_and_accused_swap_in_one_patch(editor_api):
    accusation = AccusationFactory()
    russia, ukraine = ActorFactory(slug="russia"), ActorFactory(slug="ukraine")
    ParticipantFactory(event=accusation, actor=russia, role="accuser")
    ParticipantFactory(event=accusation, actor=ukraine, role="accused")
    response = editor_api.patch(
        f"/api/v1/accusations/{accusation.pk}/",
        {"accusers": ["ukraine"], "accused": ["russia"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["accusers"], response.json()["accused"]) == (["ukraine"], ["russia"])


@pytest.mark.parametrize(
    ("path", "factory", "change"),
    [
        ("actors/{slug}", lambda: ActorFactory(slug="trump"), {"description": "President"}),
        ("sources/{pk}", SourceFactory, {"title": "A better title"}),
        ("affiliations/{pk}", AffiliationFactory, {"role": "Spokesperson"}),
    ],
)
def test_patch_changes_actors_sources_and_affiliations(editor_api, path, factory, change):
    record = factory()
    url = "/api/v1/" + path.format(slug=getattr(record, "slug", ""), pk=record.pk) + "/"
    response = editor_api.patch(url, change, format="json")
    assert response.status_code == 200, response.content
    record.refresh_from_db()
    assert all(getattr(record, key) == value for key, value in change.items())


def test_editor_cannot_change_the_text_of_an_article_published_events_cite(
    editor_api, reviewer_api
):
    source = SourceFactory()
    CitationFactory(source=source, event=ProposalFactory(editorial_status="published"))
    response = editor_api.patch(f"/api/v1/sources/{source.pk}/", {"body": "New"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["body"]
    assert (
        editor_api.patch(
            f"/api/v1/sources/{source.pk}/", {"title": "Retitled"}, format="json"
        ).status_code
        == 200
    )
    assert (
        reviewer_api.patch(
            f"/api/v1/sources/{source.pk}/",
            {"body": "Both sides agreed to a “30-day truce” on Tuesday."},
            format="json",
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "body",
    [{"extends": "²"}, {"extends": True}, {"extends": -3}, {"proposers": ["\u0000"]}],
    ids=["superscript-digit", "boolean", "negative", "nul-slug"],
)
def test_odd_values_are_400_naming_the_field(editor_api, body):
    proposal = ProposalFactory()
    response = editor_api.patch(f"/api/v1/proposals/{proposal.pk}/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) in ([next(iter(body))], ["non_field_errors"])


def test_a_nul_character_in_a_filter_is_a_bad_request(anonymous):
    assert anonymous.get("/api/v1/events/", {"actor": "\x00"}).status_code == 400


def test_published_records_are_retracted_not_deleted(reviewer_api):
    proposal = ProposalFactory(editorial_status="published")
    response = reviewer_api.delete(f"/api/v1/proposals/{proposal.pk}/")
    assert response.status_code == 403
    assert "retracted, not deleted" in response.json()["detail"]
    assert Event.objects.filter(pk=proposal.pk).exists()
