"""``manage.py make_release 2026.1``: freeze the published data as a citable release."""

from django.core.management.base import BaseCommand, CommandError

from releases.build import ReleaseError, make_release


class Command(BaseCommand):
    help = (
        "Freeze the published data into release VERSION (YEAR.NUMBER, greater than the latest "
        "release's): the public exports gzipped, the codebook, the changelog against the "
        "previous release, CITATION.cff and manifest.json, under RELEASES_ROOT/VERSION."
    )

    def add_arguments(self, parser):
        parser.add_argument("version", help="YEAR.NUMBER, such as 2026.1")

    def handle(self, *args, version, **options):
        log = self.stdout.write if options["verbosity"] > 0 else None
        try:
            release = make_release(version, log=log)
        except ReleaseError as error:
            raise CommandError(str(error)) from error
        if log:
            counts = release.manifest["counts"]
            self.stdout.write(
                self.style.SUCCESS(
                    f"Release {release.version}: {counts['events']} events in {release.directory}"
                )
            )
