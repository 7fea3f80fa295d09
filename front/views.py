"""Public pages. They show what the public API shows: published events only, and nothing to
anyone when API_READ_REQUIRES_TOKEN (then a reader signs in first)."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from events.models import Conflict, Event

from .charts import conflict_charts
from .links import api_list, public


@public
def conflict_list(request):
    conflicts = Conflict.objects.annotate(
        published=Count("events", filter=Q(events__editorial_status=Event.Status.PUBLISHED))
    ).order_by("name")
    return render(request, "front/conflict_list.html", {"conflicts": conflicts})


@public
def conflict_detail(request, slug):
    conflict = get_object_or_404(Conflict, slug=slug)
    events = Event.objects.published().filter(conflict=conflict)
    by_kind = dict(events.values_list("kind").annotate(n=Count("id")).order_by())
    kinds = [
        {
            "label": label,
            "count": by_kind.get(kind, 0),
            "url": api_list("events", conflict=conflict.slug, kind=kind),
        }
        for kind, label in Event.Kind.choices
    ]
    context = {
        "conflict": conflict,
        "parties": list(conflict.parties.order_by("name")),
        "kinds": kinds,
        "total": sum(by_kind.values()),
        "events_url": api_list("events", conflict=conflict.slug),
        "csv_url": api_list("events", conflict=conflict.slug, format="csv"),
        "feed_url": api_list("events/feed.atom", conflict=conflict.slug),
        "charts": conflict_charts(conflict, request.GET),
    }
    return render(request, "front/conflict_detail.html", context, status=context["charts"].status)
