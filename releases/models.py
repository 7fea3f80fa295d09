"""Citable releases: the published data frozen under a version (``manage.py make_release``).

A release is made once and never changes: its row refuses to be saved with other values or
deleted, and its files (one directory per version under ``RELEASES_ROOT``) are written once.
"""

import re
from pathlib import Path

from django.conf import settings
from django.db import models

# CalVer: the year and the release's number within it, 2026.1, 2026.2, … 2026.10.
VERSION_PATTERN = r"[0-9]{4}\.[1-9][0-9]*"


class ReleaseIsImmutable(Exception):
    """A made release is changed or deleted."""


def parse_version(version: str) -> tuple[int, int]:
    """``"2026.10"`` → ``(2026, 10)``, ordered as versions are; ValueError naming the problem."""
    if not re.fullmatch(VERSION_PATTERN, version):
        raise ValueError(
            f"The version must be YEAR.NUMBER, such as 2026.1 (a four-digit year, a number "
            f"from 1 without leading zeros), not {version!r}."
        )
    year, number = version.split(".")
    return int(year), int(number)


class ReleaseQuerySet(models.QuerySet):
    def delete(self):
        raise ReleaseIsImmutable("Releases are never deleted.")

    def update(self, **kwargs):
        raise ReleaseIsImmutable("Releases are never changed.")

    def latest_made(self):
        """The last release made (the highest version: each is greater than the one before)."""
        return self.order_by("-created_at", "-id").first()


class Release(models.Model):
    version = models.CharField(max_length=20, unique=True)
    created_at = models.DateTimeField(help_text="When the data was read (the snapshot).")
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The release before this one; its changelog is against it.",
    )
    manifest = models.JSONField(help_text="manifest.json: counts, files and their digests.")
    files = models.JSONField(
        help_text="Every file of the release directory, manifest.json included: name, bytes, "
        "sha256."
    )

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(version__regex=rf"^{VERSION_PATTERN}$"),
                name="release_version_calver",
                violation_error_message="The version must be YEAR.NUMBER, such as 2026.1.",
            )
        ]

    def __str__(self):
        return self.version

    def save(self, *args, **kwargs):
        if not self._state.adding:
            names = [field.attname for field in self._meta.concrete_fields]
            stored = type(self).objects.filter(pk=self.pk).values(*names).first()
            if stored is not None and stored != {name: getattr(self, name) for name in names}:
                raise ReleaseIsImmutable(f"Release {stored['version']} cannot be changed.")
            if stored is not None:
                return  # unchanged: nothing to write
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReleaseIsImmutable(f"Release {self.version} cannot be deleted.")

    @property
    def directory(self) -> Path:
        return Path(settings.RELEASES_ROOT) / self.version

    def file(self, name: str) -> dict | None:
        """The entry of the file ``name`` (name, bytes, sha256), or None when the release has
        no such file."""
        return next((entry for entry in self.files if entry["name"] == name), None)
