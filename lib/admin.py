"""Admin behaviour every curated model shares: no lost updates, and restoring a version from
the history is an edit like any other.

``CuratedAdmin`` replaces django-simple-history's ``SimpleHistoryAdmin`` as the base of the
apps' admins:

- each change form carries the version of the record it was opened at; a save is refused,
  naming who changed what, when the record changed in the meantime (the row is locked while
  it is compared and written);
- History → Restore saves the chosen version's values through the change form of the current
  record: the same permissions, read-only fields, validation and workflow rules as a change
  made by hand. Fields the user may not change keep their current values.
- each change form has an optional "Change reason", stored as the history row's reason; a
  restore's reason says so;
- the history page shows choice values in words, and links a version to its restore page, or
  a user to their page, only for a viewer who may open it.
"""

from django import forms
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .concurrency import changes_since, current_version, version_of

VERSION_FIELD = "record_version"
REASON_FIELD = "change_reason"
REASON_FIELDSET = "Change reason"
RESTORED = "Restored an earlier version"
# django-simple-history's history_change_reason column is a CharField(max_length=100).
REASON_MAX_LENGTH = 100


class VersionedForm(forms.ModelForm):
    """A change form that refuses to overwrite changes made since it was opened."""

    record_version = forms.CharField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label="Change reason",
        required=False,
        # What restoring prefixes to it still fits the history's column.
        max_length=REASON_MAX_LENGTH - len(RESTORED) - 2,
        help_text="Optional: why you make this change; shown on the record's history page.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if VERSION_FIELD in self.fields and VERSION_FIELD not in self.initial:
            self.initial[VERSION_FIELD] = version_of(self.instance)

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get(VERSION_FIELD)
        if opened and self.instance.pk is not None:
            # Locked until the save commits: nobody writes between this check and ours.
            now = current_version(type(self.instance), self.instance.pk, lock=True)
            if now is not None and now != opened:
                changes = changes_since(self.instance, opened)
                listed = "; ".join(str(c) for c in changes) or "a change the history does not show"
                raise forms.ValidationError(
                    "This record was changed by someone else since you opened it: %(changes)s. "
                    "Your changes were not saved: reload the page to see the current version, "
                    "then make them again.",
                    code="stale",
                    params={"changes": listed},
                )
        return cleaned


def _with_version(fieldsets):
    """``fieldsets`` with the version field in the first one (once)."""
    if not fieldsets or VERSION_FIELD in flatten_fieldsets(fieldsets):
        return fieldsets
    (name, options), *rest = fieldsets
    options = {**options, "fields": [*options.get("fields", ()), VERSION_FIELD]}
    return [(name, options), *rest]


def _with_reason(fieldsets):
    """``fieldsets`` with the change reason as a fieldset of its own, last (once)."""
    fieldsets = [
        (name, {**options, "fields": [f for f in options.get("fields", ()) if f != REASON_FIELD]})
        for name, options in fieldsets
        if name != REASON_FIELDSET
    ]
    return [*fieldsets, (REASON_FIELDSET, {"fields": [REASON_FIELD]})]


def _show_version(context) -> None:
    """Render the form's version and reason fields even when the admin's fieldsets leave
    them out."""
    adminform = context.get("adminform")
    if adminform is None:
        return
    if REASON_FIELD in adminform.form.fields:
        adminform.fieldsets = _with_reason(list(adminform.fieldsets))
    if context.get("original") is None:
        return  # an add form: nothing to be stale against
    if VERSION_FIELD in adminform.form.fields:
        adminform.fieldsets = _with_version(list(adminform.fieldsets))


class ReadableChanges(HistoricalRecordContextHelper):
    """A history row's changes with choice values in words ("In review", not "in_review")."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if getattr(field, "flatchoices", None) and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        return value


def _has_value(bound_field) -> bool:
    return bound_field.value() not in (None, "", [], ())


def open_filled_sections(context) -> None:
    """A collapsed fieldset holding a value or an error is shown open (not collapsible, as
    Django shows one with an error): what a record says is never hidden. Decided from the
    form as rendered, so a value just typed into a refused form stays in sight too."""
    adminform = context.get("adminform")
    if adminform is None:
        return
    form = adminform.form
    fieldsets = []
    for name, options in adminform.fieldsets:
        classes = list(options.get("classes", ()))
        if "collapse" in classes:
            fields = [f for f in flatten_fieldsets([(name, options)]) if f in form.fields]
            if any(f in form.errors or _has_value(form[f]) for f in fields):
                classes.remove("collapse")
                options = {**options, "classes": classes}
        fieldsets.append((name, options))
    adminform.fieldsets = fieldsets


class CuratedAdmin(SimpleHistoryAdmin):
    form = VersionedForm
    object_history_list_template = "admin/curated_history_list.html"

    # -- the version travels with every change form ------------------------------------

    def get_fieldsets(self, request, obj=None):
        obj = self._restore_target(request, obj)
        fieldsets = _with_reason(super().get_fieldsets(request, obj))
        return fieldsets if obj is None else _with_version(fieldsets)

    # An admin may build its own fieldsets without calling get_fieldsets above (the events'
    # do): the page gets the version field wherever its form has one.
    def render_change_form(self, request, context, *args, **kwargs):
        _show_version(context)
        open_filled_sections(context)
        return super().render_change_form(request, context, *args, **kwargs)

    def render_history_view(self, request, template, context, **kwargs):
        _show_version(context)
        return super().render_history_view(request, template, context, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return super().get_readonly_fields(request, self._restore_target(request, obj))

    # -- History → Restore is an edit of the current record ------------------------------

    def _restore_target(self, request, obj):
        """While restoring, rules are decided by the current record, not the old version."""
        return getattr(request, "_restore_current", None) or obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        current = getattr(request, "_restore_current", None)
        if current is None:
            return super().get_form(request, obj, change, **kwargs)
        base = super().get_form(request, current, change, **kwargs)
        admin = self

        class RestoreForm(base):
            """Shows the old version's values; saves them onto the current record."""

            def __init__(self, *args, **kwargs):
                if args or kwargs.get("data") is not None:
                    kwargs["instance"] = current
                kwargs.setdefault("initial", {})[VERSION_FIELD] = version_of(current)
                super().__init__(*args, **kwargs)

            def _post_clean(self):
                super()._post_clean()
                for field, messages in admin.restore_errors(self.instance).items():
                    self.add_error(field if field in self.fields else None, messages)

        return RestoreForm

    def restore_errors(self, obj) -> dict[str, list[str]]:
        """Rules a restore must pass that the change form checks in its inlines."""
        return {}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self.get_object(request, unquote(object_id))
        if current is None:
            raise Http404
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied
        request._restore_current = current
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get(REASON_FIELD, "").strip()
        view = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
        if view.endswith("_simple_history"):
            reason = f"{RESTORED}: {reason}" if reason else RESTORED
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        # The reason is the history's, not a change of the record: the admin's log leaves it
        # out of the fields it lists as changed.
        if REASON_FIELD in form.changed_data:
            form.changed_data.remove(REASON_FIELD)
        return super().construct_change_message(request, form, formsets, add)

    # -- the history page -----------------------------------------------------------------

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        # The changes' authors link to their user pages only for a viewer who may open them.
        user_model = get_user_model()._meta
        if not request.user.has_perm(f"{user_model.app_label}.view_{user_model.model_name}"):
            extra_context = {**(extra_context or {}), "admin_user_view": ""}
        return super().history_view(request, object_id, extra_context)

    def revert_disabled(self, request, obj=None) -> bool:
        current = getattr(request, "_restore_current", None) or obj
        if current is not None and not self.has_change_permission(request, current):
            return True
        return super().revert_disabled(request, obj)


# --- merging duplicates ----------------------------------------------------------------------

MERGE_TEMPLATE = "admin/merge_selected.html"


def merge_selected(modeladmin, request, queryset, *, references, merge, note: str):
    """An admin action merging the selected records into one, in three steps posted from one
    page: choose the record to keep (``kept``), confirm what moves (``confirm``), merge.

    ``references(record)`` counts what points to a record, by label; ``merge(kept,
    duplicates, user)`` merges and returns a result whose ``describe()`` is the message.
    A refusal (``ValidationError``) is shown as an error and nothing changes. ``note`` says,
    on the confirmation, what becomes of the duplicates.
    """
    from django.contrib import messages
    from django.contrib.admin import helpers
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect
    from django.template.response import TemplateResponse
    from django.urls import reverse

    opts = modeladmin.model._meta
    records = list(queryset.order_by("pk"))
    if len(records) < 2:
        modeladmin.message_user(
            request, f"Select at least two {opts.verbose_name_plural} to merge.", messages.WARNING
        )
        return None
    kept = next((r for r in records if str(r.pk) == request.POST.get("kept")), None)
    if kept is not None and request.POST.get("confirm"):
        duplicates = [r for r in records if r.pk != kept.pk]
        try:
            result = merge(kept, duplicates, request.user)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        modeladmin.message_user(request, result.describe(), messages.SUCCESS)
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[kept.pk]))
    rows = [
        (record, [f"{n} {label}" for label, n in references(record).items() if n])
        for record in records
    ]
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Merge {opts.verbose_name_plural}",
        "opts": opts,
        "rows": rows,
        "kept": kept,
        "duplicates": [(r, refs) for r, refs in rows if kept is not None and r.pk != kept.pk],
        "note": note,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, MERGE_TEMPLATE, context)
