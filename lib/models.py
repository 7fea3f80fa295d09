"""Model helpers shared by the apps."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q


class ConstraintErrorsOnFieldsMixin:
    """Report a constraint's violation on the field an editor has to change.

    Django reports check constraints (and conditional unique constraints) as errors of the
    whole record; ``constraint_fields`` maps a constraint's name to the field its message
    belongs to, so forms show it beside that field and the API names it.
    """

    constraint_fields: dict[str, str] = {}

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude)
        except ValidationError as error:
            raise self._errors_on_fields(error) from None

    def _errors_on_fields(self, error: ValidationError) -> ValidationError:
        field_of_message = {
            constraint.get_violation_error_message(): self.constraint_fields[constraint.name]
            for _, constraints in self.get_constraints()
            for constraint in constraints
            if constraint.name in self.constraint_fields
        }
        errors: dict[str, list[ValidationError]] = {}
        for field, field_errors in error.error_dict.items():
            for field_error in field_errors:
                target = field
                if field == NON_FIELD_ERRORS:
                    target = field_of_message.get(field_error.message, field)
                errors.setdefault(target, []).append(field_error)
        return ValidationError(errors)


def end_after_start(
    start: str, end: str, *, name: str, message: str, strictly: bool = False
) -> models.CheckConstraint:
    """A constraint that ``end`` is on or after ``start`` (after it, ``strictly``) when both
    are set: a period's bounds, either of which may be unknown."""
    lookup = "gt" if strictly else "gte"
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__{lookup}": F(start)}),
        name=name,
        violation_error_message=message,
    )
