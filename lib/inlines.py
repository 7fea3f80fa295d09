"""Inline rows in constant queries: an event with 30 participants and 30 citations costs what
one with 3 costs, on the change form and on its save.

Django looks each row's chosen objects up one by one: an autocomplete widget queries the option
it shows (``AutocompleteSelect.optgroups``), a foreign-key form field the object submitted, the
model's validation whether it exists, and the hidden id field the row itself. Here a formset
looks the objects of each field up once for all its rows — or takes them from the rows its
queryset already loaded with ``select_related`` — and each row's field and widget read them
from there. Labels still come from the field's ``label_from_instance``, so an admin that labels
its options (``Russia · State · RU``) labels the chosen value the same way.

``KnownRowsInline`` goes on an inline admin, ``KnownRowsFormSet`` under its formset.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Model


class KnownModelChoiceField(forms.ModelChoiceField):
    """A model choice whose object its formset may already have looked up (``known``, by the
    value as submitted); any other value is looked up as usual."""

    known: dict[str, Model] | None = None

    def to_python(self, value):
        if self.known is not None and isinstance(value, str | int):
            found = self.known.get(str(value))
            if found is not None:
                return found
        return super().to_python(value)


class KnownOptionsMixin:
    """An autocomplete widget rendering its chosen option from its field's ``known`` objects,
    without a query."""

    def optgroups(self, name, value, attr=None):
        field = self.choices.field
        known = getattr(field, "known", None)
        if known is None:
            return super().optgroups(name, value, attr)
        # The formset looked every chosen value up: one it did not find does not exist (or is
        # no id) and is shown unchosen, as Django does.
        chosen = [str(v) for v in value if str(v) in known]
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key in dict.fromkeys(chosen):
            label = field.label_from_instance(known[key])
            options.append(self.create_option(name, key, label, set(chosen), len(options)))
        return [(None, options, 0)]


_known_widget_classes: dict[type, type] = {}


def with_known_options(widget):
    """``widget`` (or the autocomplete widget a related-field wrapper holds) rendering its
    chosen options from the formset's known objects, whatever its autocomplete class."""
    inner = getattr(widget, "widget", widget)
    cls = type(inner)
    if isinstance(inner, AutocompleteSelect) and not issubclass(cls, KnownOptionsMixin):
        if cls not in _known_widget_classes:
            _known_widget_classes[cls] = type(f"Known{cls.__name__}", (KnownOptionsMixin, cls), {})
        inner.__class__ = _known_widget_classes[cls]
    return widget


class KnownRowsForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        # The model would check again, one query per row, that each chosen object exists: the
        # form field has just found it in the database (in the formset's one query).
        pk_name = self._meta.model._meta.pk.name
        cleaned = getattr(self, "cleaned_data", {})
        exclude.update(
            name
            for name, field in self.fields.items()
            if isinstance(field, KnownModelChoiceField)
            and name != pk_name
            and cleaned.get(name) is not None
        )
        return exclude


class KnownRowsFormSet(forms.BaseInlineFormSet):
    """Looks up the chosen objects of its rows once per field (see the module's docstring)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The hidden id of each row is one of the rows this formset loaded: found there.
        name = self._pk_field.name
        field = form.fields.get(name)
        if type(field) is forms.ModelChoiceField:
            form.fields[name] = KnownModelChoiceField(
                field.queryset, initial=field.initial, required=False, widget=field.widget
            )

    @property
    def forms(self):
        if "_known_forms" not in self.__dict__:
            forms_ = super().forms
            self._share_known_objects([*forms_])
            self.__dict__["_known_forms"] = forms_
        return self.__dict__["_known_forms"]

    @property
    def empty_form(self):
        form = super().empty_form
        self._share_known_objects([form])
        return form

    def _share_known_objects(self, forms_) -> None:
        pk_name = self.model._meta.pk.name
        names = {
            name
            for name, field in self.form.base_fields.items()
            if isinstance(field, KnownModelChoiceField)
        }
        for name in names | {pk_name}:
            fields = [
                form.fields[name]
                for form in forms_
                if isinstance(form.fields.get(name), KnownModelChoiceField)
            ]
            if not fields:
                continue
            if name == pk_name:
                # The formset's own rows, loaded once by Django for every formset.
                known = {str(row.pk): row for row in self.get_queryset()} if self.is_bound else {}
            else:
                known = self._known_for(name, fields[0], forms_)
            for field in fields:
                field.known = known

    def _known_for(self, name: str, field, forms_) -> dict[str, Model]:
        key = field.to_field_name or "pk"
        # Kept for the empty form rendered after the rows.
        known = self.__dict__.setdefault("_known", {}).setdefault(name, {})
        if not self.is_bound:
            # The rows' own objects, joined by the inline's queryset.
            model_field = self.model._meta.get_field(name)
            for form in forms_:
                if form.instance.pk is not None and model_field.is_cached(form.instance):
                    related = getattr(form.instance, name)
                    if related is not None:
                        known[str(getattr(related, key))] = related
        wanted = {str(v) for v in (self._value(form, name) for form in forms_) if v}
        missing = wanted - known.keys()
        if missing:
            # One query for the field's chosen objects in every row; values that are not ids
            # are left to the field, which names the error.
            opts = field.queryset.model._meta
            key_field = opts.pk if key == "pk" else opts.get_field(key)
            ids = []
            for value in missing:
                try:
                    ids.append(key_field.to_python(value))
                except ValidationError:
                    continue
            for obj in field.queryset.filter(**{f"{key}__in": ids}):
                known[str(getattr(obj, key))] = obj
        return known

    @staticmethod
    def _value(form, name):
        field = form.fields[name]
        if form.is_bound:
            return field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        value = form.get_initial_for_field(field, name)
        return getattr(value, "pk", value)


class KnownRowsInline:
    """For an inline admin: its rows' foreign keys and autocomplete widgets read the objects
    the formset looked up once (its formset must derive from ``KnownRowsFormSet``)."""

    form = KnownRowsForm
    formset = KnownRowsFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KnownModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(formfield, KnownModelChoiceField):
            with_known_options(formfield.widget)
        return formfield
