"""Paragraphs: an article's body lines rejoined into the paragraphs of the print.

Column text breaks lines wherever a line is full, so a line end is a paragraph end only when
the print shows one.  Three things show it, and which one survives depends on the kind of text:

* the paragraph's last line ends a sentence and stops short of the column width;
* the next line starts a new sentence indented by two characters (OCR drops the indent's
  spaces, so the line is about two characters narrower than the column);
* a blank line — but a blank line also comes at every column break (e-paper text, OCR of a
  multi-column page), so a blank line in the middle of a sentence is a column break, and a
  blank line counts only together with an indented next line.

Where another article interrupts this one (OCR broke the article apart and it resumes further
down), the gap is read as a column break too: a paragraph cut there runs on into the resumed
lines unless the print shows an end by the first two signs.

The column width is measured from the article's own lines (the median printed width of the
lines around, among those that do not end a sentence, as those are full).  Text that is not set
in columns (lines much wider than a newspaper column) breaks at every sentence-final line end.
Subheads are paragraphs of their own.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from newsseg.articles.joining import join_prose
from newsseg.features.layout import ends_sentence

WIDTH_WINDOW = 10
"""Body lines on each side whose widths give the column width at a line."""
SHORT = 1.5
"""A line this many em narrower than the column is short: a paragraph's last line or its indented first."""
HEADING_SHORT = 2.5
"""A line with no sentence end this much shorter than the column, before an indented line, is a heading."""
INDENT_MAX = 2.75
"""At most this many em narrower than the column: an indented line, not a short last line."""
UNSET_WIDTH = 40.0
"""A column this wide means the text is not set in newspaper columns (one paragraph per line)."""


@dataclass(frozen=True)
class BodyLine:
    """One line of an article's body, ready for paragraphing.

    Attributes
    ----------
    number : int
        1-based input line number.
    text : str
        The line's text that belongs to the body (a byline sharing the line is cut off).
    role : str
        ``body`` or ``subhead``.
    width : float
        Printed width of the whole input line (:func:`~newsseg.articles.joining.printed_width`).
    gap_before : bool
        Whether a blank line (or a line of no article) separates it from the previous line.
    resumed : bool
        Whether the article resumes here: another article's lines come between it and the
        previous line (a run of the article OCR broke apart).
    """

    number: int
    text: str
    role: str
    width: float
    gap_before: bool = False
    resumed: bool = False


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (or subhead) of an article: its text and the input lines it came from."""

    text: str
    lines: tuple[int, ...]
    role: str = "body"

    @property
    def start_line(self) -> int:
        return self.lines[0]

    @property
    def end_line(self) -> int:
        return self.lines[-1]

    def to_dict(self) -> dict:
        return {"text": self.text, "role": self.role, "start_line": self.start_line, "end_line": self.end_line}


def column_widths(lines: Sequence[BodyLine]) -> list[float]:
    """The column width at each body line: the median width of nearby lines that run on."""
    running = [i for i, line in enumerate(lines) if line.role == "body" and not ends_sentence(line.text)]
    fallback = [line.width for line in lines if line.role == "body"] or [line.width for line in lines]
    overall = statistics.median(lines[i].width for i in running) if running else max(fallback)
    running_widths = [lines[i].width for i in running]
    widths = []
    for index in range(len(lines)):
        # running is sorted: the lines within the window are one slice of it.
        low = bisect.bisect_left(running, index - WIDTH_WINDOW)
        high = bisect.bisect_right(running, index + WIDTH_WINDOW)
        near = running_widths[low:high]
        widths.append(statistics.median(near) if len(near) >= 3 else overall)
    return widths


def breaks_after(lines: Sequence[BodyLine]) -> list[bool]:
    """For each line, whether a paragraph ends after it (the last line always ends one).

    Parameters
    ----------
    lines : sequence of BodyLine
        An article's body and subhead lines in reading order.

    Returns
    -------
    list of bool
        One flag per line.
    """
    if not lines:
        return []
    widths = column_widths(lines)
    flags = []
    for index, line in enumerate(lines[:-1]):
        following = lines[index + 1]
        flags.append(_ends_paragraph(line, following, widths[index]))
    flags.append(True)
    return flags


def _ends_paragraph(line: BodyLine, following: BodyLine, column: float) -> bool:
    if line.role != following.role:
        return True
    sentence_end = ends_sentence(line.text)
    if line.role == "subhead":
        return sentence_end
    if column >= UNSET_WIDTH:
        return sentence_end or (following.gap_before and not following.resumed)
    short = column - line.width
    indent = column - following.width
    following_runs_on = not ends_sentence(following.text)
    if sentence_end and (indent >= SHORT or short >= SHORT):
        return True
    if short >= HEADING_SHORT and indent >= SHORT and following_runs_on:
        return True
    return following.gap_before and SHORT <= indent <= INDENT_MAX and following_runs_on


def build_paragraphs(lines: Sequence[BodyLine]) -> list[Paragraph]:
    """Join body lines into paragraphs (see the module docstring for where one ends).

    Parameters
    ----------
    lines : sequence of BodyLine
        An article's body and subhead lines in reading order (noise and duplicates left out).

    Returns
    -------
    list of Paragraph
        In reading order; subheads are paragraphs with role ``subhead``.  Text is joined with
        :func:`~newsseg.articles.joining.join_prose` (no spaces between Chinese characters).
    """
    paragraphs: list[Paragraph] = []
    current: list[BodyLine] = []
    for line, ends in zip(lines, breaks_after(lines), strict=True):
        current.append(line)
        if ends:
            text = join_prose(part.text for part in current)
            if text:
                paragraphs.append(Paragraph(text, tuple(part.number for part in current), current[0].role))
            current = []
    return paragraphs
