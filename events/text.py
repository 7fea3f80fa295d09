"""Text helpers shared by models, forms and the API: URL and quote normalization."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track a reader; they never identify an article.
TRACKING_PARAMETERS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref"}

QUOTE_MARKS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)


def normalize_url(url: str) -> str:
    """Drop the fragment and tracking parameters, lower-case scheme and host."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMETERS
    ]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path, urlencode(query), "")
    )


def normalize_quote(text: str) -> str:
    """Fold quote-mark style and collapse every run of whitespace into one space."""
    return re.sub(r"\s+", " ", text.translate(QUOTE_MARKS)).strip()


def quote_occurs_in(quote: str, body: str) -> bool:
    return normalize_quote(quote) in normalize_quote(body)
