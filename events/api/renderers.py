"""CSV for every list: the same rows as JSON, flattened, one header."""

import csv
import io

from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

LIST_SEPARATOR = "; "


def flatten(row: dict, prefix: str = "") -> dict:
    """Nested objects become dotted columns; lists of values are joined; lists of objects
    (citations) become one column per key, their values joined."""
    flat: dict = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            keys: list[str] = []
            for item in value:
                keys.extend(k for k in flatten(item) if k not in keys)
            for sub in keys:
                flat[f"{name}.{sub}"] = LIST_SEPARATOR.join(
                    "" if flatten(item).get(sub) is None else str(flatten(item).get(sub))
                    for item in value
                )
        elif isinstance(value, list):
            flat[name] = LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
        else:
            flat[name] = value
    return flat


def serializer_columns(serializer, prefix: str = "") -> list[str]:
    """The columns a serializer's rows flatten to, so that the header is complete even when
    no row has, say, a citation, and an empty result still has its header."""
    columns: list[str] = []
    for name, field in serializer.fields.items():
        if getattr(field, "write_only", False):
            continue
        child = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(child, serializers.Serializer):
            columns.extend(serializer_columns(child, f"{prefix}{name}."))
        else:
            columns.append(f"{prefix}{name}")
    return columns


def list_serializer(renderer_context):
    view = (renderer_context or {}).get("view")
    if view is None or getattr(view, "action", None) not in ("list", "retrieve"):
        return None
    try:
        return view.get_serializer()
    except Exception:  # a view without a serializer: the rows alone make the header
        return None


class FlatCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        flat_rows = [flatten(row) if isinstance(row, dict) else {"value": row} for row in rows]
        serializer = list_serializer(renderer_context)
        header: list[str] = serializer_columns(serializer) if serializer is not None else []
        nested = {column.split(".", 1)[0] for column in header if "." in column}
        for row in flat_rows:
            # An empty list of objects flattens to its bare name: its columns are there.
            header.extend(key for key in row if key not in header and key not in nested)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in flat_rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
        response = (renderer_context or {}).get("response")
        if response is not None and isinstance(data, dict) and data.get("next"):
            response["Link"] = f'<{data["next"]}>; rel="next"'
        return out.getvalue().encode(self.charset)
