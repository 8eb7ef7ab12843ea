"""Blocks: the runs of a tagged page that the assembly stage puts together into articles.

A block is a run of a page's article lines (neither blank nor ``O``) that starts after a blank
line, at a line the CRF tagged ``B-``, or after an ``O`` line; OCR breaks articles apart at
exactly such places (a column block of one article printed inside another's).  For each block
:class:`PageBlocks` keeps what the pair features need, computed once per page: its line
indices, the CRF's role of its first line and start probability, whether it ends or starts
mid-sentence, its column width, and an idf-weighted sparse vector of its character bigrams (the
idf over the page's own blocks, so names and terms that recur in few blocks weigh most).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

import numpy as np

from newsseg.io.labels import BLANK, OUTSIDE, is_begin, tag_role

HEADLINE_ROLES = frozenset({"kicker", "title", "subtitle", "byline", "column"})
"""Roles that show an article's start on the page."""

SENTENCE_ENDS = frozenset("。！？!?…”」』")
"""Characters that end a sentence (or a quotation ending one): a block ending otherwise dangles."""

CONTINUING_STARTS = frozenset("，。、；：！？）”」』,.;:)")
"""Characters no sentence starts with: a block starting with one continues a sentence."""

UNREADABLE = "\ufffd"


def han_bigram_codes(text: str) -> np.ndarray:
    """The bigrams of consecutive Han characters of ``text`` (others skipped), as integer codes."""
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    han = chars[((chars >= 0x4E00) & (chars <= 0x9FFF)) | ((chars >= 0x3400) & (chars <= 0x4DBF))]
    return (han[:-1] << 21) | han[1:]


def bigram_vectors(codes: Sequence[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray], int]:
    """The blocks' idf-weighted bigram counts as sparse vectors over the page's bigrams.

    Parameters
    ----------
    codes : sequence of numpy.ndarray of int
        Per block, the codes of its bigrams (:func:`han_bigram_codes`), repeats included.

    Returns
    -------
    columns, weights : list of numpy.ndarray
        Per block, the sorted columns of its distinct bigrams and their weights: count × idf,
        where the idf of a bigram is ``log((n_blocks + 1) / (blocks holding it + 0.5))``.
    n_bigrams : int
        How many distinct bigrams the page has (the vectors' length).

    Everything is linear in the page's bigrams; no ``blocks × blocks`` or
    ``blocks × vocabulary`` array is ever made.
    """
    n_blocks = len(codes)
    if not n_blocks:
        return [], [], 0
    rows = np.repeat(np.arange(n_blocks), [len(block_codes) for block_codes in codes])
    vocabulary, columns = np.unique(np.concatenate(codes), return_inverse=True)
    keys, counts = np.unique(rows * len(vocabulary) + columns.reshape(-1), return_counts=True)
    key_rows, key_columns = np.divmod(keys, max(1, len(vocabulary)))
    idf = np.log((n_blocks + 1) / (np.bincount(key_columns, minlength=len(vocabulary)) + 0.5))
    weights = counts * idf[key_columns]
    bounds = np.searchsorted(key_rows, np.arange(n_blocks + 1))
    return (
        [key_columns[low:high] for low, high in pairwise(bounds)],
        [weights[low:high] for low, high in pairwise(bounds)],
        len(vocabulary),
    )


def column_width(texts: Sequence[str]) -> float:
    """The median length of a block's lines, its last line left out when there are several."""
    lengths = [len(text.strip()) for text in texts]
    if len(lengths) > 1:
        lengths = lengths[:-1]
    return float(median(lengths))


def page_blocks(tags: Sequence[str]) -> list[list[int]]:
    """The blocks of a tagged page: lists of 0-based line indices, in page order.

    Parameters
    ----------
    tags : sequence of str
        One tag per page line (``""`` for blank lines), as the CRF gave them.

    Returns
    -------
    list of list of int
        Each block's line indices.  Blank and ``O`` lines are in no block.
    """
    blocks: list[list[int]] = []
    current: list[int] = []
    for index, tag in enumerate(tags):
        if tag in (BLANK, OUTSIDE) or is_begin(tag):
            if current:
                blocks.append(current)
            current = []
            if tag in (BLANK, OUTSIDE):
                continue
        current.append(index)
    if current:
        blocks.append(current)
    return blocks


@dataclass
class PageBlocks:
    """A page's blocks and what the pair features read from each.

    Attributes
    ----------
    indices : list of list of int
        Each block's 0-based line indices.
    first_role : list of str
        The CRF's role of each block's first line.
    begins : numpy.ndarray of bool
        Whether the CRF starts a segment at the block's first line.
    start_probability : numpy.ndarray of float
        The CRF's probability that an article starts at the block's first line.
    has_headline, has_title : numpy.ndarray of bool
        Whether a line of the block has a headline role (:data:`HEADLINE_ROLES`), or ``title``.
    dangling_end : numpy.ndarray of bool
        The block's last readable character ends no sentence.
    continuing_start : numpy.ndarray of bool
        The block starts with a character no sentence starts with.
    width : numpy.ndarray of float
        Column width (:func:`column_width`).
    line_count : numpy.ndarray of int
        Lines per block.
    columns, weights : list of numpy.ndarray
        Per block, its idf-weighted bigram counts as a sparse vector (:func:`bigram_vectors`).
    norm2 : numpy.ndarray of float
        The squared norm of each block's vector.
    n_bigrams : int
        The length of the vectors: the page's distinct bigrams.
    """

    indices: list[list[int]]
    first_role: list[str]
    begins: np.ndarray
    start_probability: np.ndarray
    has_headline: np.ndarray
    has_title: np.ndarray
    dangling_end: np.ndarray
    continuing_start: np.ndarray
    width: np.ndarray
    line_count: np.ndarray
    columns: list[np.ndarray]
    weights: list[np.ndarray]
    norm2: np.ndarray
    n_bigrams: int

    def __len__(self) -> int:
        return len(self.indices)

    def dense_vector(self, block: int) -> np.ndarray:
        """The block's vector, ``n_bigrams`` long."""
        return self.add_to(np.zeros(self.n_bigrams), block)

    def add_to(self, vector: np.ndarray, block: int) -> np.ndarray:
        """Add the block's vector to a dense one (``n_bigrams`` long), in place; that vector."""
        vector[self.columns[block]] += self.weights[block]
        return vector

    def dot(self, vector: np.ndarray, block: int) -> float:
        """The dot product of a dense vector (``n_bigrams`` long) with the block's vector."""
        return float(vector[self.columns[block]] @ self.weights[block])

    @classmethod
    def from_page(cls, lines: Sequence[str], tags: Sequence[str], starts: Sequence[float]) -> PageBlocks:
        """Split a tagged page into blocks and describe each.

        Parameters
        ----------
        lines : sequence of str
            The page's lines.
        tags : sequence of str
            One CRF tag per line (``""`` on blank lines).
        starts : sequence of float
            Per line, the CRF's probability that an article starts there.
        """
        indices = page_blocks(tags)
        texts = ["".join(lines[i].strip() for i in block) for block in indices]
        roles = [[tag_role(tags[i]) for i in block] for block in indices]
        readable_ends = [text.rstrip(UNREADABLE + " ") for text in texts]
        columns, weights, n_bigrams = bigram_vectors([han_bigram_codes(text) for text in texts])
        return cls(
            indices=indices,
            first_role=[block_roles[0] for block_roles in roles],
            begins=np.array([is_begin(tags[block[0]]) for block in indices], dtype=bool),
            start_probability=np.array([float(starts[block[0]]) for block in indices]),
            has_headline=np.array([any(r in HEADLINE_ROLES for r in block_roles) for block_roles in roles], dtype=bool),
            has_title=np.array([any(r == "title" for r in block_roles) for block_roles in roles], dtype=bool),
            dangling_end=np.array([bool(text) and text[-1] not in SENTENCE_ENDS for text in readable_ends], dtype=bool),
            continuing_start=np.array([bool(text) and text[0] in CONTINUING_STARTS for text in texts], dtype=bool),
            width=np.array([column_width([lines[i] for i in block]) for block in indices]),
            line_count=np.array([len(block) for block in indices]),
            columns=columns,
            weights=weights,
            norm2=np.array([float(w @ w) for w in weights]),
            n_bigrams=n_bigrams,
        )
