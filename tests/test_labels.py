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
