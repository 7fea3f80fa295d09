"""Articles in by the hundred: sources from an RSS/Atom feed, JSON Lines or CSV file.

One function, ``import_sources``, serves ``manage.py import_sources`` and the sources' admin
upload (Import sources). Each row is saved in its own transaction through the model's own
validation (``Source.full_clean``), so a bad row is reported with its line (or feed entry)
number and every field's error while the others land. A row whose URL, once normalized
(``events.text.normalize_url``), is a stored source's or a merged duplicate's is "already
known" and left alone: importing the same file twice adds nothing.

Outlets are named by text and matched to actors of kind media by name or alias, ignoring
case. An outlet that names no actor becomes a new media actor (listed in the summary) when
the importer may add actors; otherwise the row is rejected naming the outlet.
"""

import csv
import datetime
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import feedparser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from actors.models import Actor

from .models import Source
from .text import html_to_text, normalize_url

# The columns of a CSV file and the keys of a JSON Lines object, in this order.
FIELDS = ("url", "title", "published_at", "body", "outlet", "language", "archive_url")
REQUIRED = ("url", "title")
FORMATS = ("rss", "atom", "jsonl", "csv")
FEED_FORMATS = {"rss", "atom"}
EXTENSIONS = {
    ".rss": "rss",
    ".xml": "rss",
    ".atom": "atom",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
HTML_TYPES = {"text/html", "application/xhtml+xml"}


class IntakeError(Exception):
    """The file itself cannot be read: nothing was imported."""


@dataclass
class Known:
    number: int
    url: str
    source: Source


@dataclass
class Rejected:
    number: int
    reason: str


@dataclass
class IntakeReport:
    """What an import did. ``unit`` says what the numbers count: a file's lines or a feed's
    entries (from 1)."""

    unit: str = "line"
    added: list[Source] = field(default_factory=list)
    known: list[Known] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    new_outlets: list[Actor] = field(default_factory=list)

    @property
    def units(self) -> str:
        return "entries" if self.unit == "entry" else f"{self.unit}s"

    @property
    def total(self) -> int:
        return len(self.added) + len(self.known) + len(self.rejected)


@dataclass
class Row:
    number: int
    values: dict | None = None
    error: str = ""


def sniff_format(name: str, data: bytes) -> str:
    """The format from the file name's extension, else from how its content starts."""
    by_extension = EXTENSIONS.get(os.path.splitext(name)[1].lower())
    if by_extension:
        return by_extension
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"<":
        return "rss"
    if start == b"{":
        return "jsonl"
    return "csv"


def import_sources(
    data: bytes,
    *,
    name: str = "",
    format: str | None = None,
    create_outlets: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> IntakeReport:
    """Import the sources in ``data`` (a file's bytes named ``name``; its ``format`` sniffed
    when None). Raises IntakeError only when the file itself cannot be read."""
    format = format or sniff_format(name, data)
    if format not in FORMATS:
        raise IntakeError(f"Unknown format “{format}”: use one of {', '.join(FORMATS)}.")
    if format in FEED_FORMATS:
        report, rows = IntakeReport(unit="entry"), read_feed(data)
    else:
        text = decode(data)
        report, rows = IntakeReport(), read_jsonl(text) if format == "jsonl" else read_csv(text)
    reason = f"Imported from {os.path.basename(name)}" if name else "Imported"
    outlets: dict[str, Actor] = {}
    for done, row in enumerate(rows, start=1):
        import_row(row, report, outlets, create_outlets=create_outlets, reason=reason)
        if progress is not None:
            progress(done, len(rows))
    return report


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IntakeError(
            f"The file is not UTF-8 text (byte {error.start + 1}): save it as UTF-8."
        ) from error


# -- reading each format into rows of FIELDS ----------------------------------------------


def read_jsonl(text: str) -> list[Row]:
    """One JSON object a line; blank lines are skipped."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values = json.loads(line)
        except json.JSONDecodeError as error:
            rows.append(Row(number, error=f"not valid JSON ({error.msg}, column {error.colno})"))
            continue
        if not isinstance(values, dict):
            rows.append(Row(number, error="not a JSON object ({…} with the fields as keys)"))
            continue
        rows.append(Row(number, values))
    return rows


def read_csv(text: str) -> list[Row]:
    """A header row naming the columns (FIELDS, any order; url and title required), then one
    article a row. Line numbers are the file's, so a cell with line breaks counts them."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as error:
        raise IntakeError(f"Line 1: the header row cannot be read ({error}).") from error
    columns = [column.strip().lower() for column in header]
    unknown = [column for column in columns if column not in FIELDS]
    missing = [column for column in REQUIRED if column not in columns]
    problems = []
    if unknown:
        problems.append(f"unknown column(s) {', '.join(repr(c) for c in unknown)}")
    if missing:
        problems.append(f"missing required column(s) {', '.join(missing)}")
    if problems:
        raise IntakeError(
            f"Line 1, the header: {'; '.join(problems)}. The columns are {', '.join(FIELDS)}."
        )
    rows = []
    while True:
        number = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            rows.append(Row(number, error=f"the row cannot be read ({error})"))
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            rows.append(
                Row(number, error=f"{len(cells)} cells for the header's {len(columns)} columns")
            )
            continue
        rows.append(Row(number, dict(zip(columns, cells, strict=False))))
    return rows


def read_feed(data: bytes) -> list[Row]:
    """An RSS or Atom feed's entries: title, link → url, published (else updated) →
    published_at, content (else summary) → body as text with its paragraphs, the entry's
    source or else the feed's title → outlet, the feed's language."""
    feed = feedparser.parse(data)
    if not feed.get("version") and not feed.entries:
        problem = feed.get("bozo_exception")
        raise IntakeError(f"Not an RSS or Atom feed{f' ({problem})' if problem else ''}.")
    outlet = feed.feed.get("title", "")
    language = (feed.feed.get("language") or "").split("-")[0].lower()
    rows = []
    for number, entry in enumerate(feed.entries, start=1):
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        contents = entry.get("content") or ([entry.summary_detail] if "summary" in entry else [])
        rows.append(
            Row(
                number,
                {
                    "url": entry.get("link", ""),
                    "title": feed_text(entry.get("title_detail"), entry.get("title", "")),
                    "published_at": (
                        datetime.datetime(*when[:6], tzinfo=datetime.UTC) if when else None
                    ),
                    "body": "\n\n".join(feed_text(c, c.get("value", "")) for c in contents),
                    "outlet": entry.get("source", {}).get("title") or outlet,
                    "language": language,
                },
            )
        )
    return rows


def feed_text(detail, value: str) -> str:
    return html_to_text(value) if detail and detail.get("type") in HTML_TYPES else value.strip()


# -- one row, one transaction ---------------------------------------------------------------


def import_row(
    row: Row, report: IntakeReport, outlets: dict, *, create_outlets: bool, reason: str
) -> None:
    def reject(reason: str) -> None:
        report.rejected.append(Rejected(row.number, reason))

    if row.error:
        return reject(row.error)
    unknown = [key for key in row.values if key not in FIELDS]
    if unknown:
        return reject(
            f"unknown field(s) {', '.join(repr(k) for k in unknown)}; the fields are "
            f"{', '.join(FIELDS)}"
        )
    values, errors = row_values(row.values)
    url = normalize_url(values.get("url", ""))
    known = url and Source.objects.filter(Q(url=url) | Q(merged__url=url)).first()
    if known:
        report.known.append(Known(row.number, url, known))
        return
    outlet_name = values.pop("outlet", "")
    source = Source(**values)
    source._change_reason = reason
    try:
        source.full_clean(exclude=["outlet", *errors])
    except ValidationError as error:
        errors.update(error.message_dict)
    outlet, outlet_error = find_outlet(outlet_name, outlets, create_outlets)
    if outlet_error:
        errors["outlet"] = [outlet_error]
    if errors:
        return reject(error_text(ValidationError(errors)))
    new_outlet = outlet is not None and outlet.pk is None
    try:
        with transaction.atomic():
            if new_outlet:
                outlet.save()
            source.outlet = outlet
            source.save()
    except IntegrityError as error:  # another import stored the same URL or name meanwhile
        if new_outlet:
            outlets.pop(outlet_name.lower(), None)
        return reject(f"not saved: {error}")
    if new_outlet:
        report.new_outlets.append(outlet)
    report.added.append(source)


def row_values(values: dict) -> tuple[dict, dict[str, list[str]]]:
    """The row's fields as Source takes them, and what is wrong with each bad one (left out)."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for name in FIELDS:
        value = values.get(name)
        if value is None:
            value = ""
        if name == "published_at" and not isinstance(value, datetime.datetime):
            try:
                value = parse_published(value.strip() if isinstance(value, str) else value)
            except ValueError as error:
                errors[name] = [str(error)]
                continue
        elif isinstance(value, str):
            value = value.strip()
        elif name != "published_at":
            errors[name] = ["must be text"]
            continue
        if name in REQUIRED and not value:
            errors[name] = ["required"]
            continue
        cleaned[name] = value
    cleaned["language"] = cleaned.get("language") or "en"
    return cleaned, errors


def parse_published(text) -> datetime.datetime | None:
    """An ISO 8601 date, or date and time (with or without a time zone; the site's when
    without). A date alone is midnight, as in the admin's form."""
    if not text:
        return None
    if not isinstance(text, str):
        raise ValueError("must be text: a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM")
    try:
        when = parse_datetime(text)
        if when is None:
            day = parse_date(text)
            when = day and datetime.datetime.combine(day, datetime.time())
    except ValueError:
        when = None
    if when is None:
        raise ValueError(
            f"“{text}” is not a date: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM, optionally "
            "with a time zone (Z, +02:00)"
        )
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def find_outlet(name: str, outlets: dict, create: bool) -> tuple[Actor | None, str]:
    """The media actor ``name`` names (by name or alias, ignoring case), or a new unsaved one
    when ``create``; else why not. Looked up once an import per name."""
    if not name:
        return None, ""
    key = name.lower()
    if key not in outlets:
        outlets[key] = Actor.objects.matching_name(name).first()
    actor = outlets[key]
    if actor is None:
        if not create:
            return None, (
                f"“{name}” names no actor: add it as a media actor first (you may not add "
                "actors), or leave the outlet blank."
            )
        actor = Actor(name=name, kind=Actor.Kind.MEDIA)
        try:
            actor.full_clean()
        except ValidationError as error:
            return None, f"“{name}” cannot be a new media actor: {error_text(error)}"
        outlets[key] = actor
    elif actor.kind != Actor.Kind.MEDIA:
        return None, f"“{name}” is {actor.name}, a {actor.get_kind_display().lower()}, not media."
    return actor, ""


def error_text(error: ValidationError) -> str:
    """Every message, each after the field it is about: "title: Ensure …; url: …"."""
    if not hasattr(error, "error_dict"):
        return "; ".join(error.messages)
    order = {name: index for index, name in enumerate(FIELDS)}
    return "; ".join(
        f"{name}: {message}" if name != "__all__" else message
        for name, messages in sorted(error.message_dict.items(), key=lambda i: order.get(i[0], 99))
        for message in messages
    )
