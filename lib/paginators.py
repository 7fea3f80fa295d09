"""Paging big admin lists without counting every row of a big table.

- ``EstimatedCountPaginator``: the changelists' paginator, with the planner's estimate for a
  whole large table and a count bounded by a threshold for a filtered or searched one (a
  lower one for a search: each row a trigram index finds is read again to check it);
- ``peek_page``: a page of a list read in tiers (each an ordered queryset), one row past the
  page telling whether there is a next one: no count at all (the admin's pickers).
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """Counts up to a threshold, estimates a whole large PostgreSQL table.

    An unfiltered changelist would otherwise run ``SELECT COUNT(*)`` over the table on every
    page view; PostgreSQL's planner statistics (``pg_class.reltuples``) give the size for free.
    A filtered list is counted up to ``ADMIN_ESTIMATED_COUNT_THRESHOLD`` rows (10,000), a
    searched one (``searched``, set by lib/admin_search.py) up to
    ``ADMIN_SEARCH_COUNT_THRESHOLD`` (1,000): ``SELECT COUNT(*) FROM (… LIMIT threshold + 1)``.
    Below it the count is exact, beyond it ``count_is_lower_bound`` is set and the lists read
    "more than <threshold>" (templates/admin/pagination.html, search_form.html, actions.html);
    the pages reach the first threshold + 1 rows.

    A search's threshold is lower because counting is what it costs: the trigram index finds
    candidate rows that are each read again to check the match (and their kind), tens of
    thousands for a common word at a million events, where a page of 100 needs a few hundred.
    """

    count_is_lower_bound = False
    searched = False

    @property
    def threshold(self) -> int:
        if self.searched:
            return getattr(settings, "ADMIN_SEARCH_COUNT_THRESHOLD", 1_000)
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


# The deepest row a page may start at: a page number past it is refused (as a page past the
# end), instead of an OFFSET the database cannot take.
MAX_PEEK_OFFSET = 100_000


def read_rows(queryset: QuerySet, start: int, stop: int) -> list:
    """Rows ``start`` to ``stop`` of the ordered ``queryset``: their ids first, then those rows.

    The ids' query reads only what the order and the filters need; the joins and columns the
    rows bring along (a proposal's conflict for its label, its own table's columns) are read
    for the page's rows alone, not for every match the database sorts (at a million events,
    the 35,000 proposals a common word finds: 295 ms in one query, 215 ms in two).
    """
    ids = list(queryset.values_list("pk", flat=True)[start:stop])
    if not ids:
        return []
    rows = queryset.order_by().in_bulk(ids)
    return [rows[pk] for pk in ids]


def peek_page(tiers: Sequence[QuerySet], number: int, size: int) -> tuple[list, bool]:
    """Rows ``(number - 1) * size`` to ``number * size`` of the tiers read one after the other,
    and whether more rows follow.

    Each tier is an ordered queryset; a page reads ``size + 1`` rows (the extra one only says
    there is more), from the first tier and, when it runs out, from the next ones: two queries
    (``read_rows``: the ids, then their rows) for a page within a tier, one or two more for each
    tier it reaches. A page starting past the end of
    a tier (not the first page) reads the ids of that tier's rows up to the page to know where
    the next tier starts: never a count of the whole list. A page past the end other than the
    first raises ``EmptyPage``.
    """
    offset = (number - 1) * size
    if number < 1 or offset > MAX_PEEK_OFFSET:
        raise EmptyPage("That page contains no results")
    wanted = size + 1
    rows: list = []
    for tier in tiers:
        found = read_rows(tier, offset, offset + wanted - len(rows))
        rows += found
        if len(rows) == wanted:
            break
        if found or offset == 0:
            # The page started in this tier: the next one is read from its start.
            offset = 0
        else:
            # The page starts past this tier's end: by as many rows as the tier lacks.
            offset -= len(tier.values_list("pk", flat=True)[:offset])
    if not rows and number > 1:
        raise EmptyPage("That page contains no results")
    return rows[:size], len(rows) > size
