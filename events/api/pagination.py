"""Pagination of every list: pages that never count every row, continued by cursors.

- ``page_size`` is a whole number from 1 to ``max_page_size`` (a 400 naming it otherwise).
- A page is read as ``page_size + 1`` rows: the extra row says whether there is a next page,
  so no page needs the count.
- ``next`` continues with an opaque ``cursor=``: the position of the page's last row in the
  list's ordering (``lib.keyset``), so that a deep page costs what the first costs and a row
  added while a client walks the list neither repeats nor skips the rows already walked.
  ``previous`` is a cursor too (a page number on a numbered page). A cursor that does not
  decode, or that belongs to another ordering, is a 400 naming ``cursor``.
- ``page`` (a whole number from 1, or ``last``) still numbers pages by offset; a page past the
  end is a 404. ``page`` and ``cursor`` together are a 400.
- ``count`` is exact up to ``API_EXACT_COUNT_LIMIT`` rows (counted over that many rows plus one
  at most); beyond, it is null and ``count_more_than`` is the limit. ``count=exact`` counts
  every row (slow on large results); so does ``page=last``, which needs the number of pages.
"""

import math

from django import forms
from django.conf import settings
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from lib.filters import MAX_ID, positive_int
from lib.keyset import InvalidCursor, Keyset, Position

DEFAULT_EXACT_COUNT_LIMIT = 10_000


def number_param(request, name: str, maximum: int) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        return positive_int(value, maximum)
    except forms.ValidationError as error:
        raise ValidationError({name: error.messages}) from error


def exact_count_limit() -> int:
    return getattr(settings, "API_EXACT_COUNT_LIMIT", DEFAULT_EXACT_COUNT_LIMIT)


class PageNumberPagination(pagination.BasePagination):
    page_query_param = "page"
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    count_query_param = "count"
    last_page_strings = ("last",)
    max_page_size = 1000

    def __init__(self):
        self.page_size = settings.REST_FRAMEWORK.get("PAGE_SIZE", 50)

    @property
    def query_params(self) -> tuple[str, ...]:
        """Every query parameter the pagination reads (the strict filter backend's list)."""
        return (
            self.page_query_param,
            self.page_size_query_param,
            self.cursor_query_param,
            self.count_query_param,
        )

    def get_page_size(self, request):
        size = number_param(request, self.page_size_query_param, self.max_page_size)
        return self.page_size if size is None else size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        params = request.query_params
        size = self.get_page_size(request)
        self.exact = self._count_mode(params)
        cursor, page = params.get(self.cursor_query_param), params.get(self.page_query_param)
        if cursor is not None and page is not None:
            raise ValidationError({self.cursor_query_param: ["Give cursor or page, not both."]})
        self.queryset, self.keyset = queryset, Keyset(queryset)
        # The list's rows before they were shaped into a page's columns (a view's
        # ``listed``): counts and a numbered page's ids are read from it, without the
        # joins the columns need.
        listed = getattr(view, "listed", None)
        self.listed = queryset if listed is None else listed
        self.count = None
        self.number = None
        if cursor is not None:
            return self._cursor_page(cursor, size)
        return self._numbered_page(page, size)

    def _count_mode(self, params) -> bool:
        value = params.get(self.count_query_param)
        if value is not None and value != "exact":
            raise ValidationError(
                {self.count_query_param: [f"Expected exact (or leave it out): {value}."]}
            )
        return value == "exact"

    def _numbered_page(self, page, size):
        if page in self.last_page_strings:
            self.count = self.listed.count()
            number = max(1, math.ceil(self.count / size))
        else:
            number = number_param(self.request, self.page_query_param, MAX_ID) or 1
        self.number = number
        offset = (number - 1) * size
        rows = list(self._rows_at(offset, size + 1))
        if not rows and number > 1:
            raise NotFound("Invalid page.")
        more = len(rows) > size
        rows = rows[:size]
        if not more and (rows or offset == 0):
            self.count = offset + len(rows)  # the end is known: counted for free
        self.next = self._link(self.keyset.position_of(rows[-1])) if more else None
        if number == 1:
            self.previous = None
        elif number == 2:
            self.previous = remove_query_param(self._url(), self.page_query_param)
        else:
            self.previous = replace_query_param(self._url(), self.page_query_param, number - 1)
        return rows

    def _rows_at(self, offset: int, limit: int):
        """``limit`` rows from ``offset``. Past the first page the ids are found first, by
        themselves (from an index alone where one serves the order), and only those rows are
        read whole: the skipped rows are never read."""
        ordered = self.keyset.ordered()
        if not offset or self.listed.query.distinct:
            return ordered[offset : offset + limit]
        ids = Keyset(self.listed).ordered().values("pk")[offset : offset + limit]
        return ordered.filter(pk__in=ids)

    def _cursor_page(self, token, size):
        try:
            position = self.keyset.decode(token)
        except InvalidCursor as error:
            raise ValidationError({self.cursor_query_param: [str(error)]}) from error
        rows = list(self.keyset.page(position)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if position.reverse:
            rows.reverse()
            before, after = more, True
        else:
            before, after = True, more
        if rows:
            self.next = self._link(self.keyset.position_of(rows[-1])) if after else None
            self.previous = (
                self._link(self.keyset.position_of(rows[0], reverse=True)) if before else None
            )
        elif position.reverse:  # nothing before: the list from its start
            self.next, self.previous = self._first(), None
        else:  # nothing after: the page up to the cursor's row
            self.next = None
            self.previous = self._link(Position(position.values, reverse=True, inclusive=True))
        return rows

    def _url(self) -> str:
        return self.request.build_absolute_uri()

    def _first(self) -> str:
        return remove_query_param(self._url(), self.cursor_query_param)

    def _link(self, position: Position) -> str:
        url = remove_query_param(self._url(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, self.keyset.encode(position))

    def _counts(self) -> dict:
        if self.count is None:
            if self.exact:
                self.count = self.listed.count()
            else:
                limit = exact_count_limit()
                # Only the ids, only up to the limit: the page's joins and annotations are
                # left out of the count.
                counted = self.listed.order_by().values("pk")[: limit + 1].count()
                if counted > limit:
                    return {"count": None, "count_more_than": limit}
                self.count = counted
        return {"count": self.count}

    def get_paginated_response(self, data):
        return Response(
            {**self._counts(), "next": self.next, "previous": self.previous, "results": data}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "nullable": True,
                    "example": 123,
                    "description": "How many rows match; null when more than "
                    "count_more_than (unless count=exact).",
                },
                "count_more_than": {
                    "type": "integer",
                    "example": DEFAULT_EXACT_COUNT_LIMIT,
                    "description": "Present when count is null: more rows than this match.",
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "example": "http://api.example.org/accounts/?cursor=eyJvIjoi",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "example": "http://api.example.org/accounts/?page=3",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number (from 1, or last: which counts every row).",
                "schema": {"type": "integer"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": "Rows per page.",
                "schema": {"type": "integer"},
            },
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: the opaque value of a next or previous "
                "link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": "exact: count every matching row, however many (slow on large "
                "results); otherwise counts above API_EXACT_COUNT_LIMIT are null.",
                "schema": {"type": "string", "enum": ["exact"]},
            },
        ]
