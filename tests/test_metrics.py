"""Metrics with hand-computed cases, including the published definitions' edge cases."""

from __future__ import annotations

import json

import pytest

from newsseg.evaluation.metrics import (
    BODY_FIRST,
    CONTINUATION,
    FIRST_APPEARANCE,
    boundaries,
    boundary_kinds,
    evaluate,
    match_boundaries,
    pair_counts,
    pk_counts,
    prf,
    score_page,
    segment_ids,
    segment_spans,
    window_size,
    windowdiff_counts,
)
from newsseg.io.labels import article_keys_of

# A page header (O), then two articles of 3 and 4 lines.
REF = ["O", "B-title", "I-body", "I-body", "B-title", "I-body", "I-body", "I-body"]

# Article A, then B, then more of A (OCR broke A apart): the reference keys say so.
INTERLEAVED = ["B-title", "I-body", "B-title", "I-body", "B-body", "I-body"]
INTERLEAVED_ARTICLES = ["A", "A", "B", "B", "A", "A"]


def test_boundaries_are_changes_of_article():
    assert boundaries(["a", "a", "b", "b", "a"]) == [2, 4]
    assert boundaries(["a"]) == [] and boundaries([]) == []
    assert segment_ids(["a", "a", "b", "b", "a"]) == [0, 0, 1, 1, 2]
    # Segment spans, for segment F1, still come from the tags; O lines do not extend a span.
    assert segment_spans(REF) == {(1, 3), (4, 7)}
    assert segment_spans(["B-title", "I-body", "O", "O"]) == {(0, 1)}


def test_window_is_half_the_mean_segment_length():
    assert window_size(["a"] * 10) == 5
    assert window_size(["a"] * 4 + ["b"] * 8) == 3  # two segments over 12 lines
    assert window_size(["a", "b", "c", "d"]) == 1  # 0.5 rounds to 0: at least 1
    assert window_size([]) == 1


def test_perfect_prediction_and_the_first_start_is_not_a_boundary():
    scores = score_page(REF, REF)
    # The header is skipped: 7 scored lines; the first article's start is no boundary.
    assert scores.scored_lines == 7 and scores.lines == 8
    assert (scores.ref_boundaries, scores.hyp_boundaries, scores.matched) == (1, 1, 1)
    assert scores.boundary_f1 == 1.0 and scores.pk == 0.0 and scores.windowdiff == 0.0 and scores.exact
    assert scores.segment_f1 == 1.0 and scores.role_accuracy == 1.0
    # Same-article pairs: C(3, 2) + C(4, 2) on both sides.
    assert (scores.matched_pairs, scores.hyp_pairs, scores.ref_pairs) == (9, 9, 9) and scores.pairwise_f1 == 1.0


def test_reference_o_lines_are_skipped():
    ref = ["O", "B-title", "I-body", "O", "B-title", "I-body"]
    # The prediction puts the header in the first article and starts the second article on the
    # O line between them: on the scored lines (1, 2, 4, 5) both sides change article at line 4.
    hyp = ["B-title", "I-body", "I-body", "B-title", "I-body", "I-body"]
    scores = score_page(ref, hyp)
    assert scores.scored_lines == 4
    assert (scores.ref_boundaries, scores.hyp_boundaries, scores.matched) == (1, 1, 1) and scores.exact
    # k = round(4 / 2 / 2) = 1: three windows, none wrong.
    assert (scores.window, scores.pk_errors, scores.wd_errors, scores.windows) == (1, 0, 0, 3)
    assert (scores.matched_pairs, scores.hyp_pairs, scores.ref_pairs) == (2, 2, 2)
    # The roles still count every non-blank line: only the body lines 2 and 5 are right.
    assert scores.role_accuracy == pytest.approx(2 / 6)


def test_an_article_resumed_after_an_o_line_has_no_boundary():
    ref = ["B-title", "I-body", "O", "B-body", "I-body"]
    ref_articles = ["A", "A", None, "A", "A"]
    keyed = score_page(ref, ref, reference_articles=ref_articles, hypothesis_articles=ref_articles)
    assert (keyed.ref_boundaries, keyed.hyp_boundaries) == (0, 0) and keyed.exact
    # Read from the tags, the prediction has two articles: a boundary the reference lacks.
    unkeyed = score_page(ref, ref, reference_articles=ref_articles)
    assert (unkeyed.ref_boundaries, unkeyed.hyp_boundaries, unkeyed.matched) == (0, 1, 0) and not unkeyed.exact
    # Pairs: the reference has C(4, 2) = 6, the prediction 1 + 1, both of them right.
    assert (unkeyed.matched_pairs, unkeyed.hyp_pairs, unkeyed.ref_pairs) == (2, 2, 6)


def test_a_predicted_o_line_inside_a_reference_article_is_a_segment_of_its_own():
    ref = ["B-title", "I-body", "I-body", "I-body", "I-body"]
    hyp = ["B-title", "I-body", "O", "I-body", "I-body"]
    scores = score_page(ref, hyp)
    # Two predicted boundaries, before and after line 2; the reference has none.
    assert (scores.ref_boundaries, scores.hyp_boundaries, scores.matched) == (0, 2, 0)
    assert scores.boundary == (0.0, 0.0, 0.0) and not scores.exact
    # Pairs: reference C(5, 2) = 10; prediction C(4, 2) = 6 (line 2 pairs with nothing), all right.
    assert (scores.matched_pairs, scores.hyp_pairs, scores.ref_pairs) == (6, 6, 10)
    assert scores.pairwise == pytest.approx((1.0, 0.6, 0.75))
    # k = round(5 / 2) = 2: windows i = 0, 1, 2; predicted segment ids 0 0 1 2 2, all three windows wrong.
    assert (scores.window, scores.pk_errors, scores.wd_errors, scores.windows) == (2, 3, 3, 3)
    # At either end of the scored lines it makes one boundary only.
    assert score_page(ref, ["B-title", "I-body", "I-body", "I-body", "O"]).hyp_boundaries == 1
    assert score_page(ref, ["O", "B-title", "I-body", "I-body", "I-body"]).hyp_boundaries == 1


def test_interleaved_article_gets_pairwise_credit_only_with_keys():
    keyed = score_page(
        INTERLEAVED, INTERLEAVED, reference_articles=INTERLEAVED_ARTICLES, hypothesis_articles=INTERLEAVED_ARTICLES
    )
    # Boundaries at 2 (B starts) and 4 (A resumes).
    assert (keyed.ref_boundaries, keyed.matched) == (2, 2) and keyed.exact
    # Reference pairs: A has 4 lines (6 pairs), B 2 (1 pair).
    assert (keyed.matched_pairs, keyed.hyp_pairs, keyed.ref_pairs) == (7, 7, 7)
    # Without keys the prediction has three articles of 2 lines: the same boundaries, but the
    # pairs across A's two runs are missed.
    unkeyed = score_page(INTERLEAVED, INTERLEAVED, reference_articles=INTERLEAVED_ARTICLES)
    assert (unkeyed.ref_boundaries, unkeyed.hyp_boundaries, unkeyed.matched) == (2, 2, 2) and unkeyed.exact
    assert (unkeyed.matched_pairs, unkeyed.hyp_pairs, unkeyed.ref_pairs) == (3, 3, 7)
    assert unkeyed.pairwise == pytest.approx((1.0, 3 / 7, 0.6))
    # The hypothesis's keys are names of its own: only which lines share one counts.
    renamed = score_page(INTERLEAVED, INTERLEAVED, "p", INTERLEAVED_ARTICLES, ["x", "x", "y", "y", "x", "x"])
    assert renamed.pairwise_f1 == 1.0
    # A prediction that joins B into A: no boundary at all, and B's pair pairs with A's lines.
    joined = score_page(INTERLEAVED, INTERLEAVED, "p", INTERLEAVED_ARTICLES, ["x"] * 6)
    assert (joined.hyp_boundaries, joined.matched) == (0, 0)
    assert (joined.matched_pairs, joined.hyp_pairs, joined.ref_pairs) == (7, 15, 7)


def test_pair_counts_from_the_contingency_table():
    # Cells (a, x) 2, (a, y) 1, (b, y) 2; hypothesis x 2, y 3; reference a 3, b 2.
    assert pair_counts(["a", "a", "a", "b", "b"], ["x", "x", "y", "y", "y"]) == (1 + 0 + 1, 1 + 3, 3 + 1)
    assert pair_counts([], []) == (0, 0, 0)


def test_boundary_kinds_by_hand():
    articles = ["a", "a", "b", "b", "a", "c", "c", "d"]
    roles = ["title", "body", "body", "title", "body", "caption", "title", "kicker"]
    # b starts with body and has a title further on; a resumes; c starts with a caption before
    # its title; d starts with a kicker.
    assert boundary_kinds(articles, roles) == [BODY_FIRST, CONTINUATION, BODY_FIRST, FIRST_APPEARANCE]
    # An article starting with body but with no title line is a first appearance.
    assert boundary_kinds(["a", "b", "b"], ["title", "body", "body"]) == [FIRST_APPEARANCE]
    # Subhead and noise count as body-first starts too; the page's first article is no boundary.
    assert boundary_kinds(["a", "a", "b", "b"], ["subhead", "title", "noise", "title"]) == [BODY_FIRST]


def test_recall_per_kind_of_boundary():
    # Article 2 starts with body (line 3) and has its title at line 5; the prediction starts it
    # at the title only.
    ref = ["B-title", "I-body", "I-body", "B-body", "I-body", "I-title", "I-body"]
    hyp = ["B-title", "I-body", "I-body", "I-body", "I-body", "B-title", "I-body"]
    body_first = score_page(ref, hyp)
    assert body_first.boundaries_by_kind == {BODY_FIRST: 1} and body_first.recalled_by_kind == {}
    assert (body_first.matched, body_first.matched_near) == (0, 0)
    interleaved = score_page(INTERLEAVED, INTERLEAVED, reference_articles=INTERLEAVED_ARTICLES)
    assert interleaved.boundaries_by_kind == {FIRST_APPEARANCE: 1, CONTINUATION: 1}
    assert interleaved.recalled_by_kind == interleaved.boundaries_by_kind
    # The prediction misses the resumption of A (line 4 continues B).
    resumption_missed = [*INTERLEAVED[:4], "I-body", "I-body"]
    missed = score_page(INTERLEAVED, resumption_missed, reference_articles=INTERLEAVED_ARTICLES)
    assert missed.recalled_by_kind == {FIRST_APPEARANCE: 1}
    summary = evaluate(
        [(ref, hyp), (INTERLEAVED, INTERLEAVED), (INTERLEAVED, resumption_missed)],
        reference_articles=[None, INTERLEAVED_ARTICLES, INTERLEAVED_ARTICLES],
    ).summary()
    assert (summary["continuation_boundaries"], summary["continuation_recall"]) == (2, 0.5)
    assert (summary["body_first_boundaries"], summary["body_first_recall"]) == (1, 0.0)
    assert (summary["first_appearance_boundaries"], summary["first_appearance_recall"]) == (2, 1.0)
    # No boundary of a kind: its recall is undefined, not 0 or 1.
    assert evaluate([(REF, REF)]).summary()["continuation_recall"] is None


def test_one_missed_boundary_by_hand():
    hyp = ["O", "B-title", "I-body", "I-body", "I-title", "I-body", "I-body", "I-body"]
    scores = score_page(REF, hyp)
    assert (scores.matched, scores.hyp_boundaries, scores.ref_boundaries) == (0, 0, 1)
    assert scores.boundary == (0.0, 0.0, 0.0)
    # Scored lines 1..7, reference segment ids 0 0 0 1 1 1 1; k = round(7 / 2 / 2) = 2: windows
    # i = 0..4; (1, 3) and (2, 4) straddle the missed boundary.
    assert scores.window == 2
    assert (scores.pk_errors, scores.wd_errors, scores.windows) == (2, 2, 5)
    assert scores.pk == pytest.approx(2 / 5) and scores.windowdiff == pytest.approx(2 / 5)
    # Segments: the reference has (1, 3) and (4, 7); the prediction has (1, 7) only.
    assert (scores.matched_segments, scores.hyp_segments, scores.ref_segments) == (0, 1, 2)
    # Pairs: reference 3 + 6; prediction C(7, 2) = 21, of which the 9 are right.
    assert (scores.matched_pairs, scores.hyp_pairs, scores.ref_pairs) == (9, 21, 9)
    assert not scores.exact


def test_pk_and_windowdiff_differ_when_boundaries_are_doubled():
    def counts(ref, hyp, k):
        return pk_counts(article_keys_of(ref), article_keys_of(hyp), k), windowdiff_counts(
            article_keys_of(ref), article_keys_of(hyp), k
        )

    # k = 2: windows i = 0, 1.  Pk: ref same segment always; hyp 0/2 differ, 1/3 differ -> 2 errors.
    # WindowDiff: ref counts 0, 0; hyp counts 2, 1 -> 2 errors.
    assert counts(["B-body", "I-body", "I-body", "I-body"], ["B-body", "B-body", "B-body", "I-body"], 2) == (
        (2, 2),
        (2, 2),
    )
    # A window with two predicted boundaries where the reference has one: Pk sees "different
    # segment" on both sides and no error; WindowDiff counts 1 vs 2 and an error.
    assert counts(["B-body", "I-body", "B-body", "I-body"], ["B-body", "B-body", "B-body", "I-body"], 2) == (
        (0, 2),
        (1, 2),
    )
    # Boundary one line early.  Window i=0 covers lines 1..2: one boundary on both sides, no error.
    # Window i=1 covers lines 2..3: the reference has its boundary there, the prediction none.
    assert counts(["B-body", "I-body", "B-body", "I-body"], ["B-body", "B-body", "I-body", "I-body"], 2) == (
        (1, 2),
        (1, 2),
    )


def test_a_page_with_no_reference_article_scores_no_boundary():
    scores = score_page(["O", "O"], ["O", "O"])
    assert scores.scored_lines == 0 and scores.boundary == (1.0, 1.0, 1.0) and scores.pk is None and scores.exact
    assert scores.segment_f1 == 1.0 and scores.pairwise == (1.0, 1.0, 1.0)
    # A predicted article over reference O lines is no boundary error; the segments and roles see it.
    invented = score_page(["O"] * 6, ["O", "O", "O", "B-body", "I-body", "I-body"])
    assert invented.exact and invented.windows == 0
    assert invented.segment_f1 == 0.0 and invented.role_accuracy == pytest.approx(3 / 6)


def test_a_predicted_o_first_line_lies_in_windows():
    ref = ["B-title", "I-body", "I-body", "I-body"]
    hyp = ["O", "B-title", "I-body", "I-body"]
    scores = score_page(ref, hyp)
    # Line 0 is a predicted segment of its own: a boundary at 1.  k = 2; windows i = 0, 1.
    # Lines 0 and 2: ref same, hyp different -> error; lines 1 and 3 agree.
    assert (scores.hyp_boundaries, scores.pk_errors, scores.windows) == (1, 1, 2)
    assert (scores.matched, scores.matched_near) == (0, 0)


def test_one_line_segments():
    ref = ["B-title", "B-title", "B-title", "B-title"]
    hyp = ["B-title", "I-title", "B-title", "I-title"]
    scores = score_page(ref, hyp)
    # Reference boundaries 1, 2, 3; predicted 2.  Four one-line segments: k = max(1, round(0.5)) = 1.
    assert scores.window == 1
    # Pairs (0,1), (1,2), (2,3): ref always apart; hyp together, apart, together -> 2 errors of 3.
    assert (scores.pk_errors, scores.wd_errors, scores.windows) == (2, 2, 3)
    assert scores.boundary == pytest.approx((1.0, 1 / 3, 0.5))
    assert scores.matched_near == 1
    assert scores.matched_segments == 0
    assert (scores.matched_pairs, scores.hyp_pairs, scores.ref_pairs) == (0, 2, 0)


def test_a_one_line_page_has_no_window_and_stays_out_of_macro_pk():
    one_line = score_page(["B-title"], ["B-title"])
    assert one_line.windows == 0 and one_line.pk is None and one_line.windowdiff is None
    assert one_line.boundary_f1 == 1.0 and one_line.exact
    missed = (["B-body", "I-body", "B-body", "I-body"], ["B-body", "I-body", "I-body", "I-body"])
    report = evaluate([(["B-title"], ["B-title"]), missed])
    summary = report.summary()
    # Only the second page has windows (k = 1: three windows, one wrong).
    assert summary["pk"] == pytest.approx(1 / 3) and summary["macro_pk"] == pytest.approx(1 / 3)
    assert summary["macro_boundary_f1"] == pytest.approx((1 + 0) / 2)


def test_empty_page():
    empty = score_page([], [])
    assert empty.lines == 0 and empty.windows == 0 and empty.pk is None
    assert empty.boundary == (1.0, 1.0, 1.0) and empty.exact and empty.role_accuracy == 1.0
    summary = evaluate([([], [])]).summary()
    assert summary["pk"] == 0.0 and summary["boundary_f1"] == 1.0 and summary["page_accuracy"] == 1.0
    assert summary["pairwise_f1"] == 1.0
    assert evaluate([]).summary()["pages"] == 0


def test_lengths_must_agree():
    with pytest.raises(ValueError, match="2 reference tags but 1 predicted"):
        score_page(["B-body", "I-body"], ["B-body"], "p")
    with pytest.raises(ValueError, match="p: 2 reference tags but 1 reference articles"):
        score_page(["B-body", "I-body"], ["B-body", "I-body"], "p", ["a"])


def test_articles_must_agree_with_their_tags():
    with pytest.raises(ValueError, match="p: reference line 2 is tagged 'O' but its article is 'a'"):
        score_page(["B-body", "O"], ["B-body", "O"], "p", ["a", "a"])
    with pytest.raises(ValueError, match="p: predicted line 1 is tagged 'B-body' but its article is None"):
        score_page(["B-body", "O"], ["B-body", "O"], "p", None, [None, None])


def test_a_predicted_i_line_with_no_segment_open_counts_as_a_start():
    scores = score_page(["B-body", "I-body", "I-body"], ["I-body", "I-body", "I-body"])
    assert scores.exact and scores.hyp_boundaries == 0 and scores.segment_f1 == 1.0


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
    assert summary["pages"] == 2 and summary["boundaries"] == 2 and summary["predicted_boundaries"] == 1
    assert summary["scored_lines"] == 7 + 4
    assert summary["boundary_precision"] == 1.0
    assert summary["boundary_recall"] == pytest.approx(1 / 2)
    assert summary["boundary_f1"] == pytest.approx(2 / 3)
    assert summary["macro_boundary_recall"] == pytest.approx((1 + 0) / 2)
    assert summary["macro_boundary_f1"] == pytest.approx((1 + 0) / 2)
    # Pk pools windows: page a has 5 (7 scored lines, k = 2) with no error, page b 3 (k = 1) with one.
    assert summary["pk"] == pytest.approx(1 / 8)
    assert summary["macro_pk"] == pytest.approx((0 + 1 / 3) / 2)
    # Pairs: a 9 of 9; b predicts C(4, 2) = 6 pairs against 1 + 1, both found.
    assert summary["pairwise_precision"] == pytest.approx(11 / 15)
    assert summary["pairwise_recall"] == 1.0
    assert summary["macro_pairwise_f1"] == pytest.approx((1 + 2 * (1 / 3) / (1 + 1 / 3)) / 2)
    # Segments: a 2 of 2; b predicts (0, 3) against (0, 1) and (2, 3).
    assert summary["segment_precision"] == pytest.approx(2 / 3)
    assert summary["segment_recall"] == pytest.approx(2 / 4)
    assert summary["macro_segment_f1"] == pytest.approx((1 + 0) / 2)
    assert summary["page_accuracy"] == 0.5


def test_evaluate_takes_the_articles_of_each_page():
    unkeyed = evaluate([(INTERLEAVED, INTERLEAVED), (REF, REF)], reference_articles=[INTERLEAVED_ARTICLES, None])
    keyed = evaluate(
        [(INTERLEAVED, INTERLEAVED), (REF, REF)],
        reference_articles=[INTERLEAVED_ARTICLES, None],
        hypothesis_articles=[INTERLEAVED_ARTICLES, None],
    )
    # Micro pairs: 3 + 9 of 7 + 9 reference pairs without the prediction's keys, all with them.
    assert unkeyed.summary()["pairwise_recall"] == pytest.approx(12 / 16)
    assert unkeyed.summary()["macro_pairwise_f1"] == pytest.approx((0.6 + 1) / 2)
    assert keyed.summary()["pairwise_f1"] == 1.0
    assert unkeyed.summary()["boundary_f1"] == keyed.summary()["boundary_f1"] == 1.0


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
    ref = ["B-title", "I-body", "B-title", "I-body", "B-title", "I-body"]
    hyp = ["B-title", "I-body", "B-title", "I-body", "I-body", "I-body"]
    data = json.loads(json.dumps(evaluate([(ref, hyp)]).to_dict(digits=3)))
    # Reference boundaries 2 and 4, predicted 2: P 1, R 0.5.
    assert data["summary"]["boundary_f1"] == 0.667
    assert data["summary"]["continuation_recall"] is None
    assert data["roles"]["title"] == {"precision": 1.0, "recall": 0.667, "f1": 0.8, "support": 3}
    assert data["confusion"]["roles"] == ["title", "body"]
    assert data["confusion"]["matrix"][0] == [2, 1]
