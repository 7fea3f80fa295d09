"""The editors' workspace: sources beside the forms, events with participants and citations.

Each kind has its own admin sharing ``EventAdminBase``; ``EventAdmin`` is the timeline of all
kinds. Editorial status changes only through the workflow: actions on the lists, and buttons
in each change form's submit row (editors submit for review, reviewers publish and retract).
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from actors.pickers import ACTOR_PICKER
from lib.admin import CuratedAdmin, VersionedForm, merge_selected
from lib.admin_filters import distinct_values_filter, year_filter
from lib.admin_search import IndexedSearchMixin
from lib.ids import as_id
from lib.inlines import KnownRowsForm, KnownRowsFormSet, KnownRowsInline
from lib.pickers import PickersMixin

from . import drafts, intake, services, times
from .forms import (
    DateOptionalTimeField,
    LocalDateTimeField,
    PeriodDateField,
    coarser,
    replace_field,
    time_zone_choices,
)
from .models import (
    KIND_MODELS,
    KIND_ROLES,
    LINK_FIELDS,
    Citation,
    Conflict,
    ConflictDyad,
    ConflictParty,
    Event,
    Location,
    Meeting,
    Participant,
    Proposal,
    Response,
    Source,
    ViolationAccusation,
    event_date_errors,
    link_errors,
)
from .pickers import (
    PROPOSAL_PICKER,
    SOURCE_PICKER,
    ProposalAutocompleteMixin,
    SourceAutocompleteMixin,
)
from .suggestions_admin import (
    SuggestionsAdminMixin,
    event_actor_ids,
    event_admin_url,
    similar_events_message,
)


class ConflictPartyInline(PickersMixin, admin.TabularInline):
    model = ConflictParty
    extra = 1
    autocomplete_fields = ["actor"]
    pickers = (ACTOR_PICKER,)


class ConflictDyadInline(admin.TabularInline):
    model = ConflictDyad
    extra = 0
    max_num = Conflict.MAX_DYADS


@admin.register(Conflict)
class ConflictAdmin(CuratedAdmin):
    list_display = ["name", "slug", "start_date", "ucdp_conflict_id"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ConflictPartyInline, ConflictDyadInline]

    class Media:
        # The slug typed from the name keeps its dashes ("Israel–Hamas war" →
        # israel-hamas-war); it wraps Django's URLify, so it comes after it.
        js = ["admin/js/urlify.js", "actors/urlify_dashes.js"]


def add_event_links() -> list[tuple[str, str]]:
    """(kind's name, its add form's URL) for "Add … from this article"."""
    return [
        (model._meta.verbose_name, reverse(f"admin:events_{model._meta.model_name}_add"))
        for model in KIND_MODELS.values()
    ]


class SourceForm(VersionedForm):
    """The model's refusals, with the records they name linked. The publication date needs no
    time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        replace_field(self, "published_at", DateOptionalTimeField, "The time may be left out.")

    def _post_clean(self):
        super()._post_clean()
        linked = {
            "duplicate_url": lambda p: format_html(
                'A source with this URL already exists: <a href="{}">{}</a>.',
                reverse("admin:events_source_change", args=[p["source"].pk]),
                p["source"].title,
            ),
            "orphaned_quotes": lambda p: format_html(
                "{} quote(s) citing this article would no longer occur in its text: {}. "
                "Correct the text, or first change those quotes.",
                p["count"],
                format_html_join(
                    "; ",
                    '<a href="{}">{}</a> (“{}”)',
                    ((event_admin_url(c.event), c.event.title, c.quote) for c in p["citations"]),
                ),
            ),
            "misdated_events": lambda p: format_html(
                "Events citing this article would then be dated after every article they cite: {}.",
                format_html_join(
                    "; ",
                    '<a href="{}">{}</a> ({})',
                    ((event_admin_url(e), e.title, e.date_display) for e in p["event_list"]),
                ),
            ),
        }
        for field, errors in list(self.errors.as_data().items()):
            if any(e.code in linked for e in errors):
                self._errors[field] = self.error_class(
                    [linked[e.code](e.params) if e.code in linked else e.message for e in errors]
                )


class ImportSourcesForm(forms.Form):
    """The sources' upload: a file and its format (taken from the file when not chosen)."""

    file = forms.FileField(
        help_text=(
            "An RSS or Atom feed, JSON Lines (one object a line) or CSV (a header row) with the "
            f"fields {', '.join(intake.FIELDS)}; url and title required."
        )
    )
    format = forms.ChoiceField(
        choices=[("", "From the file's name or content"), *((f, f) for f in intake.FORMATS)],
        required=False,
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        limit = settings.SOURCE_IMPORT_MAX_BYTES
        if file.size > limit:
            raise ValidationError(
                f"The file is {file.size:,} bytes; the largest an upload may be is {limit:,} "
                "bytes. Split it, or import it with manage.py import_sources."
            )
        return file


@admin.register(Source)
class SourceAdmin(
    SourceAutocompleteMixin, IndexedSearchMixin, SuggestionsAdminMixin, PickersMixin, CuratedAdmin
):
    form = SourceForm
    list_display = ["title", "outlet", "published_at", "language", "url"]
    list_select_related = ["outlet"]
    # Choices from the columns' indexes, never a scan of the table (lib/admin_filters.py).
    list_filter = [
        distinct_values_filter("language", "language"),
        "outlet",
        year_filter("published_at", "events.Source"),
    ]
    # A merged duplicate's URL finds the source it was merged into. Each column has a trigram
    # index (migration 0021); lib/admin_search.py reads them without a join.
    search_fields = ["title", "url", "merged__url"]
    autocomplete_fields = ["outlet"]
    pickers = (ACTOR_PICKER,)
    readonly_fields = ["events_citing", "merged_duplicates"]
    actions = ["merge_sources"]
    change_form_template = "admin/events/source/change_form.html"
    change_list_template = "admin/events/source/change_list.html"
    fields = [
        "title",
        "url",
        "outlet",
        "published_at",
        "language",
        "archive_url",
        "accessed_at",
        "body",
        "events_citing",
        "merged_duplicates",
    ]

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("events.publish_event")

    def get_urls(self):
        return [
            # Before the admin's own URLs: "<object_id>/" would match it otherwise.
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="events_source_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import sources: the same import as manage.py import_sources, from an upload."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        form = ImportSourcesForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = intake.import_sources(
                    upload.read(),
                    name=upload.name,
                    format=form.cleaned_data["format"] or None,
                    create_outlets=request.user.has_perm("actors.add_actor"),
                )
            except intake.IntakeError as error:
                form.add_error("file", str(error))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import sources",
            "form": form,
            "report": report,
            "fields": intake.FIELDS,
        }
        return TemplateResponse(request, "admin/events/source/import.html", context)

    @admin.action(description="Merge selected sources…", permissions=["publish"])
    def merge_sources(self, request, queryset):
        return merge_selected(
            self,
            request,
            queryset,
            references=services.source_references,
            merge=services.merge_sources,
            note=(
                "Each quote must occur in the kept article's text. Then each duplicate is "
                "deleted: its URL and id keep leading to the kept source (listed under "
                "“merged duplicates”; the API redirects /api/v1/sources/<merged id>/). Its own "
                "history stays under its id, ending with the merge."
            ),
        )

    @admin.display(description="merged duplicates")
    def merged_duplicates(self, source: Source) -> str:
        if not source.pk:
            return "—"
        return (
            format_html_join(
                mark_safe("<br>"),
                "{} (source {}): {}",
                ((m.title, m.merged_id, m.url or "no URL") for m in source.merged.all()),
            )
            or "—"
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and services.source_locked_for(request.user, obj):
            readonly += services.SOURCE_EVIDENCE_FIELDS
        return readonly

    @admin.display(description="events citing it")
    def events_citing(self, source: Source) -> str:
        if not source.pk:
            return "—"
        events = Event.objects.filter(citations__source=source).distinct().order_by("date")
        return (
            format_html_join(
                mark_safe("<br>"),
                '<a href="{}">{}</a> ({}, {})',
                (
                    (
                        event_admin_url(e),
                        e.title,
                        e.get_kind_display(),
                        e.get_editorial_status_display(),
                    )
                    for e in events
                ),
            )
            or "None yet."
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "add_event_links": add_event_links()}
        return super().change_view(request, object_id, form_url, extra_context)


class ParticipantFormSet(KnownRowsFormSet):
    """Checks across rows what one row cannot: duplicates and self-accusation."""

    def clean(self) -> None:
        super().clean()
        seen: dict[tuple[int, str], bool] = {}
        accusation_roles: dict[int, str] = {}
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            actor, role = form.cleaned_data.get("actor"), form.cleaned_data.get("role")
            if actor is None or not role:
                continue
            if (actor.pk, role) in seen:
                raise ValidationError(f"{actor} is listed twice as {role}.")
            seen[(actor.pk, role)] = True
            if role in (Participant.Role.ACCUSER, Participant.Role.ACCUSED):
                other = accusation_roles.get(actor.pk)
                if other and other != role:
                    raise ValidationError(f"{actor} cannot be both accuser and accused.")
                accusation_roles[actor.pk] = role

    def save(self, commit=True):
        if commit:
            # Rows are written one by one, so an edit that swaps actors or roles between rows
            # would meet the unique constraints halfway: the changed rows are deleted first and
            # written again (under the same ids).
            changed = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk and form.has_changed() and not self._should_delete_form(form)
            ]
            Participant.objects.filter(pk__in=changed).delete()
        return super().save(commit)


# The roles a new event's participant rows start with, in the order articles name them: the
# editor picks the actors and changes a role only when it differs.
DEFAULT_ROW_ROLES: dict[type[Event], tuple[str, ...]] = {
    Proposal: (Participant.Role.PROPOSER, Participant.Role.ADDRESSEE, Participant.Role.ADDRESSEE),
    Meeting: (Participant.Role.HOST, Participant.Role.DELEGATION, Participant.Role.DELEGATION),
    ViolationAccusation: (Participant.Role.ACCUSER, Participant.Role.ACCUSED),
}


class ParticipantInline(KnownRowsInline, PickersMixin, admin.TabularInline):
    model = Participant
    formset = ParticipantFormSet
    extra = 1
    max_num = Event.MAX_PARTICIPANTS

    def get_extra(self, request, obj=None, **kwargs) -> int:
        if obj is None:  # a new event: a row for each default role
            return max(self.extra, len(DEFAULT_ROW_ROLES.get(self.parent_model, ())))
        return self.extra

    def get_formset(self, request, obj=None, **kwargs):
        # More rows than max_num are a form error, not saved (the admin reads validate_max
        # only from here).
        return super().get_formset(request, obj, validate_max=True, **kwargs)

    autocomplete_fields = ["actor"]
    pickers = (ACTOR_PICKER,)

    def get_queryset(self, request):
        # Each row's label names its actor.
        return super().get_queryset(request).select_related("actor")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            allowed = KIND_ROLES[self.parent_model]
            kwargs["choices"] = [("", "---------")] + [
                (value, label) for value, label in db_field.choices if value in allowed
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class CitationFormSet(KnownRowsFormSet):
    """An event is not dated after the newest article it cites (the rows as submitted).

    Every new row — the extra one and each added in the page — cites ``default_source``, the
    article being curated, until the editor picks another. A new row left with only that
    source is unchanged, so it is not saved."""

    def __init__(self, *args, default_source: Source | None = None, **kwargs):
        self.default_source = default_source
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        is_new = index is None or index >= self.initial_form_count()  # None: the empty form
        if self.default_source is not None and is_new:
            kwargs["initial"] = {"source": self.default_source.pk, **kwargs.get("initial", {})}
        return kwargs

    def clean(self) -> None:
        super().clean()
        sources = [
            form.cleaned_data["source"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("source")
        ]
        errors = event_date_errors(self.instance, sources)
        if errors:
            raise ValidationError(
                [
                    f"{name.replace('_', ' ').capitalize()}: {message}"
                    for name, messages in errors.items()
                    for message in messages
                ]
            )


class CitationInline(KnownRowsInline, PickersMixin, admin.StackedInline):
    model = Citation
    formset = CitationFormSet
    extra = 1
    max_num = Event.MAX_CITATIONS

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_max=True, **kwargs)

    autocomplete_fields = ["source", "speaker", "via"]
    pickers = (ACTOR_PICKER, SOURCE_PICKER)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "speaker", "via")


class LocationForm(KnownRowsForm):
    def _post_clean(self):
        # A stored row left as it was is not saved, and what the model checks of it reads the
        # row alone (the database checked its constraints when it was stored): checked again,
        # each check constraint would be a query per row.
        if self.instance.pk is not None and not self.has_changed():
            return
        super()._post_clean()


class LocationInline(KnownRowsInline, admin.TabularInline):
    """Where it happened; the first row is the event's main location."""

    model = Location
    form = LocationForm
    formset = KnownRowsFormSet
    extra = 1
    max_num = Event.MAX_LOCATIONS
    fields = ["name", "country", "admin1", "latitude", "longitude", "precision", "geonames_id"]

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_max=True, **kwargs)


class EventForm(VersionedForm):
    """Links through many-to-many fields (a meeting's proposals) are checked with the values
    submitted; the record's own foreign-key links are checked by its model.

    The date is typed as people write it: ``2025-03-18``, ``2025-03`` for a month or ``2025``
    for a year; a month or a year typed makes the precision at least as coarse."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        replace_field(
            self,
            "date",
            PeriodDateField,
            "YYYY-MM-DD; for month precision YYYY-MM, for year precision YYYY.",
        )

    def clean(self):
        cleaned = super().clean()
        typed = getattr(cleaned.get("date"), "precision", None)
        chosen = cleaned.get("date_precision")
        if typed and chosen and coarser(typed, chosen):
            cleaned["date_precision"] = typed
        if typed:
            day = cleaned["date"]
            cleaned["date"] = datetime.date(day.year, day.month, day.day)
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        names = [
            name
            for name in LINK_FIELDS.get(self._meta.model, ())
            if self._meta.model._meta.get_field(name).many_to_many and name in self.cleaned_data
        ]
        links = {name: list(self.cleaned_data[name]) for name in names}
        for name, problems in link_errors(self.instance, links).items():
            self.add_error(name, problems)


class ProposalForm(EventForm):
    """Says which of a proposal's dates is which (DESIGN.md: declared, proposed, effective and
    ended dates, as the ETH/PRIO ceasefire dataset separates them). Form labels only: the
    model's names are the API's."""

    LABELS = {
        "date": (
            "Declared on",
            "When the proposal was made or announced, not when the ceasefire would begin.",
        ),
        "proposed_start": (
            "Proposed start of the ceasefire",
            "When the proposal says it would begin.",
        ),
        "proposed_end": ("Proposed end of the ceasefire", "When the proposal says it would end."),
        "duration_hours": ("Proposed duration (hours)", "As the proposal states it, e.g. 30."),
        "effective_from": (
            "In effect from (the ceasefire actually began)",
            "When it actually took effect; empty while it has not.",
        ),
        "ended_on": (
            "Ended on (the ceasefire actually ended)",
            "When it actually ended: expired, broke down, was replaced or withdrawn.",
        ),
        "agreed_on": (
            "Agreed on (the sides agreed to it)",
            "When the sides agreed, whether or not it ever took effect.",
        ),
    }

    # The exact times are typed as the clock reads in the time zone chosen beside them.
    starts_at = LocalDateTimeField(
        label="Starts at (exact time)",
        required=False,
        widget=AdminSplitDateTime,
        help_text="When the article gives the hour (“from 18:00 Moscow time”): the date and "
        "time there, in the time zone below. Its date is the first day: in effect from, else "
        "the proposed start.",
    )
    ends_at = LocalDateTimeField(
        label="Ends at (exact time)",
        required=False,
        widget=AdminSplitDateTime,
        help_text="No longer in effect from then, in the time zone below; “until midnight on "
        "21 April” is 21 April 00:00, and its last day is 20 April: ended on, else the "
        "proposed end.",
    )
    purposes = forms.MultipleChoiceField(
        label="Purposes",
        required=False,
        choices=Proposal.Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Why it was called: tick every purpose the article gives.",
    )
    time_zone = forms.ChoiceField(
        label="Time zone of the times",
        required=False,
        choices=time_zone_choices,
        help_text="The IANA time zone the article's times are in, e.g. Europe/Moscow (Moscow "
        "time) or Europe/Kyiv.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in self.LABELS.items():
            if name in self.fields:
                field = self.fields[name]
                field.label = label
                # The date keeps the formats it may be typed in.
                field.help_text = " ".join(filter(None, [help_text, field.help_text]))
        # Stored times are shown as the clock read in the proposal's time zone.
        zone = times.zone_of(self.instance.time_zone)
        for name in times.TIME_FIELDS:
            moment = getattr(self.instance, name, None)
            if moment is not None:
                self.initial[name] = moment.astimezone(zone).replace(tzinfo=None)


@dataclass(frozen=True)
class WorkflowButton:
    """A submit button of the change form: its POST name, value and label."""

    name: str
    value: str
    label: str


STEP_FIELD = "_transition"
# The labels editors read, in the order the buttons appear.
STEP_LABELS = {
    "submit": "Submit for review",
    "publish": "Publish",
    "return_to_draft": "Return to draft",
    "retract": "Retract",
}
# Saves the record with its rows and submits it for review in the same click.
SAVE_AND_SUBMIT = WorkflowButton("_save_and_submit", "1", "Save and submit")


# The year of an event's date, from the dates' index (the date hierarchy would scan the list).
EVENT_YEAR = year_filter("date", "events.Event")


class EventAdminBase(IndexedSearchMixin, PickersMixin, CuratedAdmin):
    """What every kind's admin shares: status workflow, article beside the form, inlines."""

    form = EventForm
    inlines = [ParticipantInline, CitationInline, LocationInline]
    list_display = ["title", "date_display", "conflict", "participant_summary", "editorial_status"]
    list_filter = ["conflict", "editorial_status", "date", EVENT_YEAR]
    list_select_related = ["conflict"]
    # The event's search document (events/search.py: title, summary, quotes, the names and
    # aliases of its participants and of a response's responder, its locations' names), one
    # column with a trigram index (migration 0021): no join, whatever the kind.
    search_fields = ["search_document"]
    autocomplete_fields = ["conflict"]
    readonly_fields = ["editorial_status"]
    change_form_template = "admin/events/change_form_with_article.html"
    actions = ["submit_for_review", "publish", "retract", "return_to_draft"]
    event_fields = ["conflict", "title", "summary", ("date", "date_precision"), "end_date"]
    # A response's responder; the proposals an event links to (each kind's fields).
    pickers = (ACTOR_PICKER, PROPOSAL_PICKER)
    kind_fieldsets: list = []

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": [*self.event_fields, "editorial_status"]}),
            *self.kind_fieldsets,
        ]

    def get_queryset(self, request):
        # participant_summary reads each row's participants and their actors: prefetched
        # once per page instead of a query per row.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("participants", queryset=Participant.objects.select_related("actor"))
            )
        )

    @admin.display(description="date", ordering="date")
    def date_display(self, event: Event) -> str:
        return event.date_display

    @admin.display(description="participants")
    def participant_summary(self, event: Event) -> str:
        return "; ".join(f"{p.get_role_display()}: {p.actor}" for p in event.participants.all())

    # Who deletes which event is services.may_delete (the API asks it too): reviewers drafts
    # and events in review, editors their own never-published drafts. The permission without
    # a record only shows the delete action; Django asks again for each selected record (also
    # for the event row a kind's record extends), and a selection holding one the user may
    # not delete is refused whole.
    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is None:
            return super().has_delete_permission(request)
        return services.may_delete(request.user, obj)

    # Editors edit drafts and events in review; published and retracted ones only reviewers
    # (services.read_only_reason says so on the page).
    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.read_only_reason(request.user, obj) is None

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("events.publish_event")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        else:
            # The status changes through the workflow only, also when an old version is
            # restored from the history.
            obj.editorial_status = (
                Event.objects.filter(pk=obj.pk).values_list("editorial_status", flat=True).get()
            )
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    object_history_template = "admin/events/object_history_with_rows.html"

    def history_view(self, request, object_id, extra_context=None):
        # Participants, citations and locations are rows of their own with their own history: shown
        # here, newest first, so that the event's page tells its whole story.
        event_id = as_id(unquote(object_id))
        rows = sorted(
            [
                *Participant.history.filter(event_id=event_id).select_related(
                    "history_user", "actor"
                ),
                *Citation.history.filter(event_id=event_id).select_related(
                    "history_user", "source"
                ),
                *Location.history.filter(event_id=event_id).select_related("history_user"),
            ],
            key=lambda row: row.history_date,
            reverse=True,
        )
        extra_context = {**(extra_context or {}), "row_history": rows[:200]}
        return super().history_view(request, object_id, extra_context)

    def restore_errors(self, obj) -> dict[str, list[str]]:
        # A restored date is checked against the articles the event cites now (the change
        # form checks it in its citation rows).
        sources = Source.objects.filter(citations__event=obj).distinct()
        return event_date_errors(obj, sources)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # New citation rows cite the article being curated ("Add an event from this article",
        # or the only article beside the form).
        if isinstance(inline, CitationInline):
            kwargs["default_source"] = services.source_being_curated(
                self._articles(request, obj.pk), request.GET.get("source")
            )
        if isinstance(inline, ParticipantInline) and obj.pk is None:
            kwargs["initial"] = [{"role": role} for role in DEFAULT_ROW_ROLES.get(self.model, ())]
        return kwargs

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        defaults = services.curation_defaults(request.user, self.model, request.GET.get("source"))
        return {**defaults, **initial}  # what the URL says wins

    def _articles(self, request, event_id) -> list[services.Article]:
        """The articles beside the form, read once per request (the page and its citation
        rows both need them)."""
        if not hasattr(request, "_event_articles"):
            request._event_articles = services.articles_for_form(
                event_id=event_id,
                source_id=request.GET.get("source"),
                with_actors=any(issubclass(i, ParticipantInline) for i in self.inlines),
            )
        return request._event_articles

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and self._requested_step(request):
            early = self._step_before_saving(request, object_id)
            if early is not None:
                return early
        extra_context = extra_context or {}
        extra_context["articles"] = self._articles(request, object_id)
        extra_context["add_event_links"] = add_event_links()
        return super().changeform_view(request, object_id, form_url, extra_context)

    # -- the workflow in the change form's submit row ------------------------------------

    def workflow_buttons(self, request, obj) -> list[WorkflowButton]:
        """The steps ``request.user`` may take on ``obj`` (None: the add form) now."""
        user = request.user
        if obj is None:
            may_submit = user.has_perm(services.step_permission("submit", self.model))
            return [SAVE_AND_SUBMIT] if may_submit else []
        steps = services.steps_for(user, obj)
        buttons = [SAVE_AND_SUBMIT] if "submit" in steps else []
        return buttons + [
            WorkflowButton(STEP_FIELD, step, label)
            for step, label in STEP_LABELS.items()
            if step in steps
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if not context.get("is_popup"):
            context["workflow_buttons"] = self.workflow_buttons(request, obj)
        if request.method == "POST" and context.get("errors"):
            self._warn_similar_submitted(request, context, obj)
        if obj is not None:
            context["read_only_reason"] = services.read_only_reason(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- events a new draft may duplicate (not blocking) ---------------------------------

    def _warn_similar(self, request, conflict, actor_ids, date, precision, exclude=None) -> None:
        similar = drafts.similar_events(
            self.model.KIND, conflict, actor_ids, date, exclude=exclude, precision=precision
        )
        if similar:
            self.message_user(request, similar_events_message(similar), messages.WARNING)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        event = form.instance
        if event.editorial_status == Event.Status.DRAFT:
            self._warn_similar(
                request,
                event.conflict_id,
                event_actor_ids(event),
                event.date,
                event.date_precision,
                exclude=event.pk,
            )

    def _warn_similar_submitted(self, request, context, obj) -> None:
        """A draft's form refused with errors: the events its valid fields and participant
        rows look like, so the editor may cite the article there instead."""
        if obj is not None and obj.editorial_status != Event.Status.DRAFT:
            return
        cleaned = getattr(context["adminform"].form, "cleaned_data", {})
        actor_ids = [cleaned["responder"].pk] if cleaned.get("responder") else []
        for inline in context.get("inline_admin_formsets", []):
            if inline.formset.model is not Participant:
                continue
            for row in inline.formset.forms:
                data = getattr(row, "cleaned_data", None) or {}
                if data.get("actor") is not None and not data.get("DELETE"):
                    actor_ids.append(data["actor"].pk)
        self._warn_similar(
            request,
            cleaned.get("conflict"),
            actor_ids,
            cleaned.get("date"),
            cleaned.get("date_precision"),
            exclude=obj.pk if obj is not None else None,
        )

    def _requested_step(self, request) -> str | None:
        if SAVE_AND_SUBMIT.name in request.POST:
            return "submit"
        return request.POST.get(STEP_FIELD) or None

    def _step_before_saving(self, request, object_id):
        """A step the user may not take is refused before anything is saved; a step taken
        by a user who may not edit the event is taken without saving. None: save, then take
        the step (``response_add``, ``response_change``)."""
        step = self._requested_step(request)
        if object_id is None:
            if step == "submit" and request.user.has_perm(
                services.step_permission(step, self.model)
            ):
                return None
            self.message_user(request, "Only a new draft can be submitted.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return None  # Django's answer for a missing record
        refusal = services.step_refusal(request.user, obj, step)
        if refusal is None and self.has_change_permission(request, obj):
            return None
        if refusal is None:
            self._take_step(request, obj, step)
        else:
            self.message_user(request, refusal, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def _take_step(self, request, obj, step: str) -> None:
        result = services.change_status([obj], step, request.user)
        if result.changed:
            self.message_user(request, f"“{obj}” {result.verb}.", messages.SUCCESS)
        for problem in result.skipped:
            self.message_user(request, problem, messages.WARNING)

    def response_add(self, request, obj, post_url_continue=None):
        if self._requested_step(request) is None:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, f"“{obj}” was added.", messages.SUCCESS)
        self._take_step(request, obj, "submit")
        return HttpResponseRedirect(event_admin_url(obj))

    def response_change(self, request, obj):
        step = self._requested_step(request)
        if step is None:
            return super().response_change(request, obj)
        self.message_user(request, f"“{obj}” was saved.", messages.SUCCESS)
        self._take_step(request, obj, step)
        return HttpResponseRedirect(request.get_full_path())

    # -- the workflow as actions on the lists ----------------------------------------------

    def has_workflow_permission(self, request) -> bool:
        """Submitting and returning to draft need the right to change events of the admin's
        kind; on the timeline of all kinds, of some kind (each event is checked by its own)."""
        models = KIND_MODELS.values() if self.model is Event else [self.model]
        return any(request.user.has_perm(services.change_permission(m)) for m in models)

    def _transition(self, request, queryset, transition: str) -> None:
        user = request.user
        kinds = [
            kind
            for kind, model in KIND_MODELS.items()
            if user.has_perm(services.step_permission(transition, model))
        ]
        result = services.change_status(queryset.filter(kind__in=kinds), transition, user)
        if result.changed:
            self.message_user(
                request, f"{result.changed} event(s) {result.verb}.", messages.SUCCESS
            )
        for problem in result.skipped:
            self.message_user(request, problem, messages.WARNING)

    @admin.action(description="Submit selected events for review", permissions=["workflow"])
    def submit_for_review(self, request, queryset):
        self._transition(request, queryset, "submit")

    @admin.action(description="Publish selected events", permissions=["publish"])
    def publish(self, request, queryset):
        self._transition(request, queryset, "publish")

    @admin.action(description="Retract selected events", permissions=["publish"])
    def retract(self, request, queryset):
        self._transition(request, queryset, "retract")

    @admin.action(description="Return selected events to draft", permissions=["workflow"])
    def return_to_draft(self, request, queryset):
        self._transition(request, queryset, "return_to_draft")


@admin.register(Proposal)
class ProposalAdmin(ProposalAutocompleteMixin, EventAdminBase):
    list_display = [
        *EventAdminBase.list_display[:-1],
        "proposal_kind",
        "outcome",
        "editorial_status",
    ]
    list_filter = [
        "conflict",
        "editorial_status",
        "proposal_kind",
        "scope",
        "arrangement",
        "outcome",
        "date",
        EVENT_YEAR,
    ]
    autocomplete_fields = ["conflict", "extends", "counters", "replaces", "ended_by"]
    # One click for a kind, instead of opening a list and choosing in it.
    radio_fields = {"proposal_kind": admin.HORIZONTAL}
    form = ProposalForm
    # What most proposals need first; the rest folded (shown open once it holds a value or an
    # error, see lib.admin.open_filled_sections).
    kind_fieldsets = [
        (
            "Proposal",
            {
                "fields": [
                    ("proposal_kind", "scope"),
                    ("arrangement", "talks_format"),
                    ("purposes", "occasion"),
                    ("proposed_start", "proposed_end", "duration_hours"),
                    "effective_from",
                    "outcome",
                ]
            },
        ),
        (
            "Exact times",
            {"classes": ["collapse"], "fields": [("starts_at", "ends_at"), "time_zone"]},
        ),
        (
            "Links to other proposals",
            {"classes": ["collapse"], "fields": ["extends", "counters", "replaces"]},
        ),
        (
            "Agreement",
            {"classes": ["collapse"], "fields": ["agreed_on", ("written", "text_url"), "stage"]},
        ),
        (
            "PA-X and monitoring",
            {"classes": ["collapse"], "fields": ["pax_agreement_id", "monitoring"]},
        ),
        ("End", {"classes": ["collapse"], "fields": ["ended_on", "end_reason", "ended_by"]}),
    ]


@admin.register(Response)
class ResponseAdmin(EventAdminBase):
    # The responder is the response's own field.
    inlines = [CitationInline, LocationInline]
    list_display = [*EventAdminBase.list_display[:-1], "responder", "stance", "editorial_status"]
    list_filter = ["conflict", "editorial_status", "stance", "date", EVENT_YEAR]
    list_select_related = ["conflict", "responder", "proposal"]
    autocomplete_fields = ["conflict", "proposal", "responder"]
    kind_fieldsets = [("Response", {"fields": ["proposal", "responder", "stance", "conditions"]})]


@admin.register(Meeting)
class MeetingAdmin(EventAdminBase):
    list_display = [
        *EventAdminBase.list_display[:-1],
        "meeting_format",
        "venue",
        "editorial_status",
    ]
    list_filter = ["conflict", "editorial_status", "meeting_format", "date", EVENT_YEAR]
    autocomplete_fields = ["conflict", "produced", "discussed"]
    kind_fieldsets = [
        (
            "Meeting",
            {
                "fields": [
                    ("venue", "country"),
                    "meeting_format",
                    "outcome",
                    "produced",
                    "discussed",
                ]
            },
        )
    ]


@admin.register(ViolationAccusation)
class ViolationAccusationAdmin(EventAdminBase):
    list_display = [
        *EventAdminBase.list_display[:-1],
        "proposal",
        "verification",
        "editorial_status",
    ]
    list_filter = ["conflict", "editorial_status", "verification", "date", EVENT_YEAR]
    list_select_related = ["conflict", "proposal"]
    autocomplete_fields = ["conflict", "proposal"]
    kind_fieldsets = [
        (
            "Accusation",
            {"fields": ["proposal", ("incident_date", "location"), "allegation", "verification"]},
        )
    ]


@admin.register(Event)
class EventAdmin(EventAdminBase):
    """The timeline of every kind; each row opens in its kind's own admin."""

    list_display = [
        "title_link",
        "kind",
        "date_display",
        "conflict",
        "participant_summary",
        "editorial_status",
    ]
    list_display_links = None
    list_filter = [
        "kind",
        "conflict",
        "editorial_status",
        "as_proposal__outcome",
        "date",
        EVENT_YEAR,
    ]
    inlines = []
    actions = EventAdminBase.actions

    def has_add_permission(self, request) -> bool:
        return False

    def get_queryset(self, request):
        # A response's responder is its own field: joined for the participants column.
        # Setting select_related here replaces list_select_related: name the conflict too.
        return super().get_queryset(request).select_related("conflict", "as_response__responder")

    @admin.display(description="participants")
    def participant_summary(self, event: Event) -> str:
        summary = super().participant_summary(event)
        if event.kind == Event.Kind.RESPONSE:
            return "; ".join(filter(None, [f"Responder: {event.as_response.responder}", summary]))
        return summary

    @admin.display(description="title", ordering="title")
    def title_link(self, event: Event) -> str:
        model = KIND_MODELS[event.kind]
        url = reverse(f"admin:events_{model._meta.model_name}_change", args=[event.pk])
        return format_html('<a href="{}">{}</a>', url, event.title)

    def _in_kind_admin(self, request, object_id, page: str, *args):
        """The kind's own admin page for the event (its history lives there), or None when
        there is no such event."""
        event = self.get_object(request, object_id)
        if event is None:
            return None
        model = KIND_MODELS[event.kind]
        return redirect(f"admin:events_{model._meta.model_name}_{page}", object_id, *args)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        found = self._in_kind_admin(request, object_id, "change")
        return found or super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # The history is the kind's (the timeline's model keeps none): its page.
        found = self._in_kind_admin(request, object_id, "history")
        if found is None:
            raise Http404("No event with this id.")
        return found

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        found = self._in_kind_admin(request, object_id, "simple_history", version_id)
        if found is None:
            raise Http404("No event with this id.")
        return found
