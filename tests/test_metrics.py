"""Metrics with hand-computed cases, including the published definitions' edge cases."""

from __future__ import annotations

import json

import pytest

from newsseg.evaluation.metrics import (
    boundaries,
    evaluate,
    match_boundaries,
    pk_counts,
    prf,
    score_page,
    segment_ids,
    segment_spans,
    window_size,
    windowdiff_counts,
)

REF = ["O", "B-title", "I-body", "I-body", "B-title", "I-body", "I-body", "I-body"]


def test_boundaries_segment_ids_and_spans():
    assert boundaries(REF) == [1, 4]
    assert segment_ids(REF) == [0, 1, 1, 1, 2, 2, 2, 2]
    assert segment_spans(REF) == {(1, 3), (4, 7)}
    # O lines inside or after a segment do not extend its span.
    assert segment_spans(["B-title", "I-body", "O", "O"]) == {(0, 1)}


def test_window_is_half_the_mean_segment_length():
    assert window_size(REF) == round(8 / 3 / 2)  # three segments (header included) over 8 lines -> 1
    assert window_size(["B-body"] * 1 + ["I-body"] * 9) == 5
    assert window_size(["B-body", "I-body", "I-body", "B-body"] + ["I-body"] * 8) == 3
    assert window_size([]) == 1


def test_perfect_prediction():
    scores = score_page(REF, REF)
    assert scores.boundary_f1 == 1.0 and scores.pk == 0.0 and scores.windowdiff == 0.0 and scores.exact
    assert scores.segment_f1 == 1.0 and scores.role_accuracy == 1.0


def test_one_missed_boundary_by_hand():
    hyp = ["O", "B-title", "I-body", "I-body", "I-title", "I-body", "I-body", "I-body"]
    scores = score_page(REF, hyp)
    assert (scores.matched, scores.hyp_boundaries, scores.ref_boundaries) == (1, 1, 2)
    assert scores.boundary == pytest.approx((1.0, 0.5, 2 / 3))
    # k = 1: windows (i, i+1) for i = 0..6; only (3, 4) straddles the missed boundary.
    assert scores.window == 1
    assert pk_counts(REF, hyp, 1) == (1, 7)
    assert windowdiff_counts(REF, hyp, 1) == (1, 7)
    assert scores.pk == pytest.approx(1 / 7) and scores.windowdiff == pytest.approx(1 / 7)
    # Segments: the reference has (1, 3) and (4, 7); the prediction has (1, 7) only.
    assert (scores.matched_segments, scores.hyp_segments, scores.ref_segments) == (0, 1, 2)
    assert not scores.exact


def test_pk_and_windowdiff_differ_when_boundaries_are_doubled():
    ref = ["B-body", "I-body", "I-body", "I-body"]
    hyp = ["B-body", "B-body", "B-body", "I-body"]
    # k = 2: windows i = 0, 1.  Pk: ref same segment always; hyp 0/2 differ, 1/3 differ -> 2 errors.
    assert pk_counts(ref, hyp, 2) == (2, 2)
    # WindowDiff: ref counts 0, 0; hyp counts 2, 1 -> 2 errors.
    assert windowdiff_counts(ref, hyp, 2) == (2, 2)
    # A window with two predicted boundaries where the reference has one: Pk sees "different
    # segment" on both sides and no error; WindowDiff counts 1 vs 2 and an error.
    ref3 = ["B-body", "I-body", "B-body", "I-body"]
    hyp3 = ["B-body", "B-body", "B-body", "I-body"]
    assert pk_counts(ref3, hyp3, 2) == (0, 2)
    assert windowdiff_counts(ref3, hyp3, 2) == (1, 2)
    ref2 = ["B-body", "I-body", "B-body", "I-body"]
    hyp2 = ["B-body", "B-body", "I-body", "I-body"]
    # Boundary one line early.  Window i=0 covers lines 1..2: one boundary on both sides, no error.
    # Window i=1 covers lines 2..3: the reference has its boundary there, the prediction none.
    assert windowdiff_counts(ref2, hyp2, 2) == (1, 2)
    assert pk_counts(ref2, hyp2, 2) == (1, 2)


def test_no_boundaries_on_either_side_is_perfect():
    scores = score_page(["O", "O"], ["O", "O"])
    assert scores.boundary == (1.0, 1.0, 1.0) and scores.pk == 0.0 and scores.exact
    assert scores.segment_f1 == 1.0


def test_no_reference_boundary_but_one_predicted():
    ref = ["O"] * 6
    hyp = ["O", "O", "O", "B-body", "I-body", "I-body"]
    scores = score_page(ref, hyp)
    # One segment of 6 lines: k = 3; pairs (0,3) (1,4) (2,5) all straddle the false boundary.
    assert scores.window == 3 and (scores.pk_errors, scores.wd_errors, scores.windows) == (3, 3, 3)
    assert scores.pk == 1.0 and scores.windowdiff == 1.0
    assert scores.boundary == (0.0, 0.0, 0.0) and not scores.exact


def test_a_boundary_on_the_first_line_lies_in_no_window():
    ref = ["B-title", "I-body", "I-body", "I-body"]
    hyp = ["O", "B-title", "I-body", "I-body"]
    scores = score_page(ref, hyp)
    # k = 2; windows i = 0, 1.  Lines 0 and 2: ref same, hyp different -> error; lines 1 and 3 agree.
    assert (scores.pk_errors, scores.windows) == (1, 2)
    assert (scores.matched, scores.matched_near) == (0, 1)


def test_one_line_segments():
    ref = ["B-title", "B-title", "B-title", "B-title"]
    hyp = ["B-title", "I-title", "B-title", "I-title"]
    scores = score_page(ref, hyp)
    # Four one-line segments: k = max(1, round(0.5)) = 1.
    assert scores.window == 1
    # Pairs (0,1), (1,2), (2,3): ref always apart; hyp together, apart, together -> 2 errors of 3.
    assert (scores.pk_errors, scores.wd_errors, scores.windows) == (2, 2, 3)
    assert scores.boundary == pytest.approx((1.0, 0.5, 2 / 3))
    assert scores.matched_near == 2  # 0->0 and 2->1 (or 2->2): still two pairs
    assert scores.matched_segments == 0


def test_a_one_line_page_has_no_window_and_stays_out_of_macro_pk():
    one_line = score_page(["B-title"], ["B-title"])
    assert one_line.windows == 0 and one_line.pk is None and one_line.windowdiff is None
    assert one_line.boundary_f1 == 1.0 and one_line.exact
    missed = (["B-body", "I-body", "B-body", "I-body"], ["B-body", "I-body", "I-body", "I-body"])
    report = evaluate([(["B-title"], ["B-title"]), missed])
    summary = report.summary()
    # Only the second page has windows (k = 1: three windows, one wrong).
    assert summary["pk"] == pytest.approx(1 / 3) and summary["macro_pk"] == pytest.approx(1 / 3)
    assert summary["macro_boundary_f1"] == pytest.approx((1 + 2 / 3) / 2)


def test_empty_page():
    empty = score_page([], [])
    assert empty.lines == 0 and empty.windows == 0 and empty.pk is None
    assert empty.boundary == (1.0, 1.0, 1.0) and empty.exact and empty.role_accuracy == 1.0
    summary = evaluate([([], [])]).summary()
    assert summary["pk"] == 0.0 and summary["boundary_f1"] == 1.0 and summary["page_accuracy"] == 1.0
    assert evaluate([]).summary()["pages"] == 0


def test_lengths_must_agree():
    with pytest.raises(ValueError, match="2 reference tags but 1 predicted"):
        score_page(["B-body", "I-body"], ["B-body"], "p")


def test_a_predicted_i_line_with_no_segment_open_counts_as_a_boundary():
    scores = score_page(["B-body", "I-body", "I-body"], ["I-body", "I-body", "I-body"])
    assert scores.exact and scores.hyp_boundaries == 1 and scores.segment_f1 == 1.0


def test_matching_within_one_line_is_a_maximum_matching():
    assert match_boundaries([5], [6]) == 0
    assert match_boundaries([5], [6], tolerance=1) == 1
    assert match_boundaries([5, 6], [6], tolerance=1) == 1
    # Pairing 6 with 6 first would leave 7 alone; the best pairing is 6-5 and 7-6.
    assert match_boundaries([5, 6], [6, 7], tolerance=1) == 2
    assert match_boundaries([1, 10], [3, 9], tolerance=1) == 1
    assert match_boundaries([], [1, 2], tolerance=1) == 0


def test_prf_edge_cases():
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert prf(0, 3, 0) == (0.0, 0.0, 0.0)
    assert prf(0, 0, 3) == (0.0, 0.0, 0.0)
    assert prf(1, 2, 4) == pytest.approx((0.5, 0.25, 1 / 3))


def test_report_micro_and_macro():
    perfect = (REF, REF)
    half = (["B-body", "I-body", "B-body", "I-body"], ["B-body", "I-body", "I-body", "I-body"])
    report = evaluate([perfect, half], ["a", "b"])
    summary = report.summary()
    assert summary["pages"] == 2 and summary["boundaries"] == 4 and summary["predicted_boundaries"] == 3
    assert summary["boundary_precision"] == 1.0
    assert summary["boundary_recall"] == pytest.approx(3 / 4)
    assert summary["boundary_f1"] == pytest.approx(6 / 7)
    assert summary["macro_boundary_recall"] == pytest.approx((1 + 1 / 2) / 2)
    assert summary["macro_boundary_f1"] == pytest.approx((1 + 2 / 3) / 2)
    # Pk pools windows: page a has 7 (k = 1) with no error, page b 3 (k = 1) with one.
    assert summary["pk"] == pytest.approx(1 / 10)
    assert summary["macro_pk"] == pytest.approx((0 + 1 / 3) / 2)
    # Segments: a 2 of 2; b predicts (0, 3) against (0, 1) and (2, 3).
    assert summary["segment_precision"] == pytest.approx(2 / 3)
    assert summary["segment_recall"] == pytest.approx(2 / 4)
    assert summary["macro_segment_f1"] == pytest.approx((1 + 0) / 2)
    assert summary["page_accuracy"] == 0.5


def test_role_scores_and_confusion_matrix_by_hand():
    ref = ["O", "B-title", "I-byline", "I-body", "I-body"]
    hyp = ["O", "B-title", "I-body", "I-body", "I-caption"]
    report = evaluate([(ref, hyp)])
    roles = report.role_scores()
    assert list(roles) == ["O", "title", "byline", "body", "caption"]
    assert (roles["body"].precision, roles["body"].recall, roles["body"].f1, roles["body"].support) == (
        0.5,
        0.5,
        0.5,
        2,
    )
    assert (roles["byline"].f1, roles["byline"].support) == (0.0, 1)
    assert (roles["caption"].precision, roles["caption"].support) == (0.0, 0)
    labels, matrix = report.confusion_matrix()
    assert labels == ["O", "title", "byline", "body", "caption"]
    assert matrix == [
        [1, 0, 0, 0, 0],
        [0, 1, 0, 0, 0],
        [0, 0, 0, 1, 0],
        [0, 0, 0, 1, 1],
        [0, 0, 0, 0, 0],
    ]
    summary = report.summary()
    assert summary["role_accuracy"] == pytest.approx(3 / 5)
    # Mean F1 over the roles the reference has: O 1, title 1, byline 0, body 0.5.
    assert summary["role_macro_f1"] == pytest.approx(2.5 / 4)


def test_to_dict_is_json_ready_and_rounded():
    report = evaluate([(REF, ["O", "B-title", "I-body", "I-body", "I-title", "I-body", "I-body", "I-body"])])
    data = json.loads(json.dumps(report.to_dict(digits=3)))
    assert data["summary"]["boundary_f1"] == 0.667
    assert data["roles"]["title"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert data["confusion"]["roles"] == ["O", "title", "body"]
    assert data["confusion"]["matrix"][1] == [0, 2, 0]
