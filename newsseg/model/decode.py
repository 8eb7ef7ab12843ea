"""Decoding tags into article segments: spans of 1-based input line numbers with roles.

A segment starts at a ``B-`` line and takes every following ``I-`` line up to the next
``B-``; blank and ``O`` lines neither end a segment nor belong to it.  Predicted tags are
repaired first: an ``I-`` line with no segment open starts one, as if it were ``B-``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsseg.io.labels import BLANK, OUTSIDE, tag_role


@dataclass(frozen=True)
class Segment:
    """One article segment of a page.

    Attributes
    ----------
    indices : tuple of int
        0-based indices of the segment's lines (blank and O lines excluded).
    roles : tuple of str
        The role of each of those lines.
    """

    indices: tuple[int, ...]
    roles: tuple[str, ...]

    @property
    def start_line(self) -> int:
        """1-based number of the first line."""
        return self.indices[0] + 1

    @property
    def end_line(self) -> int:
        """1-based number of the last line."""
        return self.indices[-1] + 1


def repair_tags(tags: Sequence[str]) -> list[str]:
    """Turn an ``I-`` tag with no segment open into ``B-``; other tags are kept."""
    repaired = []
    open_segment = False
    for tag in tags:
        if tag.startswith("I-") and not open_segment:
            tag = "B-" + tag[2:]
        if tag.startswith("B-"):
            open_segment = True
        repaired.append(tag)
    return repaired


def decode_segments(tags: Sequence[str]) -> list[Segment]:
    """Split one tag per line (``""`` for blank lines) into segments.

    Parameters
    ----------
    tags : sequence of str
        One tag per line of the page.

    Returns
    -------
    list of Segment
        In page order.
    """
    segments: list[Segment] = []
    indices: list[int] = []
    roles: list[str] = []
    for index, tag in enumerate(repair_tags(tags)):
        if tag in (BLANK, OUTSIDE):
            continue
        if tag.startswith("B-") and indices:
            segments.append(Segment(tuple(indices), tuple(roles)))
            indices, roles = [], []
        indices.append(index)
        roles.append(tag_role(tag) or "body")
    if indices:
        segments.append(Segment(tuple(indices), tuple(roles)))
    return segments


def spread_tags(content_tags: Sequence[str], content_indices: Sequence[int], n_lines: int) -> list[str]:
    """Place the tags of the non-blank lines back among all lines (blank lines get ``""``)."""
    tags = [BLANK] * n_lines
    for index, tag in zip(content_indices, content_tags, strict=True):
        tags[index] = tag
    return tags
