"""Who may read and write through the API."""

from django.conf import settings
from rest_framework import permissions


class ReadPublishedWriteWithModelPerms(permissions.DjangoModelPermissions):
    """Anyone reads (unless API_READ_REQUIRES_TOKEN); writing needs the model's permission.

    What a reader sees is narrowed by the views: published records only, unless the user may
    change records of that kind (editors and reviewers).
    """

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            if getattr(settings, "API_READ_REQUIRES_TOKEN", False):
                return bool(request.user and request.user.is_authenticated)
            return True
        return bool(request.user and request.user.is_authenticated) and super().has_permission(
            request, view
        )


def sees_unpublished(user, model) -> bool:
    """Editors and reviewers see drafts and reviews of the kinds they may change; on the
    timeline (the shared Event) of any kind they may change."""
    from ..models import KIND_MODELS, Event

    if not (user and user.is_authenticated):
        return False
    models = KIND_MODELS.values() if model is Event else [model]
    return any(user.has_perm(f"{m._meta.app_label}.change_{m._meta.model_name}") for m in models)


class ReadsArticleText(permissions.BasePermission):
    """Routes that show an article's text (its sentences) are for users who may read it."""

    message = (
        "This shows the article's text: it needs the permission “Can read the full text of "
        "sources” (events.view_source_body)."
    )

    def has_permission(self, request, view):
        from ..models import Source

        return Source.reads_body(request.user)


class ReviewersChangePublished(permissions.BasePermission):
    """Published and retracted records are changed by reviewers only, as in the admin."""

    message = "Published and retracted records can be changed by reviewers only."

    def has_object_permission(self, request, view, obj):
        from ..services import DELETE_REFUSED, LOCKED_STATUSES, may_delete

        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "DELETE":
            if getattr(obj, "editorial_status", None) in LOCKED_STATUSES:
                self.message = "Published and retracted records are retracted, not deleted."
                return False
            self.message = DELETE_REFUSED
            return may_delete(request.user, obj)
        if getattr(obj, "editorial_status", None) in LOCKED_STATUSES:
            return request.user.has_perm("events.publish_event")
        return True
