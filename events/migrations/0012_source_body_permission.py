"""The permission to read an article's full text through the API, given to the editorial
groups Editors and Reviewers (see events/groups.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from events.groups import EDITORS, REVIEWERS, SOURCE_BODY_CODENAME


def article_text(apps):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="events", codename=SOURCE_BODY_CODENAME
    )


def grant(apps, schema_editor):
    # Permissions are otherwise created only after the whole migrate run.
    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for group in apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, REVIEWERS]):
        group.permissions.add(*article_text(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, REVIEWERS]):
        group.permissions.remove(*article_text(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0011_published_list_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="source",
            options={
                "ordering": ["-published_at", "title"],
                "permissions": [("view_source_body", "Can read the full text of sources")],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
