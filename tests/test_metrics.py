"""Metrics with hand-computed cases, including the definitions' edge cases."""

from __future__ import annotations

import pytest

from newsseg.metrics import (
    boundaries,
    evaluate,
    match_boundaries,
    pk_counts,
    prf,
    score_page,
    segment_ids,
    window_size,
    windowdiff_counts,
)

REF = ["O", "B-title", "I-body", "I-body", "B-title", "I-body", "I-body", "I-body"]


def test_boundaries_and_segment_ids():
    assert boundaries(REF) == [1, 4]
    assert segment_ids(REF) == [0, 1, 1, 1, 2, 2, 2, 2]


def test_window_is_half_the_mean_segment_length():
    assert window_size(REF) == round(8 / 3 / 2)  # three segments (header included) over 8 lines -> 1
    assert window_size(["B-body"] * 1 + ["I-body"] * 9) == 5
    assert window_size([]) == 1


def test_perfect_prediction():
    scores = score_page(REF, REF)
    assert scores.boundary_f1 == 1.0 and scores.pk == 0.0 and scores.windowdiff == 0.0 and scores.exact


def test_one_missed_boundary_by_hand():
    hyp = ["O", "B-title", "I-body", "I-body", "I-title", "I-body", "I-body", "I-body"]
    scores = score_page(REF, hyp)
    assert (scores.matched, scores.hyp_boundaries, scores.ref_boundaries) == (1, 1, 2)
    assert scores.boundary_f1 == pytest.approx(2 / 3)
    # k = 1: windows (i, i+1) for i = 0..6; only (3, 4) straddles the missed boundary.
    assert pk_counts(REF, hyp, 1) == (1, 7)
    assert windowdiff_counts(REF, hyp, 1) == (1, 7)


def test_pk_and_windowdiff_differ_when_boundaries_are_doubled():
    ref = ["B-body", "I-body", "I-body", "I-body"]
    hyp = ["B-body", "B-body", "B-body", "I-body"]
    # k = 2: windows i = 0, 1.  Pk: ref same segment always; hyp 0/2 differ, 1/3 differ -> 2 errors.
    assert pk_counts(ref, hyp, 2) == (2, 2)
    # WindowDiff: ref counts 0, 0; hyp counts 2, 1 -> 2 errors.
    assert windowdiff_counts(ref, hyp, 2) == (2, 2)
    ref2 = ["B-body", "I-body", "B-body", "I-body"]
    hyp2 = ["B-body", "B-body", "I-body", "I-body"]
    # Boundary one line early.  Window i=0 covers lines 1..2: one boundary on both sides, no error.
    # Window i=1 covers lines 2..3: the reference has its boundary there, the prediction none.
    assert windowdiff_counts(ref2, hyp2, 2) == (1, 2)
    assert pk_counts(ref2, hyp2, 2) == (1, 2)


def test_no_boundaries_on_either_side_is_perfect():
    scores = score_page(["O", "O"], ["O", "O"])
    assert scores.boundary_f1 == 1.0 and scores.pk == 0.0


def test_one_line_segments_and_tiny_pages():
    scores = score_page(["B-title"], ["B-title"])
    assert scores.windows == 0 and scores.pk == 0.0 and scores.boundary_f1 == 1.0
    empty = score_page([], [])
    assert empty.lines == 0 and empty.boundary_f1 == 1.0 and empty.windowdiff == 0.0


def test_near_match_within_one_line():
    assert match_boundaries([5], [6]) == 0
    assert match_boundaries([5], [6], tolerance=1) == 1
    assert match_boundaries([5, 6], [6], tolerance=1) == 1


def test_prf_edge_cases():
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert prf(0, 3, 0) == (0.0, 0.0, 0.0)
    assert prf(0, 0, 3) == (0.0, 0.0, 0.0)


def test_report_micro_and_macro():
    perfect = (REF, REF)
    half = (["B-body", "I-body", "B-body", "I-body"], ["B-body", "I-body", "I-body", "I-body"])
    report = evaluate([perfect, half], ["a", "b"])
    summary = report.summary()
    assert summary["pages"] == 2 and summary["boundaries"] == 4
    assert summary["boundary_recall"] == pytest.approx(3 / 4)
    assert summary["macro_boundary_f1"] == pytest.approx((1 + 2 / 3) / 2)
    assert summary["page_accuracy"] == 0.5
    roles = report.role_scores()
    assert roles["title"][:3] == (1.0, 1.0, 1.0)


def test_segment_exact_match():
    ref = ["B-title", "I-body", "B-title", "I-body"]
    hyp = ["B-title", "I-body", "I-body", "B-body"]
    scores = score_page(ref, hyp)
    assert (scores.matched_segments, scores.ref_segments, scores.hyp_segments) == (0, 2, 2)
