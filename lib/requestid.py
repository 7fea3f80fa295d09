"""Request ids: every response carries ``X-Request-ID`` and every log record of its request
names it, so a client's report ("request 4f3a… failed") finds the server's lines.

The id is the incoming ``X-Request-ID`` when it is a sane token (what a proxy or a load
balancer in front already assigned: letters, digits and ``._:-``, at most 128 characters),
else a new random one.
"""

import logging
import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
SANE_TOKEN = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being handled in this thread or task, None outside one."""
    return _current.get()


def request_id_for(request) -> str:
    """The incoming id when it is a sane token, else a new one."""
    incoming = request.META.get(META_KEY, "")
    if SANE_TOKEN.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        token = _current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request), for the log format.

    Django logs a 4xx or 5xx response (``django.request``) after the middleware has returned,
    with the request in the record: its id is read from there."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = _current.get() or getattr(request, "request_id", None) or "-"
        return True
