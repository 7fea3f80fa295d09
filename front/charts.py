"""The charts of a conflict's page: published events by kind and month (stacked bars drawn as
SVG on the server) and the accusation heat map (accusers × accused), over an optional period
(``from``/``to``). The numbers are events/aggregates.py's, those of the API's ``counts/`` and
``accusation-matrix/``; every bar segment and cell links to the API list of exactly the events
it counts.

No inline style anywhere (the Content Security Policy refuses ``style=`` and ``<style>``):
shapes take SVG geometry attributes and classes styled in front/static/front/charts.css.
"""

import datetime
import math
import re
from dataclasses import dataclass, field

from actors.models import Actor
from events.aggregates import accusation_matrix, kind_month_counts
from events.models import Conflict, Event

from .links import api_list

# Counted nouns of the tooltips ("April 2025: 3 accusations").
NOUNS = {
    Event.Kind.PROPOSAL: ("proposal", "proposals"),
    Event.Kind.RESPONSE: ("response", "responses"),
    Event.Kind.MEETING: ("meeting", "meetings"),
    Event.Kind.ACCUSATION: ("accusation", "accusations"),
}

# The heat map's shades: (CSS class, least count, legend); the first whose least count the
# cell reaches, from the top.
HEAT_BUCKETS = [
    ("heat-4", 10, "10 or more"),
    ("heat-3", 5, "5–9"),
    ("heat-2", 2, "2–4"),
    ("heat-1", 1, "1"),
]

# The monthly chart's geometry, in SVG user units (the SVG scales to the page's width).
PLOT_HEIGHT = 180
MARGIN_TOP = 12
MARGIN_LEFT = 40
MARGIN_RIGHT = 8
MARGIN_BOTTOM = 44
# A month's band: wide when there are few months, at least BAND; its bar, BAR_SHARE of it.
PLOT_WIDTH = 480
BAND = 26
MAX_BAND = 64
BAR_SHARE = 0.7


def counted(n: int, kind: str) -> str:
    singular, plural = NOUNS[kind]
    return f"{n} {singular if n == 1 else plural}"


@dataclass
class Period:
    """The period the charts cover, from the page's ``from`` and ``to`` (both optional,
    inclusive), and what is wrong with them, by parameter."""

    after: datetime.date | None = None
    before: datetime.date | None = None
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query) -> "Period":
        period = cls()
        dates = {}
        for name in ("from", "to"):
            text = query.get(name, "").strip()
            period.values[name] = text
            if not text:
                continue
            try:
                if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                    raise ValueError
                dates[name] = datetime.date.fromisoformat(text)
            except ValueError:
                period.errors[name] = f"“{name}”: enter a date as YYYY-MM-DD, not “{text}”."
        period.after, period.before = dates.get("from"), dates.get("to")
        if period.after and period.before and period.after > period.before:
            period.errors["to"] = (
                f"“to” ({period.before}) is before “from” ({period.after}): "
                "give a period that ends on or after its start."
            )
        return period

    @property
    def api_params(self) -> dict:
        """The API lists' filters matching the period (any part of an event's dated period
        within it, as the aggregates count)."""
        return {"date_after": self.after, "date_before": self.before}


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``first``'s to ``last``'s, every one."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def nice_step(top: int, ticks: int = 5) -> int:
    """A step of 1, 2 or 5 × 10ⁿ giving at most ``ticks`` steps up to ``top``."""
    raw = max(top / ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def monthly_chart(conflict: Conflict, period: Period) -> dict:
    """The stacked bars: one per month from the first month with events to the last (months
    without events drawn empty), one segment per kind, each linking to its events."""
    body = kind_month_counts(conflict, period.after, period.before)
    cells: dict[tuple[str, str], int] = {
        (row["month"], row["kind"]): row["count"] for row in body["counts"]
    }
    if not cells:
        return {"months": [], "kinds": [], "total": 0}
    keys = sorted({month for month, _ in cells})
    months = months_between(
        datetime.date.fromisoformat(f"{keys[0]}-01"), datetime.date.fromisoformat(f"{keys[-1]}-01")
    )
    highest = max(sum(cells.get((f"{m:%Y-%m}", k), 0) for k in Event.Kind) for m in months)
    step = nice_step(highest)
    top = math.ceil(highest / step) * step
    scale = PLOT_HEIGHT / top
    baseline = MARGIN_TOP + PLOT_HEIGHT
    label_every = next(k for k in (1, 2, 3, 6, 12) if len(months) / k <= 24)
    band = min(MAX_BAND, max(BAND, PLOT_WIDTH / len(months)))
    bar_width = round(band * BAR_SHARE, 2)

    bars = []
    for index, month in enumerate(months):
        key = f"{month:%Y-%m}"
        x = MARGIN_LEFT + index * band + (band - bar_width) / 2
        y, segments = baseline, []
        for kind in Event.Kind:
            n = cells.get((key, kind.value), 0)
            if not n:
                continue
            height = n * scale
            y -= height
            segments.append(
                {
                    "kind": kind.value,
                    "count": n,
                    "y": round(y, 2),
                    "height": round(height, 2),
                    "title": f"{month:%B %Y}: {counted(n, kind)}",
                    "url": api_list(
                        "events",
                        conflict=conflict.slug,
                        kind=kind.value,
                        month=key,
                        **period.api_params,
                    ),
                }
            )
        bars.append(
            {
                "month": key,
                "x": round(x, 2),
                "center": round(x + bar_width / 2, 2),
                "segments": segments,
                "label": f"{month:%b}" if (month.month - 1) % label_every == 0 else "",
                "year": f"{month:%Y}" if index == 0 or month.month == 1 else "",
            }
        )
    ticks = [
        {"value": value, "y": round(baseline - value * scale, 2)}
        for value in range(0, top + 1, step)
    ]
    width = round(MARGIN_LEFT + len(months) * band + MARGIN_RIGHT)
    return {
        "months": bars,
        "ticks": ticks,
        "kinds": [
            {"value": kind.value, "label": NOUNS[kind][1].capitalize()}
            for kind in Event.Kind
            if any(k == kind.value for _, k in cells)
        ],
        "total": sum(cells.values()),
        "width": width,
        "height": baseline + MARGIN_BOTTOM,
        "bar_width": bar_width,
        "left": MARGIN_LEFT,
        "right": width - MARGIN_RIGHT,
        "top": MARGIN_TOP,
        "baseline": baseline,
        "month_label_y": baseline + 16,
        "year_label_y": baseline + 32,
    }


def heat_class(n: int) -> str:
    return next((name for name, least, _ in HEAT_BUCKETS if n >= least), "heat-0")


def accusation_heatmap(conflict: Conflict, period: Period) -> dict:
    """Rows of accusers, columns of accused (by name), each cell its count, shade and link."""
    body = accusation_matrix(conflict, period.after, period.before)
    if not body["matrix"]:
        return {"rows": [], "columns": []}
    counts = {(cell["accuser"], cell["accused"]): cell["count"] for cell in body["matrix"]}
    names = dict(
        Actor.objects.filter(slug__in={*body["accusers"], *body["accused"]}).values_list(
            "slug", "name"
        )
    )

    def by_name(slugs):
        return sorted(
            ({"slug": s, "name": names.get(s, s)} for s in slugs), key=lambda a: a["name"]
        )

    columns = by_name(body["accused"])
    rows = [
        {
            "actor": accuser,
            "cells": [heat_cell(conflict, period, accuser, accused, counts) for accused in columns],
        }
        for accuser in by_name(body["accusers"])
    ]
    return {
        "rows": rows,
        "columns": columns,
        "buckets": [{"class": name, "label": label} for name, _, label in reversed(HEAT_BUCKETS)],
    }


def heat_cell(conflict, period, accuser: dict, accused: dict, counts: dict) -> dict:
    """One cell: its count, shade, tooltip and (when not empty) the link to its accusations."""
    n = counts.get((accuser["slug"], accused["slug"]))
    pair = f"{accuser['name']} accused {accused['name']}"
    if not n:
        return {"count": 0, "class": "heat-0", "title": f"{pair}: no accusation"}
    return {
        "count": n,
        "class": heat_class(n),
        "title": f"{pair}: {counted(n, Event.Kind.ACCUSATION)}",
        "url": api_list(
            "accusations",
            conflict=conflict.slug,
            accuser=accuser["slug"],
            accused=accused["slug"],
            **period.api_params,
        ),
    }


@dataclass
class Charts:
    """What front/charts.html shows, and the page's status (400 for a bad period)."""

    period: Period
    monthly: dict | None = None
    heatmap: dict | None = None

    @property
    def status(self) -> int:
        return 400 if self.period.errors else 200


def conflict_charts(conflict: Conflict, query) -> Charts:
    """The charts of ``conflict`` over the period of the page's query (none when it is bad)."""
    period = Period.from_query(query)
    if period.errors:
        return Charts(period)
    return Charts(period, monthly_chart(conflict, period), accusation_heatmap(conflict, period))
