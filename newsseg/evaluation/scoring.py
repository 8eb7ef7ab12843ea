"""Scoring any system that tags lines on labelled pages, per kind of text and over all.

:func:`evaluate_pages` scores a :class:`~newsseg.segmenter.Segmenter` or a baseline (see
:mod:`newsseg.evaluation.baselines`) on labelled pages; :func:`reports_by_kind` and
:func:`reports_of_scores` group page scores by the kind of text read from each page's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from newsseg.evaluation.metrics import PageScores, Report, evaluate
from newsseg.io.labels import LabelledPage
from newsseg.io.page import Page
from newsseg.segmenter import PageCallback, source_kind

ALL = "all"


class LineTagging(Protocol):
    """Anything with ``tag(page)`` giving one tag per line: a Segmenter or a baseline."""

    def tag(self, page: Page) -> list[str]: ...


def content_tags_of(tags: Sequence[str], labelled: LabelledPage) -> list[str]:
    """The tags of a labelled page's non-blank lines, picked from one tag per line."""
    return [tags[i] for i in labelled.page.content_indices]


def predict_content_tags(segmenter: LineTagging, labelled: LabelledPage) -> list[str]:
    """A system's tags for the non-blank lines of a labelled page."""
    return content_tags_of(segmenter.tag(labelled.page), labelled)


def reports_by_kind(
    names: Sequence[str], references: Sequence[Sequence[str]], predictions: Sequence[Sequence[str]]
) -> dict[str, Report]:
    """Score pages per kind of text and over all.

    Parameters
    ----------
    names : sequence of str
        The pages' names (their kind is read from them, see :func:`~newsseg.segmenter.source_kind`).
    references, predictions : sequence of sequence of str
        Reference and predicted tags of each page's non-blank lines.

    Returns
    -------
    dict
        ``{kind: Report}`` for each kind present (``epaper``, ``ocr-zoned``, ``ocr-raw``,
        ``real``, ...) and ``"all"``.
    """
    pairs = list(zip(references, predictions, strict=True))
    return reports_of_scores(evaluate(pairs, list(names)).pages)


def reports_of_scores(scores: Sequence[PageScores]) -> dict[str, Report]:
    """Group scored pages per kind of text (read from their names) and over all: ``{kind: Report}``."""
    by_kind: dict[str, list[PageScores]] = {}
    for page in scores:
        for key in (source_kind(page.name), ALL):
            by_kind.setdefault(key, []).append(page)
    return {kind: Report(pages) for kind, pages in by_kind.items()}


def evaluate_pages(
    tagger: LineTagging,
    pages: Sequence[LabelledPage],
    on_page: PageCallback | None = None,
) -> dict[str, Report]:
    """Score a system on labelled pages, per kind of text and over all.

    Parameters
    ----------
    tagger : Segmenter or Tagger
        The system to score: anything whose ``tag(page)`` gives one tag per line.
    pages : sequence of LabelledPage
        Reference pages.
    on_page : callable, optional
        Progress callback ``(done, total)``.

    Returns
    -------
    dict
        ``{kind: Report}`` for each kind present and ``"all"`` (see :func:`reports_by_kind`).
    """
    predictions = []
    for done, labelled in enumerate(pages, start=1):
        predictions.append(predict_content_tags(tagger, labelled))
        if on_page is not None:
            on_page(done, len(pages))
    return reports_by_kind([p.name for p in pages], [p.content_tags for p in pages], predictions)


def reports_summary(reports: dict[str, Report]) -> dict[str, dict]:
    """The headline figures of each report, rounded, JSON-ready."""
    return {
        kind: {k: round(v, 4) if isinstance(v, float) else v for k, v in r.summary().items()}
        for kind, r in reports.items()
    }
