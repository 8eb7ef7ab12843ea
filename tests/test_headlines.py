"""The headline stage: role probabilities, line and pair features, the two models, decoding, the model file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from newsseg import Segmenter
from newsseg.articles.joining import join_headline
from newsseg.cli.app import app
from newsseg.errors import ModelFileError
from newsseg.headlines import HeadlineExample, HeadlineReader
from newsseg.headlines.features import PROBABILITY_ROLES, line_features, pair_features, role_probabilities
from newsseg.headlines.model import NamedLogistic, article_views, title_targets
from newsseg.io.labels import LabelledPage, tag_role
from newsseg.train.dataset import read_labelled_pages

from .conftest import PAGES

TITLE = PROBABILITY_ROLES.index("title")


@pytest.fixture(scope="module")
def bundled() -> Segmenter:
    return Segmenter.load()


def _probabilities(rows: list[dict[str, float]]) -> np.ndarray:
    matrix = np.zeros((len(rows), len(PROBABILITY_ROLES)))
    for index, row in enumerate(rows):
        for role, value in row.items():
            matrix[index, PROBABILITY_ROLES.index(role)] = value
    return matrix


def _reader(title_weights: dict[str, float], title_intercept: float) -> HeadlineReader:
    """A reader with hand-set models: the title model as given, and a join model that joins two lines
    when both are fairly likely title lines, but not a title line onto a subtitle line below it."""
    reader = HeadlineReader()
    reader.title_model = NamedLogistic(list(title_weights), np.array(list(title_weights.values())), title_intercept)
    join_weights = {"first_p_title": 6.0, "second_p_title": 6.0, "roles=title>subtitle": -5.0}
    reader.join_model = NamedLogistic(list(join_weights), np.array(list(join_weights.values())), -4.0)
    return reader


def test_role_probabilities_sum_begin_and_inside_tags_of_a_role():
    labels = ["B-title", "I-title", "I-body", "O"]
    marginals = np.array([[0.5, 0.2, 0.3, 0.0], [0.0, 0.1, 0.6, 0.3]])
    roles = role_probabilities(marginals, labels)
    assert roles.shape == (2, len(PROBABILITY_ROLES))
    assert roles[0, TITLE] == pytest.approx(0.7) and roles[1, TITLE] == pytest.approx(0.1)
    assert roles[1, PROBABILITY_ROLES.index("O")] == pytest.approx(0.3)
    assert np.allclose(roles.sum(axis=1), 1.0)


def test_a_title_printed_inside_the_body_is_seen_to_interrupt_a_sentence():
    lines = [
        "习近平致电祝贺",
        "",
        "为推动两国关系发展、促进两国各",
        "",
        "阿曼新任苏丹海赛姆",
        "",
        "领域务实合作作出了积极贡献。",
    ]
    tags = ["B-title", "", "I-body", "", "I-body", "", "I-body"]
    probabilities = _probabilities(
        [{"title": 0.9, "body": 0.1}, {}, {"body": 1.0}, {}, {"body": 1.0}, {}, {"body": 1.0}]
    )
    (view,) = article_views(lines, tags, probabilities, ["1", None, "1", None, "1", None, "1"])
    inserted = line_features(view, 2)
    assert inserted["isolated"] == 1.0 and inserted["isolated_above_open"] == 1.0
    assert inserted["above_open"] == 1.0 and inserted["ends_sentence"] == 0.0
    assert line_features(view, 3)["ends_sentence"] == 1.0
    assert line_features(view, 0)["block_place=0"] == 1.0 and line_features(view, 0)["first_block"] == 1.0
    assert "no_headline_block" in line_features(view, 1)
    pair = pair_features(view, 0, 1)
    assert pair["first_p_title"] == pytest.approx(0.9) and pair["roles=title>body"] == 1.0
    assert pair["adjacent"] == 0.0


def test_the_likeliest_line_becomes_the_title_and_the_crf_title_above_it_the_kicker():
    lines = ["经中央军委主席批准", "军队增派医护人员", "支援武汉抗击疫情", "新华社北京2月13日电", "正文第一行。"]
    tags = ["B-title", "I-subtitle", "I-subtitle", "I-byline", "I-body"]
    probabilities = _probabilities(
        [{"title": 0.45}, {"title": 0.4, "subtitle": 0.6}, {"title": 0.35}, {"byline": 1.0}, {"body": 1.0}]
    )
    reader = _reader({"p_title": 10.0, "tag=subtitle": 1.5}, -4.0)
    rewritten = reader.read(lines, tags, probabilities, ["1"] * 5)
    assert rewritten == ["B-kicker", "I-title", "I-title", "I-byline", "I-body"]


def test_nothing_changes_when_no_line_is_likely_enough():
    lines = ["标题一行", "正文。"]
    tags = ["B-title", "I-body"]
    probabilities = _probabilities([{"title": 0.05}, {"body": 1.0}])
    reader = _reader({"p_title": 1.0}, -8.0)
    assert reader.read(lines, tags, probabilities, ["1", "1"]) == tags


def test_only_roles_change_and_every_article_is_read_on_its_own(bundled):
    labelled = read_labelled_pages([PAGES / "ocr-zoned" / "rmrb-ocr-061-zoned.tsv"])[0]
    alone = bundled.without_headlines()
    before, articles_before = alone.tag_articles(labelled.page)
    after, articles_after = bundled.tag_articles(labelled.page)
    assert articles_after == articles_before
    assert [tag[:2] for tag in after] == [tag[:2] for tag in before]
    assert after != before, "on this page the headline stage rewrites some roles"
    for tag_before, tag_after in zip(before, after, strict=True):
        if tag_before != tag_after:
            assert {tag_role(tag_before), tag_role(tag_after)} & {"title", "kicker", "subtitle"}


def test_targets_are_the_title_lines_of_the_article_holding_most_of_the_predicted_one():
    lines = ["甲文标题", "甲文正文。", "乙文标题", "乙文正文。"]
    tags = ["B-title", "I-body", "I-title", "I-body"]
    (view,) = article_views(lines, tags, np.zeros((4, len(PROBABILITY_ROLES))), ["1"] * 4)
    reference = ["B-title", "I-body", "I-body", "I-body"]
    assert title_targets(view, reference, ["a", "a", "a", "b"]) == [1, 0, 0, 0]
    assert title_targets(view, ["B-title", "I-body", "B-title", "I-body"], ["a", "b", "b", "b"]) == [0, 0, 1, 0]


def _examples(names: list[str], segmenter: Segmenter) -> list[HeadlineExample]:
    examples = []
    for labelled in read_labelled_pages([PAGES / "epaper" / name for name in names]):
        tags, starts, _, probabilities = segmenter._crf_reading(labelled.page)
        articles = segmenter._assembled(labelled.page, tags, starts)
        examples.append(
            HeadlineExample(labelled.page.lines, tags, probabilities, articles, labelled.tags, labelled.articles)
        )
    return examples


def test_fitting_is_deterministic_and_survives_the_model_file(bundled):
    examples = _examples([f"rmrb-ocr-00{n}-clean.tsv" for n in range(1, 7)], bundled)
    first, second = HeadlineReader().fit(examples), HeadlineReader().fit(examples)
    assert first.to_dict() == second.to_dict()
    assert first.summary["title_lines"] > 0 and first.summary["pairs"] > 0
    restored = HeadlineReader.from_dict(json.loads(json.dumps(first.to_dict())), ModelFileError)
    for example in examples:
        arguments = (example.lines, example.tags, example.probabilities, example.articles)
        assert restored.read(*arguments) == first.read(*arguments)


def test_fitting_needs_title_lines():
    lines = ["正文一。", "正文二。"]
    example = HeadlineExample(
        lines, ["B-body", "I-body"], np.zeros((2, len(PROBABILITY_ROLES))), ["1", "1"], ["B-body", "I-body"], ["a", "a"]
    )
    with pytest.raises(ValueError, match="no titles and non-titles"):
        HeadlineReader().fit([example])


def _title_match(segmenter: Segmenter, pages: list[LabelledPage]) -> tuple[int, int]:
    """Reference articles with a title, and those whose predicted article has exactly that title."""
    titles = right = 0
    for labelled in pages:
        result = segmenter.predict(labelled.page)
        predicted = {line.number: article for article in result.articles for line in article.lines}
        title_lines: dict[str, list[int]] = {}
        for number, (tag, key) in enumerate(zip(labelled.tags, labelled.articles, strict=True), start=1):
            if key is not None and tag_role(tag) == "title":
                title_lines.setdefault(key, []).append(number)
        for numbers in title_lines.values():
            titles += 1
            found = predicted.get(numbers[0])
            right += found is not None and found.title == join_headline(labelled.page.lines[n - 1] for n in numbers)
    return titles, right


def test_the_bundled_headline_stage_gets_more_titles_right_on_held_out_jingbao_pages(bundled):
    """The 晶報 held-out issues were never trained on, by any stage."""
    pages = read_labelled_pages([PAGES / "jingbao-heldout-simplified"])
    titles, with_stage = _title_match(bundled, pages)
    _, without = _title_match(bundled.without_headlines(), pages)
    assert titles > 50
    assert with_stage >= without + 5, (with_stage, without)


def test_train_assemble_on_puts_a_headline_stage_in_the_model_and_info_lists_its_features(tmp_path: Path):
    runner = CliRunner()
    model = tmp_path / "headlines.nsm"
    train_on = [str(PAGES / "epaper" / f"rmrb-ocr-01{n}-clean.tsv") for n in range(4)]
    args = ["train", *train_on, "--max-iterations", "30", "-o", str(model)]
    for n in range(6):
        args += ["--assemble-on", str(PAGES / "ocr-zoned" / f"rmrb-ocr-02{n}-zoned.tsv")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    manifest = json.loads(runner.invoke(app, ["info", str(model)]).stdout)
    strongest = manifest["headlines"]["strongest"]
    assert len(strongest) == 10 and abs(strongest[0]["weight"]) >= abs(strongest[-1]["weight"])
    assert manifest["headlines"]["training"]["pages"] == 6
    loaded = Segmenter.load(model)
    assert loaded.headlines is not None and loaded.without_headlines().headlines is None
    assert loaded.without_assembly().headlines is not None


def test_body_lines_do_not_join_a_title_however_the_join_model_scores_them():
    lines = ["二、发挥工人阶级主人翁地", "位，聚焦收入增长，实施精准", "帮扶。坚持以人民为中心的"]
    tags = ["B-subhead", "I-body", "I-body"]
    probabilities = _probabilities([{"title": 0.3, "subhead": 0.7}, {"body": 1.0}, {"body": 1.0}])
    reader = _reader({"p_title": 10.0}, -2.0)
    reader.join_model = NamedLogistic(["adjacent"], np.array([20.0]), 0.0)
    assert reader.read(lines, tags, probabilities, ["1"] * 3) == ["B-title", "I-body", "I-body"]
