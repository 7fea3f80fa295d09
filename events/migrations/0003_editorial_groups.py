"""The editorial groups Editors and Reviewers (see events/groups.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from events.groups import EDITORS, REVIEWERS, ensure_editorial_groups


def create_groups(apps, schema_editor):
    # Permissions are otherwise created only after the whole migrate run.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_editorial_groups(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, REVIEWERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_response_same_conflict"),
        ("actors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
