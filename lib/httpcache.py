"""HTTP caching of the API's reads.

An anonymous GET (or HEAD) of ``/api/`` gets ``ETag`` and ``Last-Modified`` derived from the
data version (lib/dataversion.py: changed by every write), the path, the query string and the
``Accept`` header, and ``Cache-Control: public, max-age=API_CACHE_MAX_AGE``; a conditional GET
whose ``If-None-Match`` (or else ``If-Modified-Since``) still holds is answered 304 before the
view runs: no query. A response that has its own ``ETag`` (a record's detail: its version, for
``If-Match``) keeps it and is answered 304 when that one matches. A response that says it is
``immutable`` (a release's file) keeps its own validators and ``Cache-Control``.

A signed-in reader (a session or a token) sees drafts and its own permissions' rows: its
responses are ``Cache-Control: private, no-store``. With read replicas, a read within
``DATABASE_REPLICA_PIN_SECONDS`` of a change is ``no-cache`` without validators (a replica may
not have the change yet: lib/dataversion.settled).
"""

import hashlib

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag

from .dataversion import changed_at, current_version, settled

READS = ("GET", "HEAD")


def is_anonymous(request) -> bool:
    """No credentials: no token, no signed-in session."""
    if request.META.get("HTTP_AUTHORIZATION"):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def data_etag(request, version: str) -> str:
    key = "\n".join(
        [version, request.get_full_path(), request.META.get("HTTP_ACCEPT", "")]
    ).encode()
    return quote_etag(hashlib.sha256(key).hexdigest()[:32])


class APICacheMiddleware:
    """Validators and ``Cache-Control`` on the API's reads (after the authentication
    middleware: a session's user is known)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(settings.API_CACHE_PREFIX) or request.method not in READS:
            return self.get_response(request)
        if not is_anonymous(request):
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_store=True)
            return response
        version = current_version()
        if not settled(version):
            # Just changed, and replicas may not have it yet: nothing to keep or validate.
            response = self.get_response(request)
            patch_cache_control(response, no_cache=True)
            return response
        etag = data_etag(request, version)
        modified = int(changed_at(version).timestamp())
        last_modified = http_date(modified)
        unchanged = get_conditional_response(request, etag=etag, last_modified=modified)
        if unchanged is not None and unchanged.status_code == 304:
            return self._public(unchanged, etag, last_modified)
        response = self.get_response(request)
        if response.status_code != 200:
            return response
        if "immutable" in response.get("Cache-Control", ""):
            # A file that never changes (a release's): its own validators and lifetime.
            return get_conditional_response(request, etag=response["ETag"], response=response)
        if response.has_header("ETag"):
            # A record's own version: the conditional GET is answered with it.
            own = get_conditional_response(
                request, etag=response["ETag"], last_modified=modified, response=response
            )
            return self._public(own, response["ETag"], last_modified)
        return self._public(response, etag, last_modified)

    @staticmethod
    def _public(response, etag: str, last_modified: str):
        response["ETag"] = etag
        response["Last-Modified"] = last_modified
        patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
        # The format follows Accept; credentials change what is shown.
        patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
        return response
