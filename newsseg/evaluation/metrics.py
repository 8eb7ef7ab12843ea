"""Segmentation metrics over the non-blank lines of labelled pages.

Definitions (all computed on the sequence of a page's non-blank lines):

* a *boundary* is a line tagged ``B-``: an article segment starts there.  A predicted ``I-``
  line with no segment open counts as ``B-``, as decoding reads it;
* boundary precision / recall / F1 compare the predicted and reference boundary positions,
  exactly, or within a tolerance of ±1 line (each reference boundary matches at most one
  predicted boundary; the matching is a maximum one);
* *Pk* (Beeferman et al. 1999) is the share of line pairs ``(i, i+k)`` that one segmentation
  puts in the same segment and the other does not; *WindowDiff* (Pevzner & Hearst 2002) is the
  share of windows ``(i, i+k]`` holding a different number of boundaries.  ``k`` is half the
  mean length of the page's reference segments, rounded, at least 1 (lines before the first
  boundary, such as a page header, count as a segment).  A page of ``n`` lines has ``n - k``
  windows; a boundary on the first line lies in none.  Lower is better; 0 is perfect.  A page
  with no window (one line, or none) has no Pk or WindowDiff: it adds nothing to the micro
  figures and is left out of the macro average;
* *segment* precision / recall / F1: a predicted segment counts when its span (first and last
  of its own lines, ``O`` lines excluded) equals a reference segment's span;
* per-role precision / recall / F1 over lines, with ``O`` as a role, the share of lines with the
  right role, the mean F1 over roles, and the role confusion matrix;
* *page accuracy*: the share of pages whose boundaries are all exactly right.

Where nothing is to be found and nothing is predicted (a page with no boundary, or an empty
page), precision, recall and F1 are 1; where one side is empty and the other is not, they are 0.

Micro figures pool every line, boundary, window and segment of all pages; macro figures
average the per-page figures, each page counting once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import fmean

from newsseg.io.labels import OUTSIDE, ROLES, is_begin, tag_role
from newsseg.model.decode import repair_tags

ROLE_ORDER: tuple[str, ...] = (OUTSIDE, *ROLES)
"""The roles in the order reports list them, ``O`` first."""


HEADLINE_FIGURES: tuple[tuple[str, str], ...] = (
    ("P", "boundary_precision"),
    ("R", "boundary_recall"),
    ("F1", "boundary_f1"),
    ("F1 ±1", "boundary_f1_within_1"),
    ("Pk", "pk"),
    ("WindowDiff", "windowdiff"),
    ("segment F1", "segment_f1"),
    ("role acc.", "role_accuracy"),
    ("pages exact", "page_accuracy"),
)
"""The figures every score table shows: (column heading, key of :meth:`Report.summary`)."""

MACRO_FIGURES: tuple[tuple[str, str], ...] = (("macro F1", "macro_boundary_f1"), ("macro Pk", "macro_pk"))
"""Per-page means shown beside the headline figures in ``newsseg evaluate``."""


def boundaries(tags: Sequence[str]) -> list[int]:
    """Positions (0-based, among the given tags) of lines that start a segment."""
    return [i for i, tag in enumerate(tags) if is_begin(tag)]


def segment_ids(tags: Sequence[str]) -> list[int]:
    """For each line, the number of boundaries at or before it (its segment's id)."""
    ids = []
    current = 0
    for tag in tags:
        if is_begin(tag):
            current += 1
        ids.append(current)
    return ids


def segment_spans(tags: Sequence[str]) -> set[tuple[int, int]]:
    """(first, last) positions of each segment's own lines (``O`` lines excluded)."""
    spans = set()
    start = last = None
    for i, tag in enumerate(tags):
        if is_begin(tag):
            if start is not None:
                spans.add((start, last))
            start = last = i
        elif tag.startswith("I-") and start is not None:
            last = i
    if start is not None:
        spans.add((start, last))
    return spans


def window_size(reference: Sequence[str]) -> int:
    """Half the mean reference segment length, rounded, at least 1 (1 for an empty page)."""
    if not reference:
        return 1
    segments = len(set(segment_ids(reference)))
    return max(1, round(len(reference) / segments / 2))


def pk_counts(reference: Sequence[str], hypothesis: Sequence[str], k: int) -> tuple[int, int]:
    """(disagreeing windows, windows) for Pk: do lines ``i`` and ``i+k`` share a segment?"""
    ref, hyp = segment_ids(reference), segment_ids(hypothesis)
    windows = max(0, len(ref) - k)
    errors = sum(1 for i in range(windows) if (ref[i] == ref[i + k]) != (hyp[i] == hyp[i + k]))
    return errors, windows


def windowdiff_counts(reference: Sequence[str], hypothesis: Sequence[str], k: int) -> tuple[int, int]:
    """(disagreeing windows, windows) for WindowDiff: boundaries in ``(i, i+k]`` on each side."""
    ref, hyp = segment_ids(reference), segment_ids(hypothesis)
    windows = max(0, len(ref) - k)
    errors = sum(1 for i in range(windows) if ref[i + k] - ref[i] != hyp[i + k] - hyp[i])
    return errors, windows


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


@dataclass
class PageScores:
    """The counts of one page, from which every figure is computed."""

    name: str
    lines: int
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


def score_page(reference: Sequence[str], hypothesis: Sequence[str], name: str = "<page>") -> PageScores:
    """Score one page's predicted tags against its reference tags.

    Parameters
    ----------
    reference, hypothesis : sequence of str
        One tag per non-blank line of the page (``O``, ``B-ROLE`` or ``I-ROLE``), same length.
    name : str
        The page's name, kept in the scores.

    Returns
    -------
    PageScores

    Raises
    ------
    ValueError
        If the two sequences differ in length.
    """
    if len(reference) != len(hypothesis):
        raise ValueError(f"{name}: {len(reference)} reference tags but {len(hypothesis)} predicted")
    hypothesis = repair_tags(hypothesis)
    ref_b, hyp_b = boundaries(reference), boundaries(hypothesis)
    k = window_size(reference)
    pk_errors, windows = pk_counts(reference, hypothesis, k)
    wd_errors, _ = windowdiff_counts(reference, hypothesis, k)
    ref_spans, hyp_spans = segment_spans(reference), segment_spans(hypothesis)
    return PageScores(
        name=name,
        lines=len(reference),
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
        """Headline figures as a flat dict: counts, micro figures, then ``macro_`` figures."""
        p, r, f = self.boundary
        near_p, near_r, near_f = self.boundary_near
        seg_p, seg_r, seg_f = self.segment
        pages = self.pages
        return {
            "pages": len(pages),
            "lines": self._sum("lines"),
            "boundaries": self._sum("ref_boundaries"),
            "predicted_boundaries": self._sum("hyp_boundaries"),
            "boundary_precision": p,
            "boundary_recall": r,
            "boundary_f1": f,
            "boundary_precision_within_1": near_p,
            "boundary_recall_within_1": near_r,
            "boundary_f1_within_1": near_f,
            "pk": self.pk,
            "windowdiff": self.windowdiff,
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


def evaluate(pairs: Sequence[tuple[Sequence[str], Sequence[str]]], names: Sequence[str] | None = None) -> Report:
    """Score many pages.

    Parameters
    ----------
    pairs : sequence of (reference tags, predicted tags)
        One pair per page, tags of the non-blank lines.
    names : sequence of str, optional
        The pages' names.

    Returns
    -------
    Report
    """
    names = names or [f"page-{i + 1}" for i in range(len(pairs))]
    return Report([score_page(ref, hyp, name) for (ref, hyp), name in zip(pairs, names, strict=True)])
