"""Page-number pagination with a page size the client may raise, up to a limit.

``page`` and ``page_size`` are whole numbers from 1 (``page_size`` up to ``max_page_size``), or
a 400 naming them; ``page=last`` is the last page and a page past the end is a 404.
"""

from django import forms
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from lib.filters import MAX_ID, positive_int


def number_param(request, name: str, maximum: int) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        return positive_int(value, maximum)
    except forms.ValidationError as error:
        raise ValidationError({name: error.messages}) from error


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        size = number_param(request, self.page_size_query_param, self.max_page_size)
        return self.page_size if size is None else size

    def paginate_queryset(self, queryset, request, view=None):
        if request.query_params.get(self.page_query_param) not in self.last_page_strings:
            number_param(request, self.page_query_param, MAX_ID)
        return super().paginate_queryset(queryset, request, view)
