"""A proposal's ``purposes``, a list (ETH/PRIO CF codes a ceasefire's purposes), replaces the
single ``purpose``.

A purpose set becomes a list of that one purpose, an empty one an empty list, in the table and
in its history, so that an old version restores with its purposes. Backwards, the first purpose
(in the choices' order) becomes ``purpose``: a proposal coded with several loses the others.
On PostgreSQL a GIN index serves the filter ``purpose=`` (any of several: ``?|``).
"""

from django.db import migrations, models

import events.models

MODELS = ["proposal", "historicalproposal"]
CHOICES = ["humanitarian", "peace_process", "holiday", "election", "other"]


def purposes_field() -> models.JSONField:
    return models.JSONField(
        blank=True,
        default=list,
        help_text="Why it was called, any of several: humanitarian, peace_process, holiday, "
        "election, other. Empty when the article does not say.",
        validators=[events.models.validate_purposes],
    )


def checked_now(schema_editor) -> None:
    """The rows' deferred foreign-key checks run now: PostgreSQL alters no table with checks
    of its updated rows pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def to_list(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("events", name)
        for purpose in CHOICES:
            model.objects.filter(purpose=purpose).update(purposes=[purpose])
    checked_now(schema_editor)


def to_one(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("events", name)
        # The first in the choices' order, as the list is stored.
        for purpose in reversed(CHOICES):
            model.objects.filter(purposes__icontains=f'"{purpose}"').update(purpose=purpose)
    checked_now(schema_editor)


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


CREATE_INDEX = "CREATE INDEX proposal_purposes ON events_proposal USING gin (purposes)"
DROP_INDEX = "DROP INDEX IF EXISTS proposal_purposes"


class Migration(migrations.Migration):
    dependencies = [("events", "0018_proposal_exact_times")]

    operations = [
        *(
            migrations.AddField(model_name=name, name="purposes", field=purposes_field())
            for name in MODELS
        ),
        migrations.RunPython(to_list, to_one),
        *(migrations.RemoveField(model_name=name, name="purpose") for name in MODELS),
        migrations.RunPython(on_postgresql(CREATE_INDEX), on_postgresql(DROP_INDEX)),
    ]
