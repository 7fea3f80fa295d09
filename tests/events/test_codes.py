"""The event codes' rules (events/codes.py): each rule's codes for the inputs that select it,
the edges between rules, the table's completeness, PLOVER's own modes, GDELT's root code and
quad class, the mapping's version and the codebook's copy of the table."""

import itertools
import re
from pathlib import Path

import pytest

from events import codes
from events.codes import (
    INPUTS,
    MAPPING_VERSION,
    PLOVER_MODES,
    RULES,
    Codes,
    codes_of,
    markdown_table,
    meeting_codes,
    meeting_host,
    proposal_codes,
    quad_class,
    response_codes,
    table_digest,
)
from events.models import Event

CODEBOOK = Path(__file__).resolve().parents[2] / "docs" / "codebook.md"

# The digest of the rules' table for each mapping version. A change to any rule changes the
# digest: give the mapping a new version (MAPPING_VERSION) and add its line here; never edit a
# version's line.
PINNED_DIGESTS = {
    "2": "36f3309e7293dd00cd3a773dae1483d615b342b059218c80cc4e95a473307ae2",
    # Root 05 (diplomatic cooperation) is verbal cooperation, as in GDELT's event files.
    "3": "d22e715624bf2fd7564f4cab212c38a0effa785c012cea5078c35c5b19a609ea",
}

TRUCES = ["ceasefire", "partial_ceasefire", "humanitarian_pause"]
TOOK_EFFECT = ["accepted", "partially_accepted", "in_effect", "expired", "collapsed"]
NEVER_IN_EFFECT = ["proposed", "under_consideration", "rejected", "withdrawn"]
MEDIATOR = {"mediator": ["un"]}


def triple(found: Codes) -> tuple:
    return (found.cameo, found.plover, found.plover_mode)


# --- proposals -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", TRUCES)
@pytest.mark.parametrize("outcome", ["proposed", "expired"])
@pytest.mark.parametrize("roles", [{}, MEDIATOR])
def test_a_truce_declared_by_one_side_is_0871_concede(kind, outcome, roles):
    found = proposal_codes(kind, "unilateral", outcome, roles)
    assert triple(found) == ("0871", "CONCEDE", None)


@pytest.mark.parametrize("kind", TRUCES)
@pytest.mark.parametrize("arrangement", ["bilateral", "multilateral"])
@pytest.mark.parametrize("outcome", TOOK_EFFECT)
def test_a_truce_two_or_more_sides_agreed_that_took_effect_is_0871_concede(
    kind, arrangement, outcome
):
    found = proposal_codes(kind, arrangement, outcome, {})
    assert triple(found) == ("0871", "CONCEDE", None)


@pytest.mark.parametrize("kind", TRUCES)
@pytest.mark.parametrize("arrangement", ["bilateral", "multilateral"])
@pytest.mark.parametrize("outcome", NEVER_IN_EFFECT)
def test_a_truce_offered_to_two_or_more_sides_is_an_appeal(kind, arrangement, outcome):
    found = proposal_codes(kind, arrangement, outcome, {})
    assert triple(found) == ("0256", "REQUEST", "yield")


@pytest.mark.parametrize("kind", TRUCES)
@pytest.mark.parametrize("outcome", TOOK_EFFECT)
def test_a_truce_a_mediator_brokered_that_took_effect_is_0871_concede(kind, outcome):
    assert triple(proposal_codes(kind, "", outcome, MEDIATOR)) == ("0871", "CONCEDE", None)


@pytest.mark.parametrize("kind", TRUCES)
@pytest.mark.parametrize("outcome", NEVER_IN_EFFECT)
def test_a_mediated_truce_that_never_took_effect_is_an_appeal(kind, outcome):
    assert triple(proposal_codes(kind, "", outcome, MEDIATOR)) == ("0256", "REQUEST", "yield")


@pytest.mark.parametrize("kind", TRUCES)
@pytest.mark.parametrize("outcome", ["proposed", "accepted", "in_effect"])
def test_a_truce_not_coded_and_without_a_mediator_is_an_appeal_whatever_came_of_it(kind, outcome):
    roles = {"proposer": ["a"], "addressee": ["b"]}
    assert triple(proposal_codes(kind, "", outcome, roles)) == ("0256", "REQUEST", "yield")


def test_an_empty_role_list_is_no_mediator():
    found = proposal_codes("ceasefire", "", "accepted", {"mediator": []})
    assert triple(found) == ("0256", "REQUEST", "yield")


@pytest.mark.parametrize(
    "arrangement, roles, outcome",
    [
        ("", {}, "proposed"),
        ("unilateral", {}, "proposed"),
        ("bilateral", {}, "accepted"),
        ("", MEDIATOR, "accepted"),
    ],
)
def test_talks_offered_declared_or_agreed_are_036_agree(arrangement, roles, outcome):
    assert triple(proposal_codes("talks", arrangement, outcome, roles)) == ("036", "AGREE", None)


@pytest.mark.parametrize(
    "arrangement, roles, outcome, expected",
    [
        ("unilateral", {}, "proposed", ("0353", "CONCEDE", None)),
        ("multilateral", {}, "expired", ("0353", "CONCEDE", None)),
        ("bilateral", {}, "rejected", ("0253", "REQUEST", "yield")),
        ("", MEDIATOR, "in_effect", ("0353", "CONCEDE", None)),
        ("", MEDIATOR, "collapsed", ("0353", "CONCEDE", None)),
        ("", MEDIATOR, "withdrawn", ("0253", "REQUEST", "yield")),
        ("", {}, "accepted", ("0253", "REQUEST", "yield")),
    ],
)
def test_a_prisoner_exchange_is_a_commitment_or_an_appeal(arrangement, roles, outcome, expected):
    assert triple(proposal_codes("prisoner_exchange", arrangement, outcome, roles)) == expected


@pytest.mark.parametrize(
    "arrangement, roles, outcome",
    [("", {}, "proposed"), ("unilateral", MEDIATOR, "rejected"), ("bilateral", {}, "accepted")],
)
def test_a_peace_plan_is_037_agree(arrangement, roles, outcome):
    found = proposal_codes("peace_plan", arrangement, outcome, roles)
    assert triple(found) == ("037", "AGREE", None)


@pytest.mark.parametrize(
    "arrangement, roles, outcome, expected",
    [
        ("unilateral", {}, "proposed", ("030", "AGREE", None)),
        ("bilateral", {}, "in_effect", ("030", "AGREE", None)),
        ("multilateral", {}, "under_consideration", ("020", "REQUEST", None)),
        ("", MEDIATOR, "partially_accepted", ("030", "AGREE", None)),
        ("", MEDIATOR, "under_consideration", ("020", "REQUEST", None)),
        ("", {}, "in_effect", ("020", "REQUEST", None)),
    ],
)
def test_another_proposal_is_a_commitment_or_a_request(arrangement, roles, outcome, expected):
    assert triple(proposal_codes("other", arrangement, outcome, roles)) == expected


# --- responses -----------------------------------------------------------------------------

ACCEPTED = {
    "ceasefire": ("0871", "CONCEDE", None),
    "partial_ceasefire": ("0871", "CONCEDE", None),
    "humanitarian_pause": ("0871", "CONCEDE", None),
    "talks": ("036", "AGREE", None),
    "prisoner_exchange": ("0353", "CONCEDE", None),
    "peace_plan": ("037", "AGREE", None),
    "other": ("030", "AGREE", None),
}
CONDITIONAL = {
    **ACCEPTED,
    "ceasefire": ("0356", "CONCEDE", None),
    "partial_ceasefire": ("0356", "CONCEDE", None),
    "humanitarian_pause": ("0356", "CONCEDE", None),
}
REJECTED = {
    "ceasefire": ("1246", "REJECT", "yield"),
    "partial_ceasefire": ("1246", "REJECT", "yield"),
    "humanitarian_pause": ("1246", "REJECT", "yield"),
    "talks": ("125", "REJECT", "meet"),
    "prisoner_exchange": ("1243", "REJECT", "yield"),
    "peace_plan": ("127", "REJECT", "meet"),
    "other": ("120", "REJECT", None),
}
BY_STANCE = {
    "accepted": ACCEPTED,
    "conditional": CONDITIONAL,
    "rejected": REJECTED,
    "dismissed": REJECTED,
    "countered": REJECTED,
    "welcomed": dict.fromkeys(ACCEPTED, ("051", "SUPPORT", None)),
    "considering": dict.fromkeys(ACCEPTED, ("014", None, None)),
}


def test_every_stance_and_proposal_kind_has_an_expectation():
    assert set(BY_STANCE) == set(INPUTS[Event.Kind.RESPONSE]["stance"])
    for expected in BY_STANCE.values():
        assert set(expected) == set(INPUTS[Event.Kind.RESPONSE]["proposal_kind"])


@pytest.mark.parametrize(
    "stance, proposal_kind",
    [(stance, kind) for stance, by_kind in BY_STANCE.items() for kind in by_kind],
)
def test_a_response_is_coded_by_its_stance_and_the_proposals_kind(stance, proposal_kind):
    assert triple(response_codes(stance, proposal_kind)) == BY_STANCE[stance][proposal_kind]


def test_considering_is_not_plover_agree():
    assert response_codes("considering", "ceasefire").plover is None


# --- meetings ------------------------------------------------------------------------------

MODES = {
    ("direct", "none"): None,
    ("direct", "delegation"): "visit",
    ("direct", "third_party"): "third-party",
    ("parallel", "none"): None,
    ("parallel", "delegation"): "visit",
    ("parallel", "third_party"): "third-party",
    ("multilateral", "none"): "multilateral",
    ("multilateral", "delegation"): "multilateral",
    ("multilateral", "third_party"): "multilateral",
}
HOSTS = {
    "none": {"delegation": ["ru", "ua"]},
    "delegation": {"delegation": ["ru", "ua"], "host": ["ru"]},
    "third_party": {"delegation": ["ru", "ua"], "host": ["sa"]},
}


@pytest.mark.parametrize("meeting_format, host", list(MODES))
@pytest.mark.parametrize("mediator, cameo", [(True, "045"), (False, "046")])
def test_a_meeting_is_mediation_or_negotiation_where_its_host_says(
    meeting_format, host, mediator, cameo
):
    roles = {**HOSTS[host], **(MEDIATOR if mediator else {})}
    found = meeting_codes(meeting_format, roles)
    assert triple(found) == (cameo, "CONSULT", MODES[meeting_format, host])


@pytest.mark.parametrize(
    "roles, host",
    [
        ({}, "none"),
        ({"delegation": ["ru"]}, "none"),
        ({"host": ["sa"]}, "third_party"),
        ({"host": ["sa"], "delegation": ["ru", "ua"]}, "third_party"),
        ({"host": ["ua"], "delegation": ["ru", "ua"]}, "delegation"),
        ({"host": ["sa", "ua"], "delegation": ["ua"]}, "delegation"),
        ({"host": [], "delegation": ["ua"]}, "none"),
    ],
)
def test_the_host_is_a_delegation_a_third_party_or_none(roles, host):
    assert meeting_host(roles) == host


def test_an_accusation_is_112_accuse_allege():
    assert triple(codes_of(Event.Kind.ACCUSATION, {})) == ("112", "ACCUSE", "allege")


# --- GDELT ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "root, quad",
    [
        ("01", 1),
        ("05", 1),
        ("06", 2),
        ("08", 2),
        ("09", 3),
        ("13", 3),
        ("14", 4),
        ("20", 4),
        (None, None),
    ],
)
def test_the_quad_class_is_gdelts_for_the_root_code(root, quad):
    assert quad_class(root) == quad


@pytest.mark.parametrize(
    "cameo, root, quad",
    [("0871", "08", 2), ("036", "03", 1), ("1246", "12", 3), ("051", "05", 1), (None, None, None)],
)
def test_the_root_code_is_the_cameo_codes_first_two_digits(cameo, root, quad):
    shown = Codes(cameo, "AGREE").as_dict()
    assert (shown["cameo"], shown["cameo_root"], shown["quad_class"]) == (cameo, root, quad)
    assert shown["mapping_version"] == MAPPING_VERSION


# --- the table -----------------------------------------------------------------------------


def combinations(kind: str):
    inputs = INPUTS[kind]
    for values in itertools.product(*inputs.values()):
        yield dict(zip(inputs, values, strict=True))


@pytest.mark.parametrize("kind", Event.Kind.values)
def test_every_combination_of_a_kinds_inputs_has_codes(kind):
    for inputs in combinations(kind):
        assert codes_of(kind, inputs).cameo in codes.CAMEO_NAMES


def test_every_rule_gives_the_codes_of_some_combination():
    first = set()
    for kind in Event.Kind.values:
        for inputs in combinations(kind):
            matching = (
                i for i, rule in enumerate(RULES) if rule.kind == kind and rule.matches(inputs)
            )
            first.add(next(matching))
    assert first == set(range(len(RULES)))


def test_a_rules_inputs_and_values_are_the_kinds():
    for rule in RULES:
        for name, allowed in rule.when:
            assert set(allowed) <= set(INPUTS[rule.kind][name]), (rule.kind, name)


def test_plover_modes_are_the_manuals_modes_of_that_event_type():
    for rule in RULES:
        plover, mode = rule.codes.plover, rule.codes.plover_mode
        assert plover is None or plover in PLOVER_MODES, rule
        assert mode is None or mode in PLOVER_MODES[plover], rule


def test_the_mapping_version_is_bumped_when_the_table_changes():
    assert PINNED_DIGESTS.get(MAPPING_VERSION) == table_digest(), (
        "The event codes' rules changed: bump MAPPING_VERSION and pin the new digest"
    )


def test_the_codebook_shows_the_rules_as_the_code_has_them():
    text = CODEBOOK.read_text()
    shown = re.search(r"<!-- codes:table -->\n(.*)<!-- /codes:table -->", text, re.S)
    assert shown, "docs/codebook.md has no event codes' table"
    assert shown.group(1) == markdown_table(), (
        "docs/codebook.md's event codes differ from events/codes.py: paste markdown_table()"
    )


def test_the_codebook_names_the_sources():
    section = CODEBOOK.read_text().split("## Event codes")[1]
    for source in ("CAMEO Event and\n  Actor Codebook 1.1b3", "PLOVER", "GDELT", "QuadClass"):
        assert source in section
