"""Events that show an actor, for the tests of what published records lock and keep."""

from events.models import Event
from tests.factories import CitationFactory, ParticipantFactory, ProposalFactory, ResponseFactory

PUBLISHED = Event.Status.PUBLISHED

# Every way an event shows an actor: as a participant, a responder, a citation's speaker or
# the agency that relayed the quote.
WAYS_OF_SHOWING = ["participant", "responder", "speaker", "via"]


def event_showing(actor, how: str = "participant", status: str = PUBLISHED) -> Event:
    if how == "participant":
        return ParticipantFactory(event=ProposalFactory(editorial_status=status), actor=actor).event
    if how == "responder":
        return ResponseFactory(responder=actor, editorial_status=status)
    citation = CitationFactory(event=ProposalFactory(editorial_status=status), **{how: actor})
    return citation.event
