"""JSON errors that name the field, never a 500 for a client's mistake."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lib.errors import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, is_database_unavailable


def database_unavailable() -> Response:
    """503 (lib.errors): the database cannot be reached."""
    return Response(
        {"detail": DATABASE_UNAVAILABLE},
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def exception_handler(exc, context):
    if is_database_unavailable(exc):
        return database_unavailable()
    if isinstance(exc, ProtectedError):
        names = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        return Response(
            {"detail": f"Refused: other records use this one ({', '.join(names)})."},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DataError):
        # Text the database cannot store or compare (a NUL character, a number out of range).
        return Response(
            {
                "non_field_errors": [
                    f"The database cannot take this value: {exc.args[0].splitlines()[0]}"
                ]
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        # The database refused a write the serializers did not foresee; nothing was written.
        return Response(
            {
                "non_field_errors": [
                    f"The database refused this write: {exc.args[0].splitlines()[0]}"
                ]
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
