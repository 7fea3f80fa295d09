"""The admin lists' search through trigram indexes (lib/admin_search.py, lib/trigram.py).

Installs ``pg_trgm`` and, on PostgreSQL, indexes ``UPPER(column)`` with ``gin_trgm_ops`` for
what the events' and the sources' lists search: an event's search document, a source's title
and URL, a merged duplicate's URL.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from lib.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0020_agreement_checks_as_equalities"),
    ]

    operations = [
        TrigramExtension(),
        trigram_indexes(
            "events",
            [
                ("event", "search_document", "event_search_document_trgm"),
                ("source", "title", "source_title_trgm"),
                ("source", "url", "source_url_trgm"),
                ("mergedsource", "url", "merged_source_url_trgm"),
            ],
        ),
    ]
