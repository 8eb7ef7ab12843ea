"""Articles: what a page's tags mean to a reader — spans, roles, parts — and the page result.

:func:`build_articles` turns decoded segments into :class:`Article` records: the 1-based
first and last line of each article in the input file, every line with its role, the model's
confidence that the article starts there and whether that is low enough to review.  Given each
line's article (the assembly of segments OCR broke apart, or a labelled page's keys), the
segments of one article make one record with several spans, read in page order.  Each
article's parts — kicker, title, subtitle, column label, parsed byline, paragraphs with
subheads, captions, left-out noise — are read from its lines on first use
(:func:`newsseg.articles.structure.read_structure`).  A :class:`PageResult` holds a page's articles, its
tags, the lines that belong to no article (page furniture) and the model's probabilities.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from newsseg.articles.bylines import Byline
from newsseg.articles.joining import join_lines
from newsseg.articles.paragraphs import Paragraph
from newsseg.articles.structure import ArticleStructure, Caption, Passage, read_structure
from newsseg.io.labels import OUTSIDE
from newsseg.io.page import Page
from newsseg.model.decode import Segment, decode_segments

__all__ = [
    "DEFAULT_REVIEW_THRESHOLD",
    "Article",
    "ArticleLine",
    "PageResult",
    "build_articles",
    "join_lines",
]

DEFAULT_REVIEW_THRESHOLD = 0.8
"""An article whose start the model is less sure of than this is flagged for review."""


@dataclass(frozen=True)
class ArticleLine:
    """One line of the input: its 1-based number, its text and its role in the article."""

    number: int
    text: str
    role: str

    def to_dict(self) -> dict:
        return {"n": self.number, "text": self.text, "role": self.role}


@dataclass
class Article:
    """One article of a page: one segment of tags, or several when OCR broke the article apart.

    Attributes
    ----------
    index : int
        0-based position among the page's articles (ordered by their first line).
    lines : list of ArticleLine
        The article's lines with their roles, in reading order: its spans in page order (blank
        and page-furniture lines left out).
    spans : list of (int, int)
        The article's runs, ``(first line, last line)`` (1-based, inclusive) in page order: a run
        is a stretch of the article's lines that no other article's line interrupts (blank and
        page-furniture lines do not).  One span for an article printed in one piece.
    span_confidences : list of float or None
        The model's marginal probability that an article starts at each span's first line;
        None without the model's probabilities.
    review : bool
        Whether ``confidence`` is below the review threshold (see :meth:`PageResult.flag_for_review`).

    The article's parts (``kicker``, ``title``, ``subtitle``, ``column``, ``byline``,
    ``paragraphs``, ``subheads``, ``captions``, ``noise``) are read from ``lines`` when first asked for.
    """

    index: int
    lines: list[ArticleLine]
    spans: list[tuple[int, int]]
    span_confidences: list[float] | None = None
    review: bool = False

    @property
    def start_line(self) -> int:
        """1-based number of the article's first non-blank line in the input."""
        return self.spans[0][0]

    @property
    def end_line(self) -> int:
        """1-based number of the article's last non-blank line in the input."""
        return self.spans[-1][1]

    @property
    def confidence(self) -> float | None:
        """The model's marginal probability that the article starts at ``start_line``, or None."""
        return None if self.span_confidences is None else self.span_confidences[0]

    @cached_property
    def structure(self) -> ArticleStructure:
        """The article's parts, read from its lines (once)."""
        return read_structure([(line.number, line.text, line.role) for line in self.lines], self.spans)

    def text_of(self, role: str) -> str:
        """The joined text of the lines with one role, as printed."""
        return join_lines([line.text for line in self.lines if line.role == role])

    @property
    def title(self) -> str:
        """The headline (title lines joined, letter-spacing closed up), or ``""`` if no line is a title."""
        return self.structure.title

    @property
    def kicker(self) -> str:
        """The line(s) above the headline (引题), or ``""``."""
        return self.structure.kicker

    @property
    def subtitle(self) -> str:
        """The line(s) below the headline (副题), or ``""``."""
        return self.structure.subtitle

    @property
    def column(self) -> str:
        """The column (栏目) label, or ``""``."""
        return self.structure.column

    @property
    def byline(self) -> Byline | None:
        """The parsed byline, or None when the article has none."""
        return self.structure.byline

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The body as paragraphs in reading order, subheads in place (role ``subhead``)."""
        return list(self.structure.paragraphs)

    @property
    def subheads(self) -> list[Paragraph]:
        """The subheads among the paragraphs."""
        return [p for p in self.structure.paragraphs if p.role == "subhead"]

    @property
    def captions(self) -> list[Caption]:
        """Photo captions with their credits."""
        return list(self.structure.captions)

    @property
    def noise(self) -> list[Passage]:
        """Text left out of the paragraphs: lines labelled noise and OCR-duplicated passages."""
        return list(self.structure.noise)

    @property
    def body_text(self) -> str:
        """The paragraphs' text, one paragraph per line."""
        return "\n".join(p.text for p in self.structure.paragraphs)

    @property
    def roles(self) -> list[str]:
        return [line.role for line in self.lines]

    def to_dict(self, page_name: str) -> dict:
        """The article as a JSON-ready record (the ``jsonl`` output contract, plus its parts)."""
        parts = self.structure
        return {
            "page": page_name,
            "index": self.index,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "spans": [list(span) for span in self.spans],
            "title": parts.title,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "review": self.review,
            "kicker": parts.kicker,
            "subtitle": parts.subtitle,
            "column": parts.column,
            "byline": None if parts.byline is None else parts.byline.to_dict(),
            "paragraphs": [p.to_dict() for p in parts.paragraphs],
            "captions": [c.to_dict() for c in parts.captions],
            "noise": [n.to_dict() for n in parts.noise],
            "lines": [line.to_dict() for line in self.lines],
        }


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
        The articles, ordered by their first line.
    outside : list of ArticleLine
        Lines that belong to no article (role ``O``).
    probability : float or None
        The model's probability of the whole tag sequence (low means unsure).
    start_probabilities : list of float or None
        Per input line, the model's probability that an article starts there (0 on blank lines).
    """

    page: Page
    tags: list[str]
    articles: list[Article]
    outside: list[ArticleLine] = field(default_factory=list)
    probability: float | None = None
    start_probabilities: list[float] | None = None

    @property
    def log_probability(self) -> float | None:
        """The log of the sequence's probability; ``-inf`` when it underflowed to 0, None without one."""
        if self.probability is None:
            return None
        return math.log(self.probability) if self.probability > 0 else -math.inf

    @property
    def mean_log_probability(self) -> float | None:
        """The sequence's log-probability per tagged line: how sure the model is, whatever the page's length.

        ``-inf`` when the probability underflowed to 0; None without a model's probability.
        """
        log_probability = self.log_probability
        if log_probability is None:
            return None
        return log_probability / max(1, len(self.page.content_indices))

    def flag_for_review(self, threshold: float = DEFAULT_REVIEW_THRESHOLD) -> PageResult:
        """Set each article's ``review`` flag: its start confidence is below ``threshold``."""
        for article in self.articles:
            article.review = article.confidence is not None and article.confidence < threshold
        return self

    def uncertain_lines(self, threshold: float = DEFAULT_REVIEW_THRESHOLD) -> list[int]:
        """1-based lines whose start-or-not decision the model is less sure of than ``threshold``.

        A line the tags start a segment at (an article, or a span of one) is uncertain when its
        start probability is below the threshold; any other line when its start probability is
        above ``1 - threshold``.
        """
        if self.start_probabilities is None:
            return []
        starts = {segment.start_line for segment in decode_segments(self.tags)}
        uncertain = []
        for index in self.page.content_indices:
            probability = self.start_probabilities[index]
            sure = probability if index + 1 in starts else 1.0 - probability
            if sure < threshold:
                uncertain.append(index + 1)
        return uncertain

    def to_dict(self) -> dict:
        return {
            "page": self.page.name,
            "lines": len(self.page.lines),
            "probability": self.probability,
            "articles": [article.to_dict(self.page.name) for article in self.articles],
            "outside": [line.to_dict() for line in self.outside],
        }


def _runs(segments: Sequence[Segment], keys: Sequence[Hashable]) -> list[tuple[Hashable, Segment]]:
    """Segments in page order with their article keys, back-to-back segments of one article joined."""
    runs: list[tuple[Hashable, Segment]] = []
    for segment, key in zip(segments, keys, strict=True):
        if runs and runs[-1][0] == key:
            run = runs[-1][1]
            runs[-1] = (key, Segment(run.indices + segment.indices, run.roles + segment.roles))
        else:
            runs.append((key, segment))
    return runs


def _keyed_pieces(
    segments: Sequence[Segment], articles: Sequence[str | None], n_lines: int
) -> tuple[list[Segment], list[str]]:
    """The segments cut wherever the article key changes within one, each piece with its key.

    The assembly stage may start an article inside a segment the CRF made (at a blank line):
    that segment's lines then carry two keys, and each run of one key is a piece of its own.
    """
    if len(articles) != n_lines:
        raise ValueError(f"{len(articles)} article keys for {n_lines} lines")
    pieces: list[Segment] = []
    keys: list[str] = []
    for segment in segments:
        start = 0
        for position in range(1, len(segment.indices) + 1):
            key = articles[segment.indices[start]]
            if key is None:
                raise ValueError(f"line {segment.indices[start] + 1} is in an article segment but has no article key")
            if position == len(segment.indices) or articles[segment.indices[position]] != key:
                pieces.append(Segment(segment.indices[start:position], segment.roles[start:position]))
                keys.append(key)
                start = position
    in_segments = {i for segment in segments for i in segment.indices}
    stray = next((i for i, key in enumerate(articles) if key is not None and i not in in_segments), None)
    if stray is not None:
        raise ValueError(f"line {stray + 1} is in no article segment but has article key {articles[stray]!r}")
    return pieces, keys


def _article(index: int, runs: Sequence[Segment], page: Page, start_confidences: Sequence[float] | None) -> Article:
    lines = [
        ArticleLine(i + 1, page.lines[i], role) for run in runs for i, role in zip(run.indices, run.roles, strict=True)
    ]
    spans = [(run.start_line, run.end_line) for run in runs]
    confidences = None if start_confidences is None else [start_confidences[run.indices[0]] for run in runs]
    return Article(index, lines, spans, confidences)


def build_articles(
    page: Page,
    tags: Sequence[str],
    start_confidences: Sequence[float] | None = None,
    probability: float | None = None,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    *,
    articles: Sequence[str | None] | None = None,
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
    review_threshold : float
        Articles whose start confidence is below this are flagged ``review``.
    articles : sequence of (str or None), optional
        Per line, the key of its article, None for blank and ``O`` lines (as
        :attr:`~newsseg.io.labels.LabelledPage.articles`): all segments with one key make one
        article, and a segment whose lines change key is cut there.  Without it every segment is
        an article of its own.

    Returns
    -------
    PageResult
        The articles ordered by their first line, the lines outside any article, and the probabilities.

    Raises
    ------
    ValueError
        If ``articles`` does not give one key per line, a line of a segment no key, or a line
        outside every segment a key.
    """
    segments = decode_segments(tags)
    keys: Sequence[Hashable] = range(len(segments))
    if articles is not None:
        segments, keys = _keyed_pieces(segments, articles, len(tags))
    grouped: dict[Hashable, list[Segment]] = {}
    for key, run in _runs(segments, keys):
        grouped.setdefault(key, []).append(run)
    records = [_article(index, runs, page, start_confidences) for index, runs in enumerate(grouped.values())]
    outside = [ArticleLine(i + 1, page.lines[i], OUTSIDE) for i, tag in enumerate(tags) if tag == OUTSIDE]
    starts = None if start_confidences is None else [float(p) for p in start_confidences]
    result = PageResult(page, list(tags), records, outside, probability, starts)
    return result.flag_for_review(review_threshold)
