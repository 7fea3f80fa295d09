from django.apps import AppConfig


class FrontConfig(AppConfig):
    """The public pages: conflicts, their charts and timelines (published records only)."""

    name = "front"
    verbose_name = "Public pages"
