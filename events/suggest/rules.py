"""The suggestion rules of ``rules.yaml``: loaded once, validated with errors naming the entry.

A word list holds words or phrases matched as whole words, ignoring case; a trailing ``*``
matches any ending. Each list becomes one compiled pattern (``Words``).
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..models import Meeting, Proposal, Response

RULES_FILE = Path(__file__).resolve().parent / "rules.yaml"


class RulesError(Exception):
    """The rules file is not what the engine reads; the message names the entry."""


@dataclass(frozen=True)
class Words:
    """A list of words or phrases as one pattern; ``find`` gives each match's span."""

    entries: tuple[str, ...]
    pattern: re.Pattern

    def search(self, text: str, start: int = 0, end: int | None = None) -> re.Match | None:
        return self.pattern.search(text, start, len(text) if end is None else end)

    def finditer(self, text: str, start: int = 0, end: int | None = None):
        return self.pattern.finditer(text, start, len(text) if end is None else end)

    def __bool__(self) -> bool:
        return bool(self.entries)


def _entry_pattern(entry: str) -> str:
    wildcard = entry.endswith("*")
    words = entry.rstrip("*").split()
    body = r"\s+".join(re.escape(word) for word in words)
    return body + (r"[\w'’-]*" if wildcard else "")


def words(entries, where: str) -> Words:
    """A ``Words`` of ``entries`` (a list of non-empty strings), or a RulesError naming
    ``where``."""
    if not isinstance(entries, list):
        raise RulesError(f"{where}: expected a list of words, got {type(entries).__name__}.")
    for index, entry in enumerate(entries):
        if not isinstance(entry, str) or not entry.rstrip("*").strip():
            raise RulesError(f"{where}[{index}]: expected a word or phrase, got {entry!r}.")
    ordered = sorted(entries, key=len, reverse=True)  # the longest phrase wins
    alternatives = "|".join(_entry_pattern(entry) for entry in ordered) or r"(?!x)x"
    pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w])", re.IGNORECASE)
    return Words(tuple(entries), pattern)


def _section(data: dict, name: str, where: str) -> dict:
    value = data.get(name)
    if not isinstance(value, dict):
        raise RulesError(f"{where}{name}: missing, or not a mapping of entries.")
    return value


def _choices(mapping, choices, where: str) -> dict[str, Words]:
    """``{choice: words}`` where each key is one of ``choices`` (a TextChoices)."""
    if not isinstance(mapping, dict):
        raise RulesError(f"{where}: expected a mapping of choices to word lists.")
    allowed = set(choices.values)
    result = {}
    for key, entries in mapping.items():
        if key not in allowed:
            raise RulesError(
                f"{where}.{key}: not one of the choices ({', '.join(sorted(allowed))})."
            )
        result[key] = words(entries, f"{where}.{key}")
    return result


def _numbers(mapping, where: str, allow_zero: bool = False) -> dict[str, int]:
    if not isinstance(mapping, dict) or not mapping:
        raise RulesError(f"{where}: expected a mapping of words to whole numbers.")
    for key, value in mapping.items():
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise RulesError(f"{where}.{key}: expected a whole number above zero, got {value!r}.")
    return {str(key).lower(): value for key, value in mapping.items()}


@dataclass(frozen=True)
class Rules:
    proposal_triggers: Words
    proposal_kinds: dict[str, Words]
    scopes: dict[str, Words]
    unilateral: Words
    extensions: Words
    occasions: Words
    back_references: Words
    talks_triggers: Words
    talks_held: Words
    talks_formats: dict[str, Words]
    meeting_formats: dict[str, Words]
    venue_words: Words
    agreement_triggers: Words
    in_effect: Words
    accusation_triggers: Words
    mutual: Words
    stances: dict[str, Words]
    generic: Words
    answer_objects: Words
    both_sides: Words
    negations: Words
    reporting: Words
    duration_units: dict[str, int]
    duration_numbers: dict[str, int]


def parse_rules(text: str, name: str = "rules.yaml") -> Rules:
    """The rules in ``text`` (YAML), or a RulesError naming the faulty entry."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RulesError(f"{name}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise RulesError(f"{name}: expected sections (proposal, talks, …) at the top level.")
    at = f"{name}: "
    proposal = _section(data, "proposal", at)
    talks = _section(data, "talks", at)
    agreement = _section(data, "agreement", at)
    accusation = _section(data, "accusation", at)
    response = _section(data, "response", at)
    durations = _section(data, "durations", at)

    def w(section: dict, section_name: str, key: str) -> Words:
        if key not in section:
            raise RulesError(f"{at}{section_name}.{key}: missing.")
        return words(section[key], f"{at}{section_name}.{key}")

    def top(key: str) -> Words:
        if key not in data:
            raise RulesError(f"{at}{key}: missing.")
        return words(data[key], f"{at}{key}")

    return Rules(
        proposal_triggers=w(proposal, "proposal", "triggers"),
        proposal_kinds=_choices(
            proposal.get("kinds", {}), Proposal.ProposalKind, f"{at}proposal.kinds"
        ),
        scopes=_choices(proposal.get("scopes", {}), Proposal.Scope, f"{at}proposal.scopes"),
        unilateral=w(proposal, "proposal", "unilateral"),
        extensions=words(proposal.get("extensions", []), f"{at}proposal.extensions"),
        occasions=words(proposal.get("occasions", []), f"{at}proposal.occasions"),
        back_references=words(proposal.get("back_references", []), f"{at}proposal.back_references"),
        talks_triggers=w(talks, "talks", "triggers"),
        talks_held=w(talks, "talks", "held"),
        talks_formats=_choices(
            talks.get("formats", {}), Proposal.TalksFormat, f"{at}talks.formats"
        ),
        meeting_formats=_choices(
            talks.get("meeting_formats", {}), Meeting.Format, f"{at}talks.meeting_formats"
        ),
        venue_words=words(talks.get("venue_words", ["in"]), f"{at}talks.venue_words"),
        agreement_triggers=w(agreement, "agreement", "triggers"),
        in_effect=words(agreement.get("in_effect", []), f"{at}agreement.in_effect"),
        accusation_triggers=w(accusation, "accusation", "triggers"),
        mutual=words(accusation.get("mutual", []), f"{at}accusation.mutual"),
        stances=_choices(response.get("stances"), Response.Stance, f"{at}response.stances"),
        generic=words(response.get("generic", []), f"{at}response.generic"),
        answer_objects=words(response.get("objects", []), f"{at}response.objects"),
        both_sides=top("both_sides"),
        negations=top("negations"),
        reporting=top("reporting"),
        duration_units=_numbers(durations.get("units"), f"{at}durations.units"),
        duration_numbers=_numbers(durations.get("numbers", {"one": 1}), f"{at}durations.numbers"),
    )


@functools.cache
def load_rules() -> Rules:
    """The rules of ``rules.yaml``, read once per process."""
    return parse_rules(RULES_FILE.read_text(encoding="utf-8"), RULES_FILE.name)
