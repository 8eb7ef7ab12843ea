"""The baselines (rules, line classifier) behind the CRF's interface, and `evaluate --baseline`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newsseg.cli import app
from newsseg.errors import UsageError
from newsseg.evaluation.baselines import (
    HEADING_MAX_LINES,
    ConfidenceTagger,
    CRFTagger,
    LineClassifier,
    RulesTagger,
    Tagger,
    is_heading_like,
    make_baseline,
)
from newsseg.evaluation.scoring import evaluate_pages
from newsseg.io.labels import iter_label_problems
from newsseg.io.page import Page
from newsseg.segmenter import Segmenter

from .conftest import PAGES

runner = CliRunner()


def valid_tags(page: Page, tags: list[str]) -> bool:
    """Whether tags are a well-formed labelling of the page (what a labelled file could hold)."""
    rows = list(zip(tags, page.lines, strict=True))
    return len(tags) == len(page.lines) and not list(iter_label_problems(rows, page.name))


@pytest.fixture(scope="module")
def line_classifier(small_training_set) -> LineClassifier:
    return LineClassifier().fit(small_training_set)


def test_every_system_has_the_same_interface(small_model, line_classifier):
    crf = CRFTagger(Segmenter.load(small_model))
    for system in (crf, RulesTagger(), line_classifier):
        assert isinstance(system, Tagger) and isinstance(system.name, str)
    assert isinstance(crf, ConfidenceTagger) and isinstance(line_classifier, ConfidenceTagger)
    assert not isinstance(RulesTagger(), ConfidenceTagger)
    assert (crf.name, RulesTagger.name, line_classifier.name) == ("crf", "rules", "line-classifier")


def test_rules_start_an_article_at_the_headline_block_above_each_byline(two_articles):
    tags = RulesTagger().tag(two_articles.page)
    # The header is furniture (paper name, date, page number); the kicker ends with a dash.
    assert tags == list(two_articles.tags)


def test_rules_headline_block_is_short_unpunctuated_and_bounded():
    text = "\n".join(
        [
            "上一篇文章的最后一句话。",
            "第一行标题",
            "第二行标题",
            "第三行标题",
            "第四行标题",
            "第五行标题",
            "本报记者 张 三",
            "正文第一句，说明情况。",
        ]
    )
    page = Page.from_text(text, "block.txt")
    tags = RulesTagger().tag(page)
    # At most HEADING_MAX_LINES heading lines are taken above the byline.
    first = 6 - HEADING_MAX_LINES
    assert tags[first] == "B-title" and all(tag == "I-title" for tag in tags[first + 1 : 6])
    assert tags[6] == "I-byline" and tags[7] == "I-body"
    # The lines before the first headline start an article of their own (not furniture).
    assert tags[0] == "B-body" and tags[1] == "I-body"
    assert is_heading_like("第一行标题") and not is_heading_like("正文，有逗号") and not is_heading_like("长" * 30)


def test_rules_without_any_byline_make_one_article_after_the_furniture():
    page = Page.from_text("人民日报 2019年2月14日 星期四 第5版\n\n一段没有署名的文字，\n继续写下去。\n", "p.txt")
    assert RulesTagger().tag(page) == ["O", "", "B-body", "I-body"]


def test_every_baseline_gives_well_formed_tags_on_real_pages(small_training_set, line_classifier):
    pages = small_training_set[:3]
    for system in (RulesTagger(), line_classifier):
        for labelled in pages:
            tags = system.tag(labelled.page)
            assert valid_tags(labelled.page, tags), (system.name, labelled.name)
            assert all(tag == "" for tag, line in zip(tags, labelled.page.lines, strict=True) if not line.strip())


def test_line_classifier_learns_and_reports_start_probabilities(small_training_set, line_classifier):
    reports = evaluate_pages(line_classifier, small_training_set)
    assert reports["all"].summary()["boundary_f1"] >= 0.9  # it can at least fit its own training pages
    tags, starts = line_classifier.tag_with_confidence(small_training_set[0].page)
    assert len(starts) == len(tags) and all(0.0 <= p <= 1.0 for p in starts)
    begins = [p for tag, p in zip(tags, starts, strict=True) if tag.startswith("B-")]
    others = [p for tag, p in zip(tags, starts, strict=True) if tag.startswith("I-")]
    assert begins and sum(begins) / len(begins) > 0.5 > sum(others) / len(others)


def test_line_classifier_is_deterministic(small_training_set, line_classifier):
    again = LineClassifier().fit(small_training_set)
    page = small_training_set[5].page
    assert again.tag_with_confidence(page) == line_classifier.tag_with_confidence(page)


def test_line_classifier_refuses_to_tag_untrained_and_to_train_on_nothing():
    with pytest.raises(RuntimeError, match="not trained"):
        LineClassifier().tag(Page.from_text("一行\n", "p"))
    with pytest.raises(ValueError):
        LineClassifier().fit([])


def test_make_baseline(small_training_set):
    assert isinstance(make_baseline("rules"), RulesTagger)
    with pytest.raises(UsageError, match="needs labelled training pages"):
        make_baseline("line-classifier")
    with pytest.raises(UsageError, match="unknown baseline 'regex'"):
        make_baseline("regex")


# -- the command ---------------------------------------------------------------------------

TRAIN = [str(PAGES / "epaper" / f"rmrb-ocr-00{n}-clean.tsv") for n in (1, 2, 3)]
SCORED = [str(PAGES / "ocr-raw" / "rmrb-ocr-010.tsv"), str(PAGES / "real")]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_evaluate_prints_all_systems_side_by_side(small_model):
    args = ["evaluate", *SCORED, "-m", small_model, "-b", "rules", "-b", "line-classifier"]
    result = invoke(*args, *[f"--train-data={path}" for path in TRAIN])
    assert result.exit_code == 0, result.stderr
    for word in ("crf", "rules", "line-classifier", "per-role", "confusion", "ocr-raw", "real", "WindowDiff"):
        assert word in result.stdout
    data = json.loads(invoke(*args, *[f"--train-data={path}" for path in TRAIN], "--json").stdout)
    assert set(data) == {"ocr-raw", "real", "all"}
    assert data["all"]["system"] == "crf" and set(data["all"]["baselines"]) == {"rules", "line-classifier"}
    for entry in (data["all"], data["all"]["baselines"]["rules"]):
        assert entry["pages"] == 2 and 0.0 <= entry["boundary_f1"] <= 1.0
        assert "body" in entry["roles"] and entry["confusion"]["roles"][0] == "O"
        lines = sum(sum(row) for row in entry["confusion"]["matrix"])
        assert lines == entry["lines"]


def test_evaluate_refuses_to_score_a_baseline_on_its_training_pages(small_model):
    twin = str(PAGES / "ocr-raw" / "rmrb-ocr-001.tsv")
    result = invoke("evaluate", twin, "-m", small_model, "-b", "line-classifier", "--train-data", TRAIN[0])
    assert result.exit_code == 1
    assert "share 1 page group(s) (rmrb-ocr-001)" in result.stderr and "Traceback" not in result.stderr


def test_evaluate_baseline_options_must_fit_together(small_model):
    result = invoke("evaluate", SCORED[0], "-m", small_model, "-b", "line-classifier")
    assert result.exit_code == 1 and "needs labelled training pages" in result.stderr
    result = invoke("evaluate", SCORED[0], "-m", small_model, "--train-data", TRAIN[0])
    assert result.exit_code == 1 and "only used by --baseline line-classifier" in result.stderr
    assert invoke("evaluate", SCORED[0], "-m", small_model, "-b", "regex").exit_code == 2
