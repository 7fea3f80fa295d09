"""Validators for the external identifiers analysts join on."""

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

validate_wikidata_id = RegexValidator(
    r"^Q[1-9][0-9]*$", "A Wikidata ID is Q followed by digits, e.g. Q159 for Russia."
)


def validate_country_code(value: str) -> None:
    """Accept only ISO 3166-1 alpha-3 codes (RUS, UKR, USA), upper case."""
    if value and (value != value.upper() or pycountry.countries.get(alpha_3=value) is None):
        raise ValidationError(
            "%(value)s is not an ISO 3166-1 alpha-3 country code (e.g. RUS, UKR, USA).",
            params={"value": value},
            code="invalid_country",
        )


def validate_subdivision_code(value: str) -> None:
    """Accept only ISO 3166-2 codes of a country's first-level subdivisions (UA-14, RU-BEL),
    upper case: a district within a region is not an admin1."""
    if not value:
        return
    subdivision = pycountry.subdivisions.get(code=value) if value == value.upper() else None
    if subdivision is None:
        raise ValidationError(
            "%(value)s is not an ISO 3166-2 subdivision code (e.g. UA-14 for Donetsk oblast).",
            params={"value": value},
            code="invalid_subdivision",
        )
    if subdivision.parent_code is not None:
        raise ValidationError(
            "%(value)s (%(name)s) is within %(parent)s: give the first-level subdivision.",
            params={"value": value, "name": subdivision.name, "parent": subdivision.parent_code},
            code="not_first_level",
        )


def subdivision_country(code: str) -> str | None:
    """The ISO 3166-1 alpha-3 code of the country an ISO 3166-2 code belongs to."""
    subdivision = pycountry.subdivisions.get(code=code)
    if subdivision is None:
        return None
    return pycountry.countries.get(alpha_2=subdivision.country_code).alpha_3
