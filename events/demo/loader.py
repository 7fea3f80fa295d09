"""Write the demo records (``records.py``) to the database; ``manage.py load_demo`` calls it.

Loading is idempotent: every record is looked up by its natural key (actor slug, alias name,
conflict slug, source title, event kind and title, and for participants, citations and
locations their event with actor and role, source and quote, or the place's name), created
when missing, updated when a field differs, and left untouched — no save, so no new history
row — when it already matches. Nothing is ever deleted. Every object is validated with
``full_clean()`` before it is saved, and the whole load runs in one transaction, so a broken
record leaves the database as it was.
"""

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from actors.models import Actor, ActorAlias, Affiliation
from events.models import (
    KIND_MODELS,
    Citation,
    Conflict,
    Event,
    Location,
    Meeting,
    Participant,
    Proposal,
    Source,
)
from events.text import quote_occurs_in

from . import records

DEMO_DIR = Path(__file__).resolve().parent

# Progress lines appear in this order.
SECTIONS = [
    "Actors",
    "Aliases",
    "Affiliations",
    "Conflicts",
    "Sources",
    "Proposals",
    "Responses",
    "Meetings",
    "Accusations",
    "Participants",
    "Citations",
    "Locations",
    "Links",
]
KIND_SECTIONS = {
    Event.Kind.PROPOSAL: "Proposals",
    Event.Kind.RESPONSE: "Responses",
    Event.Kind.MEETING: "Meetings",
    Event.Kind.ACCUSATION: "Accusations",
}


class DemoDataError(Exception):
    """The demo records are inconsistent or fail validation; nothing was written."""


@dataclasses.dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclasses.dataclass
class LoadReport:
    tallies: dict[str, Tally] = dataclasses.field(
        default_factory=lambda: {section: Tally() for section in SECTIONS}
    )
    source: Source | None = None
    conflict: Conflict | None = None
    events: list[Event] = dataclasses.field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(tally.created for tally in self.tallies.values())

    @property
    def updated(self) -> int:
        return sum(tally.updated for tally in self.tallies.values())

    def summary(self) -> str:
        what = (
            f"{len(self.events)} published events in “{self.conflict}” cited from “{self.source}”"
        )
        if not self.created and not self.updated:
            return f"Demo data already loaded, nothing changed: {what}."
        return f"Demo data loaded ({self.created} created, {self.updated} updated): {what}."


def article_text() -> str:
    """The seed article exactly as stored in the repository."""
    return (DEMO_DIR / records.ARTICLE_FILE).read_text(encoding="utf-8")


def check_records(body: str) -> list[str]:
    """Problems in the demo records that can be found without the database."""
    problems = []
    actor_slugs = {actor["slug"] for actor in records.ACTORS}

    def check_actor(slug: str | None, where: str) -> None:
        if slug is not None and slug not in actor_slugs:
            problems.append(f"{where}: unknown actor “{slug}”.")

    for alias, slug in records.ALIASES:
        check_actor(slug, f"Alias “{alias}”")
    for affiliation in records.AFFILIATIONS:
        check_actor(affiliation["person"], "Affiliation")
        check_actor(affiliation["organization"], "Affiliation")
    for slug in records.CONFLICT["parties"]:
        check_actor(slug, "Conflict")

    refs: set[str] = set()
    titles: set[tuple[str, str]] = set()
    for record in records.EVENTS:
        where = f"{record['kind'].capitalize()} “{record['title']}”"
        if record["kind"] not in KIND_MODELS:
            problems.append(f"{where}: unknown kind “{record['kind']}”.")
        if (record["kind"], record["title"]) in titles:
            problems.append(f"{where}: another {record['kind']} has the same title.")
        titles.add((record["kind"], record["title"]))
        linked = [record.get("proposal"), record.get("counters"), *record.get("produced", [])]
        for ref in linked:
            if ref is not None and ref not in refs:
                problems.append(f"{where}: refers to “{ref}”, which no earlier event defines.")
        check_actor(record.get("responder"), where)
        for slug, _role in record["participants"]:
            check_actor(slug, where)
        if not record["citations"]:
            problems.append(f"{where}: has no citation.")
        for citation in record["citations"]:
            check_actor(citation.get("speaker"), where)
            check_actor(citation.get("via"), where)
            if not quote_occurs_in(citation["quote"], body):
                problems.append(
                    f"{where}: the quote “{citation['quote']}” does not occur in "
                    f"{records.ARTICLE_FILE}."
                )
        if "ref" in record:
            refs.add(record["ref"])
    return problems


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.many_to_one:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _label(obj: models.Model) -> str:
    return f"{obj._meta.verbose_name.capitalize()} “{obj}”"


def _validate_and_save(obj: models.Model) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        details = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise DemoDataError(f"{_label(obj)} is invalid — {details}") from error
    obj.save()


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], tally: Tally
) -> models.Model:
    """The row ``lookup`` finds, made to hold ``values``; created from ``values`` if missing."""
    try:
        obj = model._default_manager.get(**lookup)
    except model.DoesNotExist:
        obj = model(**values)
        _validate_and_save(obj)
        tally.created += 1
        return obj
    except model.MultipleObjectsReturned as error:
        raise DemoDataError(
            f"More than one {model._meta.verbose_name} matches {lookup}; the demo identifies "
            "records by these fields, so remove the duplicates first."
        ) from error
    changed = {name: value for name, value in values.items() if _differs(obj, name, value)}
    if not changed:
        tally.unchanged += 1
        return obj
    for name, value in changed.items():
        setattr(obj, name, value)
    _validate_and_save(obj)
    tally.updated += 1
    return obj


def _add_missing(manager, objs: list[models.Model], tally: Tally) -> None:
    """Add ``objs`` to a many-to-many ``manager``, leaving other members in place."""
    present = set(manager.values_list("pk", flat=True))
    missing = [obj for obj in objs if obj.pk not in present]
    if missing:
        manager.add(*missing)
    tally.created += len(missing)
    tally.unchanged += len(objs) - len(missing)


@transaction.atomic
def load_demo(log: Callable[[str], None] | None = None) -> LoadReport:
    """Load the seed article and the records curated from it; ``log`` receives progress lines."""
    body = article_text()
    problems = check_records(body)
    if problems:
        raise DemoDataError("The demo records are inconsistent:\n  " + "\n  ".join(problems))

    report = LoadReport()
    tallies = report.tallies

    def done(*sections: str) -> None:
        if log is not None:
            for section in sections:
                log(f"{section}: {tallies[section]}")

    actors: dict[str, Actor] = {}
    for record in records.ACTORS:
        actors[record["slug"]] = _upsert(
            Actor, {"slug": record["slug"]}, dict(record), tallies["Actors"]
        )
    done("Actors")

    for alias, slug in records.ALIASES:
        _upsert(
            ActorAlias,
            {"name__iexact": alias},
            {"name": alias, "actor": actors[slug]},
            tallies["Aliases"],
        )
    done("Aliases")

    for record in records.AFFILIATIONS:
        person, organization = actors[record["person"]], actors[record["organization"]]
        key = {"person": person, "organization": organization, "role": record["role"]}
        _upsert(
            Affiliation, key, {**key, "start_date": record["start_date"]}, tallies["Affiliations"]
        )
    done("Affiliations")

    conflict_fields = {k: v for k, v in records.CONFLICT.items() if k != "parties"}
    conflict = _upsert(
        Conflict, {"slug": conflict_fields["slug"]}, conflict_fields, tallies["Conflicts"]
    )
    _add_missing(
        conflict.parties, [actors[slug] for slug in records.CONFLICT["parties"]], tallies["Links"]
    )
    done("Conflicts")

    source = _upsert(
        Source,
        {"title": records.SOURCE["title"]},
        {**records.SOURCE, "body": body},
        tallies["Sources"],
    )
    done("Sources")

    proposals: dict[str, Proposal] = {}
    for record in records.EVENTS:
        model = KIND_MODELS[record["kind"]]
        values = {
            "conflict": conflict,
            "title": record["title"],
            "summary": record["summary"],
            "date": record["date"],
            "date_precision": record["date_precision"],
            "editorial_status": Event.Status.PUBLISHED,
            **record["fields"],
        }
        for link in ("proposal", "counters"):
            if link in record:
                values[link] = proposals[record[link]]
        if "responder" in record:
            values["responder"] = actors[record["responder"]]
        event = _upsert(
            model, {"title": record["title"]}, values, tallies[KIND_SECTIONS[record["kind"]]]
        )
        report.events.append(event)
        if "ref" in record:
            proposals[record["ref"]] = event

        for slug, role in record["participants"]:
            key = {"event": event, "actor": actors[slug], "role": role}
            _upsert(Participant, key, key, tallies["Participants"])
        for citation in record["citations"]:
            key = {"event": event, "source": source, "quote": citation["quote"]}
            speaker, via = citation.get("speaker"), citation.get("via")
            _upsert(
                Citation,
                key,
                {
                    **key,
                    "speaker": actors[speaker] if speaker else None,
                    "via": actors[via] if via else None,
                },
                tallies["Citations"],
            )
        for place in record.get("locations", []):
            key = {"event": event, "name": place["name"]}
            _upsert(Location, key, {**key, **place}, tallies["Locations"])
        if isinstance(event, Meeting) and record.get("produced"):
            _add_missing(
                event.produced, [proposals[ref] for ref in record["produced"]], tallies["Links"]
            )
    done(
        "Proposals",
        "Responses",
        "Meetings",
        "Accusations",
        "Participants",
        "Citations",
        "Locations",
    )
    done("Links")

    report.source, report.conflict = source, conflict
    if log is not None:
        log(report.summary())
    return report
