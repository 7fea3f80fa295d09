"""Root URLs: the admin for editors, the API for analysts."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Ceasefire tracker"
admin.site.site_title = "Ceasefire tracker"
admin.site.index_title = "Curation"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
