"""Structure parsing on the labelled pages held out by the quality split, against data/gold.

The tags are the labelled ones, so these figures measure the parsing of titles, bylines and
paragraphs alone (bench/structure_eval.py also measures it end to end with a trained model).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from newsseg.articles.joining import compact
from newsseg.articles.records import build_articles
from newsseg.train.dataset import read_labelled_pages

from .conftest import PAGES, ROOT

FLOORS = {
    ("epaper", "title_exact"): 1.0,
    ("epaper", "byline_source"): 1.0,
    ("epaper", "byline_reporters"): 1.0,
    ("epaper", "paragraph_f1"): 0.95,
    ("ocr-zoned", "byline_source"): 0.9,
    ("ocr-zoned", "byline_reporters"): 0.75,
    ("ocr-zoned", "paragraph_f1"): 0.92,
    ("ocr-raw", "paragraph_f1"): 0.88,
    ("real", "byline_reporters"): 1.0,
}


@pytest.fixture(scope="module")
def gold_tag_scores() -> dict:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "structure_eval.py"), "--tags", "gold", "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(("kind", "figure"), sorted(FLOORS))
def test_structure_parsing_on_held_out_pages(gold_tag_scores, kind, figure):
    value = gold_tag_scores[kind][figure]
    assert value is not None and value >= FLOORS[kind, figure], f"{kind} {figure}: {value} < {FLOORS[kind, figure]}"


def test_every_gold_byline_and_paragraph_pair_is_scored(gold_tag_scores):
    assert gold_tag_scores["epaper"]["bylines"] == gold_tag_scores["ocr-raw"]["bylines"] > 30
    assert gold_tag_scores["real"]["bylines"] == 6
    assert gold_tag_scores["all"]["paragraph_pairs"] > 8000


def test_no_text_is_lost_or_invented_on_any_labelled_page():
    """Byline, paragraphs and left-out duplicates hold exactly the characters of the byline and body lines
    (of each whole article: the labelled keys put the spans of an article OCR broke apart together)."""
    for labelled in read_labelled_pages([PAGES]):
        for article in build_articles(labelled.page, labelled.tags, articles=labelled.articles).articles:
            source = compact("".join(line.text for line in article.lines if line.role in ("body", "subhead", "byline")))
            parts = (article.byline.text if article.byline else "") + "".join(p.text for p in article.paragraphs)
            parts += "".join(passage.text for passage in article.noise if passage.why == "duplicate")
            assert Counter(compact(parts)) == Counter(source), f"{labelled.name}: article at line {article.start_line}"
