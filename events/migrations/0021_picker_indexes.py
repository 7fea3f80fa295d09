"""Indexes for the admin's proposal and source pickers (events.pickers), PostgreSQL only.

A term typed in a picker matches titles (and a source's URL) by substring
(``__icontains``, which PostgreSQL runs as ``UPPER(field) LIKE UPPER('%term%')``): a trigram
GIN index on the same expression finds the matches without reading the table. Only the
proposals' rows of the events are indexed (the proposal pickers filter on the kind). Without
a term the sources are listed newest first: a B-tree index in that order reads the first page
without sorting them all. Other databases search by substring and get no index.
"""

from django.db import migrations

EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"


def _indexes():
    from django.contrib.postgres.indexes import GinIndex, OpClass
    from django.db.models import Index, Q
    from django.db.models.functions import Upper

    def trigram(field, **kwargs):
        return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), **kwargs)

    return [
        (
            "event",
            trigram("title", condition=Q(kind="proposal"), name="event_proposal_title_trgm"),
        ),
        ("source", trigram("title", name="source_title_trgm")),
        ("source", trigram("url", name="source_url_trgm")),
        ("source", Index(fields=["-published_at", "title"], name="source_newest")),
    ]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(EXTENSION)
    for model_name, index in _indexes():
        schema_editor.add_index(apps.get_model("events", model_name), index)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other indexes may use it.
    for model_name, index in _indexes():
        schema_editor.remove_index(apps.get_model("events", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("events", "0020_agreement_checks_as_equalities")]

    operations = [migrations.RunPython(forward, reverse)]
