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


def proposal_codes(proposal_kind: str, arrangement: str, outcome: str, roles) -> Codes:
    """A proposal's codes from its kind, arrangement, outcome and its participants' roles."""
    if proposal_kind == Proposal.ProposalKind.TALKS:
        return Codes("036", "REQUEST", "meet")
    if arrangement == Proposal.Arrangement.UNILATERAL and proposal_kind in TRUCE_KINDS:
        return Codes("0871", "CONCEDE", "ceasefire")
    if Participant.Role.MEDIATOR in roles and outcome in AGREED:
        return Codes("057", "AGREE")
    return Codes("0256", "REQUEST", "yield")


def response_codes(stance: str, proposal_kind: str) -> Codes:
    """A response's codes from its stance and the kind of the proposal it answers."""
    if stance in POSITIVE_STANCES:
        return Codes(None, "AGREE")
    talks = proposal_kind == Proposal.ProposalKind.TALKS
    return Codes("125" if talks else "127", "REJECT")


def meeting_codes(meeting_format: str, roles) -> Codes:
    """A meeting's codes from its format and its participants' roles."""
    if Participant.Role.MEDIATOR in roles:
        return Codes("045", "CONSULT", "third-party")
    if meeting_format == Meeting.Format.MULTILATERAL:
        return Codes("046", "CONSULT", "multilateral")
    return Codes("046", "CONSULT", "visit")


ACCUSATION_CODES = Codes("112", "ACCUSE", "allege")


def codes_for(event: Event) -> Codes:
    """CAMEO and PLOVER codes of a concrete kind's instance (participants prefetched)."""
    if isinstance(event, Proposal):
        roles = {p.role for p in event.participants.all()}
        return proposal_codes(event.proposal_kind, event.arrangement, event.outcome, roles)
    if isinstance(event, Response):
        return response_codes(event.stance, event.proposal.proposal_kind)
    if isinstance(event, Meeting):
        return meeting_codes(event.meeting_format, {p.role for p in event.participants.all()})
    return ACCUSATION_CODES
