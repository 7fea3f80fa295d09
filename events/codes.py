"""The field's standard event codes for each record, so analysts can join with GDELT, ICEWS
and POLECAT: CAMEO (verb codes) and PLOVER (event type and mode)."""

from dataclasses import dataclass

from .models import Event, Meeting, Participant, Proposal, Response

TRUCE_KINDS = {
    Proposal.ProposalKind.CEASEFIRE,
    Proposal.ProposalKind.PARTIAL_CEASEFIRE,
    Proposal.ProposalKind.HUMANITARIAN_PAUSE,
}
AGREED = {Proposal.Outcome.ACCEPTED, Proposal.Outcome.IN_EFFECT, Proposal.Outcome.EXPIRED}
POSITIVE_STANCES = {
    Response.Stance.ACCEPTED,
    Response.Stance.WELCOMED,
    Response.Stance.CONDITIONAL,
    Response.Stance.CONSIDERING,
}


@dataclass(frozen=True)
class Codes:
    cameo: str | None
    plover: str
    plover_mode: str | None = None

    def as_dict(self) -> dict:
        return {"cameo": self.cameo, "plover": self.plover, "plover_mode": self.plover_mode}


def _proposal_codes(proposal: Proposal) -> Codes:
    mediated = any(p.role == Participant.Role.MEDIATOR for p in proposal.participants.all())
    if proposal.proposal_kind == Proposal.ProposalKind.TALKS:
        return Codes("036", "REQUEST", "meet")
    if proposal.unilateral and proposal.proposal_kind in TRUCE_KINDS:
        return Codes("0871", "CONCEDE", "ceasefire")
    if mediated and proposal.outcome in AGREED:
        return Codes("057", "AGREE")
    return Codes("0256", "REQUEST", "yield")


def _response_codes(response: Response) -> Codes:
    if response.stance in POSITIVE_STANCES:
        return Codes(None, "AGREE")
    talks = response.proposal.proposal_kind == Proposal.ProposalKind.TALKS
    return Codes("125" if talks else "127", "REJECT")


def _meeting_codes(meeting: Meeting) -> Codes:
    if any(p.role == Participant.Role.MEDIATOR for p in meeting.participants.all()):
        return Codes("045", "CONSULT", "third-party")
    if meeting.meeting_format == Meeting.Format.MULTILATERAL:
        return Codes("046", "CONSULT", "multilateral")
    return Codes("046", "CONSULT", "visit")


def codes_for(event: Event) -> Codes:
    """CAMEO and PLOVER codes of a concrete kind's instance (participants prefetched)."""
    if isinstance(event, Proposal):
        return _proposal_codes(event)
    if isinstance(event, Response):
        return _response_codes(event)
    if isinstance(event, Meeting):
        return _meeting_codes(event)
    return Codes("112", "ACCUSE", "allege")
