"""``manage.py score_suggestions GOLD.json``: recall and precision of the suggested records and
actors against a gold file (README: "Scoring the suggestions")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.demo.loader import DemoDataError, load_demo
from events.suggest.score import GoldError, missing_actors, read_gold, report, score_gold


class Command(BaseCommand):
    help = (
        "Score the suggested records and actors against a gold file: recall and precision "
        "overall and by kind. Nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("gold", help="The gold file (JSON), e.g. events/demo/seed_gold.json.")
        parser.add_argument(
            "--load-demo",
            action="store_true",
            help="Load the demo data first (its actors), within the scoring's transaction: "
            "rolled back with it.",
        )
        parser.add_argument(
            "--details",
            action="store_true",
            help="Also list the gold records missed and the suggestions matching none.",
        )

    def handle(self, *args, **options):
        path = Path(options["gold"])
        try:
            articles = read_gold(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text.") from error
        except GoldError as error:
            raise CommandError(f"{path}: {error}") from error
        with transaction.atomic():
            if options["load_demo"]:
                try:
                    load_demo()
                except DemoDataError as error:
                    raise CommandError(str(error)) from error
            missing = missing_actors(articles)
            if missing:
                raise CommandError(
                    f"The gold names actors the database does not have: {', '.join(missing)}. "
                    "Run `python manage.py load_demo` first (for the seed's gold), or pass "
                    "--load-demo."
                )
            score = score_gold(articles)
            transaction.set_rollback(True)
        records = sum(len(article["records"]) for article in articles)
        self.stdout.write(f"{len(articles)} article(s), {records} gold record(s).")
        for line in report(score, verbose=options["details"]):
            self.stdout.write(line)
