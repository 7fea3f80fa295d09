"""``manage.py load_demo``: the seed article and the records curated from it, safe to rerun."""

from django.core.management.base import BaseCommand, CommandError

from events.demo.loader import DemoDataError, load_demo


class Command(BaseCommand):
    help = (
        "Load the seed article and the proposals, responses, meetings and accusations an "
        "editor curated from it. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        log = self.stdout.write if options["verbosity"] > 0 else None
        try:
            load_demo(log=log)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
