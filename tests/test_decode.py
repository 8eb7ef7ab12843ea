"""Decoding tags into article segments with 1-based input line numbers."""

from __future__ import annotations

from newsseg.articles.records import build_articles, join_lines
from newsseg.io.page import Page
from newsseg.model.decode import decode_segments, repair_tags, spread_tags


def test_segments_span_from_b_to_the_last_article_line():
    tags = ["O", "", "B-title", "I-byline", "", "I-body", "O", "B-kicker", "I-title", "I-body", "O", ""]
    segments = decode_segments(tags)
    assert [(s.start_line, s.end_line) for s in segments] == [(3, 6), (8, 10)]
    assert segments[0].roles == ("title", "byline", "body")


def test_o_lines_inside_an_article_do_not_split_it():
    segments = decode_segments(["B-title", "O", "I-body", "I-body"])
    assert len(segments) == 1 and segments[0].indices == (0, 2, 3)


def test_interleaved_article_gives_a_new_segment():
    segments = decode_segments(["B-title", "I-body", "B-title", "I-body", "B-body", "I-body"])
    assert [(s.start_line, s.end_line) for s in segments] == [(1, 2), (3, 4), (5, 6)]


def test_orphan_inside_tag_is_repaired_into_a_start():
    assert repair_tags(["O", "I-body", "I-body", "O"]) == ["O", "B-body", "I-body", "O"]
    assert decode_segments(["", "I-title", "I-body"])[0].start_line == 2


def test_no_articles_on_a_page_of_furniture():
    assert decode_segments(["O", "", "O"]) == []


def test_spread_puts_blank_tags_on_blank_lines():
    assert spread_tags(["B-title", "I-body"], [1, 3], 5) == ["", "B-title", "", "I-body", ""]


def test_build_articles_gives_titles_lines_and_outside():
    page = Page(("人民日报", "", "春运返程", "高峰到来", "本报讯 正文。"), "p")
    result = build_articles(page, ["O", "", "B-title", "I-title", "I-byline"], [0, 0, 0.9, 0.1, 0.0])
    (article,) = result.articles
    assert article.title == "春运返程高峰到来"
    assert (article.start_line, article.end_line, article.confidence) == (3, 5, 0.9)
    assert [line.number for line in article.lines] == [3, 4, 5]
    assert [line.text for line in result.outside] == ["人民日报"]
    record = article.to_dict("p")
    assert {"page", "index", "start_line", "end_line", "title", "lines"} <= set(record)


def test_join_lines_keeps_spaces_only_between_latin_words():
    assert join_lines(["新就业形态", "劳动者"]) == "新就业形态劳动者"
    assert join_lines(["Hello", "world"]) == "Hello world"
    assert join_lines(["补齐短板 落细职责"]) == "补齐短板 落细职责"
