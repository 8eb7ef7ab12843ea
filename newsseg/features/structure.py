"""Page-structure features: where a line stands among headline blocks and bylines.

An article opens with a block of headline-like lines (short or wide, no sentence punctuation)
followed within a few lines by a byline or the body; a subhead is a headline-like line deep in
a run of body text.  These features tell the CRF, for each line, whether it looks like a
headline, where it stands in a run of such lines, and how far the nearest byline cue and the
previous headline block are — in lines, binned.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsseg.features.layout import Features, bin_value

DISTANCE_EDGES = (2, 4, 8, 16, 32, 64)
DISTANCE_LABELS = ("1", "2-3", "4-7", "8-15", "16-31", "32-63", "64+")


def is_headline_like(features: Features) -> bool:
    """Whether a line's own layout features look like a headline, label or caption line.

    No sentence-final punctuation inside or at the end, at most one comma, and not a full
    column line (a body line fills its column).
    """
    return (
        features.get("ends_sentence") == "no"
        and features.get("inner_finals") == "0"
        and features.get("commas") in ("0", "1")
        and features.get("last_class") not in ("comma", "cjk_comma")
        and features.get("width_vs_local") not in ("<.97", "~1")
    )


def run_positions(flags: Sequence[bool]) -> list[str]:
    """For each line, its place in a run of flagged lines: ``none``, ``single``, ``first``, ``inner``, ``last``."""
    positions = []
    for i, flag in enumerate(flags):
        if not flag:
            positions.append("none")
            continue
        before = i > 0 and flags[i - 1]
        after = i + 1 < len(flags) and flags[i + 1]
        positions.append(
            {(False, False): "single", (False, True): "first", (True, True): "inner"}.get((before, after), "last")
        )
    return positions


def distances_back(flags: Sequence[bool]) -> list[int | None]:
    """For each line, how many lines back the nearest earlier flagged line is (None if none)."""
    result: list[int | None] = []
    last = None
    for i, flag in enumerate(flags):
        result.append(None if last is None else i - last)
        if flag:
            last = i
    return result


def distances_ahead(flags: Sequence[bool]) -> list[int | None]:
    """For each line, how many lines ahead the nearest later flagged line is (None if none)."""
    return list(reversed(distances_back(list(reversed(flags)))))


def headline_blocks(
    own: Sequence[Features], byline_flags: Sequence[bool], byline_reach: int = 3
) -> list[tuple[int, int]]:
    """Runs of headline-like lines as (first index, index after the block).

    The block extends over byline lines that follow the run within ``byline_reach`` lines, so
    that what comes after the block is the body.
    """
    headline = [is_headline_like(f) for f in own]
    blocks = []
    i = 0
    while i < len(own):
        if not headline[i]:
            i += 1
            continue
        end = i
        while end < len(own) and headline[end]:
            end += 1
        reach = end
        while reach < min(len(own), end + byline_reach) and (byline_flags[reach] or headline[reach]):
            reach += 1
        blocks.append((i, reach))
        i = end
    return blocks


def _distance_bin(distance: int | None) -> str:
    return "none" if distance is None else bin_value(distance, DISTANCE_EDGES, DISTANCE_LABELS)


def structure_features(own: Sequence[Features], byline_flags: Sequence[bool]) -> list[Features]:
    """Structure features of every non-blank line.

    Parameters
    ----------
    own : sequence of dict
        Each line's layout features (from :func:`newsseg.features.layout.layout_features`).
    byline_flags : sequence of bool
        Whether each line carries a byline or dateline cue.

    Returns
    -------
    list of dict
        ``headline_like``, ``headline_run``, ``since_byline``, ``until_byline``,
        ``since_headline`` per line.
    """
    headline = [is_headline_like(f) for f in own]
    runs = run_positions(headline)
    starts = [run in ("single", "first") for run in runs]
    since_headline = distances_back(starts)
    since_byline = distances_back(byline_flags)
    until_byline = distances_ahead(byline_flags)
    result = []
    for i in range(len(own)):
        result.append(
            {
                "headline_like": "yes" if headline[i] else "no",
                "headline_run": runs[i],
                "since_byline": _distance_bin(since_byline[i]),
                "until_byline": _distance_bin(until_byline[i]),
                "since_headline": _distance_bin(since_headline[i]),
            }
        )
    return result
