"""What the public pages share: who may read them, and the API's URLs they link to."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.views.decorators.http import require_safe


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
