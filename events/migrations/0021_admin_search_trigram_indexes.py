"""The admin lists' search through trigram indexes (lib/admin_search.py, lib/trigram.py).

Installs ``pg_trgm`` and, on PostgreSQL, indexes ``UPPER(column)`` with ``gin_trgm_ops`` for
what the events' and the sources' lists search: an event's search document, a source's title
and URL, a merged duplicate's URL.
"""

from django.db import migrations

from lib.trigram import trigram_indexes


def install_pg_trgm(apps, schema_editor):
    # Not TrigramExtension: reversed on SQLite, it looks the extension up in pg_extension.
    # Reversing keeps the extension: other indexes may use it.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0020_agreement_checks_as_equalities"),
    ]

    operations = [
        migrations.RunPython(install_pg_trgm, migrations.RunPython.noop),
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
