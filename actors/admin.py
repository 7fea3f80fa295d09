"""Admin for actors: aliases and affiliations edited inline on the actor's page."""

from django import forms
from django.contrib import admin

from lib.admin import CuratedAdmin, merge_selected
from lib.admin_search import IndexedSearchMixin
from lib.pickers import PickersMixin

from . import services
from .models import Actor, ActorAlias, Affiliation, not_a_person_message
from .pickers import ACTOR_PICKER, ActorAutocompleteMixin


class AliasFormSet(forms.BaseInlineFormSet):
    """Aliases are unique ignoring case; rows of one form are checked against each other
    here (the database constraint checks them against stored aliases)."""

    default_error_messages = {
        "too_many_forms": f"An actor has at most {Actor.MAX_ALIASES} aliases.",
    }

    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            name = (form.cleaned_data or {}).get("name")
            if not name or form.cleaned_data.get("DELETE"):
                continue
            if name.lower() in seen:
                raise forms.ValidationError(f"The alias “{name}” is listed twice.")
            seen.add(name.lower())


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    formset = AliasFormSet
    extra = 1
    max_num = Actor.MAX_ALIASES

    def get_formset(self, request, obj=None, **kwargs):
        # More rows than max_num are an error, not silently dropped.
        return super().get_formset(request, obj, validate_max=True, **kwargs)


class AffiliationFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            organization = (form.cleaned_data or {}).get("organization")
            if organization is not None and organization.pk == self.instance.pk:
                form.add_error("organization", "An actor cannot be affiliated with itself.")
        # The person is the actor of the page, a hidden field of each row: its error is the
        # inline's.
        rows = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if rows and self.instance.kind and self.instance.kind != Actor.Kind.PERSON:
            raise forms.ValidationError(not_a_person_message(self.instance))


class AffiliationInline(PickersMixin, admin.TabularInline):
    model = Affiliation
    formset = AffiliationFormSet
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["organization"]
    pickers = (ACTOR_PICKER,)
    verbose_name = "affiliation (as a person)"


@admin.register(Actor)
class ActorAdmin(IndexedSearchMixin, ActorAutocompleteMixin, CuratedAdmin):
    list_display = ["name", "slug", "kind", "country", "wikidata_id", "alias_names"]
    list_filter = ["kind"]
    # Each column has a trigram index (migration 0005); lib/admin_search.py reads them
    # without a join. A Wikidata ID is matched whole.
    search_fields = ["name", "slug", "aliases__name", "=wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["old_slugs"]
    inlines = [ActorAliasInline, AffiliationInline]

    class Media:
        # The slug typed from the name keeps its dashes, as the server's slugify_name; it
        # wraps Django's URLify, so it comes after it.
        js = ["admin/js/urlify.js", "actors/urlify_dashes.js"]

    def get_queryset(self, request):
        # alias_names reads every row's aliases: one prefetch instead of a query per row.
        return super().get_queryset(request).prefetch_related("aliases")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._locked(request, obj):
            readonly += services.ACTOR_PUBLIC_FIELDS
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        # A read-only slug is not in the form: nothing to fill.
        if self._locked(request, obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def _locked(self, request, obj) -> bool:
        """Whether published events show ``obj`` and the user is no reviewer; asked once per
        request (the read-only fields and the prepopulated ones both need it)."""
        if obj is None or obj.pk is None:
            return False
        cache = request.__dict__.setdefault("_actor_locked", {})
        if obj.pk not in cache:
            cache[obj.pk] = services.actor_locked_for(request.user, obj)
        return cache[obj.pk]

    actions = ["merge_actors"]

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm(services.MERGE_PERMISSION)

    @admin.action(description="Merge selected actors…", permissions=["publish"])
    def merge_actors(self, request, queryset):
        return merge_selected(
            self,
            request,
            queryset,
            references=services.actor_references,
            merge=services.merge_actors,
            note=(
                "Then each duplicate is deleted: its name becomes an alias of the kept actor and "
                "its slug one of its old slugs, which keep leading there (the API redirects "
                "/api/v1/actors/<old slug>/). Its own history stays under its id, ending with "
                "the merge; the kept actor's history records it."
            ),
        )

    @admin.display(description="aliases")
    def alias_names(self, actor: Actor) -> str:
        return ", ".join(alias.name for alias in actor.aliases.all())

    @admin.display(description="old slugs")
    def old_slugs(self, actor: Actor) -> str:
        """Slugs the actor had while published events showed it; they still lead here."""
        if actor.pk is None:
            return "—"
        return ", ".join(old.slug for old in actor.previous_slugs.all()) or "—"


@admin.register(Affiliation)
class AffiliationAdmin(PickersMixin, CuratedAdmin):
    list_display = ["person", "role", "organization", "start_date", "end_date"]
    list_select_related = ["person", "organization"]
    list_filter = ["organization__kind"]
    search_fields = ["person__name", "organization__name", "role"]
    autocomplete_fields = ["person", "organization"]
    pickers = (ACTOR_PICKER,)
