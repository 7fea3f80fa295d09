"""The field's standard event codes for each record, so analysts can join with GDELT, ICEWS
and POLECAT: CAMEO (verb codes), GDELT's root code and quad class derived from them, and
PLOVER (event type and mode).

The mapping is data: ``RULES`` lists, for each kind, the rules in the order they are tried;
the first whose conditions all hold gives the codes. ``MAPPING_VERSION`` names the mapping and
travels with every row's codes: change any rule and bump it (tests/events/test_codes.py pins a
digest of the table per version). docs/codebook.md "Event codes" shows the table as
``markdown_table()`` renders it (a test compares them).

Sources: the CAMEO Event and Actor Codebook 1.1b3 (March 2012), the PLOVER manual (draft 2.0,
openeventdata/PLOVER) and the GDELT Event codebook (QuadClass).
"""

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from .models import Event, Meeting, Participant, Proposal, Response

# Bump when any rule, name or class below changes what a row shows.
MAPPING_VERSION = "3"

# The CAMEO codes the rules give, with the codebook's names.
CAMEO_NAMES = {
    "014": "Consider policy option",
    "020": "Make an appeal or request, not specified below",
    "0253": "Appeal for release of persons or property",
    "0256": "Appeal for de-escalation of military engagement",
    "030": "Express intent to cooperate, not specified below",
    "0353": "Express intent to release persons or property",
    "0356": "Express intent to de-escalate military engagement",
    "036": "Express intent to meet or negotiate",
    "037": "Express intent to settle dispute",
    "045": "Engage in mediation",
    "046": "Engage in negotiation",
    "051": "Praise or endorse",
    "0871": "Declare truce, ceasefire",
    "112": "Accuse, not specified below",
    "120": "Reject, not specified below",
    "1243": "Refuse to release persons or property",
    "1246": "Refuse to de-escalate military engagement",
    "125": "Reject proposal to meet, discuss, or negotiate",
    "127": "Reject plan, agreement to settle dispute",
}

# PLOVER's event types and the modes each allows (the manual's tables; none for the others).
PLOVER_MODES = {
    "AGREE": (),
    "CONSULT": ("visit", "third-party", "multilateral", "phone"),
    "SUPPORT": (),
    "CONCEDE": (),
    "COOPERATE": (),
    "AID": (),
    "RETREAT": ("withdraw", "release", "disarm", "ceasefire", "access", "resign"),
    "REQUEST": ("assist", "change", "yield", "meet"),
    "ACCUSE": ("disapprove", "investigate", "allege"),
    "REJECT": ("assist", "change", "yield", "meet"),
    "THREATEN": ("restrict", "arrest", "relations", "expel", "territory", "violence"),
    "PROTEST": ("demo", "riot", "strike", "hunger", "boycott", "obstruct"),
    "SANCTION": ("convict", "expel", "withdraw", "discontinue"),
    "MOBILIZE": ("troops", "weapons", "police", "militia"),
    "COERCE": (
        "seize",
        "restrict",
        "censor",
        "curfew",
        "martial-law",
        "arrest",
        "deport",
        "withhold",
        "misinformation",
        "cyber",
    ),
    "ASSAULT": (
        "abduct",
        "beat",
        "torture",
        "sexual",
        "targeted",
        "destroy",
        "primitive",
        "firearms",
        "explosives",
        "suicide-attack",
        "aerial",
        "drone",
        "heavy-weapons",
        "crowd-control",
        "unconventional",
    ),
}

# GDELT's QuadClass of each CAMEO root code (the first two digits).
QUAD_CLASSES = {
    1: "Verbal cooperation",
    2: "Material cooperation",
    3: "Verbal conflict",
    4: "Material conflict",
}
QUAD_CLASS_ROOTS = {1: range(1, 6), 2: range(6, 9), 3: range(9, 14), 4: range(14, 21)}


def quad_class(root: str | None) -> int | None:
    """GDELT's QuadClass of a CAMEO root code ("01" … "20")."""
    if root is None:
        return None
    number = int(root)
    return next(quad for quad, roots in QUAD_CLASS_ROOTS.items() if number in roots)


@dataclass(frozen=True)
class Codes:
    cameo: str | None
    plover: str | None
    plover_mode: str | None = None

    @property
    def cameo_root(self) -> str | None:
        return self.cameo[:2] if self.cameo else None

    def as_dict(self) -> dict:
        root = self.cameo_root
        return {
            "cameo": self.cameo,
            "cameo_root": root,
            "quad_class": quad_class(root),
            "plover": self.plover,
            "plover_mode": self.plover_mode,
            "mapping_version": MAPPING_VERSION,
        }


@dataclass(frozen=True)
class Rule:
    """Codes for a kind's records whose inputs match every condition (input: allowed values)."""

    kind: str
    when: tuple[tuple[str, tuple], ...]
    codes: Codes
    why: str

    def matches(self, inputs: Mapping) -> bool:
        return all(inputs[name] in allowed for name, allowed in self.when)


TRUCES = (
    Proposal.ProposalKind.CEASEFIRE,
    Proposal.ProposalKind.PARTIAL_CEASEFIRE,
    Proposal.ProposalKind.HUMANITARIAN_PAUSE,
)
KIND = Proposal.ProposalKind
STANCE = Response.Stance
REJECTIONS = (STANCE.REJECTED, STANCE.DISMISSED, STANCE.COUNTERED)
ACCEPTANCES = (STANCE.ACCEPTED, STANCE.CONDITIONAL)
YES, NO = (True,), (False,)


def _rule(kind, codes, why, **when) -> Rule:
    return Rule(kind, tuple((name, tuple(values)) for name, values in when.items()), codes, why)


def _proposal(kinds, when: dict, codes: Codes, why: str) -> Rule:
    return _rule(Event.Kind.PROPOSAL, codes, why, proposal_kind=kinds, **when)


def _response(stances, kinds, codes: Codes, why: str) -> Rule:
    when = {"stance": stances, **({"proposal_kind": kinds} if kinds else {})}
    return _rule(Event.Kind.RESPONSE, codes, why, **when)


def _meeting(codes, why, **when) -> Rule:
    return _rule(Event.Kind.MEETING, codes, why, **when)


# A proposal's own act: a side declaring (unilateral) or sides agreeing (bilateral or
# multilateral, or brokered by a mediator, and taking effect) is a commitment: an intent or a
# concession; otherwise the proposer appeals to the addressees. CAMEO has no code of its own for
# a multilateral arrangement. PLOVER codes the declaration of a truce as CONCEDE (RETREAT is its
# implementation, which a proposal does not assert).
ARRANGEMENT = Proposal.Arrangement
DECLARED = {"arrangement": [ARRANGEMENT.UNILATERAL]}
AGREED = {
    "arrangement": [ARRANGEMENT.BILATERAL, ARRANGEMENT.MULTILATERAL],
    "outcome": Proposal.TOOK_EFFECT,
}
BROKERED = {"mediator": YES, "outcome": Proposal.TOOK_EFFECT}
OFFERED: dict = {}
CONCEDE, AGREE, REQUEST, REJECT = "CONCEDE", "AGREE", "REQUEST", "REJECT"
PROPOSAL_RULES = [
    _proposal(TRUCES, DECLARED, Codes("0871", CONCEDE), "0871 covers declarations of a truce; "
              "PLOVER: declarations of ceasefires are CONCEDE"),
    _proposal(TRUCES, AGREED, Codes("0871", CONCEDE),
              "0871 covers agreements to commence a ceasefire"),
    _proposal(TRUCES, BROKERED, Codes("0871", CONCEDE),
              "0871 covers agreements to commence a ceasefire"),
    _proposal(TRUCES, OFFERED, Codes("0256", REQUEST, "yield"),
              "0256 is the code for appeals for ceasefires; PLOVER yield covers ceasefires"),
    _proposal([KIND.TALKS], OFFERED, Codes("036", AGREE),
              "036: offer or agree to meet or negotiate; PLOVER: future meetings are AGREE"),
    _proposal([KIND.PRISONER_EXCHANGE], DECLARED, Codes("0353", CONCEDE),
              "0353: commitments to release or exchange prisoners; "
              "PLOVER: future retreats are CONCEDE"),
    _proposal([KIND.PRISONER_EXCHANGE], AGREED, Codes("0353", CONCEDE),
              "0353: agreements to release or exchange prisoners"),
    _proposal([KIND.PRISONER_EXCHANGE], BROKERED, Codes("0353", CONCEDE),
              "0353: agreements to release or exchange prisoners"),
    _proposal([KIND.PRISONER_EXCHANGE], OFFERED, Codes("0253", REQUEST, "yield"),
              "0253: appeals to release prisoners; PLOVER yield covers release of prisoners"),
    _proposal([KIND.PEACE_PLAN], OFFERED, Codes("037", AGREE),
              "037: offer a settlement of the conflict; PLOVER: a side calling to end it is AGREE"),
    _proposal([KIND.OTHER], DECLARED, Codes("030", AGREE), "030: other commitments to cooperate"),
    _proposal([KIND.OTHER], AGREED, Codes("030", AGREE), "030: other agreements to cooperate"),
    _proposal([KIND.OTHER], BROKERED, Codes("030", AGREE), "030: other agreements to cooperate"),
    _proposal([KIND.OTHER], OFFERED, Codes("020", REQUEST), "020: other proposals and requests"),
]  # fmt: skip

# A response's act, by its stance and what it answers. CAMEO codes accepting and conditionally
# accepting as intents (03), and rejecting, dismissing and countering alike as rejections (12).
ANY_KIND = None
RESPONSE_RULES = [
    _response([STANCE.WELCOMED], ANY_KIND, Codes("051", "SUPPORT"),
              "051: express support for, approve a policy or action; PLOVER SUPPORT"),
    _response([STANCE.CONSIDERING], ANY_KIND, Codes("014", None),
              "014: consider a policy option; PLOVER has no event type for it (not yet AGREE)"),
    _response([STANCE.ACCEPTED], TRUCES, Codes("0871", CONCEDE),
              "0871 covers agreements to commence a ceasefire; PLOVER: declarations are CONCEDE"),
    _response([STANCE.CONDITIONAL], TRUCES, Codes("0356", CONCEDE),
              "0356: indicate willingness to stop fighting; "
              "PLOVER: future concessions are CONCEDE"),
    _response(ACCEPTANCES, [KIND.TALKS], Codes("036", AGREE),
              "036: agree to meet or negotiate; PLOVER: future meetings are AGREE"),
    _response(ACCEPTANCES, [KIND.PRISONER_EXCHANGE], Codes("0353", CONCEDE),
              "0353: commit to release or exchange prisoners; PLOVER: future retreats are CONCEDE"),
    _response(ACCEPTANCES, [KIND.PEACE_PLAN], Codes("037", AGREE),
              "037: accept a formula for ending the dispute"),
    _response(ACCEPTANCES, [KIND.OTHER], Codes("030", AGREE), "030: other agreements to cooperate"),
    _response(REJECTIONS, TRUCES, Codes("1246", REJECT, "yield"),
              "1246: rejections (or dismissals) of ceasefires; PLOVER yield covers ceasefires"),
    _response(REJECTIONS, [KIND.TALKS], Codes("125", REJECT, "meet"),
              "125: refuse to meet, discuss or negotiate"),
    _response(REJECTIONS, [KIND.PRISONER_EXCHANGE], Codes("1243", REJECT, "yield"),
              "1243: refusals to release or exchange prisoners"),
    _response(REJECTIONS, [KIND.PEACE_PLAN], Codes("127", REJECT, "meet"),
              "127: reject a plan to settle the dispute (PLOVER's CAMEO table: REJECT meet)"),
    _response(REJECTIONS, [KIND.OTHER], Codes("120", REJECT), "120: other rejections"),
]  # fmt: skip

# Talks that took place: mediation takes precedence over negotiation in CAMEO; PLOVER's mode
# says where they met: a multilateral setting, a host who is not a delegation (a third
# party), a delegation hosting (a visit), or none when the record does not say.
HOSTS = ("none", "delegation", "third_party")
MEETING_RULES = [
    _meeting(
        Codes(cameo, "CONSULT", mode),
        f"{cameo}: {CAMEO_NAMES[cameo].lower()}; PLOVER CONSULT {mode or 'without a mode'}",
        mediator=mediator,
        **when,
    )
    for cameo, mediator in (("045", YES), ("046", NO))
    for mode, when in (
        ("multilateral", {"meeting_format": [Meeting.Format.MULTILATERAL]}),
        ("third-party", {"host": ["third_party"]}),
        ("visit", {"host": ["delegation"]}),
        (None, {}),
    )
]

ACCUSATION_RULES = [
    _rule(
        Event.Kind.ACCUSATION,
        Codes("112", "ACCUSE", "allege"),
        "112: accuse; PLOVER ACCUSE allege: formally or informally accuse",
    )
]

RULES = PROPOSAL_RULES + RESPONSE_RULES + MEETING_RULES + ACCUSATION_RULES

# The values each input takes (choices, flags), for the table's completeness test and docs.
INPUTS = {
    Event.Kind.PROPOSAL: {
        "proposal_kind": Proposal.ProposalKind.values,
        "arrangement": ["", *Proposal.Arrangement.values],
        "mediator": [False, True],
        "outcome": Proposal.Outcome.values,
    },
    Event.Kind.RESPONSE: {
        "stance": Response.Stance.values,
        "proposal_kind": Proposal.ProposalKind.values,
    },
    Event.Kind.MEETING: {
        "mediator": [False, True],
        "meeting_format": Meeting.Format.values,
        "host": list(HOSTS),
    },
    Event.Kind.ACCUSATION: {},
}


def codes_of(kind: str, inputs: Mapping) -> Codes:
    """The codes of the first of the kind's rules that ``inputs`` match."""
    for rule in RULES:
        if rule.kind == kind and rule.matches(inputs):
            return rule.codes
    raise LookupError(f"No code rule for a {kind} with {dict(inputs)}")


Roles = Mapping[str, Collection]  # role → the actors (slugs or ids) in it


def proposal_codes(proposal_kind: str, arrangement: str, outcome: str, roles: Roles) -> Codes:
    """A proposal's codes from its kind, arrangement, outcome and its participants' roles."""
    inputs = {
        "proposal_kind": proposal_kind,
        "arrangement": arrangement,
        "mediator": bool(roles.get(Participant.Role.MEDIATOR)),
        "outcome": outcome,
    }
    return codes_of(Event.Kind.PROPOSAL, inputs)


def response_codes(stance: str, proposal_kind: str) -> Codes:
    """A response's codes from its stance and the kind of the proposal it answers."""
    return codes_of(Event.Kind.RESPONSE, {"stance": stance, "proposal_kind": proposal_kind})


def meeting_host(roles: Roles) -> str:
    """Who hosted: "delegation" when a host also sent a delegation, "third_party" when no
    host did, "none" without a host."""
    hosts = set(roles.get(Participant.Role.HOST, ()))
    if not hosts:
        return "none"
    if hosts & set(roles.get(Participant.Role.DELEGATION, ())):
        return "delegation"
    return "third_party"


def meeting_codes(meeting_format: str, roles: Roles) -> Codes:
    """A meeting's codes from its format and its participants' roles."""
    inputs = {
        "mediator": bool(roles.get(Participant.Role.MEDIATOR)),
        "meeting_format": meeting_format,
        "host": meeting_host(roles),
    }
    return codes_of(Event.Kind.MEETING, inputs)


ACCUSATION_CODES = codes_of(Event.Kind.ACCUSATION, {})


def roles_of(event: Event) -> dict[str, list[int]]:
    """Role → actor ids of an event's prefetched participants."""
    roles: dict[str, list[int]] = {}
    for participant in event.participants.all():
        roles.setdefault(participant.role, []).append(participant.actor_id)
    return roles


def codes_for(event: Event) -> Codes:
    """CAMEO and PLOVER codes of a concrete kind's instance (participants prefetched)."""
    if isinstance(event, Proposal):
        return proposal_codes(
            event.proposal_kind, event.arrangement, event.outcome, roles_of(event)
        )
    if isinstance(event, Response):
        return response_codes(event.stance, event.proposal.proposal_kind)
    if isinstance(event, Meeting):
        return meeting_codes(event.meeting_format, roles_of(event))
    return ACCUSATION_CODES


# --- the table as data and as docs ---------------------------------------------------------


def table() -> list[dict]:
    """The rules as plain data (what the version's digest is of)."""
    rules = [
        {
            "kind": rule.kind,
            "when": {name: [str(value) for value in values] for name, values in rule.when},
            **rule.codes.as_dict(),
            "why": rule.why,
        }
        for rule in RULES
    ]
    quads = [
        {"quad_class": quad, "roots": [r.start, r.stop - 1]} for quad, r in QUAD_CLASS_ROOTS.items()
    ]
    return rules + quads


def table_digest() -> str:
    return hashlib.sha256(json.dumps(table(), sort_keys=True).encode()).hexdigest()


def _cell(values: tuple) -> str:
    def show(value) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    return ", ".join(show(value) for value in values)


def markdown_table() -> str:
    """docs/codebook.md's table of the rules: each kind's rules in the order they are tried."""
    lines = [
        f"Mapping version `{MAPPING_VERSION}`.",
        "",
        "| kind | when | cameo | root | quad | plover | mode | why |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rule in RULES:
        codes = rule.codes.as_dict()
        when = "; ".join(f"{name}: {_cell(values)}" for name, values in rule.when) or "always"
        cameo = f"{codes['cameo']} {CAMEO_NAMES[codes['cameo']]}"
        lines.append(
            f"| {rule.kind} | {when} | {cameo} | {codes['cameo_root']} | {codes['quad_class']} "
            f"| {codes['plover'] or '–'} | {codes['plover_mode'] or '–'} | {rule.why} |"
        )
    return "\n".join(lines) + "\n"
