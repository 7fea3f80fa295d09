"""The filters of places, shared by the timeline, each kind's list and the long tables.

``country`` and ``admin1`` match an event with a location in any of the countries (ISO 3166-1
alpha-3) or first-level subdivisions (ISO 3166-2) given; ``bbox`` an event with a location
whose coordinates lie in the box, edges included; ``party_country`` the events of conflicts
whose parties include an actor of any of the countries given. Codes are validated as the
models validate them (``actors.validators``), in either case; a bad value is a 400 naming the
filter.
"""

import decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from actors.validators import validate_country_code, validate_subdivision_code
from lib.filters import CommaSeparatedField, ListFilter

from ..models import ConflictParty, Location


class CodesField(CommaSeparatedField):
    """Codes checked by a model field's validator, upper-cased first (``ukr`` is UKR); every
    bad one is named in one message."""

    validator = staticmethod(validate_country_code)
    noun = "ISO 3166-1 alpha-3 country code"
    example = "UKR, RUS"

    def clean_values(self, values):
        codes = [value.upper() for value in values]
        bad = []
        for value, code in zip(values, codes, strict=True):
            try:
                self.validator(code)
            except ValidationError:
                bad.append(value)
        if bad:
            raise forms.ValidationError(
                "Not an %(noun)s: %(values)s (e.g. %(example)s).",
                params={"noun": self.noun, "values": ", ".join(bad), "example": self.example},
            )
        return list(dict.fromkeys(codes))


class SubdivisionCodesField(CodesField):
    validator = staticmethod(validate_subdivision_code)
    noun = "ISO 3166-2 first-level subdivision code"
    example = "UA-14, RU-BEL"


@extend_schema_field(OpenApiTypes.STR)
class CountriesFilter(ListFilter):
    field_class = CodesField


@extend_schema_field(OpenApiTypes.STR)
class SubdivisionsFilter(ListFilter):
    field_class = SubdivisionCodesField


# The box's four numbers, in the order of GeoJSON's bbox and OGC API's bbox parameter.
BBOX_PARTS = ("min_lon", "min_lat", "max_lon", "max_lat")
BBOX_LIMITS = {"lon": decimal.Decimal(180), "lat": decimal.Decimal(90)}
COORDINATE_STEP = decimal.Decimal("0.000001")  # Location's decimal_places


class BoundingBoxField(forms.Field):
    """``min_lon,min_lat,max_lon,max_lat`` in degrees (WGS 84): four finite numbers, longitudes
    from -180 to 180, latitudes from -90 to 90, each minimum at most its maximum. A box across
    the antimeridian (min_lon > max_lon) is refused: it is two boxes, two requests."""

    def clean(self, value):
        if value is None:
            return None
        parts = [part.strip() for part in value.split(",")]
        if len(parts) != 4:
            raise forms.ValidationError(
                "Expected four numbers min_lon,min_lat,max_lon,max_lat; got %(count)s values.",
                params={"count": len(parts)},
            )
        numbers = {}
        for name, text in zip(BBOX_PARTS, parts, strict=True):
            try:
                number = decimal.Decimal(text)
            except (decimal.InvalidOperation, ValueError):
                number = None
            if number is None or not number.is_finite():
                raise forms.ValidationError(
                    "%(name)s is not a number: %(value)s.", params={"name": name, "value": text}
                )
            limit = BBOX_LIMITS[name[-3:]]
            if not -limit <= number <= limit:
                raise forms.ValidationError(
                    "%(name)s is from -%(limit)s to %(limit)s: %(value)s.",
                    params={"name": name, "limit": limit, "value": text},
                )
            numbers[name] = number
        for axis in ("lon", "lat"):
            if numbers[f"min_{axis}"] > numbers[f"max_{axis}"]:
                raise forms.ValidationError(
                    "min_%(axis)s is greater than max_%(axis)s. A box across the antimeridian "
                    "is two boxes: ask for each (…,180,… and -180,…).",
                    params={"axis": axis},
                )
        # Coordinates are stored with 6 decimals: a minimum rounded up and a maximum rounded
        # down select the same points as the numbers given (and keep the query's numbers
        # within the database's).
        return {
            name: number.quantize(
                COORDINATE_STEP,
                rounding=decimal.ROUND_CEILING if name.startswith("min") else decimal.ROUND_FLOOR,
            )
            for name, number in numbers.items()
        }


@extend_schema_field(OpenApiTypes.STR)
class BoundingBoxFilter(django_filters.Filter):
    field_class = BoundingBoxField


def with_location(queryset, **lookups):
    """The events with a location matching ``lookups``: a semi-join on the location indexes
    (location_country, location_admin1, location_coordinates)."""
    return queryset.filter(Exists(Location.objects.filter(event=OuterRef("pk"), **lookups)))


class PlaceFilterSet(django_filters.FilterSet):
    """The place filters; the event lists' filter sets derive from it."""

    country = CountriesFilter(
        method="filter_country",
        help_text="ISO 3166-1 alpha-3 codes (UKR,RUS): events with a location in any of them.",
    )
    admin1 = SubdivisionsFilter(
        method="filter_admin1",
        help_text="ISO 3166-2 first-level subdivision codes (UA-14,UA-23): events with a "
        "location in any of them.",
    )
    bbox = BoundingBoxFilter(
        method="filter_bbox",
        help_text="min_lon,min_lat,max_lon,max_lat (WGS 84 degrees, edges included): events "
        "with a location in the box. Not across the antimeridian: ask for each side.",
    )
    party_country = CountriesFilter(
        method="filter_party_country",
        help_text="ISO 3166-1 alpha-3 codes: events of the conflicts whose parties include an "
        "actor of any of these countries.",
    )

    def filter_country(self, queryset, name, codes):
        return with_location(queryset, country__in=codes)

    def filter_admin1(self, queryset, name, codes):
        return with_location(queryset, admin1__in=codes)

    def filter_bbox(self, queryset, name, box):
        return with_location(
            queryset,
            longitude__gte=box["min_lon"],
            longitude__lte=box["max_lon"],
            latitude__gte=box["min_lat"],
            latitude__lte=box["max_lat"],
        )

    def filter_party_country(self, queryset, name, codes):
        # A few conflicts: their ids, then the events through event_conflict_dates.
        parties = ConflictParty.objects.filter(actor__country__in=codes)
        return queryset.filter(conflict__in=parties.values("conflict"))
