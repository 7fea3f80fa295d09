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
