"""The editorial groups: Editors create and edit drafts and submit them for review; Reviewers
also publish and retract."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED = {
    "actors": ["actor", "actoralias", "affiliation"],
    "events": [
        "conflict",
        "source",
        "proposal",
        "response",
        "meeting",
        "violationaccusation",
        "participant",
        "citation",
    ],
}
# Editors remove rows of a record they edit (an alias, a participant, a citation).
EDITOR_DELETES = {"actoralias", "participant", "citation"}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(app_label, model, actions):
        return Permission.objects.filter(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )

    editors, _ = Group.objects.get_or_create(name="Editors")
    reviewers, _ = Group.objects.get_or_create(name="Reviewers")
    for app_label, models in CURATED.items():
        for model in models:
            editor_actions = ["add", "change", "view"]
            if model in EDITOR_DELETES:
                editor_actions.append("delete")
            editors.permissions.add(*perms(app_label, model, editor_actions))
            reviewers.permissions.add(*perms(app_label, model, ["add", "change", "view", "delete"]))
    editors.permissions.add(*perms("events", "event", ["view"]))
    reviewers.permissions.add(*perms("events", "event", ["view", "publish"]))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Reviewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_response_same_conflict"),
        ("actors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
