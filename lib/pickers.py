"""Admin pickers: autocomplete widgets whose options read as editors tell records apart.

Django's ``autocomplete_fields`` name each option by ``str(obj)`` and sort as the target's
admin does. A picker replaces that, for the links to one model, with its own view (options
ranked and labelled for that model) and the same label on the value already chosen:

- a ``Picker`` describes it: the model, the label, the fields it serves, the script it needs;
- ``PickerView`` (subclassed per model) serves the options at ``…/<model>/autocomplete/``,
  with Django's parameters and permission checks, mounted by ``PickerUrlsMixin`` on the
  model's admin;
- ``PickersMixin`` on an admin or inline uses the pickers for its autocomplete fields.

A picker's page of options never counts the records: it reads one option past the page to
say whether there are more (``lib.paginators.peek_page``), from the view's ``tiers`` of
options (one ordered queryset unless the view splits them, as the proposal pickers do for the
form's conflict).

The events' proposal and source pickers (``events/pickers.py``) and the actor pickers
(``actors/pickers.py``) are built from these.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.urls import path, reverse

from lib.paginators import peek_page


@dataclass(frozen=True)
class Picker:
    """How the links to ``model`` are picked in the admin."""

    model: type[models.Model]
    # What an option and the chosen value read.
    label: Callable[[models.Model], str]
    # Loaded after Django's autocomplete.js on every form with the picker; "" for none.
    js: str
    # The link fields served; None: every link to the model.
    fields: frozenset[str] | None = None
    # Relations the label reads, joined when the chosen values are rendered.
    related: tuple[str, ...] = ()

    def picks(self, db_field) -> bool:
        return db_field.remote_field.model is self.model and (
            self.fields is None or db_field.name in self.fields
        )


def picker_url_name(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}_{model._meta.model_name}_autocomplete"


class PickerView(AutocompleteJsonView):
    """Django's autocomplete for the links to ``picker.model``, with the picker's labels.

    Takes Django's parameters (``app_label``, ``model_name``, ``field_name``, ``term``,
    ``page``) and checks as Django does: the link field exists, its model's admin searches,
    the user may view that model. A link to another model is refused.
    """

    picker: Picker

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if model_admin.model is not self.picker.model:
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": self.picker.label(obj)}

    def tiers(self, queryset: QuerySet) -> list[QuerySet]:
        """The options in the order offered: querysets listed one after the other."""
        return [queryset]

    def paginate_queryset(self, queryset, page_size):
        # Django's paginator would count every option (and a page past the end is a 404
        # there too): one row past the page says whether there are more.
        page = self.request.GET.get(self.page_kwarg) or 1
        try:
            number = int(page)
            rows, more = peek_page(self.tiers(queryset), number, page_size)
        except (ValueError, EmptyPage) as error:
            raise Http404(f"Invalid page ({page}): {error}") from error
        return None, PickerPage(number, more), rows, True


@dataclass(frozen=True)
class PickerPage:
    """What the autocomplete's response reads of a page: whether another follows."""

    number: int
    more: bool

    def has_next(self) -> bool:
        return self.more


class PickerUrlsMixin:
    """For the admin of a picker's model: serves the options at ``…/<model>/autocomplete/``;
    a record added or changed in a popup opened from a picker comes back with its label."""

    picker_view: type[PickerView]

    def get_urls(self):
        view = self.picker_view.as_view(admin_site=self.admin_site)
        return [
            # Before the admin's own URLs: "<object_id>/" would match it otherwise.
            path(
                "autocomplete/",
                self.admin_site.admin_view(view),
                name=picker_url_name(self.model),
            ),
            *super().get_urls(),
        ]

    def response_add(self, request, obj, post_url_continue=None):
        return self._labelled_popup(super().response_add(request, obj, post_url_continue), obj)

    def response_change(self, request, obj):
        return self._labelled_popup(super().response_change(request, obj), obj)

    def _labelled_popup(self, response, obj):
        # Django's popup response names the record by str(obj) for the opener's widget
        # (dismissAddRelatedObjectPopup); the template is rendered after this.
        context = getattr(response, "context_data", None) or {}
        if "popup_response_data" in context:
            data = json.loads(context["popup_response_data"])
            data["obj"] = self.picker_view.picker.label(obj)
            context["popup_response_data"] = json.dumps(data)
        return response


class PickerWidgetMixin:
    """An autocomplete widget asking the picker's own view for options instead of Django's."""

    def get_url(self):
        model = self.field.remote_field.model
        return reverse(f"{self.admin_site.name}:{picker_url_name(model)}")


class PickerSelect(PickerWidgetMixin, AutocompleteSelect):
    pass


class PickerSelectMultiple(PickerWidgetMixin, AutocompleteSelectMultiple):
    pass


class PickersMixin:
    """For admins and inlines whose forms link through pickers: ``pickers`` lists them."""

    pickers: tuple[Picker, ...] = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        picker = self._picker(db_field)
        self._use_picker_widget(picker, db_field, request, kwargs, PickerSelect)
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._labelled(picker, formfield)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        picker = self._picker(db_field)
        self._use_picker_widget(picker, db_field, request, kwargs, PickerSelectMultiple)
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._labelled(picker, formfield)

    def _picker(self, db_field) -> Picker | None:
        return next((picker for picker in self.pickers if picker.picks(db_field)), None)

    def _use_picker_widget(self, picker, db_field, request, kwargs: dict, widget_class) -> None:
        """The picker's options for the autocomplete fields it serves."""
        if (
            picker is not None
            and "widget" not in kwargs
            and db_field.name in self.get_autocomplete_fields(request)
        ):
            kwargs["widget"] = widget_class(db_field, self.admin_site, using=kwargs.get("using"))

    @staticmethod
    def _labelled(picker, formfield):
        if formfield is not None and picker is not None:
            if picker.related:
                # The chosen values are rendered from this queryset: joined, not a query each.
                formfield.queryset = formfield.queryset.select_related(*picker.related)
            formfield.label_from_instance = picker.label
        return formfield

    @property
    def media(self):
        # After Django's autocomplete.js, which the pickers' widgets load.
        return super().media + forms.Media(
            js=[
                "admin/js/jquery.init.js",
                "admin/js/autocomplete.js",
                *(picker.js for picker in self.pickers if picker.js),
            ]
        )
