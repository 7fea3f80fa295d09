"""List filters that never scan a big table for their choices."""

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import connections
from django.db.models import Max, Min
from django.utils import timezone


def year_filter(field: str, bounds_model_label: str):
    """A "year" list filter on the date or datetime ``field``, instead of ``date_hierarchy``.

    Django's date hierarchy reads its choices with ``SELECT DISTINCT date_trunc(…)`` over the
    listed rows, a scan of the table. The years offered here run from the first to the last
    value of ``field`` in the whole table of ``bounds_model_label`` ("app.Model", the table
    that holds the column, whose index on it gives both ends); choosing one filters on a range
    of the column.
    """

    class YearFilter(admin.SimpleListFilter):
        title = "year"
        parameter_name = f"{field}_year"

        def lookups(self, request, model_admin):
            from django.apps import apps

            model = apps.get_model(bounds_model_label)
            bounds = model._default_manager.order_by().aggregate(first=Min(field), last=Max(field))
            if bounds["first"] is None:
                return []
            first, last = (
                timezone.localtime(v) if isinstance(v, datetime.datetime) else v
                for v in (bounds["first"], bounds["last"])
            )
            return [(str(year), str(year)) for year in range(last.year, first.year - 1, -1)]

        def queryset(self, request, queryset):
            value = self.value()
            if value is None:
                return queryset
            if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 9998):
                raise IncorrectLookupParameters(f"year: {value!r} is not a year.")
            start, end = datetime.date(int(value), 1, 1), datetime.date(int(value) + 1, 1, 1)
            if queryset.model._meta.get_field(field).get_internal_type() == "DateTimeField":
                start, end = (
                    timezone.make_aware(datetime.datetime.combine(d, datetime.time()))
                    for d in (start, end)
                )
            return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})

    return YearFilter


def distinct_values_filter(field: str, title: str):
    """A list filter offering each value of the text column ``field`` found in the table, as
    Django's ``AllValuesFieldListFilter`` does, without its ``SELECT DISTINCT`` over the whole
    table: on PostgreSQL the values are read from the column's index, one index probe per value
    (a recursive query, each step the least value greater than the last), so a table of a
    million rows with a dozen languages costs a dozen probes. The column needs a b-tree index
    of its own (or leading one). Other databases read them with DISTINCT."""

    class DistinctValuesFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            return [(value, value) for value in distinct_values(model_admin.model, field)]

        def queryset(self, request, queryset):
            value = self.value()
            return queryset if value is None else queryset.filter(**{field: value})

    DistinctValuesFilter.title = title
    return DistinctValuesFilter


def distinct_values(model, field: str) -> list[str]:
    """The distinct non-empty values of ``model``'s column ``field``, in order."""
    manager = model._default_manager
    connection = connections[manager.db]
    if connection.vendor != "postgresql":
        values = manager.order_by(field).values_list(field, flat=True).distinct()
        return [value for value in values if value]
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH RECURSIVE found(value) AS (
                    SELECT min({column}) FROM {table} WHERE {column} > ''
                    UNION ALL
                    SELECT (SELECT min({column}) FROM {table} WHERE {column} > found.value)
                    FROM found WHERE found.value IS NOT NULL
                )
                SELECT value FROM found WHERE value IS NOT NULL"""
        )
        return [row[0] for row in cursor.fetchall()]
