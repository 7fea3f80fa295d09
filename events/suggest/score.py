"""How well the suggestions match what careful editors recorded: a gold file's articles are read
by the engine and its records compared with the gold ones (``manage.py score_suggestions``).

A suggested record matches a gold record of the same kind when a sentence it cites overlaps a
quote the gold record cites, and they share an actor (or neither names one). Each record
matches at most one: the pairs sharing the most actors in the same roles are matched first.
"""

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.dateparse import parse_datetime

from actors.models import Actor

from ..models import Event, Source
from ..text import find_quote
from .engine import suggest_for_source

ROLE_LISTS = ("proposers", "addressees", "mediators", "hosts", "delegations", "accusers", "accused")
KINDS = [kind.value for kind in Event.Kind]


class GoldError(Exception):
    """The gold file is not in the documented format; the message says where."""


@dataclass
class Tally:
    gold: int = 0
    suggested: int = 0
    matched: int = 0
    same_roles: int = 0  # matched with every actor in the same role
    same_date: int = 0  # matched with the same date and precision

    @property
    def recall(self) -> float | None:
        return self.matched / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return self.matched / self.suggested if self.suggested else None

    def add(self, other: "Tally") -> None:
        self.gold += other.gold
        self.suggested += other.suggested
        self.matched += other.matched
        self.same_roles += other.same_roles
        self.same_date += other.same_date


@dataclass
class Score:
    actors: Tally = field(default_factory=Tally)
    records: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    missed: list[str] = field(default_factory=list)  # gold records no suggestion matched
    extra: list[str] = field(default_factory=list)  # suggestions matching no gold record
    missed_actors: list[str] = field(default_factory=list)
    extra_actors: list[str] = field(default_factory=list)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise GoldError(message)


def read_gold(text: str) -> list[dict]:
    """The articles of a gold file, checked against the documented format."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise GoldError(f"Not JSON: {error}") from error
    _require(isinstance(data, dict) and isinstance(data.get("articles"), list), (
        'Expected {"articles": [...]} at the top level.'
    ))  # fmt: skip
    for index, article in enumerate(data["articles"]):
        where = f"articles[{index}]"
        _require(isinstance(article, dict), f"{where}: expected an object.")
        for name in ("title", "body"):
            _require(
                isinstance(article.get(name), str) and article[name].strip(),
                f"{where}.{name}: required text.",
            )
        published = article.get("published_at")
        _require(
            published is None or (isinstance(published, str) and parse_datetime(published)),
            f"{where}.published_at: expected an ISO date-time such as 2025-04-21T00:00:00Z.",
        )
        _require(
            isinstance(article.get("actors", []), list)
            and all(isinstance(slug, str) for slug in article.get("actors", [])),
            f"{where}.actors: expected a list of actor slugs.",
        )
        _require(isinstance(article.get("records"), list), f"{where}.records: expected a list.")
        for number, record in enumerate(article["records"]):
            at = f"{where}.records[{number}]"
            _require(isinstance(record, dict), f"{at}: expected an object.")
            _require(record.get("kind") in KINDS, f"{at}.kind: one of {', '.join(KINDS)}.")
            body = record.get("body")
            _require(isinstance(body, dict), f"{at}.body: expected the write API's body.")
            citations = body.get("citations")
            _require(
                isinstance(citations, list)
                and citations
                and all(isinstance(c, dict) and isinstance(c.get("quote"), str) for c in citations),
                f'{at}.body.citations: expected a list of {{"quote": …}}.',
            )
            for quote_number, citation in enumerate(citations):
                _require(
                    find_quote(citation["quote"], article["body"]) is not None,
                    f"{at}.body.citations[{quote_number}].quote: does not occur in the article.",
                )
    return data["articles"]


def missing_actors(articles: list[dict]) -> list[str]:
    """The actor slugs the gold names that the database does not have."""
    slugs = set()
    for article in articles:
        slugs |= set(article.get("actors", []))
        for record in article["records"]:
            slugs |= _actors(record["body"])
    return sorted(slugs - set(Actor.objects.filter(slug__in=slugs).values_list("slug", flat=True)))


def _actors(body: dict) -> set[str]:
    slugs = {slug for role in ROLE_LISTS for slug in body.get(role, [])}
    if body.get("responder"):
        slugs.add(body["responder"])
    return slugs


def _roles(body: dict) -> set[tuple[str, str]]:
    pairs = {(role, slug) for role in ROLE_LISTS for slug in body.get(role, [])}
    if body.get("responder"):
        pairs.add(("responder", body["responder"]))
    return pairs


def _spans(body: dict, text: str) -> list[tuple[int, int]]:
    spans = [find_quote(citation["quote"], text) for citation in body.get("citations", [])]
    return [span for span in spans if span is not None]


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _label(kind: str, body: dict) -> str:
    roles = ", ".join(f"{role} {slug}" for role, slug in sorted(_roles(body)))
    return f"{kind} “{body.get('title', '')}” ({roles or 'no actor'})"


def score_article(article: dict, score: Score) -> None:
    """Read ``article`` with the engine (as a source saved in a transaction rolled back) and
    add its counts to ``score``."""
    with transaction.atomic():
        published = parse_datetime(article["published_at"]) if article.get("published_at") else None
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=datetime.UTC)
        source = Source.objects.create(
            title=article["title"][:500], url="", body=article["body"], published_at=published
        )
        suggestions = suggest_for_source(source)
        transaction.set_rollback(True)

    gold_actors = set(article.get("actors", []))
    found_actors = {actor["slug"] for actor in suggestions.actors}
    score.actors.add(Tally(len(gold_actors), len(found_actors), len(gold_actors & found_actors)))
    score.missed_actors += sorted(gold_actors - found_actors)
    score.extra_actors += sorted(found_actors - gold_actors)

    text = article["body"]
    gold = article["records"]
    suggested = suggestions.records
    pairs = []
    for g, gold_record in enumerate(gold):
        gold_spans = _spans(gold_record["body"], text)
        gold_actors_of = _actors(gold_record["body"])
        for s, record in enumerate(suggested):
            if record["kind"] != gold_record["kind"]:
                continue
            if not _overlap(gold_spans, _spans(record["body"], text)):
                continue
            shared = gold_actors_of & _actors(record["body"])
            if not shared and (gold_actors_of or _actors(record["body"])):
                continue
            same_roles = len(_roles(gold_record["body"]) & _roles(record["body"]))
            pairs.append((same_roles, len(shared), -abs(g - s), g, s))
    matched: dict[int, int] = {}
    for *_, g, s in sorted(pairs, reverse=True):
        if g not in matched and s not in matched.values():
            matched[g] = s
    matched_gold, matched_suggested = set(matched), set(matched.values())
    counts = Counter(record["kind"] for record in gold)
    found = Counter(record["kind"] for record in suggested)
    hits = Counter(gold[g]["kind"] for g in matched_gold)
    same_roles, same_date = Counter(), Counter()
    for g, s in matched.items():
        gold_body, body = gold[g]["body"], suggested[s]["body"]
        same_roles[gold[g]["kind"]] += _roles(gold_body) == _roles(body)
        same_date[gold[g]["kind"]] += (gold_body.get("date"), gold_body.get("date_precision")) == (
            body.get("date"),
            body.get("date_precision"),
        )
    for kind in KINDS:
        tally = Tally(counts[kind], found[kind], hits[kind], same_roles[kind], same_date[kind])
        score.by_kind[kind].add(tally)
        score.records.add(tally)
    score.missed += [
        _label(r["kind"], r["body"]) for g, r in enumerate(gold) if g not in matched_gold
    ]
    score.extra += [
        _label(r["kind"], r["body"]) for s, r in enumerate(suggested) if s not in matched_suggested
    ]


def score_gold(articles: list[dict]) -> Score:
    score = Score()
    for article in articles:
        score_article(article, score)
    return score


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def report(score: Score, verbose: bool = False) -> list[str]:
    """The lines ``score_suggestions`` prints."""
    rows = [("actors", score.actors), ("records", score.records)]
    rows += [(f"  {kind}", tally) for kind, tally in score.by_kind.items()]
    lines = [
        f"{'':<14}{'gold':>6}{'suggested':>11}{'matched':>9}{'recall':>8}{'precision':>11}"
        f"{'same roles':>12}{'same date':>11}"
    ]
    for name, tally in rows:
        line = (
            f"{name:<14}{tally.gold:>6}{tally.suggested:>11}{tally.matched:>9}"
            f"{percent(tally.recall):>8}{percent(tally.precision):>11}"
        )
        if tally is not score.actors:
            line += f"{tally.same_roles:>12}{tally.same_date:>11}"
        lines.append(line)
    lines.append(
        "matched: same kind, overlapping quotes, an actor in common; same roles and same date "
        "count the matched records that also have every actor in the gold's roles and its "
        "date and precision."
    )
    if verbose:
        lines += [f"missed: {label}" for label in score.missed]
        lines += [f"not in the gold: {label}" for label in score.extra]
        lines += [f"actor missed: {slug}" for slug in score.missed_actors]
        lines += [f"actor not in the gold: {slug}" for slug in score.extra_actors]
    return lines
