"""The page a locked-out login gets (django-axes' ``AXES_LOCKOUT_CALLABLE``).

Logins to the admin and to the browsable API (``/api-auth/login/``) are the ones that check a
password; after ``LOGIN_FAILURE_LIMIT`` failures in a row for one username from one address,
both refuse that username from that address for ``LOGIN_COOLOFF_MINUTES``.
"""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


def cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message(username: str) -> str:
    minutes = cool_off_seconds() // 60
    return (
        f"Too many failed logins: {settings.AXES_FAILURE_LIMIT} in a row for “{username}” from "
        f"your address. Logins as “{username}” from your address are refused for "
        f"{minutes} minute{'s' if minutes != 1 else ''}, counted from the last attempt: wait, "
        "then try again. An administrator can lift the lock sooner (Axes › Access attempts "
        "in the admin)."
    )


def lockout_response(request, original_response=None, credentials=None):
    """429 with the message and ``Retry-After``: each attempt during the lockout starts the
    wait again (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``), so the whole cool-off."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        **admin.site.each_context(request),
        "title": "Login locked",
        "message": lockout_message(username),
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(cool_off_seconds())
    return response
