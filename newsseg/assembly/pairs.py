"""Pair features: how well a block continues an article that is still open on the page.

For a block ``b`` and each article assembled so far (its blocks, the last of which is its
*tail*), :func:`candidate_features` gives one row of :data:`FEATURE_NAMES`: distance on the
page, whether the CRF itself continued the tail into ``b``, dangling ends and starts, column
widths, words shared (idf-weighted bigram cosine with the whole article and with its tail),
the CRF's start probability and headline roles, and, because the candidates compete, each
candidate's margin over the best of the others on the lexical and width features.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from newsseg.assembly.blocks import HEADLINE_ROLES, PageBlocks

BASE_FEATURES: tuple[str, ...] = (
    "adjacent",
    "log_blocks_between",
    "crf_continues",
    "tail_dangles",
    "block_starts_mid_sentence",
    "tail_dangles_far",
    "width_log_ratio",
    "width_log_ratio_capped",
    "cosine_article",
    "cosine_tail",
    "start_probability",
    "crf_begins",
    "first_line_headline",
    "first_line_title",
    "block_has_headline",
    "article_has_title",
    "log_articles_between",
    "log_article_blocks",
    "block_one_line",
    "tail_one_line",
    "article_headline_only",
    "adjacent_x_start_probability",
    "adjacent_x_first_line_headline",
    "adjacent_x_cosine_article",
    "first_line_subhead",
    "crf_continues_x_start_probability",
    "crf_continues_x_one_line",
)
COMPARED_FEATURES: tuple[str, ...] = ("cosine_article", "cosine_tail", "width_closeness")
"""Features on which each candidate is compared with the best of the others."""

FEATURE_NAMES: tuple[str, ...] = (
    *BASE_FEATURES,
    *(f"{name}_{suffix}" for name in COMPARED_FEATURES for suffix in ("margin", "best")),
    *(f"{name}_over_adjacent" for name in COMPARED_FEATURES),
)
"""The pair model's inputs, in column order."""

_INDEX = {name: i for i, name in enumerate(BASE_FEATURES)}


@dataclass
class OpenArticle:
    """An article being assembled: its blocks in page order, their summed vector and its squared norm.

    ``vector`` is the sum of the blocks' bigram vectors, dense (``n_bigrams`` long).  It is
    needed only while blocks are compared with the article; :meth:`release` drops it and
    :meth:`vector_on` rebuilds it from the blocks when needed again.
    """

    blocks: list[int]
    norm2: float
    has_title: bool
    headline_only: bool = field(default=True)
    vector: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def starting_at(cls, page: PageBlocks, block: int) -> OpenArticle:
        """A new article made of one block."""
        article = cls([], 0.0, False)
        article.add(page, block)
        return article

    def vector_on(self, page: PageBlocks) -> np.ndarray:
        """The article's summed vector, rebuilt from its blocks if it was released."""
        if self.vector is None:
            self.vector = np.zeros(page.n_bigrams)
            for block in self.blocks:
                page.add_to(self.vector, block)
        return self.vector

    def release(self) -> None:
        """Drop the summed vector (the article keeps everything else)."""
        self.vector = None

    def add(self, page: PageBlocks, block: int) -> None:
        """Append ``block`` to the article."""
        vector = self.vector_on(page)
        self.norm2 += 2.0 * page.dot(vector, block) + float(page.norm2[block])
        page.add_to(vector, block)
        self.blocks.append(block)
        self.has_title = self.has_title or bool(page.has_title[block])
        self.headline_only = self.headline_only and bool(page.has_headline[block])

    @property
    def tail(self) -> int:
        return self.blocks[-1]

    def cosine(self, page: PageBlocks, block: int) -> float:
        """The cosine of the article's summed vector with the block's."""
        return cosine_of(page.dot(self.vector_on(page), block), self.norm2, float(page.norm2[block]))


def cosine_of(dot: float, first_norm2: float, second_norm2: float) -> float:
    """The cosine of two vectors from their dot product and squared norms; 0 if either is zero."""
    norm = math.sqrt(first_norm2 * second_norm2)
    return dot / norm if norm > 0 else 0.0


def _block_cosine(page: PageBlocks, dense_block: np.ndarray, block: int, other: int) -> float:
    """The cosine of two blocks' vectors, the first given dense."""
    return cosine_of(page.dot(dense_block, other), float(page.norm2[block]), float(page.norm2[other]))


def _base_row(
    page: PageBlocks, article: OpenArticle, block: int, articles_between: int, cosine_article: float, cosine_tail: float
) -> list[float]:
    tail = article.tail
    adjacent = float(tail == block - 1)
    width_log_ratio = abs(math.log((page.width[tail] + 1.0) / (page.width[block] + 1.0)))
    headline_first = float(page.first_role[block] in HEADLINE_ROLES)
    start_probability = float(page.start_probability[block])
    tail_dangles = float(page.dangling_end[tail])
    crf_continues = float(adjacent and not page.begins[block])
    return [
        adjacent,
        math.log1p(block - tail - 1),
        crf_continues,
        tail_dangles,
        float(page.continuing_start[block]),
        tail_dangles * (1.0 - adjacent),
        width_log_ratio,
        min(width_log_ratio, 0.3),
        cosine_article,
        cosine_tail,
        start_probability,
        float(page.begins[block]),
        headline_first,
        float(page.first_role[block] == "title"),
        float(page.has_headline[block]),
        float(article.has_title),
        math.log1p(articles_between),
        math.log1p(len(article.blocks)),
        float(page.line_count[block] == 1),
        float(page.line_count[tail] == 1),
        float(article.headline_only),
        adjacent * start_probability,
        adjacent * headline_first,
        adjacent * cosine_article,
        float(page.first_role[block] == "subhead"),
        crf_continues * start_probability,
        crf_continues * float(page.line_count[block] == 1),
    ]


def candidate_features(
    page: PageBlocks, articles: Sequence[OpenArticle], block: int, articles_between: Sequence[int]
) -> np.ndarray:
    """The pair features of ``block`` against each open article.

    Parameters
    ----------
    page : PageBlocks
        The page's blocks.
    articles : sequence of OpenArticle
        The articles assembled from the blocks before ``block``.
    block : int
        The block to place.
    articles_between : sequence of int
        Per article, how many other articles have blocks between its tail and ``block``.

    Returns
    -------
    numpy.ndarray
        ``len(articles) × len(FEATURE_NAMES)``.
    """
    dense_block = page.dense_vector(block)
    base = np.array(
        [
            _base_row(
                page,
                article,
                block,
                between,
                article.cosine(page, block),
                _block_cosine(page, dense_block, block, article.tail),
            )
            for article, between in zip(articles, articles_between, strict=True)
        ],
        dtype=float,
    ).reshape(len(articles), len(BASE_FEATURES))
    compared = np.column_stack(
        [base[:, _INDEX["cosine_article"]], base[:, _INDEX["cosine_tail"]], -base[:, _INDEX["width_log_ratio"]]]
    )
    extra = np.zeros((len(articles), 2 * len(COMPARED_FEATURES)))
    extra[:, 1::2] = 1.0
    if len(articles) > 1:
        for column in range(len(COMPARED_FEATURES)):
            values = compared[:, column]
            order = np.argsort(-values, kind="stable")
            best, second = values[order[0]], values[order[1]]
            best_of_others = np.where(np.arange(len(values)) == order[0], second, best)
            extra[:, 2 * column] = values - best_of_others
            extra[:, 2 * column + 1] = values >= best_of_others
    adjacent = np.flatnonzero(base[:, _INDEX["adjacent"]] == 1.0)
    over_adjacent = compared - compared[adjacent[0]] if len(adjacent) else np.zeros_like(compared)
    return np.hstack([base, extra, over_adjacent])
