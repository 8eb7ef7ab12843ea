"""The Python API: Segmenter.load / fit / predict on texts, lines and pages."""

from __future__ import annotations

import pytest

from newsseg import Page, PageResult, Segmenter, read_page
from newsseg.errors import InputError

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def bundled() -> Segmenter:
    return Segmenter.load()


def test_bundled_model_loads_with_its_manifest(bundled):
    assert bundled.manifest["training"]["pages"] > 100
    assert "B-title" in bundled.manifest["labels"]


def test_predict_text_lines_and_page_agree(bundled):
    text = SAMPLE.read_text(encoding="utf-8")
    from_text = bundled.predict(text, name="sample")
    from_lines = bundled.predict(text.split("\n"), name="sample")
    from_page = bundled.predict(read_page(SAMPLE))
    assert isinstance(from_text, PageResult)
    spans = [(a.start_line, a.end_line) for a in from_text.articles]
    assert spans == [(a.start_line, a.end_line) for a in from_lines.articles]
    assert spans == [(a.start_line, a.end_line) for a in from_page.articles]


def test_articles_cover_their_lines_in_order(bundled):
    result = bundled.predict(read_page(SAMPLE))
    assert len(result.tags) == len(result.page.lines)
    previous_end = 0
    for article in result.articles:
        assert previous_end < article.start_line <= article.end_line
        assert article.lines[0].number == article.start_line and article.lines[-1].number == article.end_line
        assert 0.0 <= article.confidence <= 1.0
        previous_end = article.start_line
    assert 0.0 <= result.probability <= 1.0


def test_blank_lines_keep_their_place(bundled):
    page = Page.from_text("春运返程高峰到来\n\n\n本报北京2月13日电 （记者王某）\n\n春节假期结束，各地迎来返程高峰。\n")
    tags = bundled.tag(page)
    assert [t == "" for t in tags] == [False, True, True, False, True, False]


def test_fit_then_predict(small_training_set):
    segmenter = Segmenter(max_iterations=10).fit(small_training_set[:3])
    result = segmenter.predict(small_training_set[3].page)
    assert result.articles


def test_empty_text_is_an_input_error(bundled):
    with pytest.raises(InputError):
        bundled.predict("   \n\n")


def test_fit_needs_pages():
    with pytest.raises(ValueError, match="no labelled pages"):
        Segmenter().fit([])
