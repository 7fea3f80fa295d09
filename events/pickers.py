"""The admin's proposal pickers: the event's own conflict first, each proposal with its date.

An event links to proposals of its own conflict (a response's proposal, a meeting's produced
and discussed proposals, a proposal's extends / counters / replaces). Titles repeat across
conflicts and years ("Easter truce"), so every option reads "title · date · conflict", in the
dropdown as in the value already chosen, and the dropdown lists the proposals of the conflict
chosen in the form first. ``static/events/proposal_pickers.js`` sends that conflict along with
each autocomplete request.

``ProposalAutocompleteMixin`` goes on ProposalAdmin (it serves the options);
``ProposalPickersMixin`` on every admin whose form has proposal pickers.
"""

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import path

from lib.ids import as_id

from .models import Proposal

# The form fields that link an event to proposals.
PICKER_FIELDS = frozenset({"extends", "counters", "replaces", "proposal", "produced", "discussed"})

PICKER_JS = "events/proposal_pickers.js"


def proposal_label(proposal: Proposal) -> str:
    """How a proposal reads in a picker: ``Easter truce · 2025-04-19 · Russia–Ukraine war``.

    Reads ``proposal.conflict``: select the conflict with the proposals.
    """
    return f"{proposal.title} · {proposal.date_display} · {proposal.conflict.name}"


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


class ProposalAutocompleteView(AutocompleteJsonView):
    """The pickers' options: Django's autocomplete with conflict-first order and labels.

    Takes Django's parameters (``app_label``, ``model_name``, ``field_name``, ``term``,
    ``page``) and ``conflict``, the id of the conflict chosen in the form; an id that is not
    one is ignored.
    """

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if model_admin.model is not Proposal:
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def get_queryset(self):
        return conflict_first(super().get_queryset(), as_id(self.request.GET.get("conflict")))

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": proposal_label(obj)}


class ProposalAutocompleteSelect(AutocompleteSelect):
    url_name = "%s:events_proposal_autocomplete"


class ProposalAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    url_name = "%s:events_proposal_autocomplete"


class ProposalAutocompleteMixin:
    """For ProposalAdmin: serves the proposal pickers' options at ``…/proposal/autocomplete/``."""

    def get_urls(self):
        view = ProposalAutocompleteView.as_view(admin_site=self.admin_site)
        return [
            # Before the admin's own URLs: "<object_id>/" would match it otherwise.
            path(
                "autocomplete/",
                self.admin_site.admin_view(view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_autocomplete",
            ),
            *super().get_urls(),
        ]


class ProposalPickersMixin:
    """For the admins whose forms link to proposals: labelled, conflict-first pickers."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._use_picker_widget(db_field, request, kwargs, ProposalAutocompleteSelect)
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._labelled(db_field, formfield)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._use_picker_widget(db_field, request, kwargs, ProposalAutocompleteSelectMultiple)
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._labelled(db_field, formfield)

    @staticmethod
    def _is_picker(db_field) -> bool:
        return db_field.name in PICKER_FIELDS and db_field.remote_field.model is Proposal

    def _use_picker_widget(self, db_field, request, kwargs: dict, widget_class) -> None:
        """The conflict-first options for the autocomplete fields that pick proposals."""
        if (
            self._is_picker(db_field)
            and "widget" not in kwargs
            and db_field.name in self.get_autocomplete_fields(request)
        ):
            kwargs["widget"] = widget_class(db_field, self.admin_site, using=kwargs.get("using"))

    def _labelled(self, db_field, formfield):
        if formfield is not None and self._is_picker(db_field):
            # The chosen values are rendered from this queryset: one query for all of them.
            formfield.queryset = formfield.queryset.select_related("conflict")
            formfield.label_from_instance = proposal_label
        return formfield

    @property
    def media(self):
        # After Django's autocomplete.js, which the pickers' widgets load.
        return super().media + forms.Media(
            js=["admin/js/jquery.init.js", "admin/js/autocomplete.js", PICKER_JS]
        )
