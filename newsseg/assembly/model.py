"""The assembly stage: which blocks of a tagged page make one article.

:class:`Assembler` is an estimator.  ``fit`` learns a pair model (scikit-learn's logistic
regression on standardised :data:`~newsseg.assembly.pairs.FEATURE_NAMES`) from labelled pages
whose segments carry article keys, tagged by the CRF: for every block, each article the
reference has opened before it is a candidate, and the one the block belongs to is the
positive.  ``assign`` decodes a page in page order: each block joins the open article it most
probably continues when that probability exceeds :attr:`Assembler.threshold`, and starts an
article otherwise, so every article's tail is continued at most once and articles keep their
page order.  The CRF's roles stay as they are; its starts are evidence (features), not the
last word: a block the CRF began may join an earlier article, and a block it continued may
start one.

The fitted model is a handful of numbers (weights, intercept, scaling) that the model file
keeps in its manifest as JSON and :meth:`Assembler.from_dict` validates; prediction is numpy
alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from newsseg.assembly.blocks import PageBlocks
from newsseg.assembly.pairs import FEATURE_NAMES, OpenArticle, candidate_features
from newsseg.io.checked import bounded_number, finite_numbers

DEFAULT_THRESHOLD = 0.65
"""A block joins an open article when the pair model gives it at least this probability.

Chosen by 5-fold cross-validation over the 240 labelled pages (page groups kept whole, tagged by
the bundled CRF) among 0.35, 0.5, 0.55 and 0.65, on pairwise F1 of raw-order OCR text."""

DEFAULT_C = 1.0
"""Inverse L2 regularisation of the pair model."""

CANDIDATES = 12
"""A block is compared with the open articles whose tails are the latest this many: no stage of
prediction may grow faster than the page (an article left more than a dozen articles behind is
not resumed), and a page with a handful of articles sees them all."""


@dataclass(frozen=True)
class AssemblyExample:
    """One page to learn assembly from: its lines, the CRF's reading of it, and the reference.

    Attributes
    ----------
    lines : sequence of str
        The page's lines.
    tags, starts : sequence
        Per line, the CRF's tag (``""`` on blank lines) and start probability.
    articles : sequence of str or None
        Per line, the reference article key (None on blank and ``O`` lines).
    """

    lines: Sequence[str]
    tags: Sequence[str]
    starts: Sequence[float]
    articles: Sequence[str | None]


def block_references(blocks: PageBlocks, articles: Sequence[str | None]) -> list[str]:
    """Each block's reference article: the one most of its lines belong to.

    A block whose lines the reference puts in no article is an article of its own.
    """
    references = []
    for number, block in enumerate(blocks.indices):
        counts = Counter(articles[i] for i in block if articles[i] is not None)
        references.append(counts.most_common(1)[0][0] if counts else f"\0outside{number}")
    return references


class OpenArticles:
    """The articles assembled so far on a page, and the ones the next block is compared with.

    A block is compared with the :data:`CANDIDATES` articles whose tails are the latest.  The
    placed block is always the latest tail, so that set is kept as blocks are placed, and each
    candidate's count of articles between its tail and the block is its rank in it: deciding a
    block costs the same at the end of a long page as at its start.  An article that falls out
    of the set releases its vector (in decoding it can never come back; in training the
    reference may continue it, and the vector is rebuilt).

    Parameters
    ----------
    page : PageBlocks
        The page's blocks.
    """

    def __init__(self, page: PageBlocks) -> None:
        self.page = page
        self.articles: list[OpenArticle] = []
        self.latest: list[int] = []
        """Positions of the candidate articles, the latest tail first."""

    def __len__(self) -> int:
        return len(self.articles)

    def compared_with(self, block: int) -> tuple[list[int], np.ndarray]:
        """The candidate articles' positions (in article order) and the block's pair features against each."""
        positions = sorted(self.latest)
        between = [self.latest.index(position) for position in positions]
        chosen = [self.articles[position] for position in positions]
        return positions, candidate_features(self.page, chosen, block, between)

    def place(self, block: int, position: int | None) -> int:
        """Add ``block`` to the article at ``position``, or start an article with it (None); its position."""
        if position is None:
            position = len(self.articles)
            self.articles.append(OpenArticle.starting_at(self.page, block))
        else:
            self.articles[position].add(self.page, block)
        if position in self.latest:
            self.latest.remove(position)
        self.latest.insert(0, position)
        if len(self.latest) > CANDIDATES:
            self.articles[self.latest.pop()].release()
        return position


def training_pairs(blocks: PageBlocks, references: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The pair features and targets of one page, the reference's articles as the open ones.

    Returns
    -------
    X : numpy.ndarray
        One row per (block, article opened before it).
    y : numpy.ndarray of int
        1 where the block belongs to that article.
    """
    rows, targets = [], []
    open_articles = OpenArticles(blocks)
    keys: list[str] = []
    for block, reference in enumerate(references):
        if len(open_articles):
            positions, features = open_articles.compared_with(block)
            rows.append(features)
            targets.extend(int(keys[i] == reference) for i in positions)
        if reference in keys:
            open_articles.place(block, keys.index(reference))
        else:
            keys.append(reference)
            open_articles.place(block, None)
    if not rows:
        return np.zeros((0, len(FEATURE_NAMES))), np.zeros(0, dtype=int)
    return np.vstack(rows), np.array(targets, dtype=int)


class Assembler:
    """Put a tagged page's blocks together into articles.

    Parameters
    ----------
    threshold : float
        The pair probability at which a block joins an open article (:data:`DEFAULT_THRESHOLD`).
    C : float
        Inverse regularisation of the logistic regression.

    Attributes
    ----------
    weights, mean, scale : numpy.ndarray or None
        The fitted weights of the standardised features and the standardisation.
    intercept : float
    summary : dict
        What it was trained on: pages, blocks, pairs, joins.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, C: float = DEFAULT_C) -> None:
        self.threshold = threshold
        self.C = C
        self.weights: np.ndarray | None = None
        self.mean: np.ndarray | None = None
        self.scale: np.ndarray | None = None
        self.intercept = 0.0
        self.summary: dict = {}

    def fit(self, examples: Iterable[AssemblyExample]) -> Assembler:
        """Learn the pair model from pages with reference article keys.

        Parameters
        ----------
        examples : iterable of AssemblyExample
            Pages tagged by the CRF the assembler will follow, with their reference articles.

        Returns
        -------
        Assembler
            ``self``, fitted.

        Raises
        ------
        ValueError
            If the pages give no pair of both kinds (nothing ever joins, or everything does).
        """
        from sklearn.linear_model import LogisticRegression

        features, targets = [], []
        pages = blocks_seen = 0
        for example in examples:
            blocks = PageBlocks.from_page(example.lines, example.tags, example.starts)
            X, y = training_pairs(blocks, block_references(blocks, example.articles))
            features.append(X)
            targets.append(y)
            pages += 1
            blocks_seen += len(blocks)
        X = np.vstack(features) if features else np.zeros((0, len(FEATURE_NAMES)))
        y = np.concatenate(targets) if targets else np.zeros(0, dtype=int)
        if len(set(y.tolist())) < 2:
            raise ValueError("the pages give no joins and non-joins of blocks to learn assembly from")
        self.mean = X.mean(axis=0)
        self.scale = np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
        model = LogisticRegression(C=self.C, max_iter=5000).fit((X - self.mean) / self.scale, y)
        self.weights = model.coef_[0].astype(float)
        self.intercept = float(model.intercept_[0])
        self.summary = {"pages": pages, "blocks": blocks_seen, "pairs": len(y), "joins": int(y.sum())}
        return self

    @property
    def fitted(self) -> bool:
        return self.weights is not None

    def join_probabilities(self, features: np.ndarray) -> np.ndarray:
        """The pair model's probability that a block continues each candidate article."""
        if self.weights is None or self.mean is None or self.scale is None:
            raise RuntimeError("the assembler is not fitted")
        logits = ((features - self.mean) / self.scale) @ self.weights + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def assign(self, lines: Sequence[str], tags: Sequence[str], starts: Sequence[float]) -> list[str | None]:
        """The article of every line of a tagged page.

        Parameters
        ----------
        lines : sequence of str
            The page's lines.
        tags, starts : sequence
            Per line, the CRF's tag (``""`` on blank lines) and start probability.

        Returns
        -------
        list of str or None
            Per line, its article's key (``"1"``, ``"2"``, … in order of first appearance);
            None on blank and ``O`` lines.
        """
        blocks = PageBlocks.from_page(lines, tags, starts)
        assigned = self.assign_blocks(blocks)
        articles: list[str | None] = [None] * len(lines)
        for block, article in zip(blocks.indices, assigned, strict=True):
            for index in block:
                articles[index] = str(article + 1)
        return articles

    def assign_blocks(self, blocks: PageBlocks) -> list[int]:
        """Each block's article (0-based, in order of first appearance), decoded in page order."""
        open_articles = OpenArticles(blocks)
        assigned: list[int] = []
        for block in range(len(blocks)):
            choice = None
            if len(open_articles):
                positions, features = open_articles.compared_with(block)
                probabilities = self.join_probabilities(features)
                best = int(np.argmax(probabilities))
                if probabilities[best] >= self.threshold:
                    choice = positions[best]
            assigned.append(open_articles.place(block, choice))
        return assigned

    def strongest_features(self, count: int = 10) -> list[tuple[str, float]]:
        """The pair model's features with the largest weights (standardised), strongest first."""
        if self.weights is None:
            return []
        order = sorted(range(len(FEATURE_NAMES)), key=lambda i: (-abs(self.weights[i]), FEATURE_NAMES[i]))
        return [(FEATURE_NAMES[i], float(self.weights[i])) for i in order[:count]]

    # -- the model file ---------------------------------------------------------------------

    def to_dict(self) -> dict:
        """The fitted assembler as JSON-ready data (the model file's ``assembly`` entry)."""
        if self.weights is None or self.mean is None or self.scale is None:
            raise RuntimeError("the assembler is not fitted")
        return {
            "features": list(FEATURE_NAMES),
            "weights": self.weights.tolist(),
            "intercept": self.intercept,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "threshold": self.threshold,
            "C": self.C,
            "training": self.summary,
        }

    @classmethod
    def from_dict(cls, data: object, fail: Callable[[str], Exception]) -> Assembler:
        """An assembler from a model file's ``assembly`` entry, checked field by field.

        Raises
        ------
        Exception
            ``fail(message)`` for the first thing that is wrong.
        """
        if not isinstance(data, dict):
            raise fail("the assembly entry is not an object")
        if data.get("features") != list(FEATURE_NAMES):
            raise fail("the model's assembly features are not the ones this newsseg computes; retrain it")

        def numbers(key: str) -> np.ndarray:
            return finite_numbers(data.get(key), f"assembly {key!r}", len(FEATURE_NAMES), fail)

        def number(key: str, low: float, high: float) -> float:
            return bounded_number(data.get(key), f"assembly {key!r}", low, high, fail)

        assembler = cls(threshold=number("threshold", 0.0, 1.0), C=number("C", 1e-9, 1e9))
        assembler.weights = numbers("weights")
        assembler.mean = numbers("mean")
        assembler.scale = numbers("scale")
        if not (assembler.scale > 0).all():
            raise fail("assembly 'scale' holds a value that is not positive")
        assembler.intercept = number("intercept", -1e6, 1e6)
        training = data.get("training", {})
        assembler.summary = training if isinstance(training, dict) else {}
        return assembler
