"""Blocks: the runs of a tagged page that the assembly stage puts together into articles.

A block is a run of a page's article lines (neither blank nor ``O``) that starts after a blank
line, at a line the CRF tagged ``B-``, or after an ``O`` line; OCR breaks articles apart at
exactly such places (a column block of one article printed inside another's).  For each block
:class:`PageBlocks` keeps what the pair features need, computed once per page: its line
indices, the CRF's role of its first line and start probability, whether it ends or starts
mid-sentence, its column width, and an idf-weighted vector of its character bigrams (the
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


SIMILARITY_CHUNK = 4096
"""Bigram columns made dense at a time while the block similarities are summed."""


def bigram_similarity(rows: np.ndarray, columns: np.ndarray, n_blocks: int, n_bigrams: int) -> np.ndarray:
    """The dot products of the blocks' idf-weighted bigram counts, ``n_blocks × n_blocks``.

    Parameters
    ----------
    rows, columns : numpy.ndarray of int
        One entry per bigram occurrence: its block and its bigram's column.
    n_blocks, n_bigrams : int
        How many blocks and distinct bigrams the page has.

    The idf of a bigram is ``log((n_blocks + 1) / (blocks holding it + 0.5))``.  The count matrix
    is made dense a slice of :data:`SIMILARITY_CHUNK` columns at a time, so memory stays linear
    in the page however large its vocabulary.
    """
    keys, counts = np.unique(columns.astype(np.int64) * n_blocks + rows, return_counts=True)
    key_columns, key_rows = keys // n_blocks, keys % n_blocks
    idf = np.log((n_blocks + 1) / (np.bincount(key_columns, minlength=n_bigrams) + 0.5))
    weights = counts * idf[key_columns]
    similarity = np.zeros((n_blocks, n_blocks))
    bounds = np.searchsorted(key_columns, np.arange(0, n_bigrams + SIMILARITY_CHUNK, SIMILARITY_CHUNK))
    for start, (low, high) in enumerate(pairwise(bounds)):
        if low == high:
            continue
        dense = np.zeros((n_blocks, SIMILARITY_CHUNK))
        dense[key_rows[low:high], key_columns[low:high] - start * SIMILARITY_CHUNK] = weights[low:high]
        similarity += dense @ dense.T
    return similarity


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
    similarity : numpy.ndarray of float
        ``n_blocks × n_blocks`` dot products of the blocks' idf-weighted bigram counts (the
        vectors themselves, as wide as the page's vocabulary, are never held densely).
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
    similarity: np.ndarray

    def __len__(self) -> int:
        return len(self.indices)

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
        codes = [han_bigram_codes(text) for text in texts]
        rows = np.repeat(np.arange(len(codes)), [len(block_codes) for block_codes in codes])
        vocabulary, columns = np.unique(np.concatenate(codes) if codes else np.zeros(0, np.int64), return_inverse=True)
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
            similarity=bigram_similarity(rows, columns.reshape(-1), len(indices), max(1, len(vocabulary))),
        )
