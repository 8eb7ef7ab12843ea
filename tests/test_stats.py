"""The phenomena table: each row counted on a hand-made page, comparisons, and ``newsseg stats``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newsseg.cli import app
from newsseg.io.labels import labelled_page_from_text
from newsseg.synth.stats import PHENOMENA, compare_phenomena, phenomena, phenomena_table

runner = CliRunner()

# Article 1 is interrupted by article 2 and resumed; article 3 prints its title after its body;
# article 2 has a one-line title and no byline, and a rule OCR read as "|" tagged O inside it.
PAGE = """O\t人民日报
\t
B-title@1\t山区小镇种茶致富
I-byline\t本报杭州3月2日电（记者王明）
I-body\t安吉县溪龙乡的白茶园里，茶农们
I-body\t正忙着采摘今年的头茬白茶。
\t
B-title@2\t地铁新线开通
I-body\t记者从市轨道交通集团获悉，地铁
O\t|
I-body\t五号线今天正式开通运营。
\t
B-body@1\t近年来，溪龙乡依托白茶产业，带动
I-body\t全乡茶农增收致富。
\t
B-body@3\t这是一篇先有正文的文章，标题印在
\t
I-body\t了正文的后面。
I-title\t标题在后面
I-body\t近年来，溪龙乡依托白茶产业，带动
\t
O\t第3版
"""


@pytest.fixture
def page():
    return labelled_page_from_text(PAGE, "hand-made.tsv")


def test_every_row_counts_what_it_says_on_a_hand_made_page(page):
    figures = phenomena([page])
    assert set(figures) == {p.name for p in PHENOMENA}
    assert figures["lines/page"] == 22
    assert figures["articles/page"] == 3
    assert figures["segments/page"] == 4
    assert figures["continuations/page"] == 1 and figures["continuation lines"] == 2
    assert figures["body-first articles"] == pytest.approx(1 / 3)
    assert figures["one-line title, no byline"] == pytest.approx(2 / 3)
    assert figures["mid-page O/page"] == 1 and figures["junk O/page"] == 1
    assert figures["headline lines/article"] == 1.0
    assert figures["bylines/article"] == pytest.approx(1 / 3)
    assert figures["captions/article"] == 0.0 and figures["subheads/article"] == 0.0
    assert figures["blank at article change"] == 1.0
    assert figures["blank after sentence end"] == 0.0
    assert figures["blank mid-sentence"] == pytest.approx(1 / 7)
    assert figures["line-length spread"] is None, "no article has five body lines"
    assert figures["junk lines/page"] == 1
    assert figures["duplicated lines/page"] == 1
    assert figures["noise lines/page"] == 0


def test_a_set_is_within_tolerance_of_itself_and_a_different_one_is_not(page):
    same = compare_phenomena([page], [page])
    assert all(row.within is not False for row in same)
    flat = labelled_page_from_text(PAGE.replace("B-body@1", "B-body@4").replace("I-byline", "I-body"), "flat.tsv")
    rows = {row.phenomenon.name: row for row in compare_phenomena([page], [flat])}
    assert rows["continuations/page"].within is False and rows["continuations/page"].other == 0
    assert rows["bylines/article"].within is False
    assert rows["lines/page"].within is True
    table = phenomena_table(list(rows.values()), "hand", "flat")
    assert "| continuations/page | 1.000 | 0.000 | ±0.300 | **no** |" in table


def _write(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_stats_command_compares_two_sets_and_strict_fails_on_a_row_out_of_tolerance(tmp_path):
    first = _write(tmp_path / "first", "a.tsv", PAGE)
    second = _write(tmp_path / "second", "b.tsv", PAGE.replace("B-body@1", "B-body@4"))
    result = runner.invoke(app, ["stats", str(first), "--against", str(first), "--strict"])
    assert result.exit_code == 0, result.stderr
    assert f"{len(PHENOMENA)} of {len(PHENOMENA)} rows within tolerance" in result.stderr
    result = runner.invoke(app, ["stats", str(first), "--against", str(second), "--strict", "--format", "json"])
    assert result.exit_code == 2
    rows = {row["phenomenon"]: row for row in json.loads(result.stdout)["rows"]}
    assert rows["continuations/page"] == {
        "phenomenon": "continuations/page",
        "meaning": rows["continuations/page"]["meaning"],
        "reference": 1.0,
        "other": 0.0,
        "tolerance": 0.3,
        "within": False,
    }
    assert runner.invoke(app, ["stats", str(first), "--against", str(second)]).exit_code == 0


def test_stats_command_reports_a_bad_file_with_its_line_and_measures_the_rest(tmp_path):
    folder = _write(tmp_path / "pages", "good.tsv", PAGE)
    _write(folder, "bad.tsv", "B-title\t标题\nX-nonsense\t正文\n")
    result = runner.invoke(app, ["stats", str(folder)])
    assert result.exit_code == 1
    assert "bad.tsv:2" in result.stderr and "Traceback" not in result.stderr
    assert "| segments/page | 4.000 |" in result.stdout, "the good page is still measured"
    result = runner.invoke(app, ["stats", str(folder), "--format", "yaml"])
    assert result.exit_code == 1 and "--format" in result.stderr
