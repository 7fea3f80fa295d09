"""The public pages, beside the API: what an analyst looks at rather than reads."""

from django.urls import path

from . import timeline, views

app_name = "front"

urlpatterns = [
    path("conflicts/", views.conflict_list, name="conflict-list"),
    path("conflicts/<slug:slug>/", views.conflict_detail, name="conflict-detail"),
    path("conflicts/<slug:slug>/timeline/", timeline.conflict_timeline, name="conflict-timeline"),
]
