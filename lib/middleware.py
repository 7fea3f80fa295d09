"""Requests refused before they reach a view, and CORS for the API's reads."""

from corsheaders.middleware import CorsMiddleware
from django.conf import settings
from django.http import HttpResponseBadRequest

from lib.errors import is_api_request, json_error

NUL_REFUSED = "NUL characters are not allowed in URLs."


class RejectNulCharactersMiddleware:
    """A NUL character in a URL is never valid input, and PostgreSQL cannot compare text
    containing one: answer 400 instead of failing deep in a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            if is_api_request(request):
                return json_error(NUL_REFUSED, 400)
            return HttpResponseBadRequest(NUL_REFUSED)
        return self.get_response(request)


class ReadOnlyCorsMiddleware(CorsMiddleware):
    """django-cors-headers for reading the API from other sites' pages: CORS headers only on
    the methods of ``CORS_ALLOW_METHODS`` and on the preflights that ask for one of them. Any
    other request gets none, so a browser refuses to send it from another origin."""

    def is_enabled(self, request) -> bool:
        method = request.method
        if method == "OPTIONS" and "access-control-request-method" in request.headers:
            method = request.headers["access-control-request-method"].upper()
        return method in settings.CORS_ALLOW_METHODS and super().is_enabled(request)
