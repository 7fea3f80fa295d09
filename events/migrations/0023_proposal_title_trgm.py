"""The proposal pickers' index (events.pickers), PostgreSQL only.

A term typed in a proposal picker matches titles by substring (``__icontains``, which
PostgreSQL runs as ``UPPER(title) LIKE UPPER('%term%')``): a trigram GIN index on the same
expression, over the proposals' rows only (the pickers filter on the kind), finds the matches
without reading the table. The sources' pickers use the indexes of migrations 0021 and 0022.
Other databases search by substring and get no index.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models import Q
from django.db.models.functions import Upper

INDEX = GinIndex(
    OpClass(Upper("title"), name="gin_trgm_ops"),
    condition=Q(kind="proposal"),
    name="event_proposal_title_trgm",
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("events", "event"), INDEX)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("events", "event"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("events", "0022_source_published_at_index")]

    operations = [migrations.RunPython(forward, reverse)]
