"""Joining printed lines back into text: as printed, as a headline, or as running prose.

A newspaper column breaks text wherever the line is full, so the line ends of a page mean
nothing to the reader: Chinese runs on with no space, a number broken over two lines is one
number, and only two Latin words keep a space between them.  Inside a line, OCR adds spaces
that the print does not have (between Chinese characters, around punctuation); prose drops
them, headlines keep a real gap (``新春走基层 一起过大年``) but close up letter-spacing
(``主 旋 律 戏 剧``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsseg.features.layout import SPACE_CHARS, char_class, char_width

_WHITE = re.compile(r"[\s\u3000]+")
_PUNCTUATION_CLASSES = frozenset({"final", "comma", "colon", "open", "close", "dash", "dot"})


def _is_word_char(char: str) -> bool:
    """ASCII letters and digits: the characters between which a space is a real word gap."""
    return char.isascii() and char.isalnum()


def join_lines(texts: Iterable[str]) -> str:
    """Join the lines of one text block as printed: no space between Chinese characters.

    A space is put in only where a line ends and the next begins with a Latin letter (two
    words); a number broken over two lines (``4`` / ``0年``) is joined up.  Spaces inside a line
    are kept.

    Parameters
    ----------
    texts : iterable of str
        The lines, in reading order; blank ones are skipped.

    Returns
    -------
    str
        The joined text, stripped.
    """
    joined = ""
    for text in texts:
        piece = text.strip()
        if not piece:
            continue
        if joined and char_class(joined[-1]) == "latin" and char_class(piece[0]) == "latin":
            joined += " "
        joined += piece
    return joined


def close_letter_spacing(text: str) -> str:
    """Remove the spaces of a letter-spaced line (``主 旋 律 戏 剧``); other lines are kept.

    A line is letter-spaced when it has at least three pieces between spaces and every piece
    is one Chinese character.
    """
    pieces = _WHITE.split(text.strip())
    if len(pieces) >= 3 and all(len(p) == 1 and char_class(p) == "cjk" for p in pieces):
        return "".join(pieces)
    return text


def join_headline(texts: Iterable[str]) -> str:
    """Join headline lines (kicker, title, subtitle, column label) as printed.

    Lines are joined with no space (a title broken over lines), a run of spaces inside a line
    becomes one (the first of the run, so a full-width space stays full-width), and
    letter-spaced lines are closed up.
    """
    lines = [close_letter_spacing(text) for text in texts]
    return _WHITE.sub(lambda match: match.group()[0], join_lines(lines))


def join_prose(texts: Iterable[str]) -> str:
    """Join body lines into running text: no spaces except one between two Latin words or numbers."""

    def keep_gap(match: re.Match[str]) -> str:
        text = match.string
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return " " if before and after and _is_word_char(before) and _is_word_char(after) else ""

    return _WHITE.sub(keep_gap, join_lines(texts))


def compact(text: str) -> str:
    """The text without any white space (for comparing names and passages)."""
    return _WHITE.sub("", text)


def printed_width(text: str) -> float:
    """Printed width of a line in em: Chinese characters and all punctuation 1, Latin and digits 1/2.

    OCR often gives full-width punctuation as ASCII (``,`` for ``，``); in the print it still
    takes a full em, which is what the column width is made of.  White space counts nothing.
    """
    width = 0.0
    for char in text:
        if char in SPACE_CHARS:
            continue
        width += 1.0 if char_class(char) in _PUNCTUATION_CLASSES else char_width(char)
    return width
