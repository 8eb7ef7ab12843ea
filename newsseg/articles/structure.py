"""Article structure: from an article's lines and their roles to the parts a reader wants.

:func:`read_structure` takes an article's lines (number, text, role) and returns an
:class:`ArticleStructure`: the headline parts joined (kicker, title, subtitle, column label),
the byline parsed (:mod:`newsseg.articles.bylines`) and cut off the body text that shares its line, the
body rejoined into paragraphs with subheads in place (:mod:`newsseg.articles.paragraphs`; across the
spans of an article OCR broke apart, in their page order), the captions
with their photo credits, and the passages left out of the text — lines labelled ``noise`` and
passages OCR duplicated (:mod:`newsseg.articles.duplicates`).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from newsseg.articles.bylines import (
    Byline,
    is_incomplete,
    merge_bylines,
    opens_byline,
    parse_byline,
    parse_photo_credit,
    split_byline,
    starts_with_dateline,
)
from newsseg.articles.duplicates import find_duplicates
from newsseg.articles.joining import join_headline, join_lines, join_prose, printed_width
from newsseg.articles.paragraphs import BodyLine, Paragraph, build_paragraphs
from newsseg.features.cues import AFFILIATED_AUTHOR, CAPTION_START, LEADING_DASH, TRAILING_DASH

LineTuple = tuple[int, str, str]
"""One article line: 1-based input number, text, role."""

HEADLINE_ROLES = ("kicker", "title", "subtitle", "column")
BODY_ROLES = ("body", "subhead")


@dataclass(frozen=True)
class Caption:
    """A photo caption: its text, the photo credit taken off its end, and the input lines."""

    text: str
    credit: str | None
    photographers: tuple[str, ...]
    lines: tuple[int, ...]

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "credit": self.credit,
            "photographers": list(self.photographers),
            "start_line": self.lines[0],
            "end_line": self.lines[-1],
        }


@dataclass(frozen=True)
class Passage:
    """Text left out of an article's paragraphs: lines labelled ``noise`` or a duplicated passage."""

    text: str
    lines: tuple[int, ...]
    why: str

    def to_dict(self) -> dict:
        return {"text": self.text, "why": self.why, "lines": list(self.lines)}


@dataclass(frozen=True)
class ArticleStructure:
    """The parts of one article (see :func:`read_structure`)."""

    kicker: str = ""
    title: str = ""
    subtitle: str = ""
    column: str = ""
    byline: Byline | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    captions: tuple[Caption, ...] = ()
    noise: tuple[Passage, ...] = ()


def _runs(lines: Sequence[LineTuple], role: str) -> list[list[LineTuple]]:
    """Maximal runs of consecutive article lines with one role."""
    return [list(run) for line_role, run in itertools.groupby(lines, key=lambda line: line[2]) if line_role == role]


def _captions(lines: Sequence[LineTuple]) -> list[Caption]:
    """Caption runs split into captions: a credit closes one, ``图为…`` opens the next."""
    captions = []
    for run in _runs(lines, "caption"):
        group: list[LineTuple] = []
        for index, line in enumerate(run):
            if group and CAPTION_START.match(line[1]):
                captions.append(_caption(group))
                group = []
            group.append(line)
            if parse_photo_credit(line[1])[1] is not None or index == len(run) - 1:
                captions.append(_caption(group))
                group = []
    return captions


def _caption(group: list[LineTuple]) -> Caption:
    text, credit, photographers = parse_photo_credit(join_lines(line[1] for line in group))
    return Caption(join_prose([text]), credit, photographers, tuple(line[0] for line in group))


class _BodyStream:
    """The body and subhead lines of an article in reading order, editable by line number."""

    def __init__(self, lines: Sequence[LineTuple], widths: dict[int, float]) -> None:
        self.lines = [
            BodyLine(number, text, role, widths[number]) for number, text, role in lines if role in BODY_ROLES
        ]

    def add(self, line: BodyLine) -> None:
        self.lines.append(line)
        self.lines.sort(key=lambda item: item.number)

    def after(self, number: int) -> BodyLine | None:
        return next((line for line in self.lines if line.number > number), None)

    def replace(self, number: int, text: str) -> None:
        """Give a line new text, or drop it when the text is empty."""
        for index, line in enumerate(self.lines):
            if line.number == number:
                if text:
                    self.lines[index] = BodyLine(number, text, line.role, line.width)
                else:
                    del self.lines[index]
                return

    def finished(self, span_starts: Sequence[int]) -> list[BodyLine]:
        """The lines with ``gap_before`` set (another line, blank or not body, lies between) and
        ``resumed`` set (a span of the article, given by its first line, starts between)."""
        spans = [bisect.bisect_right(span_starts, line.number) for line in self.lines]
        return [
            BodyLine(
                line.number,
                line.text,
                line.role,
                line.width,
                index > 0 and line.number > self.lines[index - 1].number + 1,
                index > 0 and spans[index] != spans[index - 1],
            )
            for index, line in enumerate(self.lines)
        ]


def _cut_byline(run: list[LineTuple], body: _BodyStream, full_width: dict[int, float]) -> Byline:
    """Parse one run of byline lines; body text sharing its lines goes (back) into ``body``.

    A run that stops mid-way (``本报北京5月3日电 （记者``, ``本报讯 记者曾晨路 通``) borrows the
    next body line when the byline then reads on into it; the rest of that line stays in the body.
    """
    numbers = [line[0] for line in run]
    text = join_lines(line[1] for line in run)
    byline_text, rest = split_byline(text)
    borrowed = body.after(numbers[-1]) if rest or is_incomplete(text) else None
    if borrowed is not None and borrowed.role == "body":
        longer_text, longer_rest = split_byline(join_lines([text, borrowed.text]))
        if len(longer_text) > len(text.strip()):
            body.replace(borrowed.number, longer_rest)
            return parse_byline(longer_text, [*numbers, borrowed.number])
    if rest:
        last = numbers[-1]
        body.add(BodyLine(last, rest, "body", full_width[last]))
    return parse_byline(byline_text, numbers)


def _byline_runs(lines: Sequence[LineTuple]) -> list[list[LineTuple]]:
    """Runs of byline lines, split where a line opens a new byline (a dateline, 本报讯, 记者…)
    after a complete one: a subtitle the model took for a byline stays apart from the real one."""
    runs = []
    for run in _runs(lines, "byline"):
        current = [run[0]]
        for line in run[1:]:
            text = join_lines(part[1] for part in current)
            if opens_byline(line[1]) and not is_incomplete(text) and not split_byline(text)[1]:
                runs.append(current)
                current = []
            current.append(line)
        runs.append(current)
    return runs


def _author_lines_read(lines: Sequence[LineTuple]) -> list[LineTuple]:
    """The lines with a headline line that is an author line read as the byline.

    A line of the headline that names an institution and a person (省委党校…进修三班 朱剑梁,
    :data:`~newsseg.features.cues.AFFILIATED_AUTHOR`) is the commentary's author line, never its
    title; when that leaves no title, the kicker lines are the title (a headline has no kicker
    without a title).
    """
    roles = [role for _, _, role in lines]
    authors = [i for i, (_, text, role) in enumerate(lines) if role in HEADLINE_ROLES and AFFILIATED_AUTHOR.match(text)]
    if not authors:
        return list(lines)
    for index in authors:
        roles[index] = "byline"
    if "title" not in roles:
        roles = ["title" if role == "kicker" else role for role in roles]
    return [(number, text, role) for (number, text, _), role in zip(lines, roles, strict=True)]


def _breaks_a_range(line: str, following: str) -> bool:
    """Whether ``line`` ends with a number and a dash and ``following`` starts with a number: 14— / 15日."""
    before = TRAILING_DASH.sub("", line).rstrip()
    after = following.lstrip()
    return bool(before) and bool(after) and before[-1].isdigit() and after[0].isdigit()


def _headline_roles(lines: Sequence[LineTuple]) -> list[str]:
    """Each line's role, with the dash convention applied to title lines.

    A headline's main title never ends or starts with a dash: title lines up to one that ends
    with ``——`` (while more title lines follow) are the kicker, and a title line that starts with
    ``——`` begins the subtitle.  A dash between two numbers broken over two lines (``2月14—`` /
    ``15日``) is a range, not a separator.
    """
    roles = [role for _, _, role in lines]
    titles = [i for i, role in enumerate(roles) if role == "title"]
    for position, index in enumerate(titles[:-1]):
        if TRAILING_DASH.search(lines[index][1]) and not _breaks_a_range(
            lines[index][1], lines[titles[position + 1]][1]
        ):
            for earlier in titles[: position + 1]:
                roles[earlier] = "kicker"
    for position, index in enumerate(titles):
        if position and LEADING_DASH.match(lines[index][1]):
            for later in titles[position:]:
                roles[later] = "subtitle"
            break
    return roles


def _left_out(lines: Sequence[LineTuple], body_lines: list[BodyLine]) -> tuple[list[Passage], list[BodyLine]]:
    """The passages left out of the text (``noise`` runs, duplicated passages) and the body kept."""
    noise = [
        Passage(join_prose(text for _, text, _ in run), tuple(number for number, _, _ in run), "noise")
        for run in _runs(lines, "noise")
    ]
    duplicated = find_duplicates([line.text for line in body_lines])
    for passage in duplicated:
        copied = [body_lines[i] for i in passage]
        noise.append(
            Passage(join_prose(line.text for line in copied), tuple(line.number for line in copied), "duplicate")
        )
    dropped = {i for passage in duplicated for i in passage}
    noise.sort(key=lambda passage: passage.lines[0])
    return noise, [line for i, line in enumerate(body_lines) if i not in dropped]


def read_structure(lines: Sequence[LineTuple], spans: Sequence[tuple[int, int]] = ()) -> ArticleStructure:
    """Read an article's parts from its lines.

    Parameters
    ----------
    lines : sequence of (int, str, str)
        The article's lines in input order: 1-based number, text and role.  An article OCR
        broke apart gives the lines of all its spans, in page order, as one sequence.
    spans : sequence of (int, int), optional
        The article's spans, ``(first line, last line)`` in page order, when other articles'
        lines come between them; a paragraph cut where one span ends runs on into the next
        (see :mod:`newsseg.articles.paragraphs`).

    Returns
    -------
    ArticleStructure
        Headline parts, byline, paragraphs (subheads in place), captions and left-out passages.
        The roles are taken as given, except that title lines set off by a dash are read as the
        kicker or subtitle (see :func:`_headline_roles`) and a headline line that is an author
        line as the byline (see :func:`_author_lines_read`).
    """
    lines = _author_lines_read(lines)
    headline_roles = _headline_roles(lines)
    headline = {
        role: join_headline(text for (_, text, _), r in zip(lines, headline_roles, strict=True) if r == role)
        for role in HEADLINE_ROLES
    }
    full_width = {number: printed_width(text) for number, text, _ in lines}
    body = _BodyStream(lines, full_width)
    byline_runs = _byline_runs(lines)
    first = next((line for line in body.lines if line.role == "body"), None)
    if not byline_runs and first is not None and starts_with_dateline(first.text):
        body.replace(first.number, "")
        byline_runs = [[(first.number, first.text, "byline")]]
    bylines = [_cut_byline(run, body, full_width) for run in byline_runs]

    noise, kept = _left_out(lines, body.finished([start for start, _ in spans]))
    return ArticleStructure(
        kicker=headline["kicker"],
        title=headline["title"],
        subtitle=headline["subtitle"],
        column=headline["column"],
        byline=merge_bylines(bylines),
        paragraphs=tuple(build_paragraphs(kept)),
        captions=tuple(_captions(lines)),
        noise=tuple(noise),
    )
