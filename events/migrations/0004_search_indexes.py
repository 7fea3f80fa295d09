"""GIN indexes for the API's full-text filter ``q`` (PostgreSQL only).

Built from the same expressions the filter uses (events.api.filters), so the planner can use
them. Other databases search by substring and get no index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEXES = [
    ("event", "event_search_gin", ("title", "summary")),
    ("citation", "citation_quote_search_gin", ("quote",)),
]


def _index(name, fields):
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector(*fields, config="english"), name=name)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, name, fields in INDEXES:
        schema_editor.add_index(apps.get_model("events", model_name), _index(name, fields))


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, name, fields in INDEXES:
        schema_editor.remove_index(apps.get_model("events", model_name), _index(name, fields))


class Migration(migrations.Migration):
    dependencies = [("events", "0003_editorial_groups")]

    operations = [migrations.RunPython(forward, reverse)]
