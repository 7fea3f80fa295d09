from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def _ensure_editorial_groups(sender, apps=global_apps, **kwargs):
    from .groups import ensure_editorial_groups

    ensure_editorial_groups(apps)


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events"

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)

        # After migrate and after flush (tests): the groups exist with every permission.
        post_migrate.connect(_ensure_editorial_groups, sender=self)
