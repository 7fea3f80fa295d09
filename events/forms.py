"""Form fields that take dates as editors write them."""

import datetime
import re

from django import forms
from django.utils import timezone

from . import times
from .models import Event

PERIOD_FORMATS = "YYYY-MM-DD, or YYYY-MM for a month, or YYYY for a year"
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class PeriodDate(datetime.date):
    """A date typed as a month (2025-03) or a year (2025): the first day of that period, with
    the precision it was written in."""

    precision: str = Event.Precision.DAY


def parse_period(text: str) -> PeriodDate | None:
    """``2025-03-18``, ``2025-03`` or ``2025``; None when the text is none of them."""
    match = _PERIOD.match(text.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        value = PeriodDate(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        return None
    if day is None:
        value.precision = Event.Precision.MONTH if month else Event.Precision.YEAR
    return value


class PeriodDateField(forms.DateField):
    """A day, a month or a year, in ISO order; other formats the admin accepts stay accepted
    (they are days). A bad value's error names the formats."""

    default_error_messages = {"invalid": f"Enter a date as {PERIOD_FORMATS}."}

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            parsed = parse_period(value)
            if parsed is not None:
                return parsed
        return super().to_python(value)


def coarser(precision: str, than: str) -> bool:
    order = [Event.Precision.DAY, Event.Precision.MONTH, Event.Precision.YEAR]
    return order.index(precision) > order.index(than)


class DateOptionalTimeField(forms.SplitDateTimeField):
    """A publication date whose time may be left out (midnight in the site's time zone)."""

    def __init__(self, *args, **kwargs):
        kwargs["require_all_fields"] = False
        super().__init__(*args, **kwargs)
        self.fields[1].required = False

    def compress(self, data_list):
        if data_list and data_list[0] not in self.empty_values and not data_list[1]:
            data_list = [data_list[0], datetime.time(0, 0)]
        value = super().compress(data_list)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


def replace_field(form: forms.BaseForm, name: str, field_class, help_text: str) -> None:
    """Swap the model form's field ``name`` (if shown) for ``field_class``, keeping its label,
    requiredness and widget."""
    old = form.fields.get(name)
    if old is not None:
        form.fields[name] = field_class(
            label=old.label, required=old.required, widget=old.widget, help_text=help_text
        )


class LocalDateTimeField(forms.SplitDateTimeField):
    """A proposal's exact time, typed as the clock reads in the proposal's time zone (the
    form's time zone field): kept without a UTC offset for the model to read in that zone."""

    def compress(self, data_list):
        if not data_list:
            return None
        day, time = data_list
        if day in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if time in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return datetime.datetime.combine(day, time)


def time_zone_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((name, name) for name in sorted(times.time_zone_names()))]
