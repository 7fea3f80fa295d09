"""The API's rate limits (DRF throttles) and the headers that tell a client where it stands.

An anonymous client is counted by its address (``client_ip``), a client with a token or a
signed-in session by its user: a token's user is the key, so every token and session of one
user share one budget. The rates are ``API_THROTTLE_RATES`` (``API_THROTTLE_ANON``,
``API_THROTTLE_USER``), read on each request; ``None`` switches a limit off. The counters live in
the default cache (Redis when ``REDIS_URL`` is set, shared by every process).

A request over the limit is a 429 with ``Retry-After`` (DRF's ``Throttled``); every response
that a limit counted carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (seconds until the oldest counted request leaves the window).
"""

import math

from django.conf import settings
from rest_framework import throttling


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``PROXY_COUNT`` reverse proxies the
    address the outermost of them saw, counted from the right of ``X-Forwarded-For`` (what a
    client writes on the left of it is not believed). Used by the throttles and the login
    lockout (``AXES_CLIENT_IP_CALLABLE``)."""
    proxies = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if proxies and addresses:
        return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR")


class RateThrottle(throttling.SimpleRateThrottle):
    """A sliding window of ``API_THROTTLE_RATES[scope]``; ``applies`` says whose requests it
    counts."""

    def __init__(self):
        # Read per request (DRF reads its rates once, at import): a changed setting applies.
        self.rate = settings.API_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.rate or (None, None)
        self.history = None

    def applies(self, request) -> bool:
        raise NotImplementedError

    def ident(self, request) -> str:
        raise NotImplementedError

    def get_cache_key(self, request, view):
        if not self.applies(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.ident(request)}

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if self.history is not None:
            # Counted: the state for the response's headers (lib.throttling's middleware).
            request._request.rate_limit = self.state(allowed)
        return allowed

    def state(self, allowed: bool) -> tuple[int, int, int]:
        """(limit, remaining, seconds until the oldest counted request leaves the window)."""
        reset = math.ceil(self.history[-1] + self.duration - self.now) if self.history else 0
        remaining = max(0, self.num_requests - len(self.history)) if allowed else 0
        return self.num_requests, remaining, max(0, reset)


class AnonRateThrottle(RateThrottle):
    """Clients without credentials, by address (``API_THROTTLE_ANON``)."""

    scope = "anon"

    def applies(self, request) -> bool:
        return not request.user.is_authenticated

    def ident(self, request) -> str:
        return str(client_ip(request))


class UserRateThrottle(RateThrottle):
    """Clients with a token or a session, by user (``API_THROTTLE_USER``)."""

    scope = "user"

    def applies(self, request) -> bool:
        return request.user.is_authenticated

    def ident(self, request) -> str:
        return str(request.user.pk)


class RateLimitHeadersMiddleware:
    """``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` on every response
    that a throttle counted (a 429 too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "rate_limit", None)
        if state is not None:
            limit, remaining, reset = state
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(reset)
        return response
