"""The project's URLs plus views that fail, for the tests of the 500 answers."""

from django.urls import path

from tracker.urls import handler400, handler404, handler500
from tracker.urls import urlpatterns as project_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


def fail(request):
    raise RuntimeError("a deliberate failure")


urlpatterns = [
    path("api/v1/failing/", fail),
    path("failing/", fail),
    *project_urlpatterns,
]
