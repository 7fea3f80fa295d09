"""Releases in the admin: to look at, never to add, change or delete (the command makes them)."""

from django.contrib import admin

from .models import Release


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "previous", "events"]
    list_select_related = ["previous"]
    readonly_fields = ["version", "created_at", "previous", "manifest", "files"]

    @admin.display(description="events")
    def events(self, release):
        return release.manifest.get("counts", {}).get("events")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
