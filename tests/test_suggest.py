"""Which pages to label next: ranking by the model's probability, per line or per page."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from newsseg.articles.records import PageResult, build_articles
from newsseg.cli import app
from newsseg.io.page import Page
from newsseg.labelling.suggest import least_sure

from .conftest import SAMPLE


def result(name: str, lines: int, probability: float) -> PageResult:
    page = Page(tuple(f"第{i}行正文。" for i in range(lines)), name)
    return build_articles(page, ["B-body"] + ["I-body"] * (lines - 1), probability=probability)


def test_per_line_ranking_does_not_favour_long_pages():
    short_unsure = result("short", 10, 0.5)  # log p per line -0.069
    long_sure = result("long", 200, 0.01)  # log p per line -0.023
    by_line = least_sure([long_sure, short_unsure], 2)
    assert [s.name for s in by_line] == ["short", "long"]
    by_page = least_sure([long_sure, short_unsure], 2, by="page")
    assert [s.name for s in by_page] == ["long", "short"]


def test_count_limits_and_underflow_ranks_first():
    pages = [result("a", 5, 0.9), result("b", 5, 0.0), result("c", 5, 0.5)]
    chosen = least_sure(pages, 2)
    assert [s.name for s in chosen] == ["b", "c"]
    assert chosen[0].to_dict()["mean_log_probability"] is None
    assert least_sure(pages, 0) == []


def test_unknown_ranking_and_missing_probability_are_refused():
    with pytest.raises(ValueError, match="unknown ranking"):
        least_sure([result("a", 3, 0.5)], 1, by="words")
    page = Page(("正文。",), "x")
    with pytest.raises(ValueError, match="no sequence probability"):
        least_sure([build_articles(page, ["B-body"])], 1)


def test_suggest_command_lists_the_least_sure_pages(small_model, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "real.txt")
    (folder / "short.txt").write_text(
        "春运返程高峰到来\n\n本报北京2月13日电 （记者王某）\n春节假期结束。\n", encoding="utf-8"
    )
    (folder / "empty.txt").write_bytes(b"")
    runner = CliRunner()
    out = runner.invoke(app, ["suggest", str(folder), "-n", "1", "-m", str(small_model), "--json"])
    assert out.exit_code == 1
    assert "empty.txt" in out.stderr and "Traceback" not in out.stderr
    (chosen,) = json.loads(out.stdout)
    assert chosen["page"].endswith(".txt")
    table = runner.invoke(app, ["suggest", str(folder / "real.txt"), str(folder / "short.txt"), "-m", str(small_model)])
    rows = table.stdout.splitlines()
    assert rows[0].startswith("page\tlog_probability_per_line")
    scores = [float(row.split("\t")[1]) for row in rows[1:]]
    assert len(scores) == 2 and scores == sorted(scores)
