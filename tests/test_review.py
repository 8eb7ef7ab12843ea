"""The HTML review report: its content, and how it renders in a real headless Chromium."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsseg.articles.records import PageResult, build_articles
from newsseg.cli import app
from newsseg.io.labels import labelled_page_from_text
from newsseg.labelling.review import article_colours, review_html

from .conftest import SAMPLE
from .test_articles import BROKEN_APART, DUPLICATED, RMRB_PAGE, keyed_result

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
WINDOW = (1400, 1600)
HOSTILE_TITLE = "<script>alert(1)</script> & “标题”"


def results() -> list[PageResult]:
    """Two hand-made pages: one with an unsure start and a near-start, one with a hostile title."""
    first = labelled_page_from_text(RMRB_PAGE, "first-page.txt")
    starts = [0.0] * len(first.tags)
    starts[2], starts[20], starts[14] = 0.55, 0.97, 0.35
    second = labelled_page_from_text(
        f"B-title\t{HOSTILE_TITLE}\nI-body\t正文第一句。\n\n" + DUPLICATED, "second<page>.txt"
    )
    second_starts = [0.99 if tag.startswith("B-") else 0.0 for tag in second.tags]
    return [
        build_articles(first.page, first.tags, starts, probability=0.2),
        build_articles(second.page, second.tags, second_starts, probability=0.9),
    ]


def test_report_is_self_contained_and_escapes_all_text():
    report = review_html(results())
    assert report.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in report
    assert "<script" not in report
    for outside in ("http://", "https://", "src=", "<link", "@import", "url("):
        assert outside not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; “标题”" in report
    assert "second&lt;page&gt;.txt" in report


def test_report_marks_articles_roles_and_unsure_boundaries():
    report = review_html(results())
    assert 'class="ln role-kicker start doubt"' in report
    assert "start? 0.55" in report
    assert 'class="ln role-body maybe"' in report
    assert "start? 0.35" in report
    for index in range(2):
        fill, edge = article_colours(index)
        assert f"--fill: {fill}; --edge: {edge}" in report
    assert "<dt>reporters</dt><dd>王某、李某</dd>" in report
    assert "left out (duplicate)" in report
    assert 'class="ln role-body left-out"' in report
    assert "4 articles, 1 to review" in report


def test_an_article_in_several_spans_has_one_colour_and_says_where_it_was_left_off():
    report = review_html([keyed_result()])
    first, second = (f"--fill: {fill}; --edge: {edge}" for fill, edge in map(article_colours, range(2)))
    assert report.count(first) == 4 and report.count(second) == 2
    assert report.index(first) < report.index(second) < report.rindex(first)
    assert 'id="p1-a1"' in report and 'id="p1-a1-s2"' in report
    assert '<div class="ln role-body start resumed"' in report
    assert '<span class="flag">continued from line 6</span>' in report
    assert "lines 2–6, 12–16" in report
    assert "continued from line 6 (span 2 of 2)" in report
    assert "2 articles, 0 to review" in report


def test_an_unsure_resumed_span_is_marked_with_its_start_confidence():
    labelled = labelled_page_from_text(BROKEN_APART, "page.tsv")
    starts = [0.95 if tag.startswith("B-") else 0.01 for tag in labelled.tags]
    starts[11] = 0.4
    result = build_articles(labelled.page, labelled.tags, starts, articles=labelled.articles)
    report = review_html([result])
    assert '<div class="ln role-body start resumed doubt"' in report
    assert "continued from line 6 · start? 0.40" in report
    assert "2 articles, 0 to review, 1 uncertain boundaries" in report


def test_article_colours_are_distinct():
    fills = [article_colours(i)[0] for i in range(12)]
    assert len(set(fills)) == 12
    assert all(len(fill) == 7 and fill.startswith("#") for fill in fills)


# -- in a real browser ---------------------------------------------------------------------


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Chromium is not installed (`make test` installs it with apt-get)")
    return path


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, timeout=300, check=False)


def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit, non-interlaced RGB or RGBA PNG (stdlib only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks = 8, {}
    idat = b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IDAT":
            idat += body
        else:
            chunks[kind] = body
        position += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and interlace == 0 and colour_type in (2, 6)
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    pixels = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                near = min(
                    (abs(estimate - left), 0, left), (abs(estimate - up), 1, up), (abs(estimate - corner), 2, corner)
                )
                line[i] = (line[i] + near[2]) & 0xFF
        pixels.extend(tuple(line[i : i + 3]) for i in range(0, stride, channels))
        previous = line
    return width, height, pixels


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review") / "report.html"
    path.write_text(review_html(results()), encoding="utf-8")
    return path


def test_chromium_renders_the_articles_in_their_colours(report_file, tmp_path):
    shot = tmp_path / "shot.png"
    done = run_chromium(
        tmp_path, f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}", report_file.as_uri()
    )
    assert shot.exists(), done.stderr.decode(errors="replace")[-2000:]
    width, height, pixels = decode_png(shot.read_bytes())
    assert (width, height) == WINDOW
    counts = Counter(pixels)
    assert len(counts) > 50, "the screenshot is (nearly) blank"
    assert counts[(255, 255, 255)] < 0.95 * len(pixels)
    for index in range(2):
        fill, edge = article_colours(index)
        assert counts[rgb(fill)] > 2000, f"article {index + 1}'s colour {fill} is not on screen"
        assert counts[rgb(edge)] > 100, f"article {index + 1}'s border {edge} is not on screen"
    assert counts[rgb("#d0021b")] > 50, "the unsure start is not highlighted"
    assert counts[rgb("#f5a623")] > 50, "the near-start is not marked"


def test_chromium_dom_holds_the_titles_and_no_injected_script(report_file, tmp_path):
    done = run_chromium(tmp_path, "--dump-dom", report_file.as_uri())
    dom = done.stdout.decode("utf-8")
    assert "春运返程高峰到来" in dom and "民警的除夕夜" in dom and "让爱不“滞留”" in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script>alert" not in dom
    assert dom.count('class="card"') == 4


def test_review_command_writes_one_html_file(small_model, tmp_path):
    out = tmp_path / "report.html"
    runner = CliRunner()
    done = runner.invoke(app, ["review", str(SAMPLE), "-m", str(small_model), "-o", str(out)])
    assert done.exit_code == 0, done.stderr
    report = out.read_text(encoding="utf-8")
    assert "zjgrrb-page.txt" in report and 'class="card"' in report
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    failed = runner.invoke(app, ["review", str(bad), "-m", str(small_model), "-o", str(tmp_path / "none.html")])
    assert failed.exit_code == 1
    assert "empty.txt" in failed.stderr and "Traceback" not in failed.stderr
    assert not (tmp_path / "none.html").exists()
    threshold = runner.invoke(app, ["review", str(SAMPLE), "-o", str(out), "--review-threshold", "1.5"])
    assert threshold.exit_code == 1 and "--review-threshold" in threshold.stderr
