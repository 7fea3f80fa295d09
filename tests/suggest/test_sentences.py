"""Sentences as the engine quotes them: abbreviations and quotations do not cut them."""

from events.suggest.sentences import split_sentences


def texts(body: str) -> list[str]:
    return [s.text for s in split_sentences(body)]


def test_it_splits_at_full_stops_and_keeps_the_article_s_words():
    body = "The army shelled Omdurman. The RSF withdrew!  Was it over? Nobody knew."
    sentences = split_sentences(body)
    assert [s.text for s in sentences] == [
        "The army shelled Omdurman.",
        "The RSF withdrew!",
        "Was it over?",
        "Nobody knew.",
    ]
    assert all(body[s.start : s.end] == s.text for s in sentences)


def test_abbreviations_and_initials_do_not_end_a_sentence():
    assert texts("Mr. Blinken met Gen. Burhan in the U.S. capital. Talks went on.") == [
        "Mr. Blinken met Gen. Burhan in the U.S. capital.",
        "Talks went on.",
    ]


def test_a_quotation_with_full_stops_is_one_sentence_with_its_speaker():
    body = "Burhan answered, “We will consider it. We are not against it.” Then he left."
    assert texts(body) == [
        "Burhan answered, “We will consider it. We are not against it.”",
        "Then he left.",
    ]


def test_a_quotation_that_ends_the_sentence_closes_it():
    assert texts('He said: "We agree." The RSF did not.') == [
        'He said: "We agree."',
        "The RSF did not.",
    ]


def test_lines_and_paragraphs_end_sentences_and_number_paragraphs():
    sentences = split_sentences(
        "A headline without a stop\n\nFirst line. Second line.\n\nNext one."
    )
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("A headline without a stop", 0),
        ("First line.", 1),
        ("Second line.", 1),
        ("Next one.", 2),
    ]


def test_a_lower_case_word_after_a_stop_continues_the_sentence():
    assert texts("The talks ended at 5 p.m. on Sunday.") == ["The talks ended at 5 p.m. on Sunday."]


def test_a_text_starting_with_a_line_break_keeps_its_first_sentence():
    sentences = split_sentences("\nThe army withdrew.\r\nThe RSF advanced.")
    assert [s.text for s in sentences] == ["The army withdrew.", "The RSF advanced."]
    body = "\nThe army withdrew.\r\nThe RSF advanced."
    assert all(body[s.start : s.end] == s.text for s in sentences)
