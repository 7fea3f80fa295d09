"""Whole results as files: ``…/export.csv`` and ``…/export.jsonl`` on every event list.

An export takes every filter of its list (the same FilterSet, the same visibility, ``ordering``
and the list's default order) and streams all matching rows, without a page limit. Rows are
read through a server-side cursor (PostgreSQL: a named cursor) in chunks of
``export_chunk_size``, with the list's prefetches run once per chunk, so the server's memory
and the queries per chunk stay the same however many rows there are.

The CSV has the columns and cells of the paginated ``?format=csv`` list (``flatten`` and
``serializer_columns`` of the renderer); JSON Lines has one serialized row per line.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import chain, islice

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from .renderers import flatten, serializer_columns

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# JSON Lines (https://jsonlines.org): one JSON object per line, UTF-8, "\n" after each.
JSONL_MEDIA_TYPE = "application/x-ndjson; charset=utf-8"


class JSONErrorsOnly(BaseContentNegotiation):
    """An export is a file whatever the client accepts; only its errors (400, 403) go through
    a renderer, and they are JSON. No 406 for ``Accept: text/csv``."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return None


def chunks(queryset, size: int) -> Iterator[list]:
    """The queryset's rows, ``size`` at a time, read through a server-side cursor; its
    prefetches run once per chunk."""
    rows = queryset.iterator(chunk_size=size)
    while chunk := list(islice(rows, size)):
        yield chunk


def csv_lines(rows: Iterable[dict], header: list[str], with_header: bool = False) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    if with_header:
        writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# Characters that are not "\n" but that some readers (Python's str.splitlines) take for a line
# break; JSON lets them be written escaped.
LINE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"}


def json_line(row: dict) -> str:
    """One row as one line of JSON: compact like the list's JSON, UTF-8, and with no character
    a reader could split the line at."""
    text = json.dumps(row, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return text.translate(LINE_BREAKS) + "\n"


def export_action(extension: str, media_type: str, description: str):
    """A list route ``export.<extension>`` taking the list's filters, documented as a file."""

    def decorate(method):
        method = action(
            detail=False,
            url_path=f"export.{extension}",
            pagination_class=None,
            renderer_classes=[JSONRenderer],
            content_negotiation_class=JSONErrorsOnly,
        )(method)
        return extend_schema(
            filters=True,
            request=None,
            responses={(200, media_type): OpenApiResponse(OpenApiTypes.STR)},
            description=description,
        )(method)

    return decorate


class ExportMixin:
    """``export.csv`` and ``export.jsonl`` for a list viewset: the list's rows, all of them."""

    export_chunk_size = 500

    def _serialized_chunks(self) -> Iterator[list[dict]]:
        # Filters are checked here, before the response starts: a bad value is a JSON 400.
        queryset = self.filter_queryset(self.get_queryset())
        yield from self.serialize_chunks(queryset)

    def serialize_chunks(self, queryset) -> Iterator[list[dict]]:
        """The serialized rows of ``queryset``, a chunk at a time (a list may build its rows
        another way: the event lists build them from values)."""
        for chunk in chunks(queryset, self.export_chunk_size):
            yield self.get_serializer(chunk, many=True).data

    def _stream(self, body: Iterator[str], extension: str, content_type: str):
        # The first piece is made now: filter errors and a database's refusal of a value
        # (a DataError) become a 400 instead of a truncated file.
        first = next(body)
        response = StreamingHttpResponse(
            (piece.encode("utf-8") for piece in chain([first], body)), content_type=content_type
        )
        name = self.request.path.rstrip("/").split("/")[-2]
        response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
        return response

    def _csv(self) -> Iterator[str]:
        # The list's header: the serializer's columns, whatever the rows hold.
        header = serializer_columns(self.get_serializer())
        serialized = self._serialized_chunks()
        first = next(serialized, [])
        yield csv_lines((flatten(row) for row in first), header, with_header=True)
        for chunk in serialized:
            yield csv_lines((flatten(row) for row in chunk), header)

    def _jsonl(self) -> Iterator[str]:
        serialized = self._serialized_chunks()
        # An empty export is an empty file, but its filters are still checked first.
        first = next(serialized, [])
        for chunk in chain([first], serialized):
            yield "".join(json_line(row) for row in chunk)

    @export_action(
        "csv",
        "text/csv",
        "Every row of the list with the same filters, as one CSV file (streamed).",
    )
    def export_csv(self, request, *args, **kwargs):
        return self._stream(self._csv(), "csv", CSV_MEDIA_TYPE)

    @export_action(
        "jsonl",
        "application/x-ndjson",
        "Every row of the list with the same filters, one JSON object per line (JSON Lines, "
        "streamed).",
    )
    def export_jsonl(self, request, *args, **kwargs):
        return self._stream(self._jsonl(), "jsonl", JSONL_MEDIA_TYPE)
