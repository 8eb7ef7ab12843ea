"""Statistics of sets of labelled pages, to hold synthetic pages up against real ones.

:func:`page_set_stats` measures what a splitter sees: page size, blank lines, line lengths,
punctuation, roles per page, segments per page; :func:`comparison_table` prints several sets side
by side as a Markdown table (the table in docs/synth.md).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence

from newsseg.evaluation.metrics import role_of
from newsseg.io.labels import OUTSIDE, ROLES, LabelledPage, is_begin
from newsseg.io.tables import markdown_table

LENGTH_BINS: tuple[tuple[int, int], ...] = ((1, 5), (6, 9), (10, 12), (13, 14), (15, 16), (17, 20), (21, 10_000))
"""Bins of the line-length distribution (characters of the stripped line)."""

LEADING_PUNCTUATION = frozenset("，。、；：！？”’）》,.;:!?)")
SENTENCE_END = frozenset("。！？”!?")


def _bin_label(low: int, high: int) -> str:
    return f"{low}+" if high >= 10_000 else (f"{low}-{high}" if low != high else str(low))


def page_set_stats(pages: Sequence[LabelledPage], articles: Sequence[int] | None = None) -> dict[str, float]:
    """Figures of a set of labelled pages, averaged over pages or pooled over lines.

    Parameters
    ----------
    pages : sequence of LabelledPage
        The set.
    articles : sequence of int, optional
        The number of articles of each page, when known (segments can outnumber articles when OCR
        interleaves them).

    Returns
    -------
    dict
        ``pages``, ``lines/page``, ``non-blank/page``, ``blank share``, ``blank after sentence end``
        (share of short lines ending a sentence that a blank line follows), ``median length``, the
        length bins (share of non-blank lines), ``starts with punctuation``, ``ASCII comma share``,
        ``ASCII colon share``, ``segments/page``, ``articles/page`` (if given) and ``ROLE/page``
        for every role and ``O``.
    """
    lines = blank = 0
    lengths: list[int] = []
    leading = 0
    commas = Counter()
    colons = Counter()
    roles: Counter = Counter()
    segments = 0
    sentence_ends = blank_after_end = 0
    for labelled in pages:
        texts = labelled.page.lines
        tags = labelled.tags
        lines += len(texts)
        for index, (tag, text) in enumerate(zip(tags, texts, strict=True)):
            if not tag:
                blank += 1
                continue
            stripped = text.strip()
            lengths.append(len(stripped))
            if stripped[0] in LEADING_PUNCTUATION:
                leading += 1
            commas["ascii"] += stripped.count(",")
            commas["full"] += stripped.count("，")
            colons["ascii"] += stripped.count(":")
            colons["full"] += stripped.count("：")
            role = role_of(tag)
            roles[role] += 1
            segments += is_begin(tag)
            if stripped[-1] in SENTENCE_END and role == "body" and index + 1 < len(texts):
                sentence_ends += 1
                blank_after_end += not tags[index + 1]
    count = max(1, len(pages))
    content = max(1, len(lengths))
    result: dict[str, float] = {
        "pages": len(pages),
        "lines/page": lines / count,
        "non-blank/page": len(lengths) / count,
        "blank share": blank / max(1, lines),
        "blank after sentence end": blank_after_end / max(1, sentence_ends),
        "median length": statistics.median(lengths) if lengths else 0.0,
    }
    for low, high in LENGTH_BINS:
        result[f"length {_bin_label(low, high)}"] = sum(low <= n <= high for n in lengths) / content
    result["starts with punctuation"] = leading / content
    result["ASCII comma share"] = commas["ascii"] / max(1, commas["ascii"] + commas["full"])
    result["ASCII colon share"] = colons["ascii"] / max(1, colons["ascii"] + colons["full"])
    result["segments/page"] = segments / count
    if articles is not None:
        result["articles/page"] = sum(articles) / count
    for role in (OUTSIDE, *ROLES):
        result[f"{role}/page"] = roles[role] / count
    return result


def _format(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    if name == "pages":
        return str(int(value))
    if "share" in name or name.startswith(("length ", "starts", "blank after")):
        return f"{value:.3f}"
    return f"{value:.1f}"


def comparison_table(columns: dict[str, dict[str, float]]) -> str:
    """A Markdown table: one row per statistic, one column per page set (``—`` where a set lacks it)."""
    names: list[str] = []
    for stats in columns.values():
        names.extend(name for name in stats if name not in names)
    rows = [[name, *(_format(name, stats.get(name)) for stats in columns.values())] for name in names]
    return markdown_table(["statistic", *columns], rows)
