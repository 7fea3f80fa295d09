"""How a release is cited: CITATION.cff (Citation File Format 1.2.0) and one line of text,
both from the settings ``RELEASE_TITLE``, ``RELEASE_AUTHORS``, ``RELEASE_SITE_URL`` and
``RELEASE_REPOSITORY_URL`` at the time the release is made."""

import datetime

import yaml
from django.conf import settings
from django.urls import reverse


def release_url(version: str) -> str:
    """The release's public address (its detail in the API)."""
    return settings.RELEASE_SITE_URL + reverse("release-detail", args=[version])


def cff_author(name: str) -> dict:
    """``"Family, Given"`` is a person; anything else names an organization (an entity)."""
    family, comma, given = name.partition(",")
    if comma and family.strip() and given.strip():
        return {"family-names": family.strip(), "given-names": given.strip()}
    return {"name": name}


def citation_cff(version: str, released: datetime.date) -> str:
    document = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": settings.RELEASE_TITLE,
        "version": version,
        "date-released": released,
        "authors": [cff_author(name) for name in settings.RELEASE_AUTHORS],
        "url": release_url(version),
    }
    if settings.RELEASE_REPOSITORY_URL:
        document["repository-code"] = settings.RELEASE_REPOSITORY_URL
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def citation_text(version: str, released: datetime.date) -> str:
    """``Authors (year). Title (Version 2026.1) [Data set]. URL``"""
    authors = "; ".join(settings.RELEASE_AUTHORS)
    return (
        f"{authors} ({released.year}). {settings.RELEASE_TITLE} (Version {version}) "
        f"[Data set]. {release_url(version)}"
    )
