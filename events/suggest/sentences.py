"""An article's text cut into sentences, each with where it is (to quote it as written)."""

import re
from dataclasses import dataclass

# Words that end with a full stop without ending the sentence.
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "sen",
    "rep", "gov", "pres", "st", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "corp", "co",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "approx", "est", "dept", "univ", "mt", "ft",
}  # fmt: skip
OPENING_QUOTES = "“‘«„"
CLOSING_QUOTES = "”’»"
CLOSERS = "”’»\"')]"
ENDS = ".!?…"
# "U.S.", "U.N.", "E.U.": initials, not the end of a sentence.
INITIALS = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
WORD_BEFORE = re.compile(r"(\w+)\.$")


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str  # exactly as in the article
    paragraph: int


def _is_abbreviation(text: str, dot: int) -> bool:
    before = text[max(0, dot - 20) : dot + 1]
    if INITIALS.search(before):
        return True
    match = WORD_BEFORE.search(before)
    if match is None:
        return False
    word = match.group(1)
    return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, in order.

    A sentence ends at ., ! or ? (with any closing quote marks) followed by a space and a
    capital, a digit or an opening quote; not after an abbreviation ("Mr.", "U.S."), and not
    inside a quotation (“… bilaterally. We are not ruling it out.” is one sentence with the
    words around it). A line break ends a sentence, and a blank line a paragraph, whatever
    the quotation marks: a quotation left open does not swallow the article.
    """
    sentences: list[Sentence] = []
    paragraph = 0
    offset = 0
    for number, block in enumerate(re.split(r"(\n\s*\n)", text)):
        if number % 2:  # a blank line between paragraphs
            offset += len(block)
            if sentences:
                paragraph = sentences[-1].paragraph + 1
            continue
        line_start = offset
        for line in block.split("\n"):
            for start, end in _split_line(line):
                piece = line[start:end]
                lead = len(piece) - len(piece.lstrip())
                piece = piece.strip()
                if piece:
                    begin = line_start + start + lead
                    sentences.append(
                        Sentence(len(sentences), begin, begin + len(piece), piece, paragraph)
                    )
            line_start += len(line) + 1
        offset += len(block)
    return sentences


def _split_line(line: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    inside = False  # within a quotation
    i = 0
    n = len(line)
    while i < n:
        char = line[i]
        if char in OPENING_QUOTES[:1] + "«„":
            inside = True
        elif char in "”»":
            inside = False
        elif char == '"':
            inside = not inside
        if char in ENDS:
            j = i + 1
            while j < n and line[j] in ENDS:
                j += 1
            closed = False
            while j < n and line[j] in CLOSERS:
                if line[j] in "”»" or (line[j] == '"' and inside):
                    closed = True
                j += 1
            if closed:
                inside = False
            following = line[j:].lstrip()
            ends_here = (
                not inside
                and (j == n or line[j].isspace())
                and (not following or following[0].isupper() or following[0].isdigit()
                     or following[0] in OPENING_QUOTES + '"')
                and not (char == "." and _is_abbreviation(line, i))
            )  # fmt: skip
            if ends_here:
                spans.append((start, j))
                start = j
            i = j
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    return spans
