"""A paginator for big admin lists that never counts every row of a big table."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """Counts up to a threshold, estimates a whole large PostgreSQL table.

    An unfiltered changelist would otherwise run ``SELECT COUNT(*)`` over the table on every
    page view; PostgreSQL's planner statistics (``pg_class.reltuples``) give the size for free.
    A filtered or searched list is counted up to ``ADMIN_ESTIMATED_COUNT_THRESHOLD`` rows
    (``SELECT COUNT(*) FROM (… LIMIT threshold + 1)``): below it the count is exact, beyond it
    ``count_is_lower_bound`` is set and the lists read "more than <threshold>"
    (templates/admin/pagination.html, search_form.html, actions.html); the pages reach the
    first threshold + 1 rows.
    """

    count_is_lower_bound = False

    @property
    def threshold(self) -> int:
        return getattr(settings, "ADMIN_ESTIMATED_COUNT_THRESHOLD", 10_000)

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None:
            return super().count
        if not query.where:
            estimate = self._estimate(queryset)
            if estimate is not None and estimate >= self.threshold:
                return estimate
        counted = queryset.order_by()[: self.threshold + 1].count()
        self.count_is_lower_bound = counted > self.threshold
        return counted

    @staticmethod
    def _estimate(queryset) -> int | None:
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
        # reltuples is -1 for a table never analyzed: then count.
        return row[0] if row and row[0] >= 0 else None
