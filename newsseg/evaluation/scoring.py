"""Scoring any system that tags lines on labelled pages, per kind of text and over all.

:func:`evaluate_pages` scores a :class:`~newsseg.segmenter.Segmenter` or a baseline (see
:mod:`newsseg.evaluation.baselines`) on labelled pages; :func:`reports_by_kind` and
:func:`reports_of_scores` group page scores by the kind of text read from each page's name.

The reference articles are the labelled pages' article keys.  A system that assembles articles
(joins the runs of an article OCR broke apart) says so by implementing :class:`ArticleTagging`;
the articles of any other system are read from its tags, every segment its own article.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from newsseg.evaluation.metrics import PageArticles, PageScores, Report, evaluate
from newsseg.features.layout import Features
from newsseg.io.labels import LabelledPage, article_keys_of
from newsseg.io.page import Page
from newsseg.segmenter import PageCallback, source_kind

ALL = "all"


class LineTagging(Protocol):
    """Anything with ``tag(page)`` giving one tag per line: a Segmenter or a baseline."""

    def tag(self, page: Page) -> list[str]: ...


@runtime_checkable
class ArticleTagging(Protocol):
    """A system that assembles articles: ``tag_articles(page)`` gives its tags and each line's article.

    The tags are one per line as ``tag`` gives them (``""`` for blank lines); the articles are
    one per line too, the key of the line's article (the same for every run of one article),
    None on blank and ``O`` lines.
    """

    def tag_articles(
        self, page: Page, features: Sequence[Features] | None = None
    ) -> tuple[list[str], list[str | None]]:
        """Tags and articles; ``features``, if given, are the page's line features under the system's settings."""


def article_tagging_of(system: LineTagging) -> ArticleTagging | None:
    """What assembles a system's articles: the system itself, or the segmenter it wraps.

    A wrapper such as :class:`~newsseg.evaluation.baselines.CRFTagger` holds its segmenter as
    ``segmenter``.  None when neither implements :class:`ArticleTagging`: then every predicted
    segment is an article of its own.
    """
    for candidate in (system, getattr(system, "segmenter", None)):
        if isinstance(candidate, ArticleTagging):
            return candidate
    return None


def tag_with_articles(system: LineTagging, page: Page) -> tuple[list[str], list[str | None]]:
    """A system's tags and articles, one per line of the page (see :class:`ArticleTagging`)."""
    assembler = article_tagging_of(system)
    if assembler is not None:
        return assembler.tag_articles(page)
    tags = system.tag(page)
    return tags, article_keys_of(tags)


def content_tags_of(tags: Sequence[str], labelled: LabelledPage) -> list[str]:
    """The tags of a labelled page's non-blank lines, picked from one tag per line."""
    return [tags[i] for i in labelled.page.content_indices]


def content_articles_of(articles: Sequence[str | None], labelled: LabelledPage) -> list[str | None]:
    """The articles of a labelled page's non-blank lines, picked from one article per line."""
    return [articles[i] for i in labelled.page.content_indices]


def predict_content_tags(segmenter: LineTagging, labelled: LabelledPage) -> list[str]:
    """A system's tags for the non-blank lines of a labelled page."""
    return content_tags_of(segmenter.tag(labelled.page), labelled)


def predict_content(system: LineTagging, labelled: LabelledPage) -> tuple[list[str], list[str | None]]:
    """A system's tags and articles for the non-blank lines of a labelled page (:func:`tag_with_articles`)."""
    tags, articles = tag_with_articles(system, labelled.page)
    return content_tags_of(tags, labelled), content_articles_of(articles, labelled)


def reports_by_kind(
    names: Sequence[str],
    references: Sequence[Sequence[str]],
    predictions: Sequence[Sequence[str]],
    reference_articles: Sequence[PageArticles] | None = None,
    predicted_articles: Sequence[PageArticles] | None = None,
) -> dict[str, Report]:
    """Score pages per kind of text and over all.

    Parameters
    ----------
    names : sequence of str
        The pages' names (their kind is read from them, see :func:`~newsseg.segmenter.source_kind`).
    references, predictions : sequence of sequence of str
        Reference and predicted tags of each page's non-blank lines.
    reference_articles, predicted_articles : sequence, optional
        Per page, the article key of each non-blank line, or None to read the page's articles
        from its tags (see :func:`~newsseg.evaluation.metrics.evaluate`).  Pass the reference
        pages' :attr:`~newsseg.io.labels.LabelledPage.content_articles`, or continuations are
        not known.

    Returns
    -------
    dict
        ``{kind: Report}`` for each kind present (``epaper``, ``ocr-zoned``, ``ocr-raw``,
        ``real``, ...) and ``"all"``.
    """
    pairs = list(zip(references, predictions, strict=True))
    return reports_of_scores(evaluate(pairs, list(names), reference_articles, predicted_articles).pages)


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
        The system to score: anything whose ``tag(page)`` gives one tag per line; its articles
        are those of its ``tag_articles(page)`` if it has one (:func:`article_tagging_of`).
    pages : sequence of LabelledPage
        Reference pages.
    on_page : callable, optional
        Progress callback ``(done, total)``.

    Returns
    -------
    dict
        ``{kind: Report}`` for each kind present and ``"all"`` (see :func:`reports_by_kind`).
    """
    predictions, predicted_articles = [], []
    for done, labelled in enumerate(pages, start=1):
        tags, articles = predict_content(tagger, labelled)
        predictions.append(tags)
        predicted_articles.append(articles)
        if on_page is not None:
            on_page(done, len(pages))
    return reports_by_kind(
        [p.name for p in pages],
        [p.content_tags for p in pages],
        predictions,
        [p.content_articles for p in pages],
        predicted_articles,
    )


def reports_summary(reports: dict[str, Report]) -> dict[str, dict]:
    """The headline figures of each report, rounded, JSON-ready."""
    return {
        kind: {k: round(v, 4) if isinstance(v, float) else v for k, v in r.summary().items()}
        for kind, r in reports.items()
    }
