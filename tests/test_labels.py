"""The labelled-page format: byte-exact round trips and validation errors with file and line."""

from __future__ import annotations

import pytest

from newsseg.errors import LabelError
from newsseg.io.labels import (
    ROLES,
    TAGS,
    LabelledPage,
    labelled_page_from_text,
    labelled_text,
    read_labelled,
    tag_role,
    write_labelled,
)
from newsseg.io.page import Page

from .conftest import PAGES, TWO_ARTICLES


def test_tag_set_is_o_plus_begin_and_inside_of_each_role():
    assert len(TAGS) == 1 + 2 * len(ROLES)
    assert tag_role("B-title") == "title" and tag_role("I-noise") == "noise" and tag_role("O") is None


@pytest.mark.parametrize("folder", ["epaper", "ocr-zoned", "ocr-raw", "real"])
def test_every_data_file_reads_and_writes_back_byte_for_byte(folder):
    files = sorted((PAGES / folder).glob("*.tsv"))
    assert files
    for path in files:
        labelled = read_labelled(path)
        assert labelled_text(labelled).encode("utf-8") == path.read_bytes(), path


def test_write_then_read_gives_the_same_page(tmp_path):
    page = Page(("O\tnot a tag", "  indented text ", "", "“引号”\t内有制表符"), "p.tsv")
    labelled = LabelledPage(page, ("O", "B-body", "", "I-body"))
    write_labelled(labelled, tmp_path / "p.tsv")
    back = read_labelled(tmp_path / "p.tsv")
    assert back.page.lines == page.lines
    assert back.tags == labelled.tags


def test_blank_lines_and_empty_lines_are_blank():
    labelled = labelled_page_from_text("B-title\t标题\n\t\n\nI-body\t正文\n", "x.tsv")
    assert labelled.tags == ("B-title", "", "", "I-body")
    assert labelled.content_tags == ["B-title", "I-body"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("B-title\t标题\nI-body 正文没有制表符\n", r"x\.tsv:2: no tab between tag and text"),
        ("B-title\t标题\nI-tittle\t正文\n", r"x\.tsv:2: unknown tag 'I-tittle' \(did you mean 'I-title'\?\)"),
        ("B-title\t标题\nb-body\t正文\n", r"x\.tsv:2: unknown tag 'b-body' \(did you mean 'B-body'\?\)"),
        ("O\t人民日报\nI-body\t正文\n", r"x\.tsv:2: 'I-body' but no article is open"),
        ("B-title\t标题\nI-body\t \n", r"x\.tsv:2: a blank line has tag 'I-body'"),
        ("B-title\t标题\n\t正文\n", r"x\.tsv:2: the line has text but no tag"),
        ("", r"x\.tsv: the file is empty"),
    ],
)
def test_label_errors_name_file_and_line(text, message):
    with pytest.raises(LabelError, match=message):
        labelled_page_from_text(text, "x.tsv")


def test_the_fixture_page_is_valid(two_articles):
    assert two_articles.content_tags[0] == "O"
    assert labelled_text(two_articles) == TWO_ARTICLES


def test_gb18030_labelled_file_is_read(tmp_path):
    path = tmp_path / "gb.tsv"
    path.write_bytes(TWO_ARTICLES.encode("gb18030"))
    assert read_labelled(path).page.lines[2] == "春运返程高峰到来"


def test_article_keys_join_the_runs_of_an_article_that_ocr_broke_apart():
    text = "O\t人民日报\nB-title@a\t甲文标题\nI-body@a\t甲文正文\n\t\nB-body@b\t乙文正文\nB-body@a\t甲文续\n"
    # the key on an I- line is refused below; here it is only on B- lines
    text = text.replace("I-body@a", "I-body")
    labelled = labelled_page_from_text(text, "x.tsv")
    assert labelled.tags == ("O", "B-title", "I-body", "", "B-body", "B-body")
    assert labelled.articles == [None, "a", "a", None, "b", "a"]
    assert labelled.content_articles == [None, "a", "a", "b", "a"]
    assert labelled_text(labelled) == text


def test_a_page_without_keys_makes_each_segment_an_article():
    labelled = labelled_page_from_text("B-title\t甲\nI-body\t正文\nO\t页脚\nB-body\t乙\n", "x.tsv")
    assert labelled.keys is None
    assert labelled.articles == ["1", "1", None, "2"]


def test_the_shared_pages_carry_the_gold_articles_of_resumed_runs():
    labelled = read_labelled(PAGES / "ocr-raw" / "rmrb-ocr-002.tsv")
    segments = [labelled.articles[i] for i, tag in enumerate(labelled.tags) if tag.startswith("B-")]
    assert len(segments) > len(set(segments)), "page 2 has an article in several runs"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("B-title@1\t标题\nI-body@1\t正文\n", r"x\.tsv:2: an article key goes on a B- line only"),
        ("B-title@1\t标题\nB-body\t乙\n", r"x\.tsv:2: 'B-body' has no article key"),
        ("B-title\t标题\nB-body@2\t乙\n", r"x\.tsv:2: a B- line with an article key on a page whose first"),
        ("B-title@1\t标题\nB-body@1\t乙\n", r"x\.tsv:2: 'B-body@1' starts a segment of article '1', which is"),
        ("B-title@a b\t标题\n", r"x\.tsv:1: bad article key 'a b'"),
        ("\t\n@1\t\n", r"x\.tsv:2: an article key goes on a B- line only, not on 'a blank line'"),
    ],
)
def test_bad_article_keys_are_named_with_file_and_line(text, message):
    with pytest.raises(LabelError, match=message):
        labelled_page_from_text(text, "x.tsv")
