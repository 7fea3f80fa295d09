"""The actors' list search through trigram indexes (lib/admin_search.py, lib/trigram.py): on
PostgreSQL, ``UPPER(column)`` with ``gin_trgm_ops`` for an actor's name, slug and Wikidata ID
and an alias's name. ``pg_trgm`` is installed by events' migration 0021."""

from django.db import migrations

from lib.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0004_actor_gw_code"),
        ("events", "0021_admin_search_trigram_indexes"),
    ]

    operations = [
        trigram_indexes(
            "actors",
            [
                ("actor", "name", "actor_name_trgm"),
                ("actor", "slug", "actor_slug_trgm"),
                ("actor", "wikidata_id", "actor_wikidata_id_trgm"),
                ("actoralias", "name", "actoralias_name_trgm"),
            ],
        ),
    ]
