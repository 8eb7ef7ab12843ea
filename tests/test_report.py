"""Error analysis: wrong boundaries with context and confidence, and the HTML report."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from newsseg.cli import app
from newsseg.evaluation.baselines import RulesTagger
from newsseg.evaluation.metrics import score_page
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
from newsseg.io.labels import labelled_page_from_text, read_labelled
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


def comparison_of(labelled, predicted, starts) -> PageComparison:
    content = labelled.page.content_indices
    scores = score_page(labelled.content_tags, [predicted[i] for i in content], labelled.name)
    return PageComparison(labelled, predicted, starts, scores)


def test_wrong_boundaries_with_context_and_confidence(two_articles):
    errors = page_boundary_errors(comparison_of(two_articles, PREDICTED, STARTS))
    assert [(e.line, e.kind) for e in errors] == [(8, MISSED), (9, SPURIOUS)]
    missed, spurious = errors
    assert (missed.reference, missed.predicted) == ("B-kicker", "I-body")
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


def test_format_error(two_articles):
    missed = page_boundary_errors(comparison_of(two_articles, PREDICTED, STARTS))[0]
    text = format_error(missed)
    first, *rest = text.splitlines()
    assert first == (
        "two-articles.tsv:8: missed boundary (one line off): reference B-kicker, predicted I-body, confidence 0.70"
    )
    marked = [line for line in rest if line.startswith(">")]
    assert marked == [">  8  B-kicker     I-body       守护一方平安——"]
    assert len(rest) == 1 + 7


def test_compare_page_uses_the_crf_marginals_and_plain_tags_for_rules(small_model, two_articles):
    crf = compare_page(Segmenter.load(small_model), two_articles)
    assert crf.starts is not None and len(crf.starts) == len(two_articles.tags)
    assert all(0.0 <= p <= 1.0 for p in crf.starts) and crf.starts[1] == 0.0  # line 2 is blank
    rules = compare_page(RulesTagger(), two_articles)
    assert rules.starts is None and rules.scores.exact


def test_html_report_escapes_text_and_marks_wrong_lines(two_articles):
    hostile = labelled_page_from_text(
        "B-title\t<script>alert('x')</script> & 标题\nI-body\t正文 <b>粗</b>。\nB-title\t第二篇\nI-body\t正文。\n",
        "<evil>.tsv",
    )
    comparisons = [
        comparison_of(two_articles, PREDICTED, STARTS),
        comparison_of(hostile, ["B-title", "I-body", "I-title", "I-body"], None),
    ]
    page = html_report(comparisons, "crf <v1>")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; 标题" in page
    assert "<b>粗</b>" not in page and "&lt;evil&gt;.tsv" in page and "crf &lt;v1&gt;" in page
    assert "http" not in page and " src=" not in page  # self-contained
    assert page.count('<tr class="wrong">') == 3  # lines 8 and 9 of the first page, line 3 of the second
    # Worst page first: two-articles (boundary F1 0.5) before the hostile page (F1 0.667).
    assert page.index('id="page-1"') < page.index("two-articles.tsv</h2>") < page.index("&lt;evil&gt;.tsv</h2>")


def test_html_colours_a_predicted_article_like_the_reference_one_it_overlaps(two_articles):
    page = html_report([comparison_of(two_articles, list(two_articles.tags), None)], "crf")
    rows = re.findall(r'<tr[^>]*><td class="n">(\d+)</td>.*?</tr>', page)
    assert rows == ["1", "3", "4", "5", "6", "8", "9", "10", "11", "12"]
    for number in ("3", "10"):
        row = re.search(rf'<tr><td class="n">{number}</td>(.*?)</tr>', page).group(1)
        colours = re.findall(r"background:(#[0-9a-f]{6})", row)
        assert len(colours) == 2 and colours[0] == colours[1]


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
