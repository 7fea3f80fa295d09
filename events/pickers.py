"""The admin's proposal pickers: the event's own conflict first, each proposal with its date.

An event links to proposals of its own conflict (a response's proposal, a meeting's produced
and discussed proposals, a proposal's extends / counters / replaces). Titles repeat across
conflicts and years ("Easter truce"), so every option reads "title · date · conflict", in the
dropdown as in the value already chosen, and the dropdown lists the proposals of the conflict
chosen in the form first. ``static/events/proposal_pickers.js`` sends that conflict along with
each autocomplete request.

A term typed finds the proposals whose title contains each of its words (ignoring case):
the exact title first,
then titles starting with it, then the others, each newest first; a term of only one- and
two-letter words ("EU") lists its matches newest first, unranked. On PostgreSQL the trigram
index ``event_proposal_title_trgm`` finds them and only the matches are ranked; without a
term the newest are read in date order from the dates' indexes. Each page reads one option
past it instead of counting (``lib/pickers.py``).

``ProposalAutocompleteMixin`` goes on ProposalAdmin (it serves the options); the admins whose
forms have proposal pickers list ``PROPOSAL_PICKER`` in their ``pickers`` (``lib/pickers.py``).

A citation's source is picked the same way (``SOURCE_PICKER``, served by SourceAdmin through
``SourceAutocompleteMixin``): by title or URL, ranked alike, labelled by its title.
"""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from lib.admin_search import MIN_WORD
from lib.ids import as_id
from lib.pickers import Picker, PickerUrlsMixin, PickerView

from .models import Event, MergedSource, Proposal, Source

# How well a title matches the term, best first.
EXACT, PREFIX, SUBSTRING = range(3)


def proposal_label(proposal: Proposal) -> str:
    """How a proposal reads in a picker: ``Easter truce · 2025-04-19 · Russia–Ukraine war``.

    Reads ``proposal.conflict``: select the conflict with the proposals.
    """
    return f"{proposal.title} · {proposal.date_display} · {proposal.conflict.name}"


PROPOSAL_PICKER = Picker(
    model=Proposal,
    label=proposal_label,
    js="events/proposal_pickers.js",
    # The form fields that link an event to proposals.
    fields=frozenset({"extends", "counters", "replaces", "proposal", "produced", "discussed"}),
    related=("conflict",),
)


def too_short_to_rank(term: str) -> bool:
    """A term made only of words under ``MIN_WORD`` characters ("T", "EU") has no trigram to
    find its matches by: ranking them would read and sort nearly every title. Its matches are
    listed newest first instead, read in date order from the dates' index until a page is
    full (a common letter fills it at once)."""
    return all(len(word) < MIN_WORD for word in term.split())


def matching(proposals: QuerySet, term: str) -> QuerySet:
    """``proposals`` whose title contains each word of ``term`` (ignoring case), as the
    admin's search matches: the title that is the term (outer spaces aside) first, then those
    starting with it, then the others; newest first within each. Without a term, all of them
    newest first."""
    # The kind is implied by the model; said again, it lets PostgreSQL use the indexes kept
    # for the proposals' rows only.
    proposals = proposals.filter(kind=Event.Kind.PROPOSAL)
    term = term.strip()
    if not term:
        return proposals.order_by("-date", "-pk")
    for word in term.split():
        proposals = proposals.filter(title__icontains=word)
    if too_short_to_rank(term):
        return proposals.order_by("-date", "-pk")
    return proposals.alias(
        title_match=Case(
            When(title__iexact=term, then=Value(EXACT)),
            When(title__istartswith=term, then=Value(PREFIX)),
            default=Value(SUBSTRING),
            output_field=IntegerField(),
        )
    ).order_by("title_match", "-date", "-pk")


def conflict_first(proposals: QuerySet, conflict_id: int | None) -> list[QuerySet]:
    """``proposals`` (ordered) in tiers: those of ``conflict_id`` (when given), then the others.

    Each tier keeps the order and is read from its own index, where one ordering by
    "conflict first" would sort every row."""
    if conflict_id is None:
        return [proposals]
    return [proposals.filter(conflict_id=conflict_id), proposals.exclude(conflict_id=conflict_id)]


class ProposalAutocompleteView(PickerView):
    """The pickers' options: matched and ranked as above, conflict first, labelled.

    Takes Django's parameters (``app_label``, ``model_name``, ``field_name``, ``term``,
    ``page``) and ``conflict``, the id of the conflict chosen in the form; an id that is not
    one is ignored. The proposals are those of ProposalAdmin's queryset within the link
    field's ``limit_choices_to``, as Django's autocomplete offers; the term is matched against
    titles only (what the options read), not the admin's search fields.
    """

    picker = PROPOSAL_PICKER

    def get_queryset(self):
        proposals = self.model_admin.get_queryset(self.request).complex_filter(
            self.source_field.get_limit_choices_to()
        )
        # The labels read each proposal's conflict: joined instead of a query per option. The
        # admin's participant prefetch serves its changelist, not the labels.
        proposals = proposals.select_related("conflict").prefetch_related(None)
        return matching(proposals, self.term)

    def tiers(self, queryset):
        return conflict_first(queryset, as_id(self.request.GET.get("conflict")))


# -- sources -----------------------------------------------------------------------------------

# A citation's source reads as Django's own picker names it: its title.
SOURCE_PICKER = Picker(model=Source, label=str, js="", fields=frozenset({"source"}))

# How many merged duplicates' URLs a term may find (each finds the source it was merged into).
MERGED_MATCHES = 100


def matching_sources(sources: QuerySet, term: str) -> QuerySet:
    """``sources`` whose title or URL contains each word of ``term`` (ignoring case), and
    those that a merged duplicate whose URL contains the term was merged into: the source
    whose title or URL is the term first, then titles starting with it, then the others;
    newest first within each, as the sources' admin lists them. Without a term, all of them
    so."""
    term = term.strip()
    if not term:
        return sources.order_by("-published_at", "title", "pk")
    words = Q()
    for word in term.split():
        words &= Q(title__icontains=word) | Q(url__icontains=word)
    # The few merged duplicates' sources by id: a subquery in the OR would have the database
    # read every source instead of its indexes.
    merged_into = MergedSource.objects.filter(url__icontains=term).values_list(
        "source_id", flat=True
    )[:MERGED_MATCHES]
    sources = sources.filter(words | Q(pk__in=list(merged_into)))
    if too_short_to_rank(term):
        return sources.order_by("-published_at", "title", "pk")
    return sources.alias(
        title_match=Case(
            When(Q(title__iexact=term) | Q(url__iexact=term), then=Value(EXACT)),
            When(title__istartswith=term, then=Value(PREFIX)),
            default=Value(SUBSTRING),
            output_field=IntegerField(),
        )
    ).order_by("title_match", "-published_at", "title", "pk")


class SourceAutocompleteView(PickerView):
    """A citation's source picker: sources matched and ranked as ``matching_sources`` says.

    Takes Django's parameters and checks (``lib/pickers.py``); the sources are those of
    SourceAdmin's queryset, as Django's autocomplete offers.
    """

    picker = SOURCE_PICKER

    def get_queryset(self):
        sources = self.model_admin.get_queryset(self.request).complex_filter(
            self.source_field.get_limit_choices_to()
        )
        return matching_sources(sources, self.term)


class SourceAutocompleteMixin(PickerUrlsMixin):
    """For SourceAdmin: serves the source pickers' options at ``…/source/autocomplete/``."""

    picker_view = SourceAutocompleteView


class ProposalAutocompleteMixin(PickerUrlsMixin):
    """For ProposalAdmin: serves the proposal pickers' options at ``…/proposal/autocomplete/``."""

    picker_view = ProposalAutocompleteView
