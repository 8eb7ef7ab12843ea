"""Text helpers of the page synthesiser: cleaning corpus text, print widths, wrapping, names.

Everything here is deterministic given its inputs and the ``random.Random`` passed in; nothing
knows about pages, roles or labels.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

from newsseg.synth.data import GIVEN_NAME_CHARS, SURNAMES

Choice = TypeVar("Choice")


def weighted_choice(rng: random.Random, options: Iterable[tuple[Choice, float]]) -> Choice:
    """One of the options, drawn with their weights (one ``rng.choices`` call)."""
    pairs = list(options)
    return rng.choices([option for option, _ in pairs], weights=[weight for _, weight in pairs])[0]


CLOSING_PUNCTUATION = frozenset("，。、；：！？”’）》」』】…,.;:!?)%")
"""Characters a typesetter with hanging punctuation never puts at the start of a line."""

OPENING_PUNCTUATION = frozenset("“‘（《「『【(")
"""Characters a typesetter with hanging punctuation never leaves at the end of a line."""

SENTENCE_ENDS = "。！？"

_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000 ]+")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\ufeff\ufffc\ufffd]")


def clean_text(text: str) -> str:
    """Corpus text as a line of print: no control characters, runs of (no-break) spaces made one space."""
    text = _UNPRINTABLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def char_width(char: str) -> float:
    """Print width of a character in full-width cells: Latin letters, digits and ASCII half a cell."""
    return 0.5 if ord(char) < 0x2000 else 1.0


def text_width(text: str) -> float:
    return sum(char_width(char) for char in text)


def wrap(text: str, width: int, indent: int = 0, hanging: bool = True) -> list[tuple[int, str]]:
    """Break a paragraph into printed lines of ``width`` cells.

    Parameters
    ----------
    text : str
        The paragraph.
    width : int
        Cells per line.
    indent : int
        Cells of indentation of the first line (the indentation itself is not printed: text
        extraction and OCR drop it, so the first line is just shorter).
    hanging : bool
        Hanging punctuation (kinsoku): a closing mark that falls at the start of a line is kept
        at the end of the previous line instead, and an opening mark is not left at a line end.

    Returns
    -------
    list of (int, str)
        The character offset in ``text`` where each line starts, and the line.
    """
    lines: list[tuple[int, str]] = []
    start = 0
    used = float(indent)
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        cell = char_width(char)
        if used + cell > width + 1e-9 and position > start:
            if hanging and char in CLOSING_PUNCTUATION:
                position += 1
                while position < length and text[position] in CLOSING_PUNCTUATION and position - start < width + 2:
                    position += 1
            elif hanging and text[position - 1] in OPENING_PUNCTUATION and position - 1 > start:
                position -= 1
            lines.append((start, text[start:position]))
            start = position
            used = 0.0
            continue
        used += cell
        position += 1
    if start < length:
        lines.append((start, text[start:]))
    return [(offset, line) for offset, line in lines if line.strip()]


def split_balanced(text: str, parts: int) -> list[str]:
    """Split a headline into ``parts`` lines of about equal width, at a space or punctuation if one is near."""
    if parts <= 1 or len(text) < 2 * parts:
        return [text]
    pieces = []
    rest = text
    for remaining in range(parts, 1, -1):
        target = round(len(rest) / remaining)
        best = target
        for delta in (0, 1, -1, 2, -2, 3, -3):
            cut = target + delta
            if 1 <= cut < len(rest) and (rest[cut - 1] in "，、：:—" or rest[cut] == " "):
                best = cut
                break
        pieces.append(rest[:best].strip())
        rest = rest[best:].strip()
    pieces.append(rest)
    return [piece for piece in pieces if piece]


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, each with its final mark (and closing quote)."""
    found = re.findall(rf"[^{SENTENCE_ENDS}]+[{SENTENCE_ENDS}]+[”’]?", text)
    tail = text[sum(len(s) for s in found) :]
    if tail.strip():
        found.append(tail)
    return [s for s in found if s.strip()]


def cut_at_sentence(text: str, limit: int) -> str:
    """The longest run of whole sentences of ``text`` within ``limit`` characters (at least one sentence)."""
    kept = ""
    for sentence in sentences(text):
        if kept and len(kept) + len(sentence) > limit:
            break
        kept += sentence
    return kept


def person_name(rng: random.Random, lengths: Sequence[int] = (2, 3, 3, 3)) -> str:
    """A plausible Chinese personal name."""
    size = rng.choice(lengths)
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_NAME_CHARS) for _ in range(size - 1))


def spaced_name(name: str, rng: random.Random) -> str:
    """A two-character name as papers print it in bylines, padded to three cells: 韩 伟 or 韩  伟."""
    if len(name) == 2 and rng.random() < 0.6:
        return name[0] + rng.choice((" ", "  ", "\u3000")) + name[1]
    return name
