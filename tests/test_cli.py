"""The newsseg command through Typer's CliRunner: train, predict, evaluate, check, info, bad input."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from newsseg.cli import app
from newsseg.io.labels import read_labelled

from .conftest import PAGES, SAMPLE

runner = CliRunner()


def invoke(*args: str, input: str | bytes | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def page_dir(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "zjgrrb.txt")
    (folder / "second.txt").write_text(
        "春运返程高峰到来\n\n本报北京2月13日电 （记者王某）\n春节假期结束，各地迎来返程高峰。\n", encoding="utf-8"
    )
    return folder


def test_help_lists_the_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("train", "predict", "evaluate", "check", "info"):
        assert command in result.stdout


def test_train_with_holdout_prints_scores_and_writes_the_model(tmp_path):
    data = [PAGES / "epaper" / f"rmrb-ocr-00{n}-clean.tsv" for n in range(1, 7)]
    model = tmp_path / "m.nsm"
    result = invoke("train", *data, "-o", model, "--holdout", "0.34", "--max-iterations", "20", "--json")
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    assert 0.0 <= scores["epaper"]["boundary_f1"] <= 1.0
    info = json.loads(invoke("info", model).stdout)
    assert info["heldout"]["test_pages"] == 2 and info["training"]["pages"] == 4
    assert info["crf"]["max_iterations"] == 20


def test_train_only_pages_are_trained_on_but_never_held_out(tmp_path):
    data = [PAGES / "epaper" / f"rmrb-ocr-00{n}-clean.tsv" for n in range(1, 7)]
    extra = [PAGES / "ocr-raw" / f"rmrb-ocr-01{n}.tsv" for n in range(0, 3)]
    model = tmp_path / "m.nsm"
    args = ["--holdout", "0.34", "--max-iterations", "5", "--json"]
    result = invoke(
        "train", *data, "--train-only", extra[0], "--train-only", extra[1], "--train-only", extra[2], *args, "-o", model
    )
    assert result.exit_code == 0, result.stderr
    assert set(json.loads(result.stdout)) == {"all", "epaper"}
    info = json.loads(invoke("info", model).stdout)
    assert info["heldout"]["test_pages"] == 2 and info["training"]["pages"] == 4 + 3
    assert all("clean" in name for name in info["heldout"]["test_names"])
    refused = invoke("train", *data, "--train-only", extra[0], "--cv", "2", "-o", model)
    assert refused.exit_code == 1 and "--train-only does not go with --cv" in refused.stderr


def test_train_scores_separate_test_pages_and_keeps_the_scores(tmp_path):
    data = [PAGES / "epaper" / f"rmrb-ocr-00{n}-clean.tsv" for n in range(1, 5)]
    test = PAGES / "ocr-raw" / "rmrb-ocr-010.tsv"
    model = tmp_path / "m.nsm"
    result = invoke(
        "train", *data, "--test", test, "--test", PAGES / "real", "--max-iterations", "5", "--json", "-o", model
    )
    assert result.exit_code == 0, result.stderr
    assert set(json.loads(result.stdout)) == {"all", "ocr-raw", "real"}
    info = json.loads(invoke("info", model).stdout)
    assert info["training"]["pages"] == 4 and info["heldout"]["test_pages"] == 2
    twin = PAGES / "ocr-zoned" / "rmrb-ocr-001-zoned.tsv"
    leaked = invoke("train", *data, "--test", twin, "-o", tmp_path / "leak.nsm")
    assert leaked.exit_code == 1 and "share page groups" in leaked.stderr
    assert not (tmp_path / "leak.nsm").exists()
    refused = invoke("train", *data, "--test", test, "--holdout", "0.3", "-o", model)
    assert refused.exit_code == 1 and "--test does not go with --holdout" in refused.stderr


def test_train_refit_scores_on_a_held_out_share_then_trains_on_all_pages(tmp_path):
    data = [PAGES / "epaper" / f"rmrb-ocr-00{n}-clean.tsv" for n in range(1, 7)]
    model = tmp_path / "m.nsm"
    result = invoke("train", *data, "--holdout", "0.34", "--refit", "--max-iterations", "5", "-o", model)
    assert result.exit_code == 0, result.stderr
    info = json.loads(invoke("info", model).stdout)
    assert info["training"]["pages"] == 6
    assert info["heldout"]["train_pages"] == 4 and info["heldout"]["test_pages"] == 2
    assert info["heldout"]["refit_on_all"] is True


def test_train_accepts_directories_and_globs(tmp_path):
    model = tmp_path / "m.nsm"
    pattern = str(PAGES / "ocr-raw" / "rmrb-ocr-00[12].tsv")
    result = invoke("train", pattern, PAGES / "real", "-o", model, "--max-iterations", "5")
    assert result.exit_code == 0, result.stderr
    assert json.loads(invoke("info", model).stdout)["training"]["pages"] == 3


def test_train_reports_a_label_error_without_traceback(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("B-title\t标题\nI-bdy\t正文\n", encoding="utf-8")
    model = tmp_path / "m.nsm"
    result = invoke("train", bad, "-o", model)
    assert result.exit_code == 1
    assert "bad.tsv:2: unknown tag 'I-bdy' (did you mean 'I-body'?)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not model.exists()


def test_train_refuses_a_missing_path(tmp_path):
    result = invoke("train", tmp_path / "nothing-here", "-o", tmp_path / "m.nsm")
    assert result.exit_code == 1 and "no such file or directory" in result.stderr


def test_predict_jsonl_contract(small_model):
    result = invoke("predict", SAMPLE, "-m", small_model)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records, "no articles"
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    for index, record in enumerate(records):
        assert record["page"] == str(SAMPLE) and record["index"] == index
        assert 1 <= record["start_line"] <= record["end_line"] <= len(lines)
        assert isinstance(record["title"], str)
        assert record["lines"][0]["n"] == record["start_line"] and record["lines"][-1]["n"] == record["end_line"]
        for line in record["lines"]:
            assert lines[line["n"] - 1] == line["text"]
    starts = [r["start_line"] for r in records]
    assert starts == sorted(starts)


def test_predict_without_model_uses_the_bundled_one():
    result = invoke("predict", SAMPLE)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) >= 3


def test_predict_tsv_can_be_trained_on(small_model, tmp_path):
    out = tmp_path / "page.tsv"
    assert invoke("predict", SAMPLE, "-m", small_model, "--format", "tsv", "-o", out).exit_code == 0
    labelled = read_labelled(out)
    assert labelled.page.lines == tuple(SAMPLE.read_text(encoding="utf-8").split("\n"))
    result = invoke("train", out, "-o", tmp_path / "again.nsm", "--max-iterations", "5")
    assert result.exit_code == 0, result.stderr


def test_predict_a_directory_to_one_file_per_page(small_model, page_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = invoke("predict", page_dir, "-m", small_model, "--format", "tsv", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [".newsseg-outputs.jsonl", "second.tsv", "zjgrrb.tsv"]


def test_predict_json_and_text(small_model, page_dir):
    result = invoke("predict", page_dir, "-m", small_model, "--format", "json")
    pages = json.loads(result.stdout)
    assert [p["page"].split("/")[-1] for p in pages] == ["second.txt", "zjgrrb.txt"]
    text = invoke("predict", page_dir / "second.txt", "-m", small_model, "--format", "text").stdout
    assert "春运返程高峰到来" in text


def test_predict_reads_stdin_and_gbk(small_model):
    gbk = "春运返程高峰到来\n\n本报北京2月13日电 （记者王某）\n春节假期结束。\n".encode("gbk")
    result = invoke("predict", "-", "-m", small_model, input=gbk)
    assert result.exit_code == 0, result.stderr
    assert all(json.loads(line)["page"] == "<stdin>" for line in result.stdout.splitlines())


def test_bad_pages_are_reported_and_the_rest_still_processed(small_model, page_dir, tmp_path):
    (page_dir / "empty.txt").write_bytes(b"")
    (page_dir / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    out = tmp_path / "all.jsonl"
    result = invoke("predict", page_dir, tmp_path / "missing.txt", "-m", small_model, "-o", out)
    assert result.exit_code == 1
    assert "empty.txt: the file is empty" in result.stderr
    assert "binary.txt: this is a binary file" in result.stderr
    assert "missing.txt: no such file" in result.stderr
    assert "3 of 5 inputs failed" in result.stderr
    assert "Traceback" not in result.stderr
    pages = {json.loads(line)["page"].split("/")[-1] for line in out.read_text(encoding="utf-8").splitlines()}
    assert pages == {"second.txt", "zjgrrb.txt"}


def test_output_is_not_half_written_when_the_model_is_bad(tmp_path):
    bad_model = tmp_path / "bad.nsm"
    bad_model.write_bytes(b"PK\x03\x04 broken")
    out = tmp_path / "out.jsonl"
    out.write_text("previous content\n", encoding="utf-8")
    result = invoke("predict", SAMPLE, "-m", bad_model, "-o", out, "--force")
    assert result.exit_code == 1
    assert "bad.nsm: the model file is corrupt or truncated" in result.stderr
    assert out.read_text(encoding="utf-8") == "previous content\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_tsv_for_several_pages_needs_a_directory(small_model, page_dir, tmp_path):
    result = invoke("predict", page_dir, "-m", small_model, "--format", "tsv", "-o", tmp_path / "one.tsv")
    assert result.exit_code == 1 and "needs -o to be an existing directory" in result.stderr


def test_evaluate_table_and_json(small_model):
    files = [PAGES / "epaper" / "rmrb-ocr-010-clean.tsv", PAGES / "ocr-raw" / "rmrb-ocr-010.tsv"]
    table = invoke("evaluate", *files, "-m", small_model)
    assert table.exit_code == 0, table.stderr
    for word in ("epaper", "ocr-raw", "WindowDiff", "Pk", "pair F1", "cont. R", "body-first R"):
        assert word in table.stdout
    scores = json.loads(invoke("evaluate", *files, "-m", small_model, "--json").stdout)
    assert set(scores) == {"epaper", "ocr-raw", "all"}
    assert scores["all"]["pages"] == 2
    # Each page has five articles in order, so four first-appearance boundaries (its first start is none).
    assert scores["all"]["boundaries"] == scores["all"]["first_appearance_boundaries"] == 8
    assert scores["all"]["continuation_boundaries"] == 0 and scores["all"]["continuation_recall"] is None
    assert 0.0 <= scores["all"]["pairwise_f1"] <= 1.0


def test_check_lists_every_problem(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("I-body\t正文\nB-titel\t标题\nno tab here\n", encoding="utf-8")
    result = invoke("check", bad, PAGES / "real")
    assert result.exit_code == 1
    for message in ("bad.tsv:1: 'I-body' but no article is open", "bad.tsv:2: unknown tag", "bad.tsv:3: no tab"):
        assert message in result.stderr
    assert "2 files checked, 3 problems" in result.stderr
    assert invoke("check", PAGES / "real").exit_code == 0


def test_check_hints_at_junk_tagged_o_inside_an_article_without_failing(tmp_path):
    page = tmp_path / "junk.tsv"
    rows = ["O\t第2版", "B-title@a\t标题", "I-body\t正文第一行，", "O\t| |", "I-body\t正文第二行。", "O\t一一一一", ""]
    rows += ["B-title@b\t第二篇", "O\t全力推进、突出加强", "I-body\t正文。", "O\t口"]
    page.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = invoke("check", page)
    assert result.exit_code == 0
    hints = [line for line in result.stderr.splitlines() if ": hint: " in line]
    # line 4 lies inside article a; 6 ends it (the next segment is a new article); 9 is a banner, 11 the page's end
    assert [line.split(":")[1] for line in hints] == ["4"]
    assert "tag it I-noise" in hints[0] and "1 files checked, 0 problems, 1 hint" in result.stderr
    assert ": hint: " not in invoke("check", PAGES).stderr


def test_info_shows_the_bundled_manifest():
    manifest = json.loads(invoke("info").stdout)
    assert manifest["format"] == "newsseg-model"
    assert "heldout" in manifest and "training" in manifest


def test_version():
    assert invoke("--version").stdout.startswith("newsseg ")
