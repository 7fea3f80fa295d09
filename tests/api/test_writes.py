"""Writes through the API: one request creates an event with its participants and citations,
and a refused write names the field and leaves the database as it was."""

import datetime

import pytest

from actors.models import Actor, ActorAlias
from events.codes import MAPPING_VERSION
from events.models import (
    Citation,
    Event,
    Meeting,
    Participant,
    Proposal,
    Source,
    ViolationAccusation,
)
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorAliasFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

BODY = (
    "Vladimir Putin declared an “Easter truce” from 18:00 on Saturday, TASS reported. "
    "Kyiv said it would respond in kind."
)
# Keys the server makes up: compared separately, not in the whole-JSON comparisons.
VOLATILE = {"id", "url", "created_at", "updated_at"}


@pytest.fixture
def world(db):
    """A conflict, its actors and one article, as an editor would have them before a write."""
    conflict = ConflictFactory(name="Russia Ukraine War", slug="russia-ukraine-war")
    actors = {
        slug: ActorFactory(slug=slug, name=slug.title(), kind=kind)
        for slug, kind in [
            ("russia", Actor.Kind.STATE),
            ("ukraine", Actor.Kind.STATE),
            ("turkey", Actor.Kind.STATE),
            ("putin", Actor.Kind.PERSON),
            ("tass", Actor.Kind.MEDIA),
        ]
    }
    source = SourceFactory(
        url="https://news.example.org/easter-truce",
        title="Putin declares Easter truce",
        archive_url="https://archive.example.org/easter-truce",
        body=BODY,
    )
    return {"conflict": conflict, "source": source, **actors}


def proposal_body(world, **overrides) -> dict:
    body = {
        "conflict": world["conflict"].slug,
        "date": "2025-04-19",
        "title": "Easter truce",
        "summary": "A 30-hour truce over Easter.",
        "proposal_kind": "ceasefire",
        "arrangement": "unilateral",
        "proposed_start": "2025-04-19",
        "proposed_end": "2025-04-21",
        "duration_hours": 30,
        "proposers": ["russia"],
        "addressees": ["ukraine"],
        "mediators": ["turkey"],
        "citations": [
            {
                "source": world["source"].pk,
                "quote": "declared an “Easter truce” from 18:00 on Saturday",
                "speaker": "putin",
                "via": "tass",
            }
        ],
    }
    body.update(overrides)
    return body


def counts() -> tuple[int, int, int]:
    return Event.objects.count(), Participant.objects.count(), Citation.objects.count()


def meaningful(body: dict) -> dict:
    return {key: value for key, value in body.items() if key not in VOLATILE}


def test_editor_creates_a_proposal_with_participants_and_citations(world, editor_api, editor_user):
    response = editor_api.post("/api/v1/proposals/", proposal_body(world), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert meaningful(body) == {
        "kind": "proposal",
        "conflict": "russia-ukraine-war",
        "date": "2025-04-19",
        "date_precision": "day",
        "date_start": "2025-04-19",
        "date_end": "2025-04-19",
        "end_date": None,
        "title": "Easter truce",
        "summary": "A 30-hour truce over Easter.",
        "editorial_status": "draft",
        "proposers": ["russia"],
        "addressees": ["ukraine"],
        "mediators": ["turkey"],
        "guarantors": [],
        "signatories": [],
        "monitors": [],
        "proposal_kind": "ceasefire",
        "scope": "",
        "arrangement": "unilateral",
        "talks_format": "",
        "purposes": [],
        "occasion": "",
        "written": "",
        "text_url": "",
        "stage": "",
        "proposed_start": "2025-04-19",
        "proposed_end": "2025-04-21",
        "duration_hours": 30,
        "agreed_on": None,
        "effective_from": None,
        "ended_on": None,
        "starts_at": None,
        "ends_at": None,
        "time_zone": "",
        "end_reason": "",
        "ended_by": None,
        "outcome": "proposed",
        "monitoring": "",
        "pax_agreement_id": None,
        "extends": None,
        "counters": None,
        "replaces": None,
        "locations": [],
        "latitude": None,
        "longitude": None,
        # A unilateral truce: CAMEO 0871 "declare truce, ceasefire", PLOVER CONCEDE (no mode).
        "codes": {
            "cameo": "0871",
            "cameo_root": "08",
            "quad_class": 2,
            "plover": "CONCEDE",
            "plover_mode": None,
            "mapping_version": MAPPING_VERSION,
        },
        "citations": [
            {
                "source": world["source"].pk,
                "source_title": "Putin declares Easter truce",
                "source_url": "https://news.example.org/easter-truce",
                "archive_url": "https://archive.example.org/easter-truce",
                "quote": "declared an “Easter truce” from 18:00 on Saturday",
                "speaker": "putin",
                "via": "tass",
            }
        ],
    }
    assert body["url"].endswith(f"/api/v1/proposals/{body['id']}/")

    proposal = Proposal.objects.get(pk=body["id"])
    assert proposal.editorial_status == Event.Status.DRAFT
    assert proposal.created_by == editor_user
    assert sorted(proposal.participants.values_list("role", "actor__slug")) == [
        ("addressee", "ukraine"),
        ("mediator", "turkey"),
        ("proposer", "russia"),
    ]
    assert list(proposal.citations.values_list("quote", "speaker__slug", "via__slug")) == [
        ("declared an “Easter truce” from 18:00 on Saturday", "putin", "tass")
    ]


def test_editorial_status_in_a_post_is_ignored(world, editor_api):
    response = editor_api.post(
        "/api/v1/proposals/", proposal_body(world, editorial_status="published"), format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["editorial_status"] == "draft"
    assert Proposal.objects.get().editorial_status == Event.Status.DRAFT


REFUSED_PROPOSALS = [
    pytest.param(
        {"proposers": ["russia", "atlantis"]},
        {"proposers": ["Unknown actor: atlantis."]},
        id="unknown-actor",
    ),
    pytest.param(
        {"conflict": "no-such-war"},
        {"conflict": ["Object with slug=no-such-war does not exist."]},
        id="unknown-conflict",
    ),
]


@pytest.mark.parametrize(("change", "error"), REFUSED_PROPOSALS)
def test_a_refused_proposal_names_the_field_and_writes_nothing(world, editor_api, change, error):
    before = counts()

    response = editor_api.post("/api/v1/proposals/", proposal_body(world, **change), format="json")

    assert response.status_code == 400, response.content
    assert response.json() == error
    assert counts() == before


# Malformed bodies: each is a 400 naming the field, never a 500.
MALFORMED = [
    pytest.param({"citations": "x"}, "citations", id="citations-not-a-list"),
    pytest.param({"citations": [{"source": 999999, "quote": "x"}]}, "citations", id="no-source"),
    pytest.param({"citations": [{"quote": "x"}]}, "citations", id="citation-without-source"),
    pytest.param(
        {"citations": [{"source": None, "quote": "x", "speaker": "nobody"}]},
        "citations",
        id="unknown-speaker",
    ),
    pytest.param({"proposers": [1, 2]}, "proposers", id="role-of-numbers"),
    pytest.param({"proposers": "russia"}, "proposers", id="role-not-a-list"),
    pytest.param({"proposers": ["russia", "russia"]}, "proposers", id="actor-twice"),
    pytest.param({"date": "2025-02-30"}, "date", id="impossible-date"),
    pytest.param({"date": None}, "date", id="no-date"),
    pytest.param({"date_precision": "week"}, "date_precision", id="unknown-precision"),
    pytest.param({"end_date": "2025-04-01"}, "end_date", id="ends-before-it-starts"),
    pytest.param({"proposal_kind": "truce"}, "proposal_kind", id="unknown-proposal-kind"),
    pytest.param({"duration_hours": -1}, "duration_hours", id="negative-hours"),
    pytest.param({"duration_hours": 10**20}, "duration_hours", id="huge-hours"),
    pytest.param({"title": "x" * 301}, "title", id="long-title"),
    pytest.param({"title": "\x00"}, "title", id="null-character"),
    pytest.param({"extends": "abc"}, "extends", id="link-not-an-id"),
    pytest.param({"extends": 999999}, "extends", id="link-to-nothing"),
    pytest.param({"extends": 10**20}, "extends", id="link-out-of-range"),
]


@pytest.mark.parametrize(("change", "field"), MALFORMED)
def test_a_malformed_proposal_is_a_400_naming_the_field(world, editor_api, change, field):
    before = counts()

    response = editor_api.post("/api/v1/proposals/", proposal_body(world, **change), format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field], response.json()
    assert counts() == before


def test_a_body_that_is_not_an_object_is_a_400(editor_api):
    response = editor_api.post("/api/v1/proposals/", [1, 2], format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"produced": "x"}, "produced", id="not-a-list"),
        pytest.param({"produced": ["response"]}, "produced", id="not-a-proposal"),
        pytest.param({"country": "xx"}, "country", id="not-a-country-code"),
        pytest.param({"produced": [10**20]}, "produced", id="out-of-range"),
    ],
)
def test_a_malformed_meeting_is_a_400_naming_the_field(world, editor_api, change, field):
    if change.get("produced") == ["response"]:
        change = {"produced": [ResponseFactory(conflict=world["conflict"]).pk]}
    before = counts()

    response = editor_api.post(
        "/api/v1/meetings/",
        {"conflict": world["conflict"].slug, "date": "2025-05-16", "title": "Talks", **change},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field], response.json()
    assert counts() == before


def test_a_quote_not_in_the_article_is_refused_by_its_index(world, editor_api):
    citations = proposal_body(world)["citations"] + [
        {"source": world["source"].pk, "quote": "Ukraine agreed to everything."}
    ]
    before = counts()

    response = editor_api.post(
        "/api/v1/proposals/", proposal_body(world, citations=citations), format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["citations[1].quote"], body
    assert "does not occur in the article" in body["citations[1].quote"][0]
    assert counts() == before


def test_a_quote_may_differ_in_spacing_and_quote_marks(world, editor_api):
    citation = {"source": world["source"].pk, "quote": 'declared  an "Easter truce"'}

    response = editor_api.post(
        "/api/v1/proposals/", proposal_body(world, citations=[citation]), format="json"
    )

    assert response.status_code == 201, response.json()


# Rules the database enforces with CHECK constraints, checked by full_clean() before writing.
CONSTRAINT_REFUSALS = [
    pytest.param(
        {"proposed_start": "2025-04-21", "proposed_end": "2025-04-19"},
        "proposed_end",
        "The proposed end cannot be before the proposed start.",
        id="proposed-end-before-start",
    ),
    pytest.param(
        {"talks_format": "bilateral"},
        "talks_format",
        "A talks format applies only to proposals of talks.",
        id="talks-format-on-a-ceasefire",
    ),
    pytest.param(
        {"duration_hours": 0},
        "duration_hours",
        "The duration must be more than zero hours.",
        id="zero-hours",
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), CONSTRAINT_REFUSALS)
def test_a_proposal_breaking_a_constraint_is_refused_on_its_field_and_writes_nothing(
    world, editor_api, change, field, message
):
    before = counts()

    response = editor_api.post("/api/v1/proposals/", proposal_body(world, **change), format="json")

    assert response.status_code == 400, response.content
    assert response.json() == {field: [message]}
    assert counts() == before


def test_talks_format_is_accepted_on_talks(world, editor_api):
    response = editor_api.post(
        "/api/v1/proposals/",
        proposal_body(world, proposal_kind="talks", talks_format="bilateral"),
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["talks_format"] == "bilateral"


def test_an_accuser_cannot_also_be_accused(world, editor_api):
    before = counts()

    response = editor_api.post(
        "/api/v1/accusations/",
        {
            "conflict": world["conflict"].slug,
            "date": "2025-04-20",
            "title": "Shelling during the truce",
            "accusers": ["ukraine", "russia"],
            "accused": ["russia"],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"accused": ["An accuser cannot also be the accused: russia."]}
    assert counts() == before


def test_a_response_to_a_proposal_of_another_conflict_is_refused(world, editor_api):
    elsewhere = ProposalFactory(conflict=ConflictFactory(slug="other-war", name="Other War"))
    before = counts()

    response = editor_api.post(
        "/api/v1/responses/",
        {
            "conflict": world["conflict"].slug,
            "date": "2025-04-20",
            "title": "Kyiv answers",
            "proposal": elsewhere.pk,
            "responder": "ukraine",
            "stance": "rejected",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["proposal"]
    assert "belongs to another conflict" in response.json()["proposal"][0]
    assert counts() == before


def test_editor_creates_a_response_with_its_responder(world, editor_api):
    proposal = ProposalFactory(conflict=world["conflict"])

    response = editor_api.post(
        "/api/v1/responses/",
        {
            "conflict": world["conflict"].slug,
            "date": "2025-04-20",
            "title": "Kyiv answers",
            "proposal": proposal.pk,
            "responder": "ukraine",
            "stance": "rejected",
            "citations": [{"source": world["source"].pk, "quote": "respond in kind"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["proposal"], body["responder"], body["stance"]) == (
        "response",
        proposal.pk,
        "ukraine",
        "rejected",
    )
    assert [c["quote"] for c in body["citations"]] == ["respond in kind"]


def test_patch_replaces_role_lists_and_citations(world, editor_api, editor_user):
    proposal = ProposalFactory(conflict=world["conflict"], title="Energy truce")
    ParticipantFactory(event=proposal, actor=world["russia"], role=Participant.Role.PROPOSER)
    ParticipantFactory(event=proposal, actor=world["ukraine"], role=Participant.Role.ADDRESSEE)
    CitationFactory(event=proposal, source=world["source"], quote="Kyiv said")
    other = SourceFactory(body="Ankara offered to host talks on the truce.")

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/",
        {
            "proposers": ["russia", "turkey"],
            "mediators": ["turkey"],
            "citations": [
                {"source": other.pk, "quote": "offered to host talks", "speaker": "turkey"}
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["proposers"], body["addressees"], body["mediators"]) == (
        ["russia", "turkey"],
        ["ukraine"],  # not in the request: left as it was
        ["turkey"],
    )
    assert [(c["source"], c["quote"], c["speaker"]) for c in body["citations"]] == [
        (other.pk, "offered to host talks", "turkey")
    ]
    assert body["title"] == "Energy truce"
    proposal.refresh_from_db()
    assert sorted(proposal.participants.values_list("role", "actor__slug")) == [
        ("addressee", "ukraine"),
        ("mediator", "turkey"),
        ("proposer", "russia"),
        ("proposer", "turkey"),
    ]
    assert list(proposal.citations.values_list("quote", flat=True)) == ["offered to host talks"]
    assert proposal.updated_by == editor_user


def test_patch_with_an_empty_role_list_removes_that_role(world, editor_api):
    proposal = ProposalFactory(conflict=world["conflict"])
    ParticipantFactory(event=proposal, actor=world["turkey"], role=Participant.Role.MEDIATOR)

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/", {"mediators": []}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["mediators"] == []
    assert not proposal.participants.exists()


def test_a_refused_patch_changes_nothing(world, editor_api):
    proposal = ProposalFactory(conflict=world["conflict"], title="Energy truce")
    ParticipantFactory(event=proposal, actor=world["russia"], role=Participant.Role.PROPOSER)

    response = editor_api.patch(
        f"/api/v1/proposals/{proposal.pk}/",
        {
            "title": "Renamed",
            "proposers": ["ukraine"],
            "citations": [{"source": world["source"].pk, "quote": "not in the article"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "citations[0].quote" in response.json()
    proposal.refresh_from_db()
    assert proposal.title == "Energy truce"
    assert list(proposal.participants.values_list("actor__slug", flat=True)) == ["russia"]


def test_editor_creates_a_meeting_with_the_proposals_it_produced(world, editor_api):
    produced = ProposalFactory(conflict=world["conflict"], proposal_kind="prisoner_exchange")
    discussed = ProposalFactory(conflict=world["conflict"])

    response = editor_api.post(
        "/api/v1/meetings/",
        {
            "conflict": world["conflict"].slug,
            "date": "2025-05-16",
            "title": "Istanbul talks",
            "venue": "Dolmabahçe Palace",
            "country": "TUR",
            "meeting_format": "direct",
            "hosts": ["turkey"],
            "delegations": ["russia", "ukraine"],
            "produced": [produced.pk],
            "discussed": [discussed.pk],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert {
        key: body[key] for key in ("kind", "hosts", "delegations", "produced", "discussed")
    } == {
        "kind": "meeting",
        "hosts": ["turkey"],
        "delegations": ["russia", "ukraine"],
        "produced": [produced.pk],
        "discussed": [discussed.pk],
    }
    meeting = Meeting.objects.get(pk=body["id"])
    assert list(meeting.produced.all()) == [produced]
    assert meeting.editorial_status == Event.Status.DRAFT


def test_editor_creates_an_actor_with_aliases(editor_api):
    response = editor_api.post(
        "/api/v1/actors/",
        {
            "slug": "russia",
            "name": "Russia",
            "kind": "state",
            "country": "RUS",
            "wikidata_id": "Q159",
            "aliases": ["Moscow", "the Kremlin"],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json() == {
        "slug": "russia",
        "name": "Russia",
        "kind": "state",
        "country": "RUS",
        "description": "",
        "wikidata_id": "Q159",
        "ucdp_actor_id": None,
        "gw_code": None,
        "aliases": ["Moscow", "the Kremlin"],
        "affiliations": [],
    }
    assert sorted(ActorAlias.objects.values_list("actor__slug", "name")) == [
        ("russia", "Moscow"),
        ("russia", "the Kremlin"),
    ]


def test_an_alias_of_another_actor_is_refused(editor_api):
    ActorAliasFactory(actor=ActorFactory(slug="russia", name="Russia"), name="The Kremlin")

    response = editor_api.post(
        "/api/v1/actors/",
        {"slug": "rf", "name": "Russian Federation", "kind": "state", "aliases": ["the kremlin"]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["aliases"]
    assert "The Kremlin" in response.json()["aliases"][0]
    assert not Actor.objects.filter(slug="rf").exists()


def test_a_source_url_is_stored_without_tracking_parameters(editor_api):
    response = editor_api.post(
        "/api/v1/sources/",
        {
            "url": "HTTPS://News.Example.org/truce?id=7&utm_source=tg&fbclid=abc#comments",
            "title": "Truce declared",
            "body": "A truce was declared.",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["url"] == "https://news.example.org/truce?id=7"
    assert Source.objects.get().url == "https://news.example.org/truce?id=7"


def test_a_second_source_with_the_same_url_is_refused(editor_api):
    existing = SourceFactory(url="https://news.example.org/truce?id=7")

    response = editor_api.post(
        "/api/v1/sources/",
        {"url": "https://news.example.org/truce?id=7", "title": "Again"},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert response.json() == {
        "url": [
            f"A source with this URL already exists: “{existing.title}” (source {existing.pk})."
        ],
        "existing_source": [f"http://testserver/api/v1/sources/{existing.pk}/"],
    }
    assert Source.objects.count() == 1


def test_a_tracking_variant_of_a_known_url_is_refused_on_url(editor_api):
    existing = SourceFactory(url="https://news.example.org/truce?id=7", title="Truce")

    response = editor_api.post(
        "/api/v1/sources/",
        {"url": "https://news.example.org/truce?id=7&utm_medium=social", "title": "Again"},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert response.json()["url"] == [
        f"A source with this URL already exists: “Truce” (source {existing.pk})."
    ]
    assert Source.objects.count() == 1


def test_a_cited_source_cannot_be_deleted(world, reviewer_api):
    CitationFactory(source=world["source"], event=ProposalFactory(conflict=world["conflict"]))

    response = reviewer_api.delete(f"/api/v1/sources/{world['source'].pk}/")

    assert response.status_code == 409
    assert response.json() == {"detail": "Refused: other records use this one (citation)."}
    assert Source.objects.filter(pk=world["source"].pk).exists()


def test_an_uncited_source_can_be_deleted(reviewer_api):
    source = SourceFactory()

    response = reviewer_api.delete(f"/api/v1/sources/{source.pk}/")

    assert response.status_code == 204
    assert not Source.objects.exists()


def test_a_month_precision_date_is_pinned_to_its_month(world, editor_api):
    response = editor_api.post(
        "/api/v1/accusations/",
        {
            "conflict": world["conflict"].slug,
            "date": "2025-03-17",
            "date_precision": "month",
            "title": "Strikes on energy sites",
            "accusers": ["ukraine"],
            "accused": ["russia"],
            "incident_date": "2025-03-16",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    # Month precision pins the date to the first of the month.
    assert response.json()["date"] == "2025-03-01"
    accusation = ViolationAccusation.objects.get(pk=response.json()["id"])
    assert accusation.period_end == datetime.date(2025, 3, 31)


@pytest.fixture
def accusation(world):
    """Ukraine accuses Russia."""
    accusation = AccusationFactory(conflict=world["conflict"], title="Shelling")
    ParticipantFactory(event=accusation, actor=world["ukraine"], role=Participant.Role.ACCUSER)
    ParticipantFactory(event=accusation, actor=world["russia"], role=Participant.Role.ACCUSED)
    return accusation


def patch_in_the_accused_as_accuser(editor_api, accusation):
    return editor_api.patch(
        f"/api/v1/accusations/{accusation.pk}/",
        {"title": "Renamed", "accusers": ["ukraine", "russia"]},
        format="json",
    )


def test_patching_in_an_accuser_who_is_already_accused_changes_nothing(editor_api, accusation):
    before = counts()

    response = patch_in_the_accused_as_accuser(editor_api, accusation)

    assert response.status_code == 400, response.content
    accusation.refresh_from_db()
    assert accusation.title == "Shelling"
    assert counts() == before


def test_patching_in_an_accuser_who_is_already_accused_names_the_field(editor_api, accusation):
    response = patch_in_the_accused_as_accuser(editor_api, accusation)

    assert response.status_code == 400
    body = response.json()
    assert list(body) in (["accusers"], ["accused"]), body
    assert "An accuser cannot also be the accused: russia." in body[next(iter(body))]


def test_each_kind_writes_the_roles_the_admin_offers():
    from events.api.fields import RoleField
    from events.api.serializers import KIND_SERIALIZERS
    from events.models import KIND_MODELS, KIND_ROLES

    for kind, serializer in KIND_SERIALIZERS.items():
        roles = {
            field.role for field in serializer().fields.values() if isinstance(field, RoleField)
        }
        assert roles == set(KIND_ROLES[KIND_MODELS[kind]]), kind
