"""Content negotiation strict about ``format``, as the filters are about every parameter: an
empty ``?format=`` is a 400 naming it on every request, writes included, instead of passing
unnoticed as "no format"."""

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings

from lib.filters import EMPTY


class StrictContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        name = api_settings.URL_FORMAT_OVERRIDE
        if name and any(not value.strip() for value in request.query_params.getlist(name)):
            raise ValidationError({name: [EMPTY]})
        return super().select_renderer(request, renderers, format_suffix)
