"""Writers: jsonl records, plain text and Markdown of a page's articles."""

from __future__ import annotations

import json

from newsseg.articles.records import PageResult, build_articles
from newsseg.formats import (
    EXTENSIONS,
    FORMATS,
    PAGE_WRITERS,
    markdown_escape,
    to_json,
    to_jsonl,
    to_markdown,
    to_text,
    to_tsv,
)
from newsseg.io.labels import LabelledPage, labelled_page_from_text, labelled_text

from .test_articles import BROKEN_APART, CUT_PARAGRAPH, RMRB_PAGE, keyed_result


def page_result() -> PageResult:
    labelled = labelled_page_from_text(RMRB_PAGE, "page.txt")
    confidences = [0.0] * len(labelled.tags)
    confidences[2], confidences[20] = 0.42, 0.97
    return build_articles(labelled.page, labelled.tags, confidences)


def test_every_format_has_a_writer_or_is_json_and_an_extension():
    assert set(FORMATS) == {*PAGE_WRITERS, "json"}
    assert set(FORMATS) == set(EXTENSIONS)


def test_jsonl_is_one_record_per_article_with_the_contract_fields():
    records = [json.loads(line) for line in to_jsonl(page_result()).splitlines()]
    assert [(r["start_line"], r["end_line"]) for r in records] == [(3, 20), (21, 26)]
    assert [r["review"] for r in records] == [True, False]
    assert records[0]["confidence"] == 0.42
    assert records[1]["byline"]["reporters"] == ["杜勇"]


def test_text_puts_each_title_first_and_one_paragraph_per_line():
    text = to_text(page_result())
    blocks = text.split("# page.txt")
    first = blocks[1].splitlines()
    assert first[0].startswith(", article 1, lines 3-20, start confidence 0.42, to review")
    assert first[1] == "春运返程高峰到来"
    assert "kicker: 守护一方平安——" in first
    assert "byline: 本报北京2月13日电 （记者王某、李某）" in first
    assert "记者在北京西站看到，旅客有序进站，秩序井然，车站工作人员忙着引导旅客上车。" in first
    assert "[caption] 图为旅客在北京西站候车。 本报记者 张三摄" in first
    assert blocks[2].splitlines()[1] == "民警的除夕夜"
    assert text.endswith("\n\n")


def test_markdown_has_a_heading_per_article_and_escapes_text():
    markdown = to_markdown(page_result())
    assert markdown.startswith("# page.txt\n")
    assert "## 春运返程高峰到来" in markdown
    assert "*本报北京2月13日电 （记者王某、李某）*" in markdown
    assert "> 图为旅客在北京西站候车。 本报记者 张三摄" in markdown
    assert "<!-- page.txt, article 1, lines 3-20, start confidence 0.42, to review -->" in markdown


def test_markdown_escape_neutralises_markup_but_leaves_chinese_text_alone():
    assert markdown_escape("a*b_c [x](y) <b> | & 1") == "a\\*b\\_c \\[x\\](y) \\<b\\> \\| &amp; 1"
    assert markdown_escape("# 标题") == "\\# 标题"
    assert markdown_escape("1. 一是") == "1\\. 一是"
    assert markdown_escape("（签订劳动合同）2019年") == "（签订劳动合同）2019年"


def test_untitled_articles_are_marked():
    labelled = labelled_page_from_text("B-body\t只有正文。\n", "p.txt")
    result = build_articles(labelled.page, labelled.tags)
    assert "(untitled)" in to_text(result)
    assert "## (untitled)" in to_markdown(result)


def test_jsonl_gives_each_article_its_spans_and_lines_in_reading_order():
    records = [json.loads(line) for line in to_jsonl(keyed_result()).splitlines()]
    assert [(r["index"], r["spans"]) for r in records] == [(0, [[2, 6], [12, 16]]), (1, [[8, 10]])]
    assert [line["n"] for line in records[0]["lines"]] == [2, 3, 4, 5, 6, 12, 13, 15, 16]
    assert records[0]["paragraphs"][0]["text"] == CUT_PARAGRAPH
    (page,) = json.loads(to_json([keyed_result()]))
    assert [a["spans"] for a in page["articles"]] == [[[2, 6], [12, 16]], [[8, 10]]]
    assert [r["spans"] for r in map(json.loads, to_jsonl(page_result()).splitlines())] == [[[3, 20]], [[21, 26]]]


def test_text_and_markdown_name_every_span_of_an_article():
    text = to_text(keyed_result())
    assert "# page.tsv, article 1, lines 2-6, 12-16, start confidence 0.95\n春运返程高峰到来\n" in text
    assert "# page.tsv, article 2, lines 8-10, start confidence 0.95\n" in text
    assert CUT_PARAGRAPH in text.splitlines()
    assert "<!-- page.tsv, article 1, lines 2-6, 12-16, start confidence 0.95 -->" in to_markdown(keyed_result())


def test_tsv_keys_every_segment_when_an_article_has_several_spans_and_reads_back_into_the_same_articles():
    result = keyed_result()
    tsv = to_tsv(result)
    assert [line.split("\t")[0] for line in tsv.splitlines() if line.startswith("B-")] == [
        "B-title@1",
        "B-title@2",
        "B-body@1",
    ]
    labelled = labelled_page_from_text(tsv, "again.tsv")
    assert labelled.page.lines == result.page.lines
    again = build_articles(labelled.page, labelled.tags, articles=labelled.articles)
    assert [(a.spans, a.lines) for a in again.articles] == [(a.spans, a.lines) for a in result.articles]
    assert labelled.articles[1:16] == ["1"] * 5 + [None, "2", "2", "2", None] + ["1", "1", None, "1", "1"]


def test_tsv_of_articles_each_in_one_piece_is_the_plain_labelled_page():
    for text in (RMRB_PAGE, BROKEN_APART):
        labelled = labelled_page_from_text(text, "page.tsv")
        result = build_articles(labelled.page, labelled.tags)
        assert to_tsv(result) == labelled_text(LabelledPage(labelled.page, labelled.tags))
        assert "@" not in to_tsv(result)
    assert to_tsv(build_articles(labelled.page, labelled.tags)) == BROKEN_APART.replace("@A", "").replace("@B", "")


def test_tsv_starts_a_segment_only_where_a_span_starts():
    labelled = labelled_page_from_text("B-title\t标题\nI-body\t正文一。\nB-body\t正文二。\n", "p.tsv")
    result = build_articles(labelled.page, labelled.tags, articles=["1", "1", "1"])
    assert to_tsv(result) == "B-title\t标题\nI-body\t正文一。\nI-body\t正文二。\n"
