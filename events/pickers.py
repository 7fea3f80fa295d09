"""The admin's proposal pickers: the event's own conflict first, each proposal with its date.

An event links to proposals of its own conflict (a response's proposal, a meeting's produced
and discussed proposals, a proposal's extends / counters / replaces). Titles repeat across
conflicts and years ("Easter truce"), so every option reads "title · date · conflict", in the
dropdown as in the value already chosen, and the dropdown lists the proposals of the conflict
chosen in the form first. ``static/events/proposal_pickers.js`` sends that conflict along with
each autocomplete request.

``ProposalAutocompleteMixin`` goes on ProposalAdmin (it serves the options); the admins whose
forms have proposal pickers list ``PROPOSAL_PICKER`` in their ``pickers`` (``lib/pickers.py``).
"""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from lib.ids import as_id
from lib.pickers import Picker, PickerUrlsMixin, PickerView

from .models import Proposal


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


def conflict_first(proposals: QuerySet, conflict_id: int | None) -> QuerySet:
    """``proposals`` newest first, those of ``conflict_id`` (when given) before the others."""
    # The labels read each proposal's conflict: joined instead of a query per option. The
    # admin's participant prefetch serves its changelist, not the labels.
    proposals = proposals.select_related("conflict").prefetch_related(None)
    if conflict_id is None:
        return proposals.order_by("-date", "-pk")
    return proposals.alias(
        other_conflict=Case(
            When(conflict_id=conflict_id, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("other_conflict", "-date", "-pk")


class ProposalAutocompleteView(PickerView):
    """The pickers' options: Django's autocomplete with conflict-first order and labels.

    Takes Django's parameters (``app_label``, ``model_name``, ``field_name``, ``term``,
    ``page``) and ``conflict``, the id of the conflict chosen in the form; an id that is not
    one is ignored.
    """

    picker = PROPOSAL_PICKER

    def get_queryset(self):
        return conflict_first(super().get_queryset(), as_id(self.request.GET.get("conflict")))


class ProposalAutocompleteMixin(PickerUrlsMixin):
    """For ProposalAdmin: serves the proposal pickers' options at ``…/proposal/autocomplete/``."""

    picker_view = ProposalAutocompleteView
