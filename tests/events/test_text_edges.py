"""URL and quote normalization, edge by edge: what is folded, stripped and kept."""

import pytest

from events.text import (
    QUOTE_MARKS,
    TRACKING_PARAMETERS,
    normalize_quote,
    normalize_url,
    quote_occurs_in,
)

ARTICLE = "https://news.example.org/world/truce"

# Every quote mark folded, with the straight mark it becomes.
FOLDED_MARKS = [(chr(code), folded) for code, folded in sorted(QUOTE_MARKS.items())]


@pytest.mark.parametrize("parameter", sorted(TRACKING_PARAMETERS))
def test_each_tracking_parameter_is_stripped(parameter):
    assert normalize_url(f"{ARTICLE}?{parameter}=abc") == ARTICLE
    assert normalize_url(f"{ARTICLE}?id=7&{parameter}=abc&page=2") == f"{ARTICLE}?id=7&page=2"


@pytest.mark.parametrize("parameter", sorted(TRACKING_PARAMETERS))
def test_tracking_parameters_are_stripped_in_any_case(parameter):
    assert normalize_url(f"{ARTICLE}?{parameter.upper()}=abc&id=7") == f"{ARTICLE}?id=7"


@pytest.mark.parametrize(
    "parameter",
    ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "UTM_Source", "Utm_x"],
)
def test_utm_parameters_are_stripped_in_any_case(parameter):
    assert normalize_url(f"{ARTICLE}?{parameter}=feed&id=7") == f"{ARTICLE}?id=7"


@pytest.mark.parametrize(
    "query",
    ["id=7", "page=2", "refresh=1", "reference=x", "utm=1", "xutm_source=1", "p=", "q=a+b"],
)
def test_parameters_that_identify_an_article_stay(query):
    assert normalize_url(f"{ARTICLE}?{query}") == f"{ARTICLE}?{query}"


def test_blank_parameter_values_are_kept():
    assert normalize_url(f"{ARTICLE}?id=&utm_source=") == f"{ARTICLE}?id="


def test_only_tracking_parameters_leave_no_question_mark():
    assert normalize_url(f"{ARTICLE}?utm_source=a&fbclid=b&ref=c") == ARTICLE


def test_fragment_is_dropped():
    assert normalize_url(f"{ARTICLE}#comments") == ARTICLE
    assert normalize_url(f"{ARTICLE}?id=7#top") == f"{ARTICLE}?id=7"


def test_scheme_and_host_are_lower_cased_but_not_the_path():
    assert normalize_url("HTTPS://News.Example.ORG/World/Truce") == (
        "https://news.example.org/World/Truce"
    )


def test_surrounding_whitespace_is_stripped_and_blank_stays_blank():
    assert normalize_url(f"  {ARTICLE}\n") == ARTICLE
    assert normalize_url("   ") == ""
    assert normalize_url("") == ""


def test_parameter_order_and_values_are_otherwise_kept():
    assert normalize_url(f"{ARTICLE}?page=2&id=7") in (
        f"{ARTICLE}?page=2&id=7",
        f"{ARTICLE}?id=7&page=2",
    )


def test_http_is_folded_into_https():
    assert normalize_url("http://news.example.org/world/truce") == ARTICLE


def test_leading_www_is_dropped():
    assert normalize_url("https://www.news.example.org/world/truce") == ARTICLE
    assert normalize_url("https://WWW.News.Example.org/world/truce") == ARTICLE


@pytest.mark.parametrize(
    "url", ["https://news.example.org:443/world/truce", "http://news.example.org:80/world/truce"]
)
def test_default_ports_are_dropped(url):
    assert normalize_url(url) == ARTICLE


def test_other_ports_stay():
    assert normalize_url("https://news.example.org:8443/a") == "https://news.example.org:8443/a"


def test_trailing_slash_is_dropped():
    assert normalize_url(f"{ARTICLE}/") == ARTICLE
    assert normalize_url(f"{ARTICLE}/?id=7") == f"{ARTICLE}?id=7"


def test_query_parameters_are_sorted():
    assert normalize_url(f"{ARTICLE}?page=2&id=7&b=1") == f"{ARTICLE}?b=1&id=7&page=2"


def test_the_variants_of_one_article_collide():
    variants = [
        "http://www.news.example.org:80/world/truce/?page=2&id=7&utm_source=x#top",
        "HTTPS://News.Example.org/world/truce?id=7&page=2",
        "https://news.example.org:443/world/truce?fbclid=1&id=7&page=2",
    ]
    assert {normalize_url(url) for url in variants} == {f"{ARTICLE}?id=7&page=2"}


@pytest.mark.parametrize(("mark", "folded"), FOLDED_MARKS)
def test_each_quote_mark_is_folded(mark, folded):
    assert normalize_quote(f"{mark}truce{mark}") == f"{folded}truce{folded}"
    assert quote_occurs_in(f"the {mark}truce{mark}", f"Both sides: the {folded}truce{folded}.")
    assert quote_occurs_in(f"the {folded}truce{folded}", f"Both sides: the {mark}truce{mark}.")


def test_single_and_double_marks_are_folded_apart():
    single = [mark for mark, folded in FOLDED_MARKS if folded == "'"]
    double = [mark for mark, folded in FOLDED_MARKS if folded == '"']
    assert single == ["\u2018", "\u2019", "\u201a", "\u201b", "\u2032"]
    assert double == ["\u00ab", "\u00bb", "\u201c", "\u201d", "\u201e", "\u201f", "\u2033"]
    assert not quote_occurs_in("\u201ctruce\u201d", "the 'truce'")
    assert not quote_occurs_in("\u2018truce\u2019", 'the "truce"')


@pytest.mark.parametrize("space", [" ", "  ", "\t", "\n", "\r\n", "\u00a0", " \t\u00a0\n "])
def test_whitespace_runs_collapse(space):
    assert normalize_quote(f"30-day{space}truce") == "30-day truce"
    assert quote_occurs_in("30-day truce", f"a 30-day{space}truce on Monday")
    assert quote_occurs_in(f"30-day{space}truce", "a 30-day truce on Monday")


def test_leading_and_trailing_whitespace_is_dropped():
    assert normalize_quote("\u00a0 truce\t\n") == "truce"


def test_a_quote_that_does_not_occur_is_refused():
    body = "Both sides agreed to a “30-day truce” on Monday."
    assert not quote_occurs_in("40-day truce", body)
    assert not quote_occurs_in("30-daytruce", body)
    assert not quote_occurs_in("30-day truce on Tuesday", body)
    assert quote_occurs_in('a "30-day truce" on', body)
