"""``manage.py import PATH [--replace]``: the records of ``manage.py export``, same ids."""

import time

from django.core.management.base import BaseCommand, CommandError

from events.search import complete_imported_documents
from lib.backup import BackupError, import_records


class Command(BaseCommand):
    help = (
        "Insert every row of a file written by `manage.py export`, with its ids, in one "
        "transaction, into a migrated database that holds no records. A bad line fails the "
        "whole import, naming the line and the field; nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the JSON Lines file written by manage.py export")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete every exported table's rows (users included) first, in the same "
            "transaction, instead of refusing a database that holds records",
        )
        parser.add_argument(
            "--chunk-size", type=int, default=1000, help="rows inserted at a time (default 1000)"
        )

    def handle(self, *args, **options):
        progress = self.stderr.write if options["verbosity"] > 0 else None
        started = time.monotonic()
        try:
            counts = import_records(
                options["path"],
                replace=options["replace"],
                chunk_size=options["chunk_size"],
                progress=progress,
                # An export's search documents are as its code wrote them.
                after_load=complete_imported_documents,
            )
        except (BackupError, OSError) as error:
            raise CommandError(f"Nothing was imported: {error}") from error
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Imported {sum(counts.values()):,} rows of {len(counts)} tables "
                f"in {time.monotonic() - started:.1f} s."
            )
