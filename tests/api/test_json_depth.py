"""JSON request bodies nested deeper than ``API_MAX_JSON_DEPTH`` are a 400 with a clear message,
measured before the recursive json parser sees them; everything else parses as DRF parses it."""

import pytest

from lib.parsers import json_depth_exceeds
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)

pytestmark = pytest.mark.django_db

URL = "/api/v1/proposals/"
LIMIT = 32  # the default of API_MAX_JSON_DEPTH


def proposal_with_title(depth: int) -> str:
    """A proposal whose title is nested so that the whole body is ``depth`` levels deep: the
    body's object is one level, the title's arrays the rest. A title is never a list, so a
    body that is parsed is refused for its title instead."""
    return '{"title": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


def post(client, raw: str):
    return client.post(URL, data=raw, content_type="application/json")


def is_depth_error(response, limit: int = LIMIT) -> bool:
    return response.json() == {"detail": f"JSON nested more than {limit} levels deep."}


def test_a_body_nested_exactly_to_the_limit_is_parsed(editor_api):
    response = post(editor_api, proposal_with_title(LIMIT))
    # Parsed, then refused by the serializer for the title, not for the depth.
    assert response.status_code == 400
    assert "title" in response.json()
    assert not is_depth_error(response)


def test_one_level_more_than_the_limit_is_a_400_saying_so(editor_api):
    response = post(editor_api, proposal_with_title(LIMIT + 1))
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON nested more than 32 levels deep."}


def test_objects_count_as_levels_like_arrays(editor_api):
    nested_objects = '{"a": ' * LIMIT + "1" + "}" * LIMIT
    assert not is_depth_error(post(editor_api, nested_objects))
    response = post(editor_api, '{"a": ' * (LIMIT + 1) + "1" + "}" * (LIMIT + 1))
    assert response.status_code == 400
    assert is_depth_error(response)


@pytest.mark.parametrize(
    "raw",
    ["[" * 100_000 + "]" * 100_000, "[" * 100_000, '{"a": ' * 100_000],
    ids=["balanced", "unclosed", "objects"],
)
def test_a_body_100000_levels_deep_is_a_400_not_a_recursion_error(editor_api, raw):
    response = post(editor_api, raw)
    assert response.status_code == 400
    assert is_depth_error(response)


def test_brackets_inside_strings_do_not_count(editor_api):
    response = post(editor_api, '{"summary": "' + "[" * 1000 + "{" * 1000 + '"}')
    assert not is_depth_error(response)
    assert "summary" not in response.json()  # a string of brackets is a valid summary


def test_an_escaped_quote_does_not_end_a_string(editor_api):
    raw = '{"summary": "a \\" then ' + "[" * 1000 + '"}'
    response = post(editor_api, raw)
    assert not is_depth_error(response)
    assert "summary" not in response.json()


def test_an_escaped_backslash_before_a_quote_ends_the_string(editor_api):
    # "\\" is a string holding one backslash: the brackets after it are outside strings.
    raw = '{"title": "\\\\", "summary": ' + "[" * LIMIT + "]" * LIMIT + "}"
    response = post(editor_api, raw)
    assert response.status_code == 400
    assert is_depth_error(response)


@pytest.mark.parametrize(
    "raw, detail",
    [
        ('{"title": ', "JSON parse error - Expecting value: line 1 column 11 (char 10)"),
        ("[" * LIMIT, f"JSON parse error - Expecting value: line 1 column {LIMIT + 1}"),
        ('{"title": "unterminated', "JSON parse error - Unterminated string starting at"),
        (
            '{"title": NaN}',
            "JSON parse error - Out of range float values are not JSON compliant: 'NaN'",
        ),
    ],
    ids=["truncated", "unclosed-at-the-limit", "unterminated-string", "nan"],
)
def test_malformed_json_still_gets_drfs_parse_error(editor_api, raw, detail):
    response = post(editor_api, raw)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)


def test_a_body_not_in_its_charset_gets_drfs_parse_error(editor_api):
    response = editor_api.post(URL, data=b'{"title": "\xff"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "JSON parse error - 'utf-8' codec can't decode byte 0xff"
    )


def test_a_body_in_another_charset_is_decoded(editor_api):
    raw = '{"title": "Trêve de Pâques"}'.encode("latin-1")
    response = editor_api.post(URL, data=raw, content_type="application/json; charset=latin-1")
    assert response.status_code == 400  # other fields are missing
    assert "title" not in response.json()


def test_form_bodies_are_still_parsed(editor_api):
    for format in ("multipart", None):
        if format:
            response = editor_api.post(URL, {"title": "Easter truce"}, format=format)
        else:
            response = editor_api.post(
                URL, "title=Easter+truce", content_type="application/x-www-form-urlencoded"
            )
        assert response.status_code == 400  # other fields are missing, but not a 415
        assert "title" not in response.json()


def test_the_setting_changes_the_limit(editor_api, settings):
    settings.API_MAX_JSON_DEPTH = 3
    assert not is_depth_error(post(editor_api, proposal_with_title(3)), limit=3)
    response = post(editor_api, proposal_with_title(4))
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON nested more than 3 levels deep."}

    settings.API_MAX_JSON_DEPTH = 100
    assert not is_depth_error(post(editor_api, proposal_with_title(100)), limit=100)
    assert is_depth_error(post(editor_api, proposal_with_title(101)), limit=100)


# The scanner on its own.


@pytest.mark.parametrize(
    "text, limit, exceeds",
    [
        ("", 0, False),
        ("1", 0, False),
        ("[]", 0, True),
        ("[]", 1, False),
        ("[[]]", 1, True),
        ("[[]]", 2, False),
        ("[" * 32 + "]" * 32, 32, False),
        ("[" * 33 + "]" * 33, 32, True),
        ("[" * 33, 32, True),  # unclosed: measured as far as it goes
        ('{"a": {"b": [1, {"c": []}]}}', 5, False),
        ('{"a": {"b": [1, {"c": []}]}}', 4, True),
        ("[[], [], [], []]", 2, False),  # siblings do not add up
        ('["[[[[", "{{{{"]', 1, False),
        ('["]]]]", [[]]]', 3, False),  # closing brackets in strings do not count either
        ('["]]]]", [[]]]', 2, True),
        ('["a \\" [[[["]', 1, False),  # an escaped quote stays inside the string
        ('["\\\\", [[]]]', 2, True),  # an escaped backslash, then the string ends
        ('["\\\\\\" [[[["]', 1, False),  # \\ then \" : still inside the string
        ('["\\u005b\\u005b", []]', 2, False),
        ('"unterminated [[[[', 1, False),
    ],
)
def test_the_scanner_measures_nesting_outside_strings(text, limit, exceeds):
    assert json_depth_exceeds(text, limit) is exceeds


def test_the_scanner_reads_strings_across_its_slices():
    # A string longer than the slice the scanner reads at a time, full of brackets and quotes.
    inside = ('\\" [[ {{ ' * 20_000) + "\\\\"
    assert not json_depth_exceeds('["' + inside + '", [[]]]', 3)
    assert json_depth_exceeds('["' + inside + '", [[[]]]]', 3)


def test_the_scanner_stops_at_a_deep_body():
    assert json_depth_exceeds("[" * 100_000 + "]" * 100_000, 32)
    assert json_depth_exceeds('{"a": ' * 100_000, 32)
