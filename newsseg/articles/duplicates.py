"""Duplicated passages: lines OCR gave twice (a column's last lines set again after the article).

A run of consecutive lines is a duplicate when its text is a copy of the text that ends right
where the run begins — compared character by character in order, so a few OCR differences and
different line breaks do not hide it — and it is long enough not to be a chance repetition.  A
paper does repeat itself on purpose (a digest's summary then the item, a quote given twice,
parallel race results), but never line for line right after the original.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from newsseg.articles.joining import compact

SHARED = 0.6
"""Share of a line's character trigrams found in the text before it for the line to count as repeated."""
COPIED = 0.9
"""Share of a run's characters that must match, in order, the text just before it."""
TAIL_SLACK = 1.3
"""How much of the text before a run is compared with it: this times the run's length, plus 10 characters."""
MIN_LINES = 3
MIN_CHARS = 20
"""A repeated run needs this many lines and characters to be a duplicated passage."""


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


def find_duplicates(texts: Sequence[str]) -> list[list[int]]:
    """Find the duplicated passages among an article's body lines.

    Parameters
    ----------
    texts : sequence of str
        The article's body lines in reading order.

    Returns
    -------
    list of list of int
        Each duplicated passage as the indices (into ``texts``) of its lines, in order.
    """
    pieces = [compact(text) for text in texts]
    seen_text = ""
    seen: set[str] = set()
    passages: list[list[int]] = []
    pending: list[int] = []

    def accept(indices: list[int]) -> None:
        nonlocal seen_text
        for index in indices:
            piece = pieces[index]
            seen.update(_trigrams(seen_text[-2:] + piece))
            seen_text += piece

    def repeats_what_precedes(indices: list[int]) -> bool:
        run = "".join(pieces[i] for i in indices)
        if len(indices) < MIN_LINES or len(run) < MIN_CHARS:
            return False
        tail = seen_text[-int(TAIL_SLACK * len(run) + 10) :]
        blocks = SequenceMatcher(None, tail, run, autojunk=False).get_matching_blocks()
        return sum(block.size for block in blocks if block.size >= 3) >= COPIED * len(run)

    def settle() -> None:
        if repeats_what_precedes(pending):
            passages.append(list(pending))
        else:
            accept(pending)
        pending.clear()

    for index, piece in enumerate(pieces):
        grams = _trigrams(piece)
        if grams and len(grams & seen) >= SHARED * len(grams):
            pending.append(index)
            continue
        if not grams and pending and piece in seen_text:
            pending.append(index)
            continue
        settle()
        accept([index])
    settle()
    return passages
