"""Neighbour features: copy chosen features of the lines around each line.

A line's own features say little about whether an article starts there; the lines before and
after say much more (a byline two lines down, a sentence that ended just above).  This module
copies the features named in :data:`CONTEXT_KEYS` from the lines at offsets -k..+k, prefixed
with the offset (``-1:ends_sentence``), and marks the page's edges.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from newsseg.features.layout import Features

CONTEXT_KEYS: tuple[str, ...] = (
    "width",
    "width_vs_local",
    "ends_sentence",
    "first_class",
    "last_class",
    "punct",
    "blank_before",
    "blank_after",
    "continuity",
    "repeat",
    "person_name",
    "has_dash",
    "brackets",
    "headline_like",
    "headline_run",
)
"""Features copied from neighbours, besides every ``cue:`` feature."""

CUE_PREFIX = "cue:"
T = TypeVar("T")
BEYOND_PAGE = "beyond_page"
"""Flag of a neighbour position that lies beyond the page's first or last line."""
ATTRIBUTE_SEPARATOR = ":"
"""A string feature ``{"key": "value"}`` is the attribute ``key:value`` with weight 1 (python-crfsuite's rule)."""


def is_copied(key: str) -> bool:
    """Whether neighbours copy the feature ``key``: one of :data:`CONTEXT_KEYS`, or a cue."""
    return key in CONTEXT_KEYS or key.startswith(CUE_PREFIX)


def with_neighbours(
    own: Sequence[list[T]], neighbours: Sequence[tuple[int, Sequence[list[T]], list[T]]]
) -> Iterator[list[T]]:
    """Per line, its own items, then each neighbour's in :func:`add_context`'s order.

    ``neighbours`` holds, per offset (``-window`` .. ``+window``, 0 left out), the offset, each
    line's items that neighbours copy, and the items of a position beyond the page's edge.
    """
    n_lines = len(own)
    for i, items in enumerate(own):
        line = list(items)
        for offset, shared, beyond in neighbours:
            j = i + offset
            line.extend(shared[j] if 0 <= j < n_lines else beyond)
        yield line


def context_prefix(offset: int) -> str:
    """The prefix of the features copied from the line ``offset`` lines away: ``-2:`` .. ``+2:``."""
    return f"{offset:+d}:"


def attribute_name(key: str, value: str | float) -> str:
    """The CRF attribute a feature stands for: ``key:value`` for a category, ``key`` for a flag."""
    return key + ATTRIBUTE_SEPARATOR + value if type(value) is str else key


@dataclass(frozen=True)
class LineAttributes:
    """A page's CRF attributes before the neighbours' are copied: what prediction reads.

    :func:`add_context` writes every copied feature out as a new dict entry, which training
    needs; tagging needs only the names, and the model can look a neighbour's names up in a
    table of its own per offset instead of building ``-1:`` strings.  All attributes have
    weight 1 (every feature value is a category or the flag 1.0).

    Attributes
    ----------
    own : list of list of str
        Each line's attribute names, in the order of its features.
    shared : list of list of str
        The names of each line's features that its neighbours copy (:data:`CONTEXT_KEYS`, cues).
    window : int
        How many neighbours on each side copy them.
    """

    own: list[list[str]]
    shared: list[list[str]]
    window: int

    def __len__(self) -> int:
        return len(self.own)

    def offsets(self) -> list[int]:
        """The neighbour offsets in the order their features follow a line's own: -window .. +window, 0 left out."""
        return [offset for offset in range(-self.window, self.window + 1) if offset]

    def expanded(self) -> list[list[str]]:
        """Each line's full attribute names, neighbours' included: the names of :func:`add_context`'s dicts, in order.

        This is what a CRF trainer reads (python-crfsuite takes a list of names as attributes of
        weight 1); it is far smaller than the dicts.
        """
        prefixed = []
        for offset in self.offsets():
            prefix = context_prefix(offset)
            shared = [[prefix + name for name in names] for names in self.shared]
            prefixed.append((offset, shared, [prefix + BEYOND_PAGE]))
        return list(with_neighbours(self.own, prefixed))


def line_attributes(lines: Sequence[Features], window: int) -> LineAttributes:
    """The :class:`LineAttributes` of a page's own line features (the input of :func:`add_context`).

    Raises
    ------
    TypeError
        If a feature value is neither a string nor the flag 1.0.
    """
    own = []
    shared = []
    for features in lines:
        names = []
        copied = []
        for key, value in features.items():
            if type(value) is not str and value != 1.0:
                raise TypeError(f"feature {key} is {value!r}: features are categories or the flag 1.0")
            name = attribute_name(key, value)
            names.append(name)
            if is_copied(key):
                copied.append(name)
        own.append(names)
        shared.append(copied)
    return LineAttributes(own, shared, window)


def _selected(features: Features) -> Features:
    return {key: value for key, value in features.items() if is_copied(key)}


def add_context(lines: Sequence[Features], window: int) -> list[Features]:
    """Return new dicts with the selected features of neighbours within ``window`` lines.

    Parameters
    ----------
    lines : sequence of dict
        Each non-blank line's own features, in page order.
    window : int
        How many neighbours on each side to copy (0 copies none).

    Returns
    -------
    list of dict
        The line's own features plus ``-2:key``, ``-1:key``, ``+1:key``, ``+2:key`` ... and
        ``-1:none`` style markers beyond the page's edges.
    """
    selected = [_selected(features) for features in lines]
    result = []
    for i, features in enumerate(lines):
        combined = dict(features)
        for offset in range(-window, window + 1):
            if offset == 0:
                continue
            j = i + offset
            prefix = context_prefix(offset)
            if 0 <= j < len(lines):
                combined.update({prefix + key: value for key, value in selected[j].items()})
            else:
                combined[prefix + BEYOND_PAGE] = 1.0
        result.append(combined)
    return result
