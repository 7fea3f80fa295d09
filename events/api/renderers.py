"""CSV for every list and detail: the same rows as JSON, flattened, one header.

``flatten`` makes one JSON row into the cells of one CSV line, and ``serializer_columns`` is
the header; the streamed exports use both, so a page and an export have the same columns and
cells. The rules:

- a nested object becomes one column per key, named ``parent.key`` (``codes.cameo``), where
  the parent field was;
- a list of values is a JSON array (``["russia","ukraine"]``, ``[]`` for none), never text
  joined with a separator that the values themselves could contain;
- a list of objects (citations) becomes one column per key, in place, each a JSON array of
  that key's values in order (``citations.quote`` = ``["…","…"]``), ``[]`` when there are none;
- a text cell that a spreadsheet would run as a formula (one beginning with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) is prefixed with ``'``, as OWASP advises; numbers
  stay numbers. A JSON array cell always begins with ``[`` (JSON escapes every control
  character and quote inside it), so it is never a formula and its values are left as they
  are, for ``json.loads``;
- null is an empty cell.

The header is the serializer's columns in its field order, whatever the rows contain. An error
(4xx, 5xx) is JSON, whatever format was asked.
"""

import csv
import io
from json.encoder import encode_basestring

from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it instead of running it."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


# One encoder for every cell (json.dumps would make one per call).
ARRAY_ENCODER = JSONEncoder(ensure_ascii=False, separators=(",", ":"))
SCALAR_JSON = {type(None): lambda _: "null", str: encode_basestring, int: int.__repr__}


def json_array(values: list) -> str:
    """``values`` as compact JSON. Lists of text, whole numbers and nulls (slugs, ids: most
    cells) are written directly, as the encoder writes them; others go through it."""
    try:
        return "[" + ",".join([SCALAR_JSON[type(value)](value) for value in values]) + "]"
    except KeyError:
        return ARRAY_ENCODER.encode(values)


def _item_columns(values: list) -> list[str] | None:
    """The columns of a list of objects, from its serializer when it has one (then also when
    the list is empty), else from its items; None for a list of values."""
    serializer = getattr(values, "serializer", None)
    if isinstance(serializer, serializers.ListSerializer) and isinstance(
        serializer.child, serializers.Serializer
    ):
        # Asked for every row: kept on the serializer, which every row's list shares.
        columns = getattr(serializer, "_flat_columns", None)
        if columns is None:
            columns = serializer._flat_columns = serializer_columns(serializer)
        return columns
    if values and all(isinstance(value, dict) for value in values):
        columns: list[str] = []
        for item in values:
            columns.extend(key for key in _flat_values(item) if key not in columns)
        return columns
    return None


def _flat_values(row: dict, prefix: str = "") -> dict:
    """The row's values by column, before they become cells: a list of objects is a list of
    values per key."""
    flat: dict = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat_values(value, f"{name}."))
        elif isinstance(value, list) and (columns := _item_columns(value)) is not None:
            items = [_flat_values(item) for item in value]
            for column in columns:
                flat[f"{name}.{column}"] = [item.get(column) for item in items]
        else:
            flat[name] = value
    return flat


def flatten(row: dict) -> dict:
    """One serialized row as CSV cells by column name (the module's docstring has the rules).
    Write them with ``csv.writer`` / ``csv.DictWriter`` as they are."""
    cells: dict = {}
    _flatten_into(cells, row, "")
    return cells


def _flatten_into(cells: dict, row: dict, prefix: str) -> None:
    """``_flat_values`` and each value's cell in one pass over the row (a null is an empty
    cell, a list a JSON array, a text neutralised)."""
    for key, value in row.items():
        name = f"{prefix}{key}" if prefix else key
        if value is None:
            cells[name] = ""
        elif isinstance(value, str):
            cells[name] = neutralise(value)
        elif isinstance(value, dict):
            _flatten_into(cells, value, f"{name}.")
        elif isinstance(value, list):
            columns = _item_columns(value)
            if columns is None:
                cells[name] = json_array(value)
                continue
            items = [_flat_values(item) for item in value]
            for column in columns:
                cells[f"{name}.{column}"] = json_array([item.get(column) for item in items])
        else:
            cells[name] = value


def serializer_columns(serializer) -> list[str]:
    """The columns a serializer's rows flatten to, in field order (a nested serializer's, one
    or many, in its place), so that the header is complete even when no row has, say, a
    citation, and an empty result still has its header. A list serializer's are its child's."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    columns: list[str] = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        nested = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(nested, serializers.Serializer):
            columns.extend(f"{name}.{column}" for column in serializer_columns(nested))
        else:
            columns.append(name)
    return columns


def rows_of(data) -> tuple[list, serializers.BaseSerializer | None]:
    """The rows of a response's data (a page's results, a list, or one record) and the
    serializer that made them, if known: ``serializer.data`` links back to it."""
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
    rows = data if isinstance(data, list) else [data]
    return rows, getattr(data, "serializer", None)


class FlatCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            # An error keeps its usual JSON body, which names the field, whatever was asked.
            response["Content-Type"] = "application/json"
            return JSONRenderer().render(data, "application/json", renderer_context)
        if data is None:
            return b""
        rows, serializer = rows_of(data)
        flat_rows = [flatten(row) if isinstance(row, dict) else {"value": row} for row in rows]
        if serializer is not None:
            header = serializer_columns(serializer)
        else:
            header = list({key: None for row in flat_rows for key in row})
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat_rows)
        if response is not None and isinstance(data, dict) and data.get("next"):
            response["Link"] = f'<{data["next"]}>; rel="next"'
        return out.getvalue().encode(self.charset)
