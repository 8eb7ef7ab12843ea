"""Articles: what a page's tags mean to a reader — spans, roles, title — and the page result.

:func:`build_articles` turns decoded segments into :class:`Article` records: the 1-based
first and last line of each article in the input file, every line with its role, and the
title text.  A :class:`PageResult` holds a page's articles, its tags, and the lines that belong
to no article (page furniture).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from newsseg.features.layout import char_class
from newsseg.labels import OUTSIDE
from newsseg.model.decode import Segment, decode_segments
from newsseg.page import Page


@dataclass(frozen=True)
class ArticleLine:
    """One line of the input: its 1-based number, its text and its role in the article."""

    number: int
    text: str
    role: str

    def to_dict(self) -> dict:
        return {"n": self.number, "text": self.text, "role": self.role}


def join_lines(texts: Sequence[str]) -> str:
    """Join the lines of one text block as printed: no space between Chinese characters.

    A space is kept where both sides are Latin letters or digits (a word broken at the line end
    keeps no hyphen handling; OCR rarely prints one); spaces inside a line are kept.
    """
    joined = ""
    for text in texts:
        piece = text.strip()
        if not piece:
            continue
        if joined and char_class(joined[-1]) in ("latin", "digit") and char_class(piece[0]) in ("latin", "digit"):
            joined += " "
        joined += piece
    return joined


@dataclass
class Article:
    """One article of a page (strictly: one article segment; OCR may split an article).

    Attributes
    ----------
    index : int
        0-based position among the page's articles.
    start_line, end_line : int
        1-based numbers of the article's first and last non-blank line in the input.
    lines : list of ArticleLine
        The article's lines with their roles (blank and page-furniture lines left out).
    confidence : float or None
        The model's marginal probability that the article starts at ``start_line``.
    """

    index: int
    start_line: int
    end_line: int
    lines: list[ArticleLine]
    confidence: float | None = None

    def text_of(self, role: str) -> str:
        """The joined text of the lines with one role."""
        return join_lines([line.text for line in self.lines if line.role == role])

    @property
    def title(self) -> str:
        """The headline text (title lines joined), or ``""`` if no line is a title."""
        return self.text_of("title")

    @property
    def roles(self) -> list[str]:
        return [line.role for line in self.lines]

    def to_dict(self, page_name: str) -> dict:
        """The article as a JSON-ready record (the ``jsonl`` output contract)."""
        record = {
            "page": page_name,
            "index": self.index,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "title": self.title,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "lines": [line.to_dict() for line in self.lines],
        }
        return record


@dataclass
class PageResult:
    """What a segmenter found on one page.

    Attributes
    ----------
    page : Page
        The input page.
    tags : list of str
        One tag per input line (``""`` for blank lines).
    articles : list of Article
        The articles, in page order.
    outside : list of ArticleLine
        Lines that belong to no article (role ``O``).
    probability : float or None
        The model's probability of the whole tag sequence (low means unsure).
    """

    page: Page
    tags: list[str]
    articles: list[Article]
    outside: list[ArticleLine] = field(default_factory=list)
    probability: float | None = None

    def to_dict(self) -> dict:
        return {
            "page": self.page.name,
            "lines": len(self.page.lines),
            "probability": self.probability,
            "articles": [article.to_dict(self.page.name) for article in self.articles],
            "outside": [line.to_dict() for line in self.outside],
        }


def _article(index: int, segment: Segment, page: Page, confidence: float | None) -> Article:
    lines = [ArticleLine(i + 1, page.lines[i], role) for i, role in zip(segment.indices, segment.roles, strict=True)]
    return Article(index, segment.start_line, segment.end_line, lines, confidence)


def build_articles(
    page: Page,
    tags: Sequence[str],
    start_confidences: Sequence[float] | None = None,
    probability: float | None = None,
) -> PageResult:
    """Turn one tag per line into a :class:`PageResult`.

    Parameters
    ----------
    page : Page
        The page.
    tags : sequence of str
        One tag per line of ``page``.
    start_confidences : sequence of float, optional
        Per line, the probability that an article starts there (used for ``confidence``).
    probability : float, optional
        The probability of the whole tag sequence.
    """
    segments = decode_segments(tags)
    articles = [
        _article(
            index,
            segment,
            page,
            None if start_confidences is None else start_confidences[segment.indices[0]],
        )
        for index, segment in enumerate(segments)
    ]
    outside = [ArticleLine(i + 1, page.lines[i], OUTSIDE) for i, tag in enumerate(tags) if tag == OUTSIDE]
    return PageResult(page, list(tags), articles, outside, probability)
