"""``manage.py import_sources FILE``: articles from an RSS/Atom feed, JSON Lines or CSV file."""

import sys

from django.core.management.base import BaseCommand, CommandError

from events.intake import FIELDS, FORMATS, IntakeError, IntakeReport, import_sources


class Command(BaseCommand):
    help = (
        "Import sources (articles) from an RSS or Atom feed file, JSON Lines (one object a "
        f"line) or CSV (a header row; columns {', '.join(FIELDS)}; url and title required). "
        "Articles already stored (by normalized URL) are left alone; a bad row is reported "
        "with its line and the others still land. An outlet that names no actor becomes a new "
        "media actor. Exits non-zero only when the file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="The file's format; by default taken from its extension, else its content.",
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        show = options["verbosity"] > 0
        try:
            report = import_sources(
                data,
                name=path,
                format=options["format"],
                progress=Progress(self.stderr._out) if show else None,
            )
        except IntakeError as error:
            raise CommandError(f"{path}: {error}") from error
        if show:
            self.print_summary(report)

    def print_summary(self, report: IntakeReport) -> None:
        unit = report.unit
        self.stdout.write(
            f"{len(report.added)} added, {len(report.known)} already known, "
            f"{len(report.rejected)} rejected (of {report.total} {report.units})."
        )
        if report.new_outlets:
            names = ", ".join(actor.name for actor in report.new_outlets)
            self.stdout.write(f"New media actors for outlets: {names}.")
        for known in report.known:
            self.stdout.write(
                f"{unit} {known.number}: already known as source {known.source.pk} ({known.url})."
            )
        for rejected in report.rejected:
            self.stdout.write(self.style.ERROR(f"{unit} {rejected.number}: {rejected.reason}"))


class Progress:
    """A bar redrawn in place on a terminal; elsewhere (a log, CI) a line at each tenth."""

    WIDTH = 30

    def __init__(self, out=None):
        self.out = out or sys.stderr
        self.tty = hasattr(self.out, "isatty") and self.out.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        if self.tty:
            filled = self.WIDTH * done // total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.out.write(f"\rImporting [{bar}] {done}/{total}")
            if done == total:
                self.out.write("\n")
        else:
            tenth = 10 * done // total
            if tenth > self.shown:
                self.shown = tenth
                self.out.write(f"  Imported {done} of {total} rows…\n")
        self.out.flush()
