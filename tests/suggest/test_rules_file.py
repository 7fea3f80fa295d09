"""The rules file: the one in the repository loads, and a broken entry is named."""

import pytest

from events.suggest import RulesError, load_rules, parse_rules
from events.suggest.rules import RULES_FILE


def test_the_repository_rules_load():
    rules = load_rules()
    assert rules.proposal_triggers.search("a 30-hour ceasefire").group() == "ceasefire"
    assert rules.accusation_triggers.search("they accused each other").group() == "accused"


def _rules_with(replace: str, by: str) -> str:
    text = RULES_FILE.read_text(encoding="utf-8")
    assert replace in text
    return text.replace(replace, by, 1)


def test_an_unknown_scope_is_named():
    text = _rules_with("    maritime: [", "    seaside: [")
    with pytest.raises(RulesError, match=r"proposal\.scopes\.seaside: not one of the choices"):
        parse_rules(text)


def test_an_unknown_stance_is_named():
    text = _rules_with("    welcomed: [", "    pleased: [")
    with pytest.raises(RulesError, match=r"response\.stances\.pleased"):
        parse_rules(text)


def test_a_word_yaml_reads_as_false_is_named_with_its_place():
    text = _rules_with('[not, "no", never', "[not, no, never")
    with pytest.raises(RulesError, match=r"negations\[1\]: expected a word or phrase, got False"):
        parse_rules(text)


def test_a_missing_section_is_named():
    with pytest.raises(RulesError, match=r"rules.yaml: talks: missing"):
        parse_rules("proposal: {triggers: [truce], unilateral: [unilateral]}")


def test_a_duration_unit_must_count_hours():
    text = _rules_with("hour: 1,", "hour: zero,")
    with pytest.raises(RulesError, match=r"durations\.units\.hour: expected a whole number"):
        parse_rules(text)


def test_text_that_is_not_yaml_is_refused():
    with pytest.raises(RulesError, match="not valid YAML"):
        parse_rules("proposal: [unclosed")


def test_a_trailing_star_matches_any_ending():
    rules = parse_rules(_rules_with("triggers: [accus*", "triggers: [denounc*"))
    assert rules.accusation_triggers.search("Egypt denounced the attack").group() == "denounced"
    assert rules.accusation_triggers.search("they accused each other") is None
