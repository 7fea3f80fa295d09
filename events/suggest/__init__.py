"""Suggested records from an article's text: rule-based, explainable, nothing written.

``suggest_for_source(source)`` reads the article; the words it looks for are in
``rules.yaml``.
"""

from .engine import ENDPOINTS, SourceSuggestions, suggest_for_source
from .rules import RulesError, load_rules, parse_rules

__all__ = [
    "ENDPOINTS",
    "RulesError",
    "SourceSuggestions",
    "load_rules",
    "parse_rules",
    "suggest_for_source",
]
