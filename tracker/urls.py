"""Root URLs: the admin for editors, the API for analysts, the public pages (front/)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import urls as drf_urls

from lib.contentpolicy import allow_inline_styles
from lib.health import healthz, readyz

admin.site.site_header = "Ceasefire tracker"
admin.site.site_title = "Ceasefire tracker"
admin.site.index_title = "Curation"

# DRF's login and logout pages for the browsable API, whose template sets inline styles.
drf_auth_urls = [
    path(str(pattern.pattern), allow_inline_styles(pattern.callback), name=pattern.name)
    for pattern in drf_urls.urlpatterns
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", RedirectView.as_view(url="/conflicts/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("events.api.urls")),
    path("", include("front.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        # Swagger UI's start-up script is served as a file (the split view), not inline.
        allow_inline_styles(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path("api-auth/", include((drf_auth_urls, drf_urls.app_name))),
]

# Errors in the API's JSON shape under /api/, HTML elsewhere (lib/errors.py).
handler400 = "lib.errors.bad_request"
handler404 = "lib.errors.page_not_found"
handler500 = "lib.errors.server_error"
