"""Systems that tag the lines of a page, behind one interface: the CRF and two baselines.

Every system is a :class:`Tagger`: it has a ``name`` and ``tag(page)`` gives one tag per line
of the page (``""`` for blank lines, ``O``, ``B-ROLE`` or ``I-ROLE`` for the others), with no
``I-`` line before a ``B-``.  Systems that can say how sure they are also implement
:class:`ConfidenceTagger`: ``tag_with_confidence(page)`` adds, for each line, the probability
that an article starts there.  Systems that read the line features (the CRF and the line
classifier) have a ``settings`` attribute and take the page's features as ``features=``, so that
a page scored by several systems has its features computed once
(:func:`~newsseg.evaluation.report.compare_systems`).

* :class:`CRFTagger` wraps a :class:`~newsseg.segmenter.Segmenter` (the bundled model or any
  trained one); its confidence is the CRF's marginal probability of a ``B-`` tag.
* :class:`RulesTagger` is the heuristic a user writes first: an article starts at the block of
  short, unpunctuated lines right above each byline or dateline (the cues of
  :mod:`newsseg.features.cues`).  It needs no training.
* :class:`LineClassifier` sees the same features as the CRF but tags each line on its own with
  a scikit-learn LogisticRegression, without transitions: what the sequence model adds over it
  is what the CRF's transitions are worth.  It is trained on labelled pages and kept in memory
  only (it is never written to disk, so no pickle is involved).

:func:`make_baseline` builds a baseline by name (:data:`BASELINES`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from newsseg.errors import UsageError
from newsseg.features import FeatureSettings, page_features
from newsseg.features.cues import BYLINE_CUES, FURNITURE_CUES, line_cues
from newsseg.features.layout import COMMAS, SENTENCE_FINAL, Features, display_width
from newsseg.features.script import to_simplified
from newsseg.io.labels import OUTSIDE, LabelledPage
from newsseg.io.page import Page, as_page
from newsseg.model.decode import repair_tags, spread_tags
from newsseg.segmenter import PageCallback, Segmenter

if TYPE_CHECKING:  # scikit-learn is imported when a line classifier is trained, not with the CLI
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression


@runtime_checkable
class Tagger(Protocol):
    """A system that tags every line of a page."""

    name: str

    def tag(self, page: Page) -> list[str]:
        """One tag per line of ``page``: ``""`` for blank lines, else ``O``, ``B-ROLE`` or ``I-ROLE``."""
        ...


@runtime_checkable
class ConfidenceTagger(Tagger, Protocol):
    """A tagger that also gives, for each line, the probability that an article starts there."""

    def tag_with_confidence(self, page: Page) -> tuple[list[str], list[float]]:
        """Tags as :meth:`Tagger.tag`, and per line the probability of a ``B-`` tag (0 for blank lines)."""
        ...


def _begin_probability(labels: Sequence[str], probabilities: Sequence[float]) -> float:
    return float(sum(p for label, p in zip(labels, probabilities, strict=True) if label.startswith("B-")))


class CRFTagger:
    """The CRF segmenter as a :class:`ConfidenceTagger`.

    Scoring reads its articles from the wrapped ``segmenter`` when that assembles articles (see
    :func:`~newsseg.evaluation.scoring.article_tagging_of`).

    Parameters
    ----------
    segmenter : Segmenter
        A trained or loaded segmenter.
    name : str
        The system's name in reports.
    """

    def __init__(self, segmenter: Segmenter, name: str = "crf") -> None:
        self.segmenter = segmenter
        self.name = name

    @property
    def settings(self) -> FeatureSettings:
        """The line features the segmenter reads."""
        return self.segmenter.settings

    def tag(self, page: Page, features: Sequence[Features] | None = None) -> list[str]:
        return self.segmenter.tag(page, features)

    def tag_with_confidence(
        self, page: Page, features: Sequence[Features] | None = None
    ) -> tuple[list[str], list[float]]:
        tags, starts, _ = self.segmenter.tag_with_starts(as_page(page), features)
        return tags, starts


# -- rules ----------------------------------------------------------------------------------

HEADING_MAX_WIDTH = 24.0
"""Widest line (in Chinese characters) that the rules take for part of a headline."""

HEADING_MAX_LINES = 4
"""Most lines the rules take into the headline block above a byline."""

_SENTENCE_PUNCTUATION = SENTENCE_FINAL | COMMAS


def is_heading_like(text: str) -> bool:
    """Whether a line could be part of a headline: short and with no sentence punctuation."""
    return display_width(text) <= HEADING_MAX_WIDTH and not any(c in _SENTENCE_PUNCTUATION for c in text)


def is_byline_like(cues: frozenset[str]) -> bool:
    """Whether a line's cues mark a byline or dateline (or the first half of one broken over two lines)."""
    return bool(cues & BYLINE_CUES) or "dateline_head" in cues


class RulesTagger:
    """The first heuristic: an article starts at the headline block right above each byline.

    For each run of byline or dateline lines (:data:`~newsseg.features.cues.BYLINE_CUES`), the
    article starts at the top of the block of heading-like lines (at most
    :data:`HEADING_MAX_LINES` short lines without sentence punctuation, see
    :func:`is_heading_like`) right above the run, or at the run itself if there is none.  The
    block's lines are ``title`` (``kicker`` when they end in a dash), the run's lines
    ``byline``, photo credits and caption openings ``caption``, page furniture (page numbers,
    dates, editors' credits, paper names) ``O``, everything else ``body``.  Lines before the
    first byline start an article at the first line that is not furniture.
    """

    name = "rules"

    def tag(self, page: Page) -> list[str]:
        page = as_page(page)
        content = page.content_indices
        texts = [page.lines[i] for i in content]
        # Cues are written in simplified characters (as the CRF's features read them).
        cues = [line_cues(to_simplified(text)) for text in texts]
        roles = [self._role(text, line_cue) for text, line_cue in zip(texts, cues, strict=True)]
        starts = self._starts(texts, cues, roles)
        tags = []
        started = False
        for position, role in enumerate(roles):
            if position in starts:
                started = True
                tags.append("B-" + (role if role != OUTSIDE else "body"))
            elif role == OUTSIDE or not started:
                tags.append(OUTSIDE)
            else:
                tags.append("I-" + role)
        return spread_tags(tags, content, len(page.lines))

    @staticmethod
    def _role(text: str, cues: frozenset[str]) -> str:
        if cues & FURNITURE_CUES and not is_byline_like(cues):
            return OUTSIDE
        if is_byline_like(cues):
            return "byline"
        if cues & {"photo_credit", "caption_start"}:
            return "caption"
        return "body"

    @staticmethod
    def _starts(texts: Sequence[str], cues: Sequence[frozenset[str]], roles: list[str]) -> set[int]:
        """Positions where an article starts; marks headline blocks' roles in ``roles``."""
        starts: set[int] = set()
        floor = 0
        position = 0
        while position < len(texts):
            if roles[position] != "byline":
                position += 1
                continue
            top = position
            while (
                top - 1 >= floor
                and position - (top - 1) <= HEADING_MAX_LINES
                and roles[top - 1] == "body"
                and is_heading_like(texts[top - 1])
            ):
                top -= 1
            for i in range(top, position):
                roles[i] = "kicker" if "trailing_dash" in cues[i] else "title"
            starts.add(top)
            while position < len(texts) and roles[position] == "byline":
                position += 1
            floor = position
        first_start = min(starts, default=len(texts))
        lead = next((i for i in range(first_start) if roles[i] != OUTSIDE), None)
        if lead is not None:
            starts.add(lead)
        return starts


# -- line classifier ------------------------------------------------------------------------


class LineClassifier:
    """One LogisticRegression decision per line over the CRF's features, with no transitions.

    Parameters
    ----------
    settings : FeatureSettings, optional
        The line features (the CRF's defaults when not given).
    C : float
        Inverse L2 regularisation strength of the logistic regression.
    max_iter : int
        Iteration limit of the lbfgs solver.
    """

    name = "line-classifier"

    def __init__(self, settings: FeatureSettings | None = None, C: float = 1.0, max_iter: int = 2000) -> None:
        self.settings = settings or FeatureSettings()
        self.C = C
        self.max_iter = max_iter
        self.vectorizer: DictVectorizer | None = None
        self.model: LogisticRegression | None = None

    def features(self, page: Page) -> list[Features]:
        return page_features(page, self.settings)

    def fit(self, pages: Sequence[LabelledPage], on_page: PageCallback | None = None) -> LineClassifier:
        """Train on labelled pages.

        Parameters
        ----------
        pages : sequence of LabelledPage
            The training pages.
        on_page : callable, optional
            Progress callback while features are computed, ``(done, total)``.

        Returns
        -------
        LineClassifier
            ``self``, trained.
        """
        if not pages:
            raise ValueError("no labelled pages to train on")
        rows: list[Features] = []
        labels: list[str] = []
        for done, labelled in enumerate(pages, start=1):
            rows.extend(self.features(labelled.page))
            labels.extend(labelled.content_tags)
            if on_page is not None:
                on_page(done, len(pages))
        return self.fit_features(rows, labels)

    def fit_features(self, rows: Sequence[Features], labels: Sequence[str]) -> LineClassifier:
        """Train on feature dicts of lines (from any pages) and their tags."""
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        if len(set(labels)) < 2:
            raise ValueError("the training lines need at least two different tags")
        self.vectorizer = DictVectorizer(sparse=True)
        matrix = self.vectorizer.fit_transform(rows)
        self.model = LogisticRegression(C=self.C, max_iter=self.max_iter)
        self.model.fit(matrix, np.asarray(labels))
        return self

    def _probabilities(self, rows: Sequence[Features]) -> np.ndarray:
        if self.model is None or self.vectorizer is None:
            raise RuntimeError("the line classifier is not trained")
        return self.model.predict_proba(self.vectorizer.transform(rows))

    def tag_with_confidence(
        self, page: Page, features: Sequence[Features] | None = None
    ) -> tuple[list[str], list[float]]:
        page = as_page(page)
        content = page.content_indices
        starts = [0.0] * len(page.lines)
        if not content:
            return spread_tags([], content, len(page.lines)), starts
        probabilities = self._probabilities(self.features(page) if features is None else features)
        labels = list(self.model.classes_)
        tags = repair_tags([labels[i] for i in probabilities.argmax(axis=1)])
        for index, row in zip(content, probabilities, strict=True):
            starts[index] = _begin_probability(labels, row)
        return spread_tags(tags, content, len(page.lines)), starts

    def tag(self, page: Page, features: Sequence[Features] | None = None) -> list[str]:
        return self.tag_with_confidence(page, features)[0]


BASELINES: tuple[str, ...] = ("rules", "line-classifier")
"""Names of the baselines :func:`make_baseline` builds."""


def make_baseline(
    name: str,
    train_pages: Sequence[LabelledPage] | None = None,
    settings: FeatureSettings | None = None,
    on_page: PageCallback | None = None,
) -> Tagger:
    """Build (and train, if it learns) a baseline by name.

    Parameters
    ----------
    name : str
        One of :data:`BASELINES`.
    train_pages : sequence of LabelledPage, optional
        Training pages; needed by ``line-classifier``.
    settings : FeatureSettings, optional
        Line features of ``line-classifier`` (the CRF's defaults when not given).
    on_page : callable, optional
        Progress callback while training features are computed.

    Raises
    ------
    UsageError
        If the name is unknown, or a trained baseline gets no training pages.
    """
    if name == "rules":
        return RulesTagger()
    if name == "line-classifier":
        if not train_pages:
            raise UsageError("the line-classifier baseline needs labelled training pages (--train-data)")
        return LineClassifier(settings).fit(train_pages, on_page)
    raise UsageError(f"unknown baseline {name!r} (choose from {', '.join(BASELINES)})")
