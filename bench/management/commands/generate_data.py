"""``manage.py generate_data --events 1000000``: a realistic synthetic database, fast."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.load import Progress, holds_data, load


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Fill a PostgreSQL database whose name contains 'bench' with synthetic conflicts, "
        "actors (aliases, affiliations), articles and events of every kind that keep the "
        "models' rules, written with COPY. The same seed and sizes give the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=positive, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--conflicts", type=positive, default=50)
        parser.add_argument("--actors", type=positive, default=5000, help="At least 60.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty the curated tables (TRUNCATE) of a database that already holds data.",
        )
        parser.add_argument(
            "--allow-any-database",
            action="store_true",
            help="Also fill a database whose name lacks 'bench' (the test suite's).",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                f"generate_data writes with PostgreSQL's COPY; this database is "
                f"{connection.vendor}. Point DATABASE_URL at a PostgreSQL database."
            )
        name = connection.settings_dict["NAME"]
        if "bench" not in name and not options["allow_any_database"]:
            raise CommandError(
                f"The database {name!r} has no 'bench' in its name: generate_data fills "
                "only a benchmark database (e.g. tracker_bench)."
            )
        if not options["replace"] and holds_data():
            raise CommandError(
                f"The database {name!r} already holds actors, sources or events: pass "
                "--replace to empty them first."
            )
        if options["actors"] < 60:
            raise CommandError("--actors must be at least 60 (every kind needs some).")
        show = options["verbosity"] > 0
        report = load(
            options["events"],
            seed=options["seed"],
            conflicts=options["conflicts"],
            actors=options["actors"],
            replace=options["replace"],
            progress=Progress(self.stderr._out) if show else None,
        )
        if show:
            for table, count in sorted(report.rows.items()):
                self.stdout.write(f"{table:<30} {count:>12,}")
            phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items())
            self.stdout.write(
                f"{report.events:,} events in {report.seconds:.1f} s ({phases}): "
                f"{report.events_per_second:,.0f} events/s."
            )
