"""Neighbour features: copy chosen features of the lines around each line.

A line's own features say little about whether an article starts there; the lines before and
after say much more (a byline two lines down, a sentence that ended just above).  This module
copies the features named in :data:`CONTEXT_KEYS` from the lines at offsets -k..+k, prefixed
with the offset (``-1:ends_sentence``), and marks the page's edges.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def _selected(features: Features) -> Features:
    return {key: value for key, value in features.items() if key in CONTEXT_KEYS or key.startswith(CUE_PREFIX)}


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
            prefix = f"{offset:+d}:"
            if 0 <= j < len(lines):
                combined.update({prefix + key: value for key, value in selected[j].items()})
            else:
                combined[prefix + "beyond_page"] = 1.0
        result.append(combined)
    return result
