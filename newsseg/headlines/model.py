"""The headline stage: which lines of each predicted article are its title, read as a block.

The CRF tags lines one by one, so a kicker can come out as the title, a subtitle as the title,
and a title OCR printed inside the body as body.  :class:`HeadlineReader` looks at each article
whole.  Two logistic regressions over named features (:mod:`newsseg.headlines.features`), fitted
with scikit-learn on labelled pages as the CRF and the assembly stage read them:

* the *title model* gives each candidate line of an article (:data:`~newsseg.headlines.features.CANDIDATE_FLOOR`)
  the probability that it is a line of the article's title; the likeliest line anchors the title
  (if it reaches :attr:`HeadlineReader.threshold`);
* the *join model* gives two neighbouring lines the probability that both belong to one title;
  the title grows from its anchor up and down while that probability reaches
  :attr:`HeadlineReader.join_threshold` (one blank or other line may lie between; only candidate
  lines join).

Then the roles are rewritten within the article: the chosen lines become title lines, and lines
the CRF called title that were not chosen become kicker (above the title) or subtitle (below).
Only roles change; every ``B-``/``I-`` prefix stays, so the segments and articles are the ones the
earlier stages found.

Each fitted model is a list of feature names, their weights and an intercept, kept in the model
file's manifest as JSON and validated by :meth:`HeadlineReader.from_dict`; prediction is plain
Python and numpy.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from newsseg.headlines.features import PROBABILITY_ROLES, ArticleView, line_features, pair_features
from newsseg.io.checked import bounded_number, finite_numbers, is_finite_number
from newsseg.io.labels import BLANK, OUTSIDE, is_begin, tag_role

DEFAULT_THRESHOLD = 0.1
"""The title model's probability the likeliest line of an article needs to become its title.

Chosen by 5-fold cross-validation over the 240 labelled pages (page groups kept whole, tagged by the
bundled CRF, the 晶報 training pages in every fold) among 0, 0.05, 0.1, 0.2 and 0.3, on title match of
e-paper and zoned text; below it the CRF's roles stay."""

DEFAULT_JOIN_THRESHOLD = 0.5
"""The join model's probability at which a neighbouring line joins the title (same cross-validation:
0.4, 0.5 and 0.6 gave the same titles)."""

DEFAULT_C = 1.0
"""Inverse L2 regularisation of both models."""

MAX_GAP = 1
"""A line joins the title only if at most this many page lines lie between it and the title."""

MAX_FEATURES = 100_000
"""The most feature names a model file's headline model may hold."""


@dataclass(frozen=True)
class HeadlineExample:
    """One page to learn headline reading from: the earlier stages' reading and the reference.

    Attributes
    ----------
    lines : sequence of str
        The page's lines.
    tags : sequence of str
        The CRF's tags (``""`` on blank lines).
    probabilities : numpy.ndarray, shape (len(lines), len(PROBABILITY_ROLES))
        Each line's role probabilities (zeros on blank lines).
    articles : sequence of str or None
        Each line's predicted article (the assembly stage's, or the CRF's segments).
    reference_tags, reference_articles : sequence
        The labelled tags and article keys.
    """

    lines: Sequence[str]
    tags: Sequence[str]
    probabilities: np.ndarray
    articles: Sequence[str | None]
    reference_tags: Sequence[str]
    reference_articles: Sequence[str | None]


def article_views(
    lines: Sequence[str], tags: Sequence[str], probabilities: np.ndarray, articles: Sequence[str | None]
) -> list[ArticleView]:
    """The predicted articles of a page, in order of first line.

    Parameters
    ----------
    lines, tags : sequence of str
        The page's lines and their tags.
    probabilities : numpy.ndarray, shape (len(lines), len(PROBABILITY_ROLES))
        Each line's role probabilities.
    articles : sequence of str or None
        Each line's article key (None on blank and ``O`` lines).

    Returns
    -------
    list of ArticleView
    """
    members: dict[str, list[int]] = {}
    for index, key in enumerate(articles):
        if key is not None and tags[index] not in (BLANK, OUTSIDE):
            members.setdefault(key, []).append(index)

    def blank(index: int) -> bool:
        return 0 <= index < len(lines) and not lines[index].strip()

    return [
        ArticleView(
            indices,
            [lines[i] for i in indices],
            [tag_role(tags[i]) or "body" for i in indices],
            probabilities[indices],
            [is_begin(tags[i]) for i in indices],
            [blank(i - 1) for i in indices],
            [blank(i + 1) for i in indices],
        )
        for indices in members.values()
    ]


def title_targets(
    view: ArticleView, reference_tags: Sequence[str], reference_articles: Sequence[str | None]
) -> list[int]:
    """Per line of a predicted article, 1 if the reference makes it a title line of the article that
    holds most of the predicted article's lines."""
    owners = Counter(reference_articles[i] for i in view.indices if reference_articles[i] is not None)
    owner = owners.most_common(1)[0][0] if owners else None
    return [
        int(owner is not None and reference_articles[i] == owner and tag_role(reference_tags[i]) == "title")
        for i in view.indices
    ]


def _close(view: ArticleView, first: int, second: int) -> bool:
    """Whether two lines of an article (``first`` above ``second``) lie close enough on the page to be one title."""
    return view.indices[second] - view.indices[first] <= MAX_GAP + 1


def _title_neighbours(view: ArticleView) -> Iterable[tuple[int, int]]:
    """Pairs of consecutive article lines close enough on the page to be one title."""
    for first in range(len(view) - 1):
        if _close(view, first, first + 1):
            yield first, first + 1


class NamedLogistic:
    """A logistic regression over named features: weights by name and an intercept.

    Parameters
    ----------
    names : sequence of str
        The feature names.
    weights : numpy.ndarray
        One weight per name.
    intercept : float
    """

    def __init__(self, names: Sequence[str], weights: np.ndarray, intercept: float) -> None:
        self.names = list(names)
        self.weights = np.asarray(weights, dtype=float)
        self.intercept = float(intercept)
        self._weight_of = dict(zip(self.names, self.weights.tolist(), strict=True))

    @classmethod
    def fit(cls, rows: Sequence[Mapping[str, float]], targets: Sequence[int], C: float) -> NamedLogistic:
        """Fit scikit-learn's logistic regression on feature dicts (names sorted, so the fit is deterministic).

        Raises
        ------
        ValueError
            If the targets are all of one kind.
        """
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        if len(set(targets)) < 2:
            raise ValueError("the pages give no titles and non-titles to learn headline reading from")
        vectorizer = DictVectorizer(sort=True)
        matrix = vectorizer.fit_transform(rows)
        model = LogisticRegression(C=C, max_iter=5000).fit(matrix, list(targets))
        return cls(vectorizer.get_feature_names_out().tolist(), model.coef_[0], float(model.intercept_[0]))

    def probability(self, row: Mapping[str, float]) -> float:
        """The model's probability for one feature dict (names it does not know count nothing)."""
        weight_of = self._weight_of
        logit = self.intercept + sum(weight_of.get(name, 0.0) * value for name, value in row.items())
        return 1.0 / (1.0 + math.exp(-max(min(logit, 500.0), -500.0)))

    def strongest(self, count: int) -> list[tuple[str, float]]:
        """The ``count`` features with the largest absolute weights, strongest first."""
        order = sorted(range(len(self.names)), key=lambda i: (-abs(self.weights[i]), self.names[i]))
        return [(self.names[i], float(self.weights[i])) for i in order[:count]]

    def to_dict(self) -> dict:
        return {"features": self.names, "weights": self.weights.tolist(), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, data: object, what: str, fail: Callable[[str], Exception]) -> NamedLogistic:
        """A model from its JSON entry, checked field by field (``fail(message)`` for the first fault)."""
        if not isinstance(data, dict):
            raise fail(f"{what} is not an object")
        names, weights, intercept = data.get("features"), data.get("weights"), data.get("intercept")
        if (
            not isinstance(names, list)
            or len(names) > MAX_FEATURES
            or not all(isinstance(name, str) and len(name) <= 200 for name in names)
            or len(set(names)) != len(names)
        ):
            raise fail(f"{what} 'features' is not a list of distinct feature names")
        checked = finite_numbers(weights, f"{what} 'weights'", len(names), fail)
        if not is_finite_number(intercept):
            raise fail(f"{what} 'intercept' is not a finite number")
        return cls(names, checked, float(intercept))  # type: ignore[arg-type]


class HeadlineReader:
    """Decide each predicted article's title lines, and the kicker and subtitle around them.

    Parameters
    ----------
    threshold : float
        The title model's probability the likeliest line needs (:data:`DEFAULT_THRESHOLD`).
    join_threshold : float
        The join model's probability at which a neighbour joins the title (:data:`DEFAULT_JOIN_THRESHOLD`).
    C : float
        Inverse regularisation of both logistic regressions.

    Attributes
    ----------
    title_model, join_model : NamedLogistic or None
        The fitted models.
    summary : dict
        What it was trained on: pages, articles, lines, title lines, pairs.
    """

    def __init__(
        self, threshold: float = DEFAULT_THRESHOLD, join_threshold: float = DEFAULT_JOIN_THRESHOLD, C: float = DEFAULT_C
    ) -> None:
        self.threshold = threshold
        self.join_threshold = join_threshold
        self.C = C
        self.title_model: NamedLogistic | None = None
        self.join_model: NamedLogistic | None = None
        self.summary: dict = {}

    def fit(self, examples: Iterable[HeadlineExample]) -> HeadlineReader:
        """Learn both models from pages with reference tags and article keys.

        Parameters
        ----------
        examples : iterable of HeadlineExample
            Pages as the earlier stages read them, with their references.

        Returns
        -------
        HeadlineReader
            ``self``, fitted.

        Raises
        ------
        ValueError
            If the pages hold no title lines (or nothing but).
        """
        line_rows: list[dict[str, float]] = []
        line_targets: list[int] = []
        pair_rows: list[dict[str, float]] = []
        pair_targets: list[int] = []
        pages = articles = 0
        for example in examples:
            pages += 1
            for view in article_views(example.lines, example.tags, example.probabilities, example.articles):
                articles += 1
                targets = title_targets(view, example.reference_tags, example.reference_articles)
                line_rows.extend(line_features(view, position) for position in view.candidates)
                line_targets.extend(targets[position] for position in view.candidates)
                for first, second in _title_neighbours(view):
                    if targets[first] or targets[second]:
                        pair_rows.append(pair_features(view, first, second))
                        pair_targets.append(targets[first] & targets[second])
        self.title_model = NamedLogistic.fit(line_rows, line_targets, self.C)
        self.join_model = NamedLogistic.fit(pair_rows, pair_targets, self.C)
        self.summary = {
            "pages": pages,
            "articles": articles,
            "lines": len(line_rows),
            "title_lines": int(sum(line_targets)),
            "pairs": len(pair_rows),
            "joined_pairs": int(sum(pair_targets)),
        }
        return self

    @property
    def fitted(self) -> bool:
        return self.title_model is not None and self.join_model is not None

    def title_lines(self, view: ArticleView) -> list[int] | None:
        """The places in the article of its title lines, or None to keep the CRF's roles."""
        if self.title_model is None or self.join_model is None:
            raise RuntimeError("the headline reader is not fitted")
        if not view.candidates:
            return None
        probabilities = [self.title_model.probability(line_features(view, position)) for position in view.candidates]
        best = int(np.argmax(probabilities))
        if probabilities[best] < self.threshold:
            return None
        chosen = [view.candidates[best]]
        candidates = set(view.candidates)
        for step in (-1, 1):
            while True:
                edge = chosen[0] if step < 0 else chosen[-1]
                neighbour = edge + step
                first, second = min(edge, neighbour), max(edge, neighbour)
                if (
                    neighbour not in candidates
                    or not _close(view, first, second)
                    or self.join_model.probability(pair_features(view, first, second)) < self.join_threshold
                ):
                    break
                if step < 0:
                    chosen.insert(0, neighbour)
                else:
                    chosen.append(neighbour)
        return chosen

    def read(
        self, lines: Sequence[str], tags: Sequence[str], probabilities: np.ndarray, articles: Sequence[str | None]
    ) -> list[str]:
        """The page's tags with each article's headline roles decided.

        Parameters
        ----------
        lines, tags : sequence of str
            The page's lines and the CRF's tags (``""`` on blank lines).
        probabilities : numpy.ndarray, shape (len(lines), len(PROBABILITY_ROLES))
            Each line's role probabilities (zeros on blank lines).
        articles : sequence of str or None
            Each line's article key.

        Returns
        -------
        list of str
            One tag per line: the same ``B-``/``I-`` prefixes, roles rewritten around each title.
        """
        rewritten = list(tags)
        for view in article_views(lines, tags, probabilities, articles):
            chosen = self.title_lines(view)
            if chosen is None:
                continue
            for position, index in enumerate(view.indices):
                prefix, role = tags[index][:2], view.roles[position]
                if chosen[0] <= position <= chosen[-1]:
                    rewritten[index] = prefix + "title"
                elif role == "title":
                    rewritten[index] = prefix + ("kicker" if position < chosen[0] else "subtitle")
        return rewritten

    def strongest_features(self, count: int = 10) -> list[tuple[str, float]]:
        """The title model's features with the largest weights, strongest first."""
        return [] if self.title_model is None else self.title_model.strongest(count)

    # -- the model file ---------------------------------------------------------------------

    def to_dict(self) -> dict:
        """The fitted reader as JSON-ready data (the model file's ``headlines`` entry)."""
        if self.title_model is None or self.join_model is None:
            raise RuntimeError("the headline reader is not fitted")
        return {
            "roles": list(PROBABILITY_ROLES),
            "title_model": self.title_model.to_dict(),
            "join_model": self.join_model.to_dict(),
            "threshold": self.threshold,
            "join_threshold": self.join_threshold,
            "C": self.C,
            "training": self.summary,
        }

    @classmethod
    def from_dict(cls, data: object, fail: Callable[[str], Exception]) -> HeadlineReader:
        """A reader from a model file's ``headlines`` entry, checked field by field.

        Raises
        ------
        Exception
            ``fail(message)`` for the first thing that is wrong.
        """
        if not isinstance(data, dict):
            raise fail("the headlines entry is not an object")
        if data.get("roles") != list(PROBABILITY_ROLES):
            raise fail("the model's headline roles are not the ones this newsseg reads; retrain it")

        def number(key: str, low: float, high: float) -> float:
            return bounded_number(data.get(key), f"headlines {key!r}", low, high, fail)

        reader = cls(number("threshold", 0.0, 1.0), number("join_threshold", 0.0, 1.0), number("C", 1e-9, 1e9))
        reader.title_model = NamedLogistic.from_dict(data.get("title_model"), "headlines 'title_model'", fail)
        reader.join_model = NamedLogistic.from_dict(data.get("join_model"), "headlines 'join_model'", fail)
        training = data.get("training", {})
        reader.summary = training if isinstance(training, dict) else {}
        return reader
