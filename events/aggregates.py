"""The analysts' aggregates of a conflict's published events: counts by kind and month, and the
accusation matrix (accuser × accused). The API (``conflicts/<slug>/counts/`` and
``accusation-matrix/``) and the conflict's public page show these same numbers.

Both describe the public record, for every reader alike: published events only, those any part
of whose dated period lies within [after, before] (what the lists' ``date_after`` and
``date_before`` match). Each body is kept in the shared cache under the data version
(lib/dataversion.py), so every reader and process reuses it until any write of curated data.
"""

import datetime
from collections import Counter

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth

from lib.dataversion import cached

from .models import Conflict, Event, Participant


def _published(conflict: Conflict, after: datetime.date | None, before: datetime.date | None):
    return Event.objects.filter(conflict=conflict).published().overlapping(after, before)


def _cached(name: str, conflict: Conflict, after, before, compute) -> dict:
    return cached(
        f"aggregate:{name}",
        (conflict.pk, after, before),
        lambda: compute(conflict, after, before),
        settings.AGGREGATE_CACHE_SECONDS,
    )


def kind_month_counts(
    conflict: Conflict, after: datetime.date | None = None, before: datetime.date | None = None
) -> dict:
    """``{"conflict": slug, "counts": [{"month": "YYYY-MM", "kind", "count"}, …]}``, months
    and kinds in order, only the cells with events. An event counts in the month of its
    ``date`` (the start of its dated period: a month-precision event in that month, a
    year-precision one in January, talks over several days in the month they began)."""
    return _cached("counts", conflict, after, before, _kind_month_counts)


def _kind_month_counts(conflict, after, before) -> dict:
    rows = (
        _published(conflict, after, before)
        .annotate(month=TruncMonth("date"))
        .values("month", "kind")
        .annotate(count=Count("id"))
        .order_by("month", "kind")
    )
    counts = [
        {"month": row["month"].strftime("%Y-%m"), "kind": row["kind"], "count": row["count"]}
        for row in rows
    ]
    return {"conflict": conflict.slug, "counts": counts}


def accusation_matrix(
    conflict: Conflict, after: datetime.date | None = None, before: datetime.date | None = None
) -> dict:
    """``{"conflict", "accusers": [slug…], "accused": [slug…], "matrix": [{"accuser",
    "accused", "count"}, …]}``: how many accusations name each accuser and accused (an
    accusation by two accusers counts once for each pair)."""
    return _cached("accusation_matrix", conflict, after, before, _accusation_matrix)


def _accusation_matrix(conflict, after, before) -> dict:
    accusations = _published(conflict, after, before).filter(kind=Event.Kind.ACCUSATION)
    rows = Participant.objects.filter(
        event__in=accusations, role__in=[Participant.Role.ACCUSER, Participant.Role.ACCUSED]
    ).values_list("event_id", "role", "actor__slug")
    by_event: dict[int, dict[str, list[str]]] = {}
    for event_id, role, slug in rows:
        by_event.setdefault(event_id, {"accuser": [], "accused": []})[role].append(slug)
    pairs = Counter(
        (accuser, accused)
        for roles in by_event.values()
        for accuser in roles["accuser"]
        for accused in roles["accused"]
    )
    return {
        "conflict": conflict.slug,
        "accusers": sorted({a for a, _ in pairs}),
        "accused": sorted({b for _, b in pairs}),
        "matrix": [{"accuser": a, "accused": b, "count": n} for (a, b), n in sorted(pairs.items())],
    }
