"""The editorial groups: Editors create and edit drafts, submit them for review and delete
their own unpublished drafts; Reviewers also publish, retract and delete. Both read the
articles' full text (``events.view_source_body``), which the public API does not show.

Created by migration 0003 and kept complete after every ``migrate`` and ``flush`` through the
post_migrate signal, so that permissions of models added later reach the groups too.
"""

CURATED = {
    "actors": ["actor", "actoralias", "affiliation"],
    "events": [
        "conflict",
        "conflictparty",
        "conflictdyad",
        "source",
        "proposal",
        "response",
        "meeting",
        "violationaccusation",
        "participant",
        "citation",
        "location",
    ],
}
# Editors remove rows of a record they edit (an alias, a participant, a citation, a location),
# and their own drafts: events.services.may_delete narrows the kinds' delete permission to those.
EDITOR_DELETES = {
    "actoralias",
    "participant",
    "citation",
    "location",
    "conflictparty",
    "conflictdyad",
    "proposal",
    "response",
    "meeting",
    "violationaccusation",
}
EDITORS, REVIEWERS = "Editors", "Reviewers"
# Source.Meta.permissions: reading an article's full text through the API.
SOURCE_BODY_CODENAME = "view_source_body"


def ensure_editorial_groups(apps) -> None:
    """Create the groups when missing and give them their permissions (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(app_label, model, actions):
        return Permission.objects.filter(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    for app_label, models in CURATED.items():
        for model in models:
            editor_actions = ["add", "change", "view"]
            if model in EDITOR_DELETES:
                editor_actions.append("delete")
            editors.permissions.add(*perms(app_label, model, editor_actions))
            reviewers.permissions.add(*perms(app_label, model, ["add", "change", "view", "delete"]))
    editors.permissions.add(*perms("events", "event", ["view"]))
    reviewers.permissions.add(*perms("events", "event", ["view", "publish"]))
    article_text = Permission.objects.filter(
        content_type__app_label="events", codename=SOURCE_BODY_CODENAME
    )
    editors.permissions.add(*article_text)
    reviewers.permissions.add(*article_text)
