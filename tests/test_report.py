"""Error analysis: wrong boundaries with context and confidence, and the HTML report."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from newsseg.cli import app
from newsseg.evaluation.baselines import RulesTagger
from newsseg.evaluation.metrics import BODY_FIRST, CONTINUATION, FIRST_APPEARANCE, score_page
from newsseg.evaluation.report import (
    MISSED,
    SPURIOUS,
    PageComparison,
    boundary_errors,
    compare_page,
    compare_pages,
    format_error,
    html_report,
    page_boundary_errors,
)
from newsseg.evaluation.scoring import article_tagging_of, evaluate_pages
from newsseg.io.labels import article_keys_of, labelled_page_from_text, read_labelled
from newsseg.segmenter import Segmenter

from .conftest import PAGES

runner = CliRunner()

# The second article's start predicted one line late (line 9 instead of 8).
PREDICTED = [
    "O",
    "",
    "B-title",
    "I-byline",
    "I-body",
    "I-body",
    "",
    "I-body",
    "B-title",
    "I-byline",
    "I-body",
    "I-body",
]
STARTS = [0.0, 0.0, 0.9, 0.0, 0.0, 0.0, 0.0, 0.3, 0.6, 0.0, 0.0, 0.0]


# Article A, then B, then more of A; then C, whose first line is body and whose title follows.
KEYED = labelled_page_from_text(
    "B-title@A\t甲文标题\nI-body\t甲文正文，\nB-title@B\t乙文标题\nI-body\t乙文正文。\n"
    "B-body@A\t甲文续完。\nI-body\t甲文结尾。\nB-body@C\t丙文正文，\nI-title\t丙文标题\nI-body\t丙文结尾。\n",
    "keyed.tsv",
)


def comparison_of(labelled, predicted, starts, predicted_articles=None) -> PageComparison:
    articles = article_keys_of(predicted) if predicted_articles is None else predicted_articles
    content = labelled.page.content_indices
    scores = score_page(
        labelled.content_tags,
        [predicted[i] for i in content],
        labelled.name,
        labelled.content_articles,
        [articles[i] for i in content],
    )
    return PageComparison(labelled, predicted, articles, starts, scores)


def test_wrong_boundaries_with_context_and_confidence(two_articles):
    errors = page_boundary_errors(comparison_of(two_articles, PREDICTED, STARTS))
    assert [(e.line, e.kind) for e in errors] == [(8, MISSED), (9, SPURIOUS)]
    missed, spurious = errors
    assert (missed.reference, missed.predicted) == ("B-kicker", "I-body")
    assert (missed.reference_article, missed.predicted_article) == ("2", "1")
    assert (missed.reference_kind, spurious.reference_kind) == (FIRST_APPEARANCE, None)
    assert missed.confidence == pytest.approx(0.7) and spurious.confidence == pytest.approx(0.6)
    assert missed.off_by_one and spurious.off_by_one
    # Three non-blank lines on each side (blank lines skipped), 1-based numbers.
    assert [line.number for line in missed.context] == [4, 5, 6, 8, 9, 10, 11]
    assert [line.number for line in spurious.context] == [5, 6, 8, 9, 10, 11, 12]
    assert missed.context[3].text == "守护一方平安——" and missed.context[3].reference == "B-kicker"


def test_errors_are_sorted_most_confident_first(two_articles):
    starts = [0.0] * 12
    starts[7], starts[8] = 0.95, 0.99  # missed with confidence 0.05, spurious with 0.99
    errors = boundary_errors([comparison_of(two_articles, PREDICTED, starts)])
    assert [e.line for e in errors] == [9, 8]
    no_confidence = comparison_of(two_articles, PREDICTED, None)
    mixed = boundary_errors([no_confidence, comparison_of(two_articles, PREDICTED, STARTS)])
    assert [e.confidence is None for e in mixed] == [False, False, True, True]


def test_a_lone_wrong_boundary_is_not_off_by_one(two_articles):
    predicted = list(two_articles.tags)
    predicted[4] = "B-body"
    errors = page_boundary_errors(comparison_of(two_articles, predicted, None))
    assert [(e.line, e.kind, e.off_by_one, e.confidence) for e in errors] == [(5, SPURIOUS, False, None)]


def test_boundaries_are_changes_of_article_on_the_lines_of_reference_articles():
    # Line 1 (the header, O) starts nothing; the first article's start is no boundary either,
    # so a prediction that starts it one line late, on the header, is not wrong.
    predicted = list(KEYED.tags)
    assert page_boundary_errors(comparison_of(KEYED, predicted, None)) == []
    # Without keys the prediction still changes article at line 5: no boundary error.  Lines
    # 5 and 6 predicted as more of B: A's resumption is missed, a continuation.
    predicted[4] = "I-body"
    errors = page_boundary_errors(comparison_of(KEYED, predicted, None))
    assert [(e.line, e.kind, e.reference_kind) for e in errors] == [(5, MISSED, CONTINUATION)]
    # C's headline comes after its first line; a prediction starting C at its title misses a
    # body-first boundary and adds one a line later.
    predicted = list(KEYED.tags)
    predicted[6], predicted[7] = "I-body", "B-title"
    errors = page_boundary_errors(comparison_of(KEYED, predicted, None))
    assert [(e.line, e.kind, e.reference_kind, e.off_by_one) for e in errors] == [
        (7, MISSED, BODY_FIRST, True),
        (8, SPURIOUS, None, True),
    ]


def test_a_predicted_o_line_makes_two_boundaries_and_reference_o_lines_are_skipped():
    page = labelled_page_from_text("B-title\t标题\nI-body\t正文，\nI-body\t正文。\nO\t广告\nB-title\t第二篇\n", "o.tsv")
    predicted = ["B-title", "O", "I-body", "B-body", "I-body"]
    starts = [0.9, 0.1, 0.2, 0.4, 0.3]
    errors = page_boundary_errors(comparison_of(page, predicted, starts))
    # Line 2 predicted O: a segment of its own, boundaries at lines 2 and 3.  The reference
    # boundary after the O line 4 falls on line 5, where the prediction changes article too
    # (on line 4): right.
    assert [(e.line, e.kind, e.predicted_article) for e in errors] == [(2, SPURIOUS, None), (3, SPURIOUS, "1")]
    # Predicting no second article misses line 5; P(start) of the gap (lines 4 and 5) is at most 0.4.
    errors = page_boundary_errors(comparison_of(page, ["B-title", "I-body", "I-body", "O", "I-body"], starts))
    assert [(e.line, e.kind) for e in errors] == [(5, MISSED)]
    assert errors[0].confidence == pytest.approx(0.6)


def test_format_error(two_articles):
    missed = page_boundary_errors(comparison_of(two_articles, PREDICTED, STARTS))[0]
    text = format_error(missed)
    first, header, *rest = text.splitlines()
    assert first == (
        "two-articles.tsv:8: missed boundary (first appearance, one line off): reference B-kicker (article 2), "
        "predicted I-body (article 1), confidence 0.70"
    )
    assert header == "      reference    article  predicted    article  text"
    marked = [line for line in rest if line.startswith(">")]
    assert marked == [">  8  B-kicker     2        I-body       1        守护一方平安——"]
    assert len(rest) == 7
    # With five lines of context the page header (O, in no article) shows, its articles as "-".
    wide = page_boundary_errors(comparison_of(two_articles, PREDICTED, STARTS), context=5)[0]
    tags_and_articles = "O" + " " * 12 + "-" + " " * 8
    header_row = "   1  " + tags_and_articles * 2 + "人民日报 2019年2月14日 星期四 第5版"
    assert format_error(wide).splitlines()[2] == header_row


def test_compare_page_uses_the_crf_marginals_and_plain_tags_for_rules(small_model, two_articles):
    crf = compare_page(Segmenter.load(small_model), two_articles)
    assert crf.starts is not None and len(crf.starts) == len(two_articles.tags)
    assert all(0.0 <= p <= 1.0 for p in crf.starts) and crf.starts[1] == 0.0  # line 2 is blank
    rules = compare_page(RulesTagger(), two_articles)
    assert rules.starts is None and rules.scores.exact
    assert rules.predicted_articles == article_keys_of(rules.predicted)


class Oracle:
    """Tags a page as its reference does; with ``keys``, it also knows which runs form one article."""

    name = "oracle"

    def __init__(self, labelled, keys: bool) -> None:
        self.labelled = labelled
        if keys:
            self.tag_articles = lambda page: (list(labelled.tags), labelled.articles)

    def tag(self, page):
        return list(self.labelled.tags)


def test_a_system_that_assembles_articles_is_scored_on_its_articles():
    unkeyed, keyed = Oracle(KEYED, keys=False), Oracle(KEYED, keys=True)
    assert article_tagging_of(unkeyed) is None and article_tagging_of(keyed) is keyed
    # A wrapper holding the assembling system as its segmenter (as CRFTagger does) is seen through.
    wrapper = type("Wrapper", (), {"segmenter": keyed, "tag": keyed.tag})()
    assert article_tagging_of(wrapper) is keyed
    # The same boundaries either way (A B A C: three, all right), but only the keyed system
    # pairs A's two runs: reference pairs C(4,2) + 1 + C(3,2) = 10, unkeyed 1 + 1 + 1 + 3 = 6.
    for system, pairs in ((unkeyed, 6), (keyed, 10)):
        scores = compare_page(system, KEYED).scores
        assert scores.exact and scores.ref_boundaries == 3
        assert (scores.matched_pairs, scores.hyp_pairs, scores.ref_pairs) == (pairs, pairs, 10)
        summary = evaluate_pages(system, [KEYED])["all"].summary()
        assert summary["pairwise_recall"] == pytest.approx(pairs / 10)
        assert (summary["continuation_boundaries"], summary["body_first_boundaries"]) == (1, 1)


def test_html_report_escapes_text_and_marks_wrong_lines(two_articles):
    hostile = labelled_page_from_text(
        "B-title\t<script>alert('x')</script> & 标题\nI-body\t正文 <b>粗</b>。\nB-title\t第二篇\nI-body\t正文。\n"
        "B-title\t第三篇\nI-body\t正文。\n",
        "<evil>.tsv",
    )
    comparisons = [
        comparison_of(two_articles, PREDICTED, STARTS),
        comparison_of(hostile, ["B-title", "I-body", "I-title", "I-body", "B-title", "I-body"], None),
    ]
    page = html_report(comparisons, "crf <v1>")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; 标题" in page
    assert "<b>粗</b>" not in page and "&lt;evil&gt;.tsv" in page and "crf &lt;v1&gt;" in page
    assert "http" not in page and " src=" not in page  # self-contained
    assert page.count('<tr class="wrong">') == 3  # lines 8 and 9 of the first page, line 3 of the second
    # Worst page first: two-articles (boundary F1 0) before the hostile page (one boundary of two: F1 0.667).
    assert page.index('id="page-1"') < page.index("two-articles.tsv</h2>") < page.index("&lt;evil&gt;.tsv</h2>")


def test_html_colours_a_predicted_article_like_the_reference_one_it_overlaps(two_articles):
    page = html_report([comparison_of(two_articles, list(two_articles.tags), None)], "crf")
    rows = re.findall(r'<tr[^>]*><td class="n">(\d+)</td>.*?</tr>', page)
    assert rows == ["1", "3", "4", "5", "6", "8", "9", "10", "11", "12"]
    for number in ("3", "10"):
        row = re.search(rf'<tr><td class="n">{number}</td>(.*?)</tr>', page).group(1)
        colours = re.findall(r"background:(#[0-9a-f]{6})", row)
        assert len(colours) == 2 and colours[0] == colours[1]


def row_colours(page: str) -> dict[str, list[str]]:
    """Per line number, the background colours of its reference and predicted cells."""
    return {
        number: re.findall(r"background:(#[0-9a-f]{6})", row)
        for number, row in re.findall(r'<tr[^>]*><td class="n">(\d+)</td>(.*?)</tr>', page)
    }


def test_html_colours_all_runs_of_an_article_alike():
    # Predicted without keys: three segments for A B A, the third taking A's colour (its lines are A's).
    colours = row_colours(html_report([comparison_of(KEYED, list(KEYED.tags), None)], "crf"))
    a, b, c = colours["1"][0], colours["3"][0], colours["7"][0]
    assert len({a, b, c}) == 3
    assert colours["5"] == colours["6"] == colours["1"] == [a, a]
    assert colours["4"] == [b, b] and colours["9"] == [c, c]
    # A predicted article over lines of no reference article takes a colour of its own.
    header = labelled_page_from_text("O\t报头\nB-title\t标题\nI-body\t正文。\n", "h.tsv")
    colours = row_colours(html_report([comparison_of(header, ["B-title", "B-title", "I-body"], None)], "crf"))
    assert colours["1"][0] not in colours["2"] and colours["2"][0] == colours["2"][1]


# -- the command ---------------------------------------------------------------------------

SCORED = [str(PAGES / "ocr-raw" / "rmrb-ocr-010.tsv"), str(PAGES / "ocr-raw" / "rmrb-ocr-011.tsv")]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_evaluate_errors_and_html(small_model, tmp_path):
    report = tmp_path / "report.html"
    result = invoke("evaluate", *SCORED, "-m", small_model, "--errors", "--html", report)
    assert result.exit_code == 0, result.stderr
    comparisons = compare_pages(Segmenter.load(small_model), [read_labelled(path) for path in SCORED])
    expected = boundary_errors(comparisons)
    assert f"{len(expected)} wrong boundaries of the model" in result.stdout
    assert format_error(expected[0]).splitlines()[0] in result.stdout
    text = report.read_text(encoding="utf-8")
    assert "rmrb-ocr-010.tsv" in text and text.count('<tr class="wrong">') == len(expected)


def test_evaluate_report_options_errors(small_model, tmp_path):
    both = invoke("evaluate", SCORED[0], "-m", small_model, "--errors", "--json")
    assert both.exit_code == 1 and "use one of them" in both.stderr
    missing = tmp_path / "nowhere" / "r.html"
    result = invoke("evaluate", SCORED[0], "-m", small_model, "--html", missing)
    assert result.exit_code == 1 and "the output folder does not exist" in result.stderr
    assert not missing.parent.exists()
