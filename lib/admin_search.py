"""The admin lists' search, answered by indexes instead of joins.

Django's own search ORs ``icontains`` over every field of ``search_fields`` for each word,
joining the related tables in one query and then removing the duplicate rows: on big tables a
sequential scan of each join. ``IndexedSearchMixin`` keeps the same meaning (every word must
occur, case-insensitively, in one of the fields) but compares each table's own columns alone:

- the row's own columns (``title``, ``=wikidata_id`` for an exact match) in one condition,
  which PostgreSQL answers with its trigram GIN indexes on ``UPPER(column)`` (the expression
  Django's ``icontains`` and ``iexact`` compare), one bitmap per column;
- a related table's column (``aliases__name``: a reverse foreign key, one level) as the ids
  its own trigram index finds, united with the row's own.

Words shorter than ``MIN_WORD`` characters have no trigram: alone they would read the whole
table, so a list's search made only of them is refused with a message; beside a longer word
they still narrow the rows the longer word's index found. The pickers' autocomplete (a page
of 20 options, found early in the table when the word is that short) searches them as typed.

A searched list is counted only up to ``ADMIN_SEARCH_COUNT_THRESHOLD`` rows
(lib/paginators.py): beyond it, it reads "more than 1000 results".

SQLite runs the same queries as plain substring matches (no index).
"""

from django.contrib import messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import Q
from django.utils.text import smart_split, unescape_string_literal

from lib.paginators import EstimatedCountPaginator

MIN_WORD = 3


def search_words(text: str) -> list[str]:
    """The words of a search as Django's admin splits them: "quoted phrases" stay whole."""
    words = []
    for bit in smart_split(text):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            words.append(bit)
    return words


def _lookup(field: str, word: str) -> Q:
    if field.startswith("="):
        return Q(**{f"{field[1:]}__iexact": word})
    return Q(**{f"{field}__icontains": word})


# A related table's matches up to this many are given to the row's condition as ids.
RELATED_IDS = 1_000


def word_condition(model, fields, word: str) -> Q:
    """The rows of ``model`` in which ``word`` occurs in one of ``fields``.

    A related table's matches (a merged duplicate's URL, an alias) are read first: when they
    are few (``RELATED_IDS`` or fewer, as usual) their ids join the row's own conditions in one
    OR, which PostgreSQL answers with one bitmap per index and can stop reading at a page's
    end; when they are more, the rows are the UNION of the row's own matches and theirs (an OR
    with a subquery would be checked row by row over the whole table)."""
    own = [f for f in fields if "__" not in f]
    related = [f for f in fields if "__" in f]
    condition = Q()
    for field in own:
        condition |= _lookup(field, word)
    if not related:
        return condition
    matches = []  # each related table's matching rows, as the ids of ``model`` they name
    for field in related:
        relation, column = field.lstrip("=").split("__", 1)
        rel = model._meta.get_field(relation)
        lookup = f"={column}" if field.startswith("=") else column
        rows = rel.related_model._default_manager.filter(_lookup(lookup, word)).order_by()
        matches.append(rows.values_list(rel.field.attname, flat=True))
    listed = [list(found[: RELATED_IDS + 1]) for found in matches]
    if all(len(ids) <= RELATED_IDS for ids in listed):
        for ids in listed:
            condition |= Q(pk__in=ids)
        return condition
    own_ids = model._default_manager.filter(condition).order_by().values_list("pk", flat=True)
    ids = own_ids if own else None
    for found in matches:
        ids = found if ids is None else ids.union(found)
    return Q(pk__in=ids)


class IndexedSearchMixin:
    """A ModelAdmin whose ``search_fields`` are searched through each table's own indexes, and
    whose lists are never counted whole (lib/paginators.py)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        paginator.searched = bool(search_words(request.GET.get(SEARCH_VAR, "")))
        return paginator

    def get_search_results(self, request, queryset, search_term):
        words = search_words(search_term)
        if not words:
            return queryset, False
        if all(len(word) < MIN_WORD for word in words) and self._is_changelist(request):
            messages.warning(
                request,
                f"Search: type at least one word of {MIN_WORD} or more characters.",
            )
            return queryset.none(), False
        fields = self.get_search_fields(request)
        for word in words:
            queryset = queryset.filter(word_condition(queryset.model, fields, word))
        return queryset, False

    def _is_changelist(self, request) -> bool:
        match = getattr(request, "resolver_match", None)
        opts = self.model._meta
        return match is not None and match.url_name == (
            f"{opts.app_label}_{opts.model_name}_changelist"
        )
