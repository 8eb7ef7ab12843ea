"""The assembly stage: blocks, the pair model, decoding, the model file, and pages OCR broke apart."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from newsseg import Segmenter
from newsseg.assembly import Assembler, AssemblyExample
from newsseg.assembly.blocks import PageBlocks, page_blocks
from newsseg.assembly.model import CANDIDATES, OpenArticles, block_references, training_pairs
from newsseg.assembly.pairs import FEATURE_NAMES
from newsseg.cli.app import app
from newsseg.errors import ModelFileError

from .conftest import PAGES

TITLE_A = "山区小镇种茶致富"
BYLINE_A = "本报杭州3月2日电 （记者王明）"
BODY_A = (
    "安吉县溪龙乡的白茶园里，茶农们正忙着采摘今年的头茬白茶。近年来，溪龙乡依托白茶产业，"
    "带动全乡茶农增收致富，白茶种植面积达到三万亩，茶农人均年收入超过四万元。乡里建起白茶交易市场，"
    "引进龙头企业，推广标准化种植，白茶品牌越来越响。茶农李大姐说，过去种茶靠天吃饭，如今有了技术指导和"
    "稳定销路，白茶成了全家的摇钱树。溪龙乡还把白茶和乡村旅游结合起来，游客可以到茶园采茶、品茶，"
    "茶旅融合让白茶产业链越拉越长。乡党委书记表示，下一步将继续做强白茶产业，让更多茶农吃上生态饭。"
)
TITLE_B = "城市地铁新线开通运营"
BYLINE_B = "本报讯（记者李华）"
BODY_B = (
    "记者从市轨道交通集团获悉，地铁五号线今天正式开通运营，全长三十五公里，设车站二十八座。"
    "新线开通后，城市轨道交通运营里程达到三百公里，日均客流预计增加四十万人次。地铁五号线贯穿城市南北，"
    "沿线串联起多个大型居住区和商业中心，市民出行将更加便捷。为方便乘客，新线全面支持刷码乘车，"
    "各车站均配备无障碍设施和母婴室。"
)


def columns(text: str, width: int) -> list[str]:
    """The text set in a column of ``width`` characters, as OCR reads it line by line."""
    return [text[i : i + width] for i in range(0, len(text), width)]


A_LINES = columns(BODY_A, 14)
B_LINES = columns(BODY_B, 17)


def page_text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    loaded = Segmenter.load()
    assert loaded.assembler is not None, "the bundled model has an assembly stage"
    return loaded


def spans_by_first_words(result) -> dict[str, list[tuple[int, int]]]:
    return {article.lines[0].text[:6]: article.spans for article in result.articles}


# -- pages OCR broke apart -----------------------------------------------------------------------


@pytest.mark.parametrize("cut", [6, 8, 10, 13])
@pytest.mark.parametrize("byline", [True, False])
def test_an_article_interrupted_by_another_is_put_back_together(segmenter, cut, byline):
    first, rest = A_LINES[:cut], A_LINES[cut:]
    lines = [TITLE_A, "", BYLINE_A, *first, "", TITLE_B, "", *([BYLINE_B] if byline else []), *B_LINES, "", *rest]
    result = segmenter.predict(page_text(lines))
    a_first_end = 3 + cut
    a_resumes = len(lines) - len(rest) + 1
    expected = [[(1, a_first_end), (a_resumes, len(lines))], [(a_first_end + 2, a_resumes - 2)]]
    assert [article.spans for article in result.articles] == expected
    article_a = result.articles[0]
    assert [line.text for line in article_a.lines if line.role == "body"] == A_LINES
    assert [paragraph.text for paragraph in article_a.paragraphs] == [BODY_A], "the cut paragraph is joined again"
    # the CRF alone cannot: every segment it finds is an article of one span (and without B's byline
    # it may miss B's start too, which the assembly stage finds from the blocks)
    alone = segmenter.without_assembly().predict(page_text(lines)).articles
    assert all(len(article.spans) == 1 for article in alone) and len(alone) in (2, 3)


def test_a_body_first_article_starts_at_its_first_body_block(segmenter):
    lines = [TITLE_A, "", BYLINE_A, *A_LINES, "", *B_LINES[:4], "", TITLE_B, "", *B_LINES[4:]]
    result = segmenter.predict(page_text(lines))
    b_starts = 3 + len(A_LINES) + 2
    assert [article.spans for article in result.articles] == [[(1, b_starts - 2)], [(b_starts, len(lines))]]
    assert result.articles[1].title == TITLE_B


def test_a_one_line_title_without_byline_starts_an_article(segmenter):
    lines = [TITLE_A, "", BYLINE_A, *A_LINES, "", TITLE_B, "", *B_LINES]
    result = segmenter.predict(page_text(lines))
    assert [(article.title, len(article.spans)) for article in result.articles] == [(TITLE_A, 1), (TITLE_B, 1)]


def test_nothing_is_joined_on_a_page_where_no_block_continues_another(segmenter):
    third = [
        "乡村学校迎来新老师",
        "",
        "本报讯（记者陈静）",
        *columns("今年秋季学期，县里为山区学校招聘了六十名新教师。", 15),
    ]
    lines = [TITLE_A, "", BYLINE_A, *A_LINES, "", TITLE_B, "", BYLINE_B, *B_LINES, "", *third]
    assembled = segmenter.predict(page_text(lines))
    alone = segmenter.without_assembly().predict(page_text(lines))
    assert [article.spans for article in assembled.articles] == [article.spans for article in alone.articles]
    assert [article.title for article in assembled.articles] == [TITLE_A, TITLE_B, "乡村学校迎来新老师"]


def test_the_shared_raw_order_page_gets_its_resumed_runs_back(segmenter):
    from newsseg.io.labels import read_labelled

    labelled = read_labelled(PAGES / "ocr-raw" / "rmrb-ocr-002.tsv")
    tags, articles = segmenter.tag_articles(labelled.page)
    assert len(tags) == len(articles) == len(labelled.page.lines)
    runs = [
        articles[i] for i in range(len(tags)) if articles[i] is not None and (i == 0 or articles[i - 1] != articles[i])
    ]
    assert len(runs) > len(set(runs)), "some article of the page is assembled from several runs"


# -- blocks and the pair model --------------------------------------------------------------------


def test_blocks_break_at_blank_lines_outside_lines_and_crf_starts():
    tags = ["O", "B-title", "", "I-body", "I-body", "O", "I-body", "B-body", "I-body"]
    assert page_blocks(tags) == [[1], [3, 4], [6], [7, 8]]


def _one_line_blocks(count: int) -> PageBlocks:
    """A page of ``count`` one-line blocks, each its own CRF segment, sharing some words."""
    lines = [f"第{n % 7}条新闻说{'城市地铁' if n % 3 else '山区小镇'}的事情{n}" for n in range(count)]
    return PageBlocks.from_page(lines, ["B-body"] * count, [0.5] * count)


def test_a_block_is_compared_with_the_open_articles_of_the_latest_tails_only():
    page = _one_line_blocks(20)
    articles = OpenArticles(page)
    for block in range(15):
        assert articles.place(block, None) == block
    positions, features = articles.compared_with(15)
    assert len(positions) == CANDIDATES == 12 and positions == list(range(3, 15))
    between = features[:, FEATURE_NAMES.index("log_articles_between")]
    assert np.allclose(between, np.log1p(np.arange(11, -1, -1)))
    assert all(articles.articles[i].vector is None for i in range(3)), "articles out of reach release their vectors"
    # A reference may continue an article out of reach (training); it is compared again, its vector rebuilt.
    articles.place(15, 1)
    positions, features = articles.compared_with(16)
    assert positions == [1, *range(4, 15)]
    row = positions.index(1)
    assert features[row, FEATURE_NAMES.index("log_articles_between")] == 0.0
    dense = sum(page.dense_vector(b) for b in (1, 15))
    expected = dense @ page.dense_vector(16) / (np.linalg.norm(dense) * np.linalg.norm(page.dense_vector(16)))
    assert features[row, FEATURE_NAMES.index("cosine_article")] == pytest.approx(expected)


def test_block_vectors_are_idf_weighted_bigram_counts():
    tags = ["B-body", "", "B-body", "", "B-body"]
    page = PageBlocks.from_page(["城市地铁城市", "", "城市公园", "", "山区"], tags, [0.5] * 5)
    assert page.n_bigrams == 7  # 城市 市地 地铁 铁城 市公 公园 山区
    shared, own = np.log(4 / 2.5), np.log(4 / 1.5)  # 城市 is in two of the three blocks
    assert page.norm2[0] == pytest.approx((2 * shared) ** 2 + 3 * own**2)
    assert page.dot(page.dense_vector(0), 1) == pytest.approx(2 * shared * shared)
    assert page.dot(page.dense_vector(0), 2) == 0.0


def _examples(names: list[str], segmenter: Segmenter) -> list[AssemblyExample]:
    from newsseg.io.labels import read_labelled

    examples = []
    for name in names:
        labelled = read_labelled(PAGES / "ocr-raw" / name)
        tags, starts, _ = segmenter.tag_with_starts(labelled.page)
        examples.append(AssemblyExample(labelled.page.lines, tags, starts, labelled.articles))
    return examples


def test_training_pairs_name_the_article_each_block_continues(segmenter):
    (example,) = _examples(["rmrb-ocr-002.tsv"], segmenter)
    blocks = PageBlocks.from_page(example.lines, example.tags, example.starts)
    references = block_references(blocks, example.articles)
    X, y = training_pairs(blocks, references)
    assert X.shape == (len(y), len(FEATURE_NAMES))
    continuing = sum(1 for b in range(1, len(references)) if references[b] in references[:b])
    assert int(y.sum()) == continuing, "one positive per block that continues an article opened before it"


def test_fitting_is_deterministic_and_survives_the_model_file(segmenter, tmp_path):
    examples = _examples([f"rmrb-ocr-00{n}.tsv" for n in range(1, 7)], segmenter)
    first, second = Assembler().fit(examples), Assembler().fit(examples)
    assert np.array_equal(first.weights, second.weights) and first.intercept == second.intercept
    restored = Assembler.from_dict(json.loads(json.dumps(first.to_dict())), ModelFileError)
    for example in examples:
        assert restored.assign(example.lines, example.tags, example.starts) == first.assign(
            example.lines, example.tags, example.starts
        )


def test_fitting_needs_joins_and_non_joins():
    lines = ["标题", "正文。"]
    example = AssemblyExample(lines, ["B-title", "I-body"], [0.9, 0.0], ["1", "1"])
    with pytest.raises(ValueError, match="no joins and non-joins"):
        Assembler().fit([example])


# -- the command line ------------------------------------------------------------------------------


def test_train_assemble_on_puts_a_pair_model_in_the_model_and_info_lists_its_features(tmp_path):
    runner = CliRunner()
    model = tmp_path / "assembled.nsm"
    train_on = [str(PAGES / "epaper" / f"rmrb-ocr-01{n}-clean.tsv") for n in range(4)]
    assemble_on = [str(PAGES / "ocr-raw" / f"rmrb-ocr-02{n}.tsv") for n in range(6)]
    args = ["train", *train_on, "--max-iterations", "30", "-o", str(model)]
    for path in assemble_on:
        args += ["--assemble-on", path]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    info = runner.invoke(app, ["info", str(model)])
    manifest = json.loads(info.stdout)
    strongest = manifest["assembly"]["strongest"]
    assert len(strongest) == 10 and {entry["feature"] for entry in strongest} <= set(FEATURE_NAMES)
    assert abs(strongest[0]["weight"]) >= abs(strongest[-1]["weight"])
    assert manifest["assembly"]["training"]["pages"] == 6
    loaded = Segmenter.load(model)
    assert loaded.assembler is not None and loaded.without_assembly().assembler is None


def test_assembly_pages_may_not_share_groups_with_the_test_pages(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "train",
            str(PAGES / "epaper" / "rmrb-ocr-010-clean.tsv"),
            "--assemble-on",
            str(PAGES / "ocr-raw" / "rmrb-ocr-020.tsv"),
            "--test",
            str(PAGES / "ocr-zoned" / "rmrb-ocr-020-zoned.tsv"),
            "-o",
            str(tmp_path / "m.nsm"),
        ],
    )
    assert result.exit_code != 0
    assert "share page groups with the assembly pages: rmrb-ocr-020" in result.output
    assert not (tmp_path / "m.nsm").exists()


def test_predict_no_assemble_keeps_every_segment_an_article(tmp_path):
    lines = [TITLE_A, "", BYLINE_A, *A_LINES[:8], "", TITLE_B, "", BYLINE_B, *B_LINES, "", *A_LINES[8:]]
    a_resumes = len(lines) - len(A_LINES[8:]) + 1
    page = tmp_path / "page.txt"
    page.write_text(page_text(lines), encoding="utf-8")
    runner = CliRunner()
    assembled = [json.loads(line) for line in runner.invoke(app, ["predict", str(page)]).stdout.splitlines()]
    alone = [
        json.loads(line) for line in runner.invoke(app, ["predict", str(page), "--no-assemble"]).stdout.splitlines()
    ]
    a_first, a_second, b = [1, 11], [a_resumes, len(lines)], [13, a_resumes - 2]
    assert [record["spans"] for record in assembled] == [[a_first, a_second], [b]]
    assert [record["spans"] for record in alone] == [[a_first], [b], [a_second]]


def test_evaluate_scores_the_model_with_or_without_its_assembly_stage():
    from newsseg.evaluation.scoring import evaluate_pages
    from newsseg.train.dataset import read_labelled_pages

    pages = read_labelled_pages([PAGES / "ocr-raw" / f"rmrb-ocr-00{n}.tsv" for n in (2, 3)])
    bundled = Segmenter.load()
    runner = CliRunner()
    for options, segmenter in (([], bundled), (["--no-assemble"], bundled.without_assembly())):
        result = runner.invoke(app, ["evaluate", *(str(page.name) for page in pages), "--json", *options])
        assert result.exit_code == 0, result.output
        scored = json.loads(result.stdout)["ocr-raw"]
        expected = evaluate_pages(segmenter, pages)["ocr-raw"].summary()
        assert scored["pairwise_f1"] == pytest.approx(expected["pairwise_f1"], abs=1e-4)
        assert scored["boundary_f1"] == pytest.approx(expected["boundary_f1"], abs=1e-4)
