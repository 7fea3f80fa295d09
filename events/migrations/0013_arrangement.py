"""A proposal's ``arrangement`` (unilateral, bilateral, multilateral; blank: not coded), as the
ETH/PRIO ceasefire dataset classes a ceasefire, replaces the flag ``unilateral``.

A flag set becomes ``unilateral``. A flag not set said only "not declared by one side": an
offer, an agreement of two sides or of more, or a record nobody coded; nothing in the row tells
them apart, so it becomes blank (not coded) and the editor codes it from the article. The
versions in the history are carried the same way, so that an old version restores with its
arrangement. Backwards, ``unilateral`` is set exactly where the arrangement is unilateral.
"""

from django.db import migrations, models


def arrangement() -> models.CharField:
    return models.CharField(
        blank=True,
        choices=[
            ("unilateral", "Unilateral"),
            ("bilateral", "Bilateral"),
            ("multilateral", "Multilateral"),
        ],
        help_text="Unilateral: declared by one side; bilateral or multilateral: agreed (or "
        "offered to be agreed) between two or more sides. Blank when the article does not say.",
        max_length=15,
    )


MODELS = ["proposal", "historicalproposal"]


def flag_to_arrangement(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("events", name)
        model.objects.filter(unilateral=True).update(arrangement="unilateral")


def arrangement_to_flag(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("events", name)
        model.objects.filter(arrangement="unilateral").update(unilateral=True)


class Migration(migrations.Migration):
    dependencies = [("events", "0012_source_body_permission")]

    operations = [
        *(
            migrations.AddField(model_name=name, name="arrangement", field=arrangement())
            for name in MODELS
        ),
        migrations.RunPython(flag_to_arrangement, arrangement_to_flag),
        *(migrations.RemoveField(model_name=name, name="unilateral") for name in MODELS),
    ]
