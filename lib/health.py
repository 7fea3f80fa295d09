"""Probes for container orchestration and load balancers.

``/healthz``: the process is up and answers; it touches nothing else (no database), so a
database outage does not get every web container restarted. ``/readyz``: the process can serve
requests, i.e. the primary database answers a query; 503 otherwise, so a balancer stops
sending it traffic.
"""

import logging

from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        logger.warning("Not ready: the database is unreachable: %s", reason)
        return JsonResponse({"detail": "The database is unreachable."}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
