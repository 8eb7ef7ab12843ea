"""Statistics of sets of labelled pages, to hold synthetic pages up against real ones.

:func:`page_set_stats` measures what a splitter sees: page size, blank lines, line lengths,
punctuation, roles per page, segments per page; :func:`comparison_table` prints several sets side
by side as a Markdown table (the table in docs/synth.md).

:func:`compare_phenomena` measures, for two sets, every phenomenon of :data:`PHENOMENA` (article
starts without a headline, continuations, bylines, blank lines per kind of break, junk,
duplicated passages …) and says for each whether the second set is within the row's tolerance
of the first: ``newsseg stats`` and the phenomena table of docs/synth.md.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from newsseg.articles.structure import HEADLINE_ROLES
from newsseg.evaluation.metrics import role_of
from newsseg.io.labels import OUTSIDE, ROLES, LabelledPage, is_begin, looks_like_junk
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
            if _sentence_ends(stripped) and role == "body" and index + 1 < len(texts):
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


# -- the phenomena a splitter depends on, with tolerances -------------------------------------------------

DUPLICATE_MIN_CHARACTERS = 8
"""A line counts as duplicated when at least this long and printed earlier on the page."""

SPREAD_MIN_LINES = 5
"""Articles with fewer body lines are left out of the line-length spread."""


@dataclass(frozen=True)
class Phenomenon:
    """One row of the phenomena table: what it measures and how close two page sets must be.

    Attributes
    ----------
    name : str
        The row's name.
    meaning : str
        What is counted, in one sentence.
    absolute : float
        Two sets match on the row when their figures differ by at most ``absolute`` ...
    relative : float
        ... or by at most ``relative`` times the reference figure, whichever is larger.
    """

    name: str
    meaning: str
    absolute: float
    relative: float = 0.0

    def tolerance(self, reference: float) -> float:
        """The largest difference from ``reference`` that still matches."""
        return max(self.absolute, self.relative * abs(reference))


PHENOMENA: tuple[Phenomenon, ...] = (
    Phenomenon("lines/page", "lines per page, blank ones included", 0.0, 0.15),
    Phenomenon("articles/page", "distinct article keys per page", 0.0, 0.15),
    Phenomenon("segments/page", "runs of an article's lines (B- lines) per page", 0.0, 0.15),
    Phenomenon("continuations/page", "segments resuming an article that an earlier segment began", 0.3, 0.2),
    Phenomenon("continuation lines", "non-blank lines per continuation segment", 1.0, 0.25),
    Phenomenon("body-first articles", "share of articles with a title whose first line is body text", 0.05),
    Phenomenon("one-line title, no byline", "share of articles with a one-line title and no byline line", 0.05),
    Phenomenon("mid-page O/page", "O lines with article lines both above and below them, per page", 0.3, 0.2),
    Phenomenon("junk O/page", "of those, lines that look like OCR junk (rules, frames, specks)", 0.1),
    Phenomenon("headline lines/article", "kicker, title, subtitle and column-label lines per article", 0.0, 0.15),
    Phenomenon("bylines/article", "byline lines per article", 0.0, 0.2),
    Phenomenon("captions/article", "caption lines per article", 0.05, 0.25),
    Phenomenon("subheads/article", "subhead lines per article", 0.05, 0.25),
    Phenomenon(
        "blank at article change", "share of changes of article between non-blank lines with a blank line", 0.05
    ),
    Phenomenon("blank after sentence end", "share of in-article breaks after a sentence end with a blank line", 0.05),
    Phenomenon("blank mid-sentence", "share of in-article breaks inside a sentence with a blank line", 0.03),
    Phenomenon("line-length spread", "median over articles of the std of body line lengths (characters)", 0.3, 0.2),
    Phenomenon("junk lines/page", "non-blank lines that look like OCR junk, any tag, per page", 0.3, 0.25),
    Phenomenon("noise lines/page", "lines tagged noise (duplicated passages, debris) per page", 0.3, 0.25),
    Phenomenon(
        "duplicated lines/page",
        f"lines of {DUPLICATE_MIN_CHARACTERS}+ characters printed earlier",
        0.3,
        0.25,
    ),
)
"""The rows of ``newsseg stats``: every phenomenon the model depends on, with its tolerance."""


def _sentence_ends(text: str) -> bool:
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] in SENTENCE_END


def page_phenomena(labelled: LabelledPage) -> tuple[Counter, list[float]]:
    """The counts behind :data:`PHENOMENA` for one page (numerators and denominators, summable),
    and the line-length spread of each of its articles with :data:`SPREAD_MIN_LINES` body lines."""
    counts: Counter = Counter()
    spreads: list[float] = []
    tags, texts, articles = labelled.tags, labelled.page.lines, labelled.articles
    counts["pages"] += 1
    counts["lines"] += len(texts)
    content = [i for i, tag in enumerate(tags) if tag]
    in_article = [i for i in content if articles[i] is not None]
    first_article_line, last_article_line = (in_article[0], in_article[-1]) if in_article else (-1, -1)
    seen: set[str] = set()
    lines_of: dict[str, list[int]] = {}
    current_continuation = False
    for i in content:
        key, text = articles[i], texts[i]
        if looks_like_junk(text):
            counts["junk lines"] += 1
        if key is None:
            if first_article_line < i < last_article_line:
                counts["mid-page O"] += 1
                counts["junk O"] += looks_like_junk(text)
            continue
        if is_begin(tags[i]):
            counts["segments"] += 1
            current_continuation = key in seen
            counts["continuations"] += current_continuation
            seen.add(key)
        if current_continuation:
            counts["continuation lines"] += 1
        lines_of.setdefault(key, []).append(i)
    counts["articles"] += len(lines_of)
    for lines in lines_of.values():
        roles = [role_of(tags[i]) for i in lines]
        titles = roles.count("title")
        counts["articles with a title"] += titles > 0
        counts["body-first articles"] += titles > 0 and roles[0] == "body"
        counts["one-line title, no byline"] += titles == 1 and "byline" not in roles
        counts["headline lines"] += sum(role in HEADLINE_ROLES for role in roles)
        counts["bylines"] += roles.count("byline")
        counts["captions"] += roles.count("caption")
        counts["subheads"] += roles.count("subhead")
        counts["noise lines"] += roles.count("noise")
        body_lengths = [len(texts[i].strip()) for i, role in zip(lines, roles, strict=True) if role == "body"]
        if len(body_lengths) >= SPREAD_MIN_LINES:
            spreads.append(statistics.pstdev(body_lengths))
    for before, after in pairwise(content):
        blank = after - before > 1
        if articles[before] is None or articles[after] is None:
            continue
        if articles[before] != articles[after]:
            kind = "article change"
        elif _sentence_ends(texts[before]):
            kind = "after sentence end"
        else:
            kind = "mid-sentence"
        counts[f"breaks {kind}"] += 1
        counts[f"blank {kind}"] += blank
    earlier = ""
    for i in content:
        compact = "".join(texts[i].split())
        if len(compact) >= DUPLICATE_MIN_CHARACTERS and compact in earlier:
            counts["duplicated lines"] += 1
        earlier += compact
    return counts, spreads


def phenomena(pages: Sequence[LabelledPage]) -> dict[str, float | None]:
    """Each :data:`PHENOMENA` row's figure for a set of labelled pages (None where nothing was seen)."""
    total: Counter = Counter()
    spreads: list[float] = []
    for labelled in pages:
        counts, page_spreads = page_phenomena(labelled)
        total.update(counts)
        spreads.extend(page_spreads)

    def ratio(numerator: str, denominator: str) -> float | None:
        return total[numerator] / total[denominator] if total[denominator] else None

    return {
        "lines/page": ratio("lines", "pages"),
        "articles/page": ratio("articles", "pages"),
        "segments/page": ratio("segments", "pages"),
        "continuations/page": ratio("continuations", "pages"),
        "continuation lines": ratio("continuation lines", "continuations"),
        "body-first articles": ratio("body-first articles", "articles with a title"),
        "one-line title, no byline": ratio("one-line title, no byline", "articles"),
        "mid-page O/page": ratio("mid-page O", "pages"),
        "junk O/page": ratio("junk O", "pages"),
        "headline lines/article": ratio("headline lines", "articles"),
        "bylines/article": ratio("bylines", "articles"),
        "captions/article": ratio("captions", "articles"),
        "subheads/article": ratio("subheads", "articles"),
        "blank at article change": ratio("blank article change", "breaks article change"),
        "blank after sentence end": ratio("blank after sentence end", "breaks after sentence end"),
        "blank mid-sentence": ratio("blank mid-sentence", "breaks mid-sentence"),
        "line-length spread": statistics.median(spreads) if spreads else None,
        "junk lines/page": ratio("junk lines", "pages"),
        "noise lines/page": ratio("noise lines", "pages"),
        "duplicated lines/page": ratio("duplicated lines", "pages"),
    }


@dataclass(frozen=True)
class PhenomenonRow:
    """One row of a comparison: the phenomenon, both figures, and whether they match."""

    phenomenon: Phenomenon
    reference: float | None
    other: float | None

    @property
    def tolerance(self) -> float | None:
        return None if self.reference is None else self.phenomenon.tolerance(self.reference)

    @property
    def verdict(self) -> str:
        """The ``within`` cell of a table: ``yes``, ``**no**`` or ``—`` (a set lacks the row)."""
        return {True: "yes", False: "**no**", None: "—"}[self.within]

    @property
    def within(self) -> bool | None:
        """Whether the figures match within the tolerance (None when either set lacks the row)."""
        if self.reference is None or self.other is None:
            return None
        return abs(self.other - self.reference) <= self.phenomenon.tolerance(self.reference) + 1e-12


def compare_phenomena(reference: Sequence[LabelledPage], other: Sequence[LabelledPage]) -> list[PhenomenonRow]:
    """Every :data:`PHENOMENA` row for two page sets, the first the one to match."""
    first, second = phenomena(reference), phenomena(other)
    return [PhenomenonRow(p, first[p.name], second[p.name]) for p in PHENOMENA]


def format_figure(value: float | None) -> str:
    """A phenomenon's figure as the tables print it (``—`` for none)."""
    return "—" if value is None else f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def phenomena_table(rows: Sequence[PhenomenonRow], reference_name: str, other_name: str) -> str:
    """The comparison as a Markdown table: figures, tolerance and whether each row matches."""
    return markdown_table(
        ["phenomenon", reference_name, other_name, "tolerance", "within"],
        [
            [
                row.phenomenon.name,
                format_figure(row.reference),
                format_figure(row.other),
                "—" if row.tolerance is None else f"±{row.tolerance:.3f}",
                row.verdict,
            ]
            for row in rows
        ],
    )
