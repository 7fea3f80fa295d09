"""``manage.py export [--output PATH]``: every record as JSON Lines (lib/backup.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from lib.backup import export_records


class Command(BaseCommand):
    help = (
        "Write every record (users, actors, conflicts, sources, events of every kind, their "
        "participants, citations and links, and every history row) as JSON Lines, one row a "
        "line, to stdout or --output. `manage.py import` reads it back into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="PATH", help="a file instead of stdout")
        parser.add_argument(
            "--chunk-size", type=int, default=2000, help="rows read at a time (default 2000)"
        )

    def handle(self, *args, **options):
        progress = self.stderr.write if options["verbosity"] > 0 else None
        started = time.monotonic()
        if options["output"]:
            try:
                out = open(options["output"], "w", encoding="utf-8")
            except OSError as error:
                raise CommandError(f"--output: {error}") from error
            with out:
                counts = export_records(out, chunk_size=options["chunk_size"], progress=progress)
        else:
            counts = export_records(
                self.stdout, chunk_size=options["chunk_size"], progress=progress
            )
        if progress:
            progress(
                f"Exported {sum(counts.values()):,} rows of {len(counts)} tables "
                f"in {time.monotonic() - started:.1f} s."
            )
