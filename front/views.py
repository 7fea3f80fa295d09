"""Public pages. They show what the public API shows: published events only, and nothing to
anyone when API_READ_REQUIRES_TOKEN (then a reader signs in first)."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from events.models import Conflict, Event

from .charts import conflict_charts


def public(view):
    """A page anyone reads, unless reads need a signed-in user (API_READ_REQUIRES_TOKEN)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.API_READ_REQUIRES_TOKEN and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return require_safe(wrapped)


def api_list(path: str, **params) -> str:
    """The URL of an API list (or of a file named like one: ``events/feed.atom``, no trailing
    slash) with these filters, empty values left out."""
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    url = f"/api/v1/{path}" if "." in path else f"/api/v1/{path}/"
    return url + (f"?{query}" if query else "")


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
