"""Segmentation metrics over the non-blank lines of labelled pages.

Every line is in an *article* or in none.  The reference article of each line is its article
key (:attr:`~newsseg.io.labels.LabelledPage.content_articles`: all runs of an article OCR broke
apart share one key; a page without keys gives every segment its own article).  The hypothesis
article of each line is given by per-line hypothesis article keys when the system supplies them,
else read from the predicted tags by :func:`~newsseg.io.labels.article_keys_of` (every predicted
segment its own article; a predicted ``I-`` line with no segment open starts one, as decoding
reads it).  ``O`` lines are in no article.

Definitions (per page):

* the *scored lines* are the non-blank lines the reference puts in an article, in page order:
  reference ``O`` lines are left out of the sequence entirely.  A scored line the hypothesis puts
  in no article (predicted ``O``) is a hypothesis article of its own;
* a *boundary* is a position in the scored lines whose article differs from that of the scored
  line before it, on either side.  The first scored line is never a boundary (the page's first
  start is not counted).  A change of article on a skipped reference ``O`` line falls on the next
  scored line.  So a predicted ``O`` line inside a reference article makes two hypothesis
  boundaries, before and after it (one at either end of the scored lines);
* boundary precision / recall / F1 compare the hypothesis and reference boundary positions,
  exactly, or within a tolerance of ±1 scored line (each reference boundary matches at most one
  hypothesis boundary; the matching is a maximum one);
* reference boundaries are of three kinds, each with its own (exact) recall:
  ``continuation`` when the article after the change appeared on an earlier scored line (a run
  resumed after another article); ``body_first`` when it is the article's first appearance, the
  reference role of that line is body, caption, subhead or noise (:data:`BODY_FIRST_ROLES`) and
  the article has a ``title`` line further on (OCR printed the headline inside the article);
  ``first_appearance`` for every other boundary;
* *pairwise* precision / recall / F1 over the unordered pairs of scored lines: a pair is in the
  same article on the reference side if both lines have the same reference article (all runs of
  an article are one article), likewise on the hypothesis side.  Precision is the share of
  hypothesis same-article pairs that are reference same-article pairs, recall the converse.  The
  counts come from the contingency table of (reference article, hypothesis article) over the
  scored lines: same-article pairs on both sides are the sum of ``C(n, 2)`` over its cells, on one
  side the sum of ``C(n, 2)`` over its row or column totals;
* *Pk* (Beeferman et al. 1999) is the share of scored-line pairs ``(i, i+k)`` that one side puts
  in the same segment and the other does not, a segment being a maximal stretch of scored lines
  with no boundary; *WindowDiff* (Pevzner & Hearst 2002) is the share of windows ``(i, i+k]``
  holding a different number of boundaries.  ``k`` is half the mean length of the page's
  reference segments (scored lines over reference boundaries plus one), rounded, at least 1.  A
  page of ``n`` scored lines has ``n - k`` windows.  Lower is better; 0 is perfect.  A page with
  no window (one scored line, or none) has no Pk or WindowDiff: it adds nothing to the micro
  figures and is left out of the macro average;
* *segment* precision / recall / F1, over the tags of all non-blank lines: a predicted segment
  counts when its span (first and last of its own lines, ``O`` lines excluded) equals a reference
  segment's span;
* per-role precision / recall / F1 over all non-blank lines, with ``O`` as a role, the share of
  lines with the right role, the mean F1 over roles, and the role confusion matrix;
* *page accuracy*: the share of pages whose boundaries (as above) are all exactly right.

Where nothing is to be found and nothing is predicted (a page with no boundary, or an empty
page), precision, recall and F1 are 1; where one side is empty and the other is not, they are 0.
The recall of a kind of boundary is None (undefined) where the reference has none of that kind.

Micro figures pool every line, boundary, pair, window and segment of all pages; macro figures
average the per-page figures, each page counting once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from statistics import fmean

from newsseg.io.labels import OUTSIDE, ROLES, article_keys_of, tag_role
from newsseg.model.decode import repair_tags

ROLE_ORDER: tuple[str, ...] = (OUTSIDE, *ROLES)
"""The roles in the order reports list them, ``O`` first."""

CONTINUATION = "continuation"
BODY_FIRST = "body_first"
FIRST_APPEARANCE = "first_appearance"
BOUNDARY_KINDS: tuple[str, ...] = (CONTINUATION, BODY_FIRST, FIRST_APPEARANCE)
"""The kinds of reference boundary, each with its own recall."""

BODY_FIRST_ROLES = frozenset({"body", "caption", "subhead", "noise"})
"""Roles of an article's first line that make its boundary ``body_first`` when a title line follows."""

HEADLINE_FIGURES: tuple[tuple[str, str], ...] = (
    ("P", "boundary_precision"),
    ("R", "boundary_recall"),
    ("F1", "boundary_f1"),
    ("F1 ±1", "boundary_f1_within_1"),
    ("Pk", "pk"),
    ("WindowDiff", "windowdiff"),
    ("pair F1", "pairwise_f1"),
    ("seg F1", "segment_f1"),
    ("role acc.", "role_accuracy"),
    ("exact", "page_accuracy"),
)
"""The figures every score table shows: (column heading, key of :meth:`Report.summary`)."""

MACRO_FIGURES: tuple[tuple[str, str], ...] = (("macro F1", "macro_boundary_f1"), ("macro Pk", "macro_pk"))
"""Per-page means shown beside the headline figures in ``newsseg evaluate``."""

ARTICLE_FIGURES: tuple[tuple[str, str], ...] = (
    ("pair P", "pairwise_precision"),
    ("pair R", "pairwise_recall"),
    ("pair F1", "pairwise_f1"),
    ("macro pair F1", "macro_pairwise_f1"),
)
"""Same-article pair figures, for the articles table of ``newsseg evaluate``."""

BOUNDARY_KIND_HEADINGS: dict[str, str] = {CONTINUATION: "cont.", BODY_FIRST: "body-first", FIRST_APPEARANCE: "first"}
"""Short table headings of the kinds of boundary."""


def kind_count_key(kind: str) -> str:
    """The key of :meth:`Report.summary` that counts the reference boundaries of a kind."""
    return f"{kind}_boundaries"


def kind_recall_key(kind: str) -> str:
    """The key of :meth:`Report.summary` for the recall of the boundaries of a kind (None where there is none)."""
    return f"{kind}_recall"


def scored_positions(reference_articles: Sequence[str | None]) -> list[int]:
    """Positions of the lines the reference puts in an article (the scored lines)."""
    return [i for i, article in enumerate(reference_articles) if article is not None]


def scored_articles(hypothesis_articles: Sequence[str | None], positions: Sequence[int]) -> list[Hashable]:
    """The hypothesis article of each scored line; a line in none is an article of its own (its position)."""
    return [
        position if hypothesis_articles[position] is None else hypothesis_articles[position] for position in positions
    ]


def boundaries(articles: Sequence[Hashable]) -> list[int]:
    """Positions (0-based) whose article differs from that of the position before: where articles change."""
    return [i for i in range(1, len(articles)) if articles[i] != articles[i - 1]]


def segment_ids(articles: Sequence[Hashable]) -> list[int]:
    """For each position, the number of boundaries at or before it (its segment's id)."""
    ids = []
    current = 0
    for i, article in enumerate(articles):
        if i and article != articles[i - 1]:
            current += 1
        ids.append(current)
    return ids


def boundary_kinds(articles: Sequence[str], roles: Sequence[str]) -> list[str]:
    """The kind (one of :data:`BOUNDARY_KINDS`) of each reference boundary, in order.

    Parameters
    ----------
    articles : sequence of str
        The reference article of each scored line.
    roles : sequence of str
        The reference role of each scored line.
    """
    titled = {article for article, role in zip(articles, roles, strict=True) if role == "title"}
    seen: set[str] = set()
    kinds = []
    for i, article in enumerate(articles):
        if i and article != articles[i - 1]:
            if article in seen:
                kinds.append(CONTINUATION)
            elif roles[i] in BODY_FIRST_ROLES and article in titled:
                kinds.append(BODY_FIRST)
            else:
                kinds.append(FIRST_APPEARANCE)
        seen.add(article)
    return kinds


def segment_spans(tags: Sequence[str]) -> set[tuple[int, int]]:
    """(first, last) positions of each segment's own lines (``O`` lines excluded)."""
    spans = set()
    start = last = None
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            if start is not None:
                spans.add((start, last))
            start = last = i
        elif tag.startswith("I-") and start is not None:
            last = i
    if start is not None:
        spans.add((start, last))
    return spans


def window_size(articles: Sequence[Hashable]) -> int:
    """Half the mean length of the reference segments, rounded, at least 1 (1 for no line)."""
    if not articles:
        return 1
    return max(1, round(len(articles) / (len(boundaries(articles)) + 1) / 2))


def pk_counts(reference: Sequence[Hashable], hypothesis: Sequence[Hashable], k: int) -> tuple[int, int]:
    """(disagreeing windows, windows) for Pk: are positions ``i`` and ``i+k`` in one segment?

    ``reference`` and ``hypothesis`` are the article of each scored line on each side.
    """
    ref, hyp = segment_ids(reference), segment_ids(hypothesis)
    windows = max(0, len(ref) - k)
    errors = sum(1 for i in range(windows) if (ref[i] == ref[i + k]) != (hyp[i] == hyp[i + k]))
    return errors, windows


def windowdiff_counts(reference: Sequence[Hashable], hypothesis: Sequence[Hashable], k: int) -> tuple[int, int]:
    """(disagreeing windows, windows) for WindowDiff: boundaries in ``(i, i+k]`` on each side."""
    ref, hyp = segment_ids(reference), segment_ids(hypothesis)
    windows = max(0, len(ref) - k)
    errors = sum(1 for i in range(windows) if ref[i + k] - ref[i] != hyp[i + k] - hyp[i])
    return errors, windows


def same_group_pairs(groups: Counter) -> int:
    """The unordered pairs of items that share a group: the sum of ``C(n, 2)`` over the groups' sizes."""
    return sum(n * (n - 1) // 2 for n in groups.values())


def pair_counts(reference: Sequence[Hashable], hypothesis: Sequence[Hashable]) -> tuple[int, int, int]:
    """(same-article pairs on both sides, on the hypothesis side, on the reference side).

    From the contingency table of (reference article, hypothesis article) over the lines, in
    time linear in the number of lines.
    """
    both = same_group_pairs(Counter(zip(reference, hypothesis, strict=True)))
    return both, same_group_pairs(Counter(hypothesis)), same_group_pairs(Counter(reference))


def match_boundaries(reference: Sequence[int], predicted: Sequence[int], tolerance: int = 0) -> int:
    """How many predicted boundaries can be paired with distinct reference boundaries within ``tolerance`` lines.

    Each boundary takes part in at most one pair and the number of pairs is the largest possible:
    predicted boundaries, in order, take the first free reference boundary within reach (optimal
    for points on a line, since all reaches have the same width).
    """
    ref = sorted(reference)
    matched = 0
    next_free = 0
    for position in sorted(predicted):
        while next_free < len(ref) and ref[next_free] < position - tolerance:
            next_free += 1
        if next_free < len(ref) and ref[next_free] <= position + tolerance:
            matched += 1
            next_free += 1
    return matched


def prf(matched: int, predicted: int, reference: int) -> tuple[float, float, float]:
    """Precision, recall and F1; all 1 when both sides are empty, 0 where only one is."""
    if predicted == 0 and reference == 0:
        return 1.0, 1.0, 1.0
    precision = matched / predicted if predicted else 0.0
    recall = matched / reference if reference else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def role_of(tag: str) -> str:
    """The role of a tag for the role scores: ``title`` for ``B-title``, ``O`` for ``O``."""
    return tag_role(tag) or OUTSIDE


def checked_articles(
    tags: Sequence[str], articles: Sequence[str | None] | None, side: str, name: str
) -> list[str | None]:
    """The article of each line: ``articles`` once checked against ``tags``, else read from the tags.

    Raises
    ------
    ValueError
        If ``articles`` differs from ``tags`` in length, or names an article on an ``O`` line or
        none on a line of an article.
    """
    if articles is None:
        return article_keys_of(tags)
    if len(articles) != len(tags):
        raise ValueError(f"{name}: {len(tags)} {side} tags but {len(articles)} {side} articles")
    for position, (tag, article) in enumerate(zip(tags, articles, strict=True)):
        if (article is None) != (tag_role(tag) is None):
            raise ValueError(
                f"{name}: {side} line {position + 1} is tagged {tag!r} but its article is {article!r} "
                "(an article on every B-/I- line, none on O lines)"
            )
    return list(articles)


@dataclass
class PageScores:
    """The counts of one page, from which every figure is computed (see the module's definitions)."""

    name: str
    lines: int
    """Non-blank lines (those of the role scores)."""
    scored_lines: int
    """Lines the reference puts in an article (those of the boundaries, pairs and windows)."""
    ref_boundaries: int
    hyp_boundaries: int
    matched: int
    matched_near: int
    window: int
    pk_errors: int
    wd_errors: int
    windows: int
    ref_segments: int
    hyp_segments: int
    matched_segments: int
    ref_pairs: int
    hyp_pairs: int
    matched_pairs: int
    boundaries_by_kind: Counter = field(default_factory=Counter)
    """Reference boundaries per kind (:data:`BOUNDARY_KINDS`)."""
    recalled_by_kind: Counter = field(default_factory=Counter)
    """Reference boundaries per kind that the hypothesis has at exactly the same position."""
    roles: Counter = field(default_factory=Counter)
    """Counts of (reference role, predicted role) pairs."""

    @property
    def boundary(self) -> tuple[float, float, float]:
        """Exact boundary precision, recall and F1."""
        return prf(self.matched, self.hyp_boundaries, self.ref_boundaries)

    @property
    def boundary_near(self) -> tuple[float, float, float]:
        """Boundary precision, recall and F1 within ±1 line."""
        return prf(self.matched_near, self.hyp_boundaries, self.ref_boundaries)

    @property
    def boundary_f1(self) -> float:
        return self.boundary[2]

    @property
    def pairwise(self) -> tuple[float, float, float]:
        """Same-article pair precision, recall and F1."""
        return prf(self.matched_pairs, self.hyp_pairs, self.ref_pairs)

    @property
    def pairwise_f1(self) -> float:
        return self.pairwise[2]

    @property
    def segment_f1(self) -> float:
        return prf(self.matched_segments, self.hyp_segments, self.ref_segments)[2]

    @property
    def pk(self) -> float | None:
        """Pk, or None when the page has no window."""
        return self.pk_errors / self.windows if self.windows else None

    @property
    def windowdiff(self) -> float | None:
        """WindowDiff, or None when the page has no window."""
        return self.wd_errors / self.windows if self.windows else None

    @property
    def role_accuracy(self) -> float:
        """Share of lines whose role is right (1 for an empty page)."""
        correct = sum(n for (ref, hyp), n in self.roles.items() if ref == hyp)
        return correct / self.lines if self.lines else 1.0

    @property
    def exact(self) -> bool:
        """Whether every boundary is exactly right."""
        return self.matched == self.ref_boundaries == self.hyp_boundaries


def score_page(
    reference: Sequence[str],
    hypothesis: Sequence[str],
    name: str = "<page>",
    reference_articles: Sequence[str | None] | None = None,
    hypothesis_articles: Sequence[str | None] | None = None,
) -> PageScores:
    """Score one page's predicted tags and articles against its reference ones.

    Parameters
    ----------
    reference, hypothesis : sequence of str
        One tag per non-blank line of the page (``O``, ``B-ROLE`` or ``I-ROLE``), same length.
    name : str
        The page's name, kept in the scores.
    reference_articles, hypothesis_articles : sequence of (str or None), optional
        Per non-blank line, the key of its article (None on ``O`` lines), aligned with the tags:
        the reference's (:attr:`~newsseg.io.labels.LabelledPage.content_articles`) and the
        system's, when it assembles articles.  Not given, each is read from its tags, every
        segment its own article.

    Returns
    -------
    PageScores

    Raises
    ------
    ValueError
        If the sequences differ in length, or articles disagree with their tags (see
        :func:`checked_articles`).
    """
    if len(reference) != len(hypothesis):
        raise ValueError(f"{name}: {len(reference)} reference tags but {len(hypothesis)} predicted")
    hypothesis = repair_tags(hypothesis)
    ref_articles = checked_articles(reference, reference_articles, "reference", name)
    hyp_articles = checked_articles(hypothesis, hypothesis_articles, "predicted", name)
    positions = scored_positions(ref_articles)
    ref_scored = [ref_articles[i] for i in positions]
    hyp_scored = scored_articles(hyp_articles, positions)
    ref_b, hyp_b = boundaries(ref_scored), boundaries(hyp_scored)
    kinds = boundary_kinds(ref_scored, [role_of(reference[i]) for i in positions])
    predicted = set(hyp_b)
    k = window_size(ref_scored)
    pk_errors, windows = pk_counts(ref_scored, hyp_scored, k)
    wd_errors, _ = windowdiff_counts(ref_scored, hyp_scored, k)
    matched_pairs, hyp_pairs, ref_pairs = pair_counts(ref_scored, hyp_scored)
    ref_spans, hyp_spans = segment_spans(reference), segment_spans(hypothesis)
    return PageScores(
        name=name,
        lines=len(reference),
        scored_lines=len(positions),
        ref_boundaries=len(ref_b),
        hyp_boundaries=len(hyp_b),
        matched=match_boundaries(ref_b, hyp_b),
        matched_near=match_boundaries(ref_b, hyp_b, tolerance=1),
        window=k,
        pk_errors=pk_errors,
        wd_errors=wd_errors,
        windows=windows,
        ref_segments=len(ref_spans),
        hyp_segments=len(hyp_spans),
        matched_segments=len(ref_spans & hyp_spans),
        ref_pairs=ref_pairs,
        hyp_pairs=hyp_pairs,
        matched_pairs=matched_pairs,
        boundaries_by_kind=Counter(kinds),
        recalled_by_kind=Counter(kind for kind, position in zip(kinds, ref_b, strict=True) if position in predicted),
        roles=Counter((role_of(r), role_of(h)) for r, h in zip(reference, hypothesis, strict=True)),
    )


@dataclass(frozen=True)
class RoleScores:
    """Precision, recall and F1 of one role over lines, and its number of reference lines."""

    precision: float
    recall: float
    f1: float
    support: int

    def to_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "support": self.support}


@dataclass
class Report:
    """Scores of a set of pages, micro and macro.

    Build it with :func:`evaluate`; :meth:`summary` gives the headline figures as a flat dict,
    :meth:`role_scores` and :meth:`confusion_matrix` the per-role figures, :meth:`to_dict` all
    of them JSON-ready.
    """

    pages: list[PageScores]

    def _sum(self, attribute: str) -> int:
        return sum(getattr(p, attribute) for p in self.pages)

    def _mean(self, values: Sequence[float | None]) -> float:
        """Mean of the defined values (None left out); 0 when none is defined."""
        defined = [v for v in values if v is not None]
        return fmean(defined) if defined else 0.0

    @property
    def boundary(self) -> tuple[float, float, float]:
        """Micro exact boundary precision, recall, F1."""
        return prf(self._sum("matched"), self._sum("hyp_boundaries"), self._sum("ref_boundaries"))

    @property
    def boundary_near(self) -> tuple[float, float, float]:
        """Micro boundary precision, recall, F1 within ±1 line."""
        return prf(self._sum("matched_near"), self._sum("hyp_boundaries"), self._sum("ref_boundaries"))

    @property
    def pairwise(self) -> tuple[float, float, float]:
        """Micro same-article pair precision, recall, F1 (pairs of all pages pooled)."""
        return prf(self._sum("matched_pairs"), self._sum("hyp_pairs"), self._sum("ref_pairs"))

    def kind_counts(self) -> tuple[Counter, Counter]:
        """(reference boundaries per kind, those of them the hypothesis has exactly) over all pages."""
        found: Counter = Counter()
        recalled: Counter = Counter()
        for page in self.pages:
            found.update(page.boundaries_by_kind)
            recalled.update(page.recalled_by_kind)
        return found, recalled

    def kind_recall(self, kind: str) -> float | None:
        """Micro exact recall of the reference boundaries of one kind; None when there is none."""
        found, recalled = self.kind_counts()
        return recalled[kind] / found[kind] if found[kind] else None

    @property
    def segment(self) -> tuple[float, float, float]:
        """Micro segment exact-match precision, recall, F1."""
        return prf(self._sum("matched_segments"), self._sum("hyp_segments"), self._sum("ref_segments"))

    @property
    def pk(self) -> float:
        """Micro Pk: disagreeing windows over all windows (0 when no page has a window)."""
        windows = self._sum("windows")
        return self._sum("pk_errors") / windows if windows else 0.0

    @property
    def windowdiff(self) -> float:
        """Micro WindowDiff (0 when no page has a window)."""
        windows = self._sum("windows")
        return self._sum("wd_errors") / windows if windows else 0.0

    @property
    def confusion(self) -> Counter:
        """Counts of (reference role, predicted role) over all lines."""
        total: Counter = Counter()
        for page in self.pages:
            total.update(page.roles)
        return total

    def roles(self) -> list[str]:
        """The roles present on either side, in :data:`ROLE_ORDER`."""
        confusion = self.confusion
        present = {r for r, _ in confusion} | {h for _, h in confusion}
        return [role for role in ROLE_ORDER if role in present] + sorted(present - set(ROLE_ORDER))

    def role_scores(self) -> dict[str, RoleScores]:
        """Per role present on either side: precision, recall, F1 and reference lines."""
        confusion = self.confusion
        scores = {}
        for role in self.roles():
            correct = confusion[(role, role)]
            predicted = sum(n for (_, h), n in confusion.items() if h == role)
            reference = sum(n for (r, _), n in confusion.items() if r == role)
            scores[role] = RoleScores(*prf(correct, predicted, reference), reference)
        return scores

    def confusion_matrix(self) -> tuple[list[str], list[list[int]]]:
        """The role confusion matrix: (roles, rows), ``rows[i][j]`` lines of role i predicted as role j."""
        roles = self.roles()
        confusion = self.confusion
        return roles, [[confusion[(ref, hyp)] for hyp in roles] for ref in roles]

    @property
    def role_accuracy(self) -> float:
        """Micro share of lines with the right role (1 when there is no line)."""
        lines = self._sum("lines")
        correct = sum(n for (ref, hyp), n in self.confusion.items() if ref == hyp)
        return correct / lines if lines else 1.0

    @property
    def role_macro_f1(self) -> float:
        """Mean F1 over the roles present in the reference."""
        scores = [s.f1 for s in self.role_scores().values() if s.support]
        return fmean(scores) if scores else 1.0

    def summary(self) -> dict:
        """Headline figures as a flat dict: counts, micro figures, then ``macro_`` figures.

        The recall of a kind of boundary (``continuation_recall``, ...) is None when the pages
        have no boundary of that kind.
        """
        p, r, f = self.boundary
        near_p, near_r, near_f = self.boundary_near
        pair_p, pair_r, pair_f = self.pairwise
        seg_p, seg_r, seg_f = self.segment
        found, _ = self.kind_counts()
        pages = self.pages
        by_kind = {}
        for kind in BOUNDARY_KINDS:
            by_kind[kind_count_key(kind)] = found[kind]
            by_kind[kind_recall_key(kind)] = self.kind_recall(kind)
        return {
            "pages": len(pages),
            "lines": self._sum("lines"),
            "scored_lines": self._sum("scored_lines"),
            "boundaries": self._sum("ref_boundaries"),
            "predicted_boundaries": self._sum("hyp_boundaries"),
            "boundary_precision": p,
            "boundary_recall": r,
            "boundary_f1": f,
            "boundary_precision_within_1": near_p,
            "boundary_recall_within_1": near_r,
            "boundary_f1_within_1": near_f,
            **by_kind,
            "pk": self.pk,
            "windowdiff": self.windowdiff,
            "pairwise_precision": pair_p,
            "pairwise_recall": pair_r,
            "pairwise_f1": pair_f,
            "segment_precision": seg_p,
            "segment_recall": seg_r,
            "segment_f1": seg_f,
            "role_accuracy": self.role_accuracy,
            "role_macro_f1": self.role_macro_f1,
            "page_accuracy": self._mean([1.0 if page.exact else 0.0 for page in pages]),
            "macro_boundary_precision": self._mean([page.boundary[0] for page in pages]),
            "macro_boundary_recall": self._mean([page.boundary[1] for page in pages]),
            "macro_boundary_f1": self._mean([page.boundary_f1 for page in pages]),
            "macro_boundary_f1_within_1": self._mean([page.boundary_near[2] for page in pages]),
            "macro_pk": self._mean([page.pk for page in pages]),
            "macro_windowdiff": self._mean([page.windowdiff for page in pages]),
            "macro_pairwise_f1": self._mean([page.pairwise_f1 for page in pages]),
            "macro_segment_f1": self._mean([page.segment_f1 for page in pages]),
            "macro_role_accuracy": self._mean([page.role_accuracy for page in pages]),
        }

    def to_dict(self, digits: int | None = 4) -> dict:
        """Summary, per-role scores and confusion matrix, JSON-ready (floats rounded to ``digits``)."""

        def rounded(value):
            return round(value, digits) if isinstance(value, float) and digits is not None else value

        roles, matrix = self.confusion_matrix()
        return {
            "summary": {key: rounded(value) for key, value in self.summary().items()},
            "roles": {
                role: {key: rounded(value) for key, value in scores.to_dict().items()}
                for role, scores in self.role_scores().items()
            },
            "confusion": {"roles": roles, "matrix": matrix},
        }


LOWER_IS_BETTER = frozenset({"pk", "windowdiff", "macro_pk", "macro_windowdiff"})
"""Summary figures where smaller is better; higher is better for all others."""


PageArticles = Sequence[str | None] | None
"""The article key of each non-blank line of a page (None on ``O`` lines), or None to read them from its tags."""


def evaluate(
    pairs: Sequence[tuple[Sequence[str], Sequence[str]]],
    names: Sequence[str] | None = None,
    reference_articles: Sequence[PageArticles] | None = None,
    hypothesis_articles: Sequence[PageArticles] | None = None,
) -> Report:
    """Score many pages.

    Parameters
    ----------
    pairs : sequence of (reference tags, predicted tags)
        One pair per page, tags of the non-blank lines.
    names : sequence of str, optional
        The pages' names.
    reference_articles, hypothesis_articles : sequence, optional
        One entry per page, as :func:`score_page` takes them: the article key of each non-blank
        line, or None for a page whose articles are read from its tags.  Not given: every page's
        articles are read from its tags.

    Returns
    -------
    Report
    """
    names = names or [f"page-{i + 1}" for i in range(len(pairs))]
    no_articles = [None] * len(pairs)
    return Report(
        [
            score_page(ref, hyp, name, ref_articles, hyp_articles)
            for (ref, hyp), name, ref_articles, hyp_articles in zip(
                pairs, names, reference_articles or no_articles, hypothesis_articles or no_articles, strict=True
            )
        ]
    )
