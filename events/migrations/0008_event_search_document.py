"""One search document per event for the API's ``q`` (events.search).

Adds ``Event.search_document``, fills it for every existing event, and on PostgreSQL indexes
its ``to_tsvector('english', …)`` with GIN, the expression the filter uses. The per-table
indexes of migration 0004 (titles and summaries, quotes), which nothing else uses, are dropped.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

OLD_INDEXES = [
    ("event", "event_search_gin", ("title", "summary")),
    ("citation", "citation_quote_search_gin", ("quote",)),
]
DOCUMENT_INDEX = ("event", "event_document_search_gin", ("search_document",))


def _index(name, fields):
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector(*fields, config="english"), name=name)


def fill_documents(apps, schema_editor):
    from events.search import document_expression

    models_ = {
        "Citation": apps.get_model("events", "Citation"),
        "Participant": apps.get_model("events", "Participant"),
        "Response": apps.get_model("events", "Response"),
        "ActorAlias": apps.get_model("actors", "ActorAlias"),
    }
    Event = apps.get_model("events", "Event")
    Event.objects.update(search_document=document_expression(models_))


def _swap(apps, schema_editor, add, remove):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, name, fields in remove:
        schema_editor.remove_index(apps.get_model("events", model_name), _index(name, fields))
    for model_name, name, fields in add:
        schema_editor.add_index(apps.get_model("events", model_name), _index(name, fields))


def index_documents(apps, schema_editor):
    _swap(apps, schema_editor, add=[DOCUMENT_INDEX], remove=OLD_INDEXES)


def index_tables(apps, schema_editor):
    _swap(apps, schema_editor, add=OLD_INDEXES, remove=[DOCUMENT_INDEX])


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0003_unambiguous_names_triggers"),
        ("events", "0007_conflict_slug_from_name"),
    ]

    operations = [
        # A plain ADD COLUMN: SQLite's rebuild of the table would trip the triggers of
        # migration 0002 that read it.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="event",
                    name="search_document",
                    field=models.TextField(blank=True, default="", editable=False),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE events_event ADD COLUMN search_document text NOT NULL DEFAULT ''",
                    "ALTER TABLE events_event DROP COLUMN search_document",
                ),
            ],
        ),
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
        migrations.RunPython(index_documents, index_tables),
    ]
