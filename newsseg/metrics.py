"""Segmentation metrics over the non-blank lines of labelled pages.

Definitions (all computed on the sequence of a page's non-blank lines):

* a *boundary* is a line tagged ``B-``: an article segment starts there;
* boundary precision / recall / F1 compare the predicted and reference boundary positions,
  exactly, or within a tolerance of ±1 line;
* *Pk* (Beeferman et al. 1999) is the share of line pairs ``(i, i+k)`` that one segmentation
  puts in the same segment and the other does not; *WindowDiff* (Pevzner & Hearst 2002) is the
  share of windows ``(i, i+k]`` holding a different number of boundaries.  ``k`` is half the
  mean length of the page's reference segments (at least 1; lines before the first boundary,
  such as a page header, count as a segment).  Lower is better; 0 is perfect.  A page with
  fewer than ``k + 1`` lines has no window and scores 0;
* *segment F1*: a predicted segment counts when its span (first and last line) equals a
  reference segment's span;
* per-role precision / recall / F1 over lines, with ``O`` as a role, and the role confusion
  matrix;
* *page accuracy*: the share of pages whose boundaries are all exactly right.

Micro figures pool every line, boundary, window and segment of all pages; macro figures
average the per-page figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsseg.labels import OUTSIDE, is_begin, tag_role


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
    """(first, last) positions of each segment's own lines (O lines excluded)."""
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
    """Half the mean reference segment length, rounded, at least 1."""
    if not reference:
        return 1
    segments = len(set(segment_ids(reference)))
    return max(1, round(len(reference) / segments / 2))


def pk_counts(reference: Sequence[str], hypothesis: Sequence[str], k: int) -> tuple[int, int]:
    """(disagreeing windows, windows) for Pk."""
    ref, hyp = segment_ids(reference), segment_ids(hypothesis)
    windows = max(0, len(ref) - k)
    errors = sum(1 for i in range(windows) if (ref[i] == ref[i + k]) != (hyp[i] == hyp[i + k]))
    return errors, windows


def windowdiff_counts(reference: Sequence[str], hypothesis: Sequence[str], k: int) -> tuple[int, int]:
    """(disagreeing windows, windows) for WindowDiff."""
    ref, hyp = segment_ids(reference), segment_ids(hypothesis)
    windows = max(0, len(ref) - k)
    errors = sum(1 for i in range(windows) if ref[i + k] - ref[i] != hyp[i + k] - hyp[i])
    return errors, windows


def match_boundaries(reference: Sequence[int], predicted: Sequence[int], tolerance: int = 0) -> int:
    """How many predicted boundaries match a distinct reference boundary within ``tolerance`` lines."""
    unmatched = sorted(reference)
    matched = 0
    for position in sorted(predicted):
        best = None
        for candidate in unmatched:
            if abs(candidate - position) <= tolerance and (
                best is None or abs(candidate - position) < abs(best - position)
            ):
                best = candidate
        if best is not None:
            unmatched.remove(best)
            matched += 1
    return matched


def prf(matched: int, predicted: int, reference: int) -> tuple[float, float, float]:
    """Precision, recall and F1; an empty side counts as perfect when both are empty."""
    if predicted == 0 and reference == 0:
        return 1.0, 1.0, 1.0
    precision = matched / predicted if predicted else 0.0
    recall = matched / reference if reference else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _role(tag: str) -> str:
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
    pk_errors: int
    wd_errors: int
    windows: int
    ref_segments: int
    hyp_segments: int
    matched_segments: int
    roles: Counter = field(default_factory=Counter)
    """Counts of (reference role, predicted role) pairs."""

    @property
    def boundary_f1(self) -> float:
        return prf(self.matched, self.hyp_boundaries, self.ref_boundaries)[2]

    @property
    def pk(self) -> float:
        return self.pk_errors / self.windows if self.windows else 0.0

    @property
    def windowdiff(self) -> float:
        return self.wd_errors / self.windows if self.windows else 0.0

    @property
    def exact(self) -> bool:
        return self.matched == self.ref_boundaries == self.hyp_boundaries


def score_page(reference: Sequence[str], hypothesis: Sequence[str], name: str = "<page>") -> PageScores:
    """Score one page's predicted tags against its reference tags (non-blank lines only)."""
    if len(reference) != len(hypothesis):
        raise ValueError(f"{name}: {len(reference)} reference tags but {len(hypothesis)} predicted")
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
        pk_errors=pk_errors,
        wd_errors=wd_errors,
        windows=windows,
        ref_segments=len(ref_spans),
        hyp_segments=len(hyp_spans),
        matched_segments=len(ref_spans & hyp_spans),
        roles=Counter((_role(r), _role(h)) for r, h in zip(reference, hypothesis, strict=True)),
    )


@dataclass
class Report:
    """Scores of a set of pages, micro and macro.

    Build it with :func:`evaluate`; :meth:`summary` gives the headline figures as a dict.
    """

    pages: list[PageScores]

    def _sum(self, attribute: str) -> int:
        return sum(getattr(p, attribute) for p in self.pages)

    def _mean(self, attribute: str) -> float:
        return sum(getattr(p, attribute) for p in self.pages) / len(self.pages) if self.pages else 0.0

    @property
    def boundary(self) -> tuple[float, float, float]:
        return prf(self._sum("matched"), self._sum("hyp_boundaries"), self._sum("ref_boundaries"))

    @property
    def boundary_near(self) -> tuple[float, float, float]:
        return prf(self._sum("matched_near"), self._sum("hyp_boundaries"), self._sum("ref_boundaries"))

    @property
    def segment(self) -> tuple[float, float, float]:
        return prf(self._sum("matched_segments"), self._sum("hyp_segments"), self._sum("ref_segments"))

    @property
    def pk(self) -> float:
        windows = self._sum("windows")
        return self._sum("pk_errors") / windows if windows else 0.0

    @property
    def windowdiff(self) -> float:
        windows = self._sum("windows")
        return self._sum("wd_errors") / windows if windows else 0.0

    @property
    def confusion(self) -> Counter:
        total: Counter = Counter()
        for page in self.pages:
            total.update(page.roles)
        return total

    def role_scores(self) -> dict[str, tuple[float, float, float, int]]:
        """Per role: precision, recall, F1 and the number of reference lines."""
        confusion = self.confusion
        roles = sorted({r for r, _ in confusion} | {h for _, h in confusion})
        scores = {}
        for role in roles:
            correct = confusion[(role, role)]
            predicted = sum(n for (_, h), n in confusion.items() if h == role)
            reference = sum(n for (r, _), n in confusion.items() if r == role)
            scores[role] = (*prf(correct, predicted, reference), reference)
        return scores

    def summary(self) -> dict:
        """Headline figures: micro and macro boundary P/R/F1, ±1 F1, Pk, WindowDiff, segment F1, page accuracy."""
        p, r, f = self.boundary
        return {
            "pages": len(self.pages),
            "lines": self._sum("lines"),
            "boundaries": self._sum("ref_boundaries"),
            "boundary_precision": p,
            "boundary_recall": r,
            "boundary_f1": f,
            "boundary_f1_within_1": self.boundary_near[2],
            "pk": self.pk,
            "windowdiff": self.windowdiff,
            "segment_f1": self.segment[2],
            "page_accuracy": self._mean("exact"),
            "macro_boundary_f1": self._mean("boundary_f1"),
            "macro_pk": self._mean("pk"),
            "macro_windowdiff": self._mean("windowdiff"),
        }


def evaluate(pairs: Sequence[tuple[Sequence[str], Sequence[str]]], names: Sequence[str] | None = None) -> Report:
    """Score many pages.

    Parameters
    ----------
    pairs : sequence of (reference tags, predicted tags)
        One pair per page, tags of the non-blank lines.
    names : sequence of str, optional
        The pages' names.
    """
    names = names or [f"page-{i + 1}" for i in range(len(pairs))]
    return Report([score_page(ref, hyp, name) for (ref, hyp), name in zip(pairs, names, strict=True)])
