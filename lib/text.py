"""Text helpers shared by the apps."""

import unicodedata

from django.utils.text import slugify

# Minus signs that are not dash punctuation (category Pd) but stand for a dash in names.
MINUS_SIGNS = "\u2212\u207b\u208b"


def is_dash(char: str) -> bool:
    """Any Unicode dash (hyphen, en and em dash, figure dash, …) or minus sign."""
    return unicodedata.category(char) == "Pd" or char in MINUS_SIGNS


def slugify_name(name: str) -> str:
    """The slug of a name, its dashes kept: "Israel–Hamas war" → "israel-hamas-war".

    Django's slugify drops characters it cannot transliterate, en and em dashes among them,
    which would glue the words around them together ("israelhamas-war"). The admin's slug
    field does the same in the browser (actors/static/actors/urlify_dashes.js).
    """
    return slugify("".join("-" if is_dash(char) else char for char in name))
