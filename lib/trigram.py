"""Trigram GIN indexes for case-insensitive substring searches (PostgreSQL's ``pg_trgm``).

Django's ``icontains`` compares ``UPPER(column::text) LIKE UPPER('%word%')`` and ``iexact``
``UPPER(column::text) = UPPER('word')``: an index on ``UPPER(column)`` with ``gin_trgm_ops``
answers both (a bitmap index scan) for words of 3 characters or more. The indexes exist on
PostgreSQL only, outside the models' state: ``trigram_indexes`` is a migration's operation
that creates them there and does nothing elsewhere (SQLite searches without them).
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models.functions import Upper


def trigram_index(column: str, name: str) -> GinIndex:
    return GinIndex(OpClass(Upper(column), name="gin_trgm_ops"), name=name)


def trigram_indexes(app_label: str, indexes: list[tuple[str, str, str]]):
    """A RunPython creating (and on reverse dropping) the indexes ``(model, column, name)``
    of ``app_label`` on PostgreSQL."""

    def apply(apps, schema_editor, create):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name, column, name in indexes:
            model = apps.get_model(app_label, model_name)
            index = trigram_index(column, name)
            if create:
                schema_editor.add_index(model, index)
            else:
                schema_editor.remove_index(model, index)

    return migrations.RunPython(
        lambda apps, schema_editor: apply(apps, schema_editor, create=True),
        lambda apps, schema_editor: apply(apps, schema_editor, create=False),
    )
