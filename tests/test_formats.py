"""Writers: jsonl records, plain text and Markdown of a page's articles."""

from __future__ import annotations

import json

from newsseg.articles.records import PageResult, build_articles
from newsseg.formats import EXTENSIONS, FORMATS, PAGE_WRITERS, markdown_escape, to_jsonl, to_markdown, to_text
from newsseg.io.labels import labelled_page_from_text

from .test_articles import RMRB_PAGE


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
