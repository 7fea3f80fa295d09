"""Django's error views, answering in the API's error shape (``{"detail": …}``) under /api/
and with the usual HTML pages elsewhere (the admin, the docs' pages)."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.views import defaults

from lib.requestid import current_request_id

logger = logging.getLogger(__name__)
API_PREFIX = "/api/"


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request, exception=None):
    if not is_api_request(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        detail = (
            "The request body is too large: at most "
            f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes are accepted."
        )
    elif isinstance(exception, TooManyFieldsSent):
        detail = f"Too many fields: at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}."
    elif isinstance(exception, TooManyFilesSent):
        detail = f"Too many files: at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES}."
    else:
        detail = "Bad request."
    return json_error(detail, 400)


def page_not_found(request, exception=None):
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)
    return json_error(f"Not found: {request.path}", 404)


# A database that cannot be reached (stopped, restarting, a connection cut): a 503 asking the
# client to try again, here and in the API's exception handler (events/api/errors.py).
DATABASE_UNAVAILABLE = "The database is unavailable. Try again in a few seconds."
RETRY_AFTER_SECONDS = 5


def is_database_unavailable(exception) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


def service_unavailable(request):
    """The answer to a request that failed because the database cannot be reached: JSON under
    /api/, a short page elsewhere; ``Retry-After`` on both. Persistent connections are checked
    before reuse (CONN_HEALTH_CHECKS), so requests succeed again once it is back."""
    if is_api_request(request):
        response = json_error(DATABASE_UNAVAILABLE, 503)
    else:
        response = HttpResponse(
            f"<!doctype html><title>Service unavailable</title><h1>Service unavailable</h1>"
            f"<p>{DATABASE_UNAVAILABLE}</p>",
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    # Django calls this view while it handles the exception: it is still the current one.
    if is_database_unavailable(sys.exc_info()[1]):
        logger.warning("Answered 503 to %s %s: no database", request.method, request.path)
        return service_unavailable(request)
    request_id = current_request_id() or "-"
    # Django has logged the traceback (django.request); this line ties it to the answer.
    logger.error("Answered 500 to %s %s (request id %s)", request.method, request.path, request_id)
    if not is_api_request(request):
        return defaults.server_error(request)
    return json_error(f"Server error. Quote request id {request_id} when reporting it.", status=500)
