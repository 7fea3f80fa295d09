"""The API's JSON parser, with a limit on how deeply a body may nest.

Python's json parser recurses once per level of nesting: a body of 100,000 ``[`` costs CPU time
and ends in a RecursionError (a 500). The depth is measured on the text first, in linear time
and without recursion, and a body nested deeper than ``settings.API_MAX_JSON_DEPTH`` is a 400
that never reaches the recursive parser.
"""

import codecs
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

DEFAULT_MAX_DEPTH = 32

# Text is measured a slice at a time, so that a body deep from its first bytes is refused
# after reading one slice of it.
_SLICE = 64 * 1024
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether the JSON ``text`` nests objects and arrays more than ``limit`` levels deep.

    Brackets inside strings do not count. Malformed text is measured as far as it reads like
    JSON; the json parser then reports what is wrong with it. Linear in the length of the text.
    """
    # Fewer opening brackets than the limit cannot nest deeper (the usual request): no scan.
    if text.count("[") + text.count("{") <= limit:
        return False
    # Without escaped backslashes and then escaped quotes, every '"' left opens or closes a
    # string (backslashes pair from the left, as the json parser reads them).
    text = text.replace("\\\\", "").replace('\\"', "")
    depth = 0
    in_string = False
    for start in range(0, len(text), _SLICE):
        pieces = text[start : start + _SLICE].split('"')
        # Pieces alternate between outside and inside strings; an odd number of quotes in
        # the slice means the next slice starts on the other side.
        outside = "".join(pieces[1 if in_string else 0 :: 2])
        in_string ^= len(pieces) % 2 == 0
        for bracket in _NOT_A_BRACKET.sub("", outside):
            if bracket in "[{":
                depth += 1
                if depth > limit:
                    return True
            else:
                depth -= 1
    return False


def max_json_depth() -> int:
    return getattr(settings, "API_MAX_JSON_DEPTH", DEFAULT_MAX_DEPTH)


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser (same encodings, strict JSON, error messages) refusing bodies nested
    more than ``API_MAX_JSON_DEPTH`` levels deep."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        limit = max_json_depth()
        try:
            text = codecs.getreader(encoding)(stream).read()
            if json_depth_exceeds(text, limit):
                raise ParseError(f"JSON nested more than {limit} levels deep.")
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        except RecursionError as exc:
            # Only when the limit is set above what the interpreter's stack allows.
            raise ParseError(f"JSON nested too deeply to parse (limit {limit}).") from exc
