"""Indexes for the admin's proposal pickers (events.pickers), PostgreSQL only.

A term typed in a proposal picker matches titles by substring (``title__icontains``, which
PostgreSQL runs as ``UPPER(title) LIKE UPPER('%term%')``): a trigram GIN index on the same
expression finds the matches without reading the table. Only the proposals' rows are indexed
(the pickers filter on the kind). Other databases search by substring and get no index.
"""

from django.db import migrations

EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"


def _index():
    from django.contrib.postgres.indexes import GinIndex, OpClass
    from django.db.models import Q
    from django.db.models.functions import Upper

    return GinIndex(
        OpClass(Upper("title"), name="gin_trgm_ops"),
        condition=Q(kind="proposal"),
        name="event_proposal_title_trgm",
    )


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(EXTENSION)
    schema_editor.add_index(apps.get_model("events", "event"), _index())


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other indexes may use it.
    schema_editor.remove_index(apps.get_model("events", "event"), _index())


class Migration(migrations.Migration):
    dependencies = [("events", "0020_agreement_checks_as_equalities")]

    operations = [migrations.RunPython(forward, reverse)]
