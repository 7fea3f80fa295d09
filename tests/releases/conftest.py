"""The records releases are made of: every kind published, and a draft, an event in review and
a retracted event that no release may show (their titles and quotes say SECRET)."""

import datetime
import gzip
import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from events.models import Event, Participant
from releases.models import Release
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    LocationFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

PUBLISHED = Event.Status.PUBLISHED
ROLES = Participant.Role
HIDDEN = "SECRET"


@dataclass
class Data:
    proposal: Event
    response: Event
    meeting: Event
    accusation: Event
    draft: Event
    in_review: Event
    retracted: Event

    @property
    def published(self) -> list[Event]:
        return [self.proposal, self.response, self.meeting, self.accusation]

    @property
    def unpublished(self) -> list[Event]:
        return [self.draft, self.in_review, self.retracted]


def cited(event, source, quote, *actors_roles):
    for actor, role in actors_roles:
        ParticipantFactory(event=event, actor=actor, role=role)
    CitationFactory(event=event, source=source, quote=quote)
    LocationFactory(event=event)
    return event


@pytest.fixture
def data(db) -> Data:
    war = ConflictFactory(slug="war", name="War")
    russia, ukraine, turkey = (ActorFactory(slug=s) for s in ("russia", "ukraine", "turkey"))
    source = SourceFactory(
        url="https://news.example.org/truce",
        body=f"Both sides agreed to a “30-day truce” on Monday. {HIDDEN} words. Talks follow.",
    )
    day = {"conflict": war, "date": datetime.date(2025, 3, 1)}
    proposal = cited(
        ProposalFactory(title="Truce", editorial_status=PUBLISHED, **day),
        source,
        "30-day truce",
        (russia, ROLES.PROPOSER),
        (ukraine, ROLES.ADDRESSEE),
    )
    response = cited(
        ResponseFactory(
            title="Answer", proposal=proposal, responder=ukraine, editorial_status=PUBLISHED, **day
        ),
        source,
        "30-day truce",
        (ukraine, ROLES.RESPONDER),
    )
    meeting = cited(
        MeetingFactory(title="Talks", editorial_status=PUBLISHED, **day),
        source,
        "Talks follow.",
        (turkey, ROLES.MEDIATOR),
    )
    accusation = cited(
        AccusationFactory(title="Breach", proposal=proposal, editorial_status=PUBLISHED, **day),
        source,
        "30-day truce",
        (ukraine, ROLES.ACCUSER),
        (russia, ROLES.ACCUSED),
    )
    hidden = {
        status: cited(
            ProposalFactory(title=f"{HIDDEN} {status}", editorial_status=status, **day),
            source,
            f"{HIDDEN} words.",
            (turkey, ROLES.PROPOSER),
        )
        for status in (Event.Status.DRAFT, Event.Status.IN_REVIEW, Event.Status.RETRACTED)
    }
    return Data(
        proposal,
        response,
        meeting,
        accusation,
        hidden[Event.Status.DRAFT],
        hidden[Event.Status.IN_REVIEW],
        hidden[Event.Status.RETRACTED],
    )


def make(version: str, **options) -> tuple[Release, str]:
    """``manage.py make_release version``: the release and what the command printed."""
    out = io.StringIO()
    call_command("make_release", version, stdout=out, **options)
    return Release.objects.get(version=version), out.getvalue()


def unzipped(release: Release, name: str) -> str:
    return gzip.decompress((release.directory / name).read_bytes()).decode("utf-8")


def exported(client, route_path: str) -> str:
    response = client.get(route_path)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content).decode("utf-8")
