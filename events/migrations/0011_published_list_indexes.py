import django.db.models.deletion
from django.db import migrations, models

# The foreign keys' db_index made these indexes; a composite now covers each (the unique
# (event, actor, role) and response_responder). Dropped by name: an AlterField would make
# SQLite rebuild the tables, which the triggers of 0006 refer to.
UNINDEXED = [("participant", "event"), ("response", "responder")]


def index_name(apps, schema_editor, model_name, field_name):
    model = apps.get_model("events", model_name)
    table = model._meta.db_table
    column = model._meta.get_field(field_name).column
    return table, column, schema_editor._create_index_name(table, [column], suffix="")


def drop_field_indexes(apps, schema_editor):
    for model_name, field_name in UNINDEXED:
        _, _, name = index_name(apps, schema_editor, model_name, field_name)
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_field_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for model_name, field_name in UNINDEXED:
        table, column, name = index_name(apps, schema_editor, model_name, field_name)
        schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0003_unambiguous_names_triggers"),
        ("events", "0010_indexes_without_like_twins"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="participant",
                    name="event",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participants",
                        to="events.event",
                    ),
                ),
                migrations.AlterField(
                    model_name="response",
                    name="responder",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="responses",
                        to="actors.actor",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_field_indexes, create_field_indexes),
            ],
        ),
        migrations.RemoveIndex(model_name="participant", name="participant_actor_role"),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(fields=["actor", "role", "event"], name="participant_actor_role"),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(fields=["responder", "event_ptr"], name="response_responder"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("editorial_status", "published")),
                fields=["-date", "-id"],
                name="event_published_date",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("editorial_status", "published")),
                fields=["conflict", "-date", "-id", "kind"],
                name="event_published_conflict",
            ),
        ),
    ]
