"""Admin for actors: aliases and affiliations edited inline on the actor's page."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Actor, ActorAlias, Affiliation


class AliasFormSet(forms.BaseInlineFormSet):
    """Aliases are unique ignoring case; rows of one form are checked against each other
    here (the database constraint checks them against stored aliases)."""

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


class AffiliationFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            organization = (form.cleaned_data or {}).get("organization")
            if organization is not None and organization.pk == self.instance.pk:
                form.add_error("organization", "An actor cannot be affiliated with itself.")


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    formset = AffiliationFormSet
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["organization"]
    verbose_name = "affiliation (as a person)"


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "kind", "country", "wikidata_id", "alias_names"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases__name", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActorAliasInline, AffiliationInline]
    show_full_result_count = False

    def get_queryset(self, request):
        # alias_names reads every row's aliases: one prefetch instead of a query per row.
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="aliases")
    def alias_names(self, actor: Actor) -> str:
        return ", ".join(alias.name for alias in actor.aliases.all())


@admin.register(Affiliation)
class AffiliationAdmin(SimpleHistoryAdmin):
    list_display = ["person", "role", "organization", "start_date", "end_date"]
    list_select_related = ["person", "organization"]
    list_filter = ["organization__kind"]
    search_fields = ["person__name", "organization__name", "role"]
    autocomplete_fields = ["person", "organization"]
