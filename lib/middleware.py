"""Requests refused before they reach a view."""

from django.http import HttpResponseBadRequest


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
            return HttpResponseBadRequest("NUL characters are not allowed in URLs.")
        return self.get_response(request)
