"""Text helpers shared by models, forms and the API: URL and quote normalization."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track a reader; they never identify an article.
TRACKING_PARAMETERS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref"}
DEFAULT_PORTS = {"http": 80, "https": 443}

SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b\u2032"
DOUBLE_QUOTES = '"\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb'
QUOTE_MARKS = str.maketrans(
    {**{c: "'" for c in SINGLE_QUOTES[1:]}, **{c: '"' for c in DOUBLE_QUOTES[1:]}}
)


def _host(parts) -> str:
    """The host in lower case, without a leading ``www.`` or the scheme's default port."""
    netloc = parts.netloc.lower()
    userinfo, _, hostport = netloc.rpartition("@")
    try:
        port = parts.port
    except ValueError:  # not a number: left as typed, URL validation names it
        return netloc
    host = hostport
    if port is not None and port == DEFAULT_PORTS.get(parts.scheme.lower()):
        host = hostport[: hostport.rindex(":")]
    host = host.removeprefix("www.")
    return f"{userinfo}@{host}" if userinfo else host


def normalize_url(url: str) -> str:
    """The one spelling of an article's address, so that each article is stored once.

    http and https are one scheme (https); the host is lower-cased without ``www.`` or a
    default port; a trailing slash, the fragment and tracking parameters are dropped, and the
    remaining query parameters are sorted.
    """
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMETERS
    )
    return urlunsplit((scheme, _host(parts), parts.path.rstrip("/"), urlencode(query), ""))


def normalize_quote(text: str) -> str:
    """Fold quote-mark style and collapse every run of whitespace into one space."""
    return re.sub(r"\s+", " ", text.translate(QUOTE_MARKS)).strip()


def quote_pattern(quote: str) -> str:
    """A regex matching ``quote`` in any spacing and quote-mark style."""

    def char(c: str) -> str:
        if c in SINGLE_QUOTES:
            return f"[{re.escape(SINGLE_QUOTES)}]"
        if c in DOUBLE_QUOTES:
            return f"[{re.escape(DOUBLE_QUOTES)}]"
        return re.escape(c)

    return r"\s+".join("".join(char(c) for c in word) for word in quote.split())


def find_quote(quote: str, body: str) -> tuple[int, int] | None:
    """Where ``quote`` first occurs in ``body``, ignoring whitespace and quote-mark style."""
    if not quote.split():
        return None
    match = re.search(quote_pattern(quote), body)
    return match.span() if match else None


def article_span(quote: str, body: str) -> str | None:
    """The article's own words for ``quote`` (its spacing and quote marks), or None."""
    span = find_quote(quote, body)
    return body[span[0] : span[1]] if span else None


def quote_occurs_in(quote: str, body: str) -> bool:
    return find_quote(quote, body) is not None


# Elements that end a paragraph of text; a ``<br>`` only ends a line.
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p",
    "pre", "section", "table", "tr", "ul",
}  # fmt: skip
HIDDEN_TAGS = {"script", "style", "template", "noscript"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        elif tag == "br":
            self.chunks.append("\n")
        elif tag in BLOCK_TAGS:
            self.chunks.append("\n\n")

    def handle_endtag(self, tag) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in BLOCK_TAGS:
            self.chunks.append("\n\n")

    def handle_data(self, data) -> None:
        if not self.hidden:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """An article's HTML as plain text: tags dropped, entities decoded, each paragraph (and
    list item, heading, quote) on its own, separated by a blank line; spaces collapsed."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    paragraphs = []
    for paragraph in re.split(r"\n[^\S\n]*\n", "".join(parser.chunks)):
        lines = (" ".join(line.split()) for line in paragraph.split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)
