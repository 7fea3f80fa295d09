"""The public pages, beside the API: what an analyst looks at rather than reads."""

from django.urls import path

from . import views

app_name = "front"

urlpatterns = [
    path("conflicts/", views.conflict_list, name="conflict-list"),
    path("conflicts/<slug:slug>/", views.conflict_detail, name="conflict-detail"),
]
