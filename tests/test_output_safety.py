"""Outputs never destroy inputs, every bad input or output is one line, and the CLI prints plain text.

One test (or a few) per row of the output and CLI part of issue 12: ``-o`` onto or into the
inputs, pages of the same name in two folders, foreign files, runs where every input fails,
write errors, SIGTERM and SIGINT with temporary files, stale temporary files, file names read
as Rich markup, Markdown and JSONL escaping, ``check`` on the wrong files, labelled pages given
to ``predict``, ``--help`` flags and a closed pipe.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsseg.cli import app
from newsseg.io.fileio import atomic_writer, remove_stale_temp_files, temp_name_pid
from newsseg.io.outputs import LEDGER_NAME, OutputGuard, mirrored_targets, written_by_newsseg

from .conftest import PAGES, SAMPLE, copies_of_sample

runner = CliRunner()


def invoke(*args: object, input: str | bytes | None = None):
    return runner.invoke(app, [os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in args], input=input)


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def newsseg_command(*args: object) -> list[str]:
    return [sys.executable, "-m", "newsseg", *(str(a) for a in args)]


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "page01.txt")
    (folder / "page02.txt").write_text(
        "春运返程高峰到来\n\n本报北京2月13日电 （记者王某）\n春节假期结束，各地迎来返程高峰。\n", encoding="utf-8"
    )
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- outputs never destroy inputs -------------------------------------------------------------


def test_an_output_folder_that_is_the_input_folder_is_refused_and_the_pages_are_kept(small_model, pages):
    before = snapshot(pages)
    result = invoke("predict", pages, "-o", pages, "--format", "text", "-m", small_model)
    assert result.exit_code == 1
    assert error_lines(result) == [f"error: {pages}: is an input folder; write the results into a folder of their own"]
    assert snapshot(pages) == before


def test_an_output_folder_inside_the_input_folder_is_refused(small_model, pages):
    (pages / "results").mkdir()
    result = invoke("predict", pages, "-o", pages / "results", "-m", small_model)
    assert result.exit_code == 1
    assert "is inside the input folder" in result.stderr
    assert not any((pages / "results").iterdir())


@pytest.mark.parametrize("how", ["same path", "symlink", "hard link", "relative path"])
def test_an_output_file_that_is_an_input_is_refused(small_model, pages, tmp_path, how, monkeypatch):
    page = pages / "page01.txt"
    before = page.read_bytes()
    target: Path | str = page
    if how == "symlink":
        target = tmp_path / "link.jsonl"
        target.symlink_to(page)
    elif how == "hard link":
        target = tmp_path / "hard.jsonl"
        os.link(page, target)
    elif how == "relative path":
        monkeypatch.chdir(tmp_path)
        target = "pages/../pages/page01.txt"
    result = invoke("predict", page, "-o", target, "-m", small_model)
    assert result.exit_code == 1
    assert "is one of the inputs; newsseg never writes over its inputs" in result.stderr
    assert page.read_bytes() == before


def test_a_text_result_that_the_next_run_would_read_as_a_page_is_refused(small_model, pages):
    result = invoke("predict", pages / "page01.txt", "-o", pages / "all.txt", "--format", "text", "-m", small_model)
    assert result.exit_code == 0  # a file given alone: its folder is not an input
    result = invoke("predict", pages, "-o", pages / "all-again.txt", "--format", "text", "-m", small_model)
    assert result.exit_code == 1 and "is one of the inputs" in result.stderr
    assert not (pages / "all-again.txt").exists()


def test_pages_of_one_name_in_two_folders_get_two_results(small_model, tmp_path):
    for folder in ("x", "y"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        shutil.copy(SAMPLE, tmp_path / "in" / folder / "page01.txt")
    out = tmp_path / "out"
    out.mkdir()
    result = invoke("predict", tmp_path / "in" / "x", tmp_path / "in" / "y", "-o", out, "-m", small_model)
    assert result.exit_code == 0, result.stderr
    for folder in ("x", "y"):
        text = (out / folder / "page01.jsonl").read_text(encoding="utf-8")
        records = [json.loads(line) for line in text.splitlines()]
        assert records and {r["page"] for r in records} == {str(tmp_path / "in" / folder / "page01.txt")}


def test_mirrored_targets_keep_a_flat_folder_flat_and_refuse_a_collision(tmp_path):
    assert mirrored_targets(["a/p1.txt", "a/p2.txt"], tmp_path, ".jsonl") == [
        tmp_path / "p1.jsonl",
        tmp_path / "p2.jsonl",
    ]
    assert mirrored_targets(["a/b/p1.txt", "a/c/p1.txt", "-"], tmp_path, ".md") == [
        tmp_path / "b" / "p1.md",
        tmp_path / "c" / "p1.md",
        tmp_path / "stdin.md",
    ]
    with pytest.raises(Exception, match="would both be written to"):
        mirrored_targets(["a/p1.txt", "a/p1.text"], tmp_path, ".jsonl")


def test_a_file_newsseg_did_not_write_is_kept_unless_forced(small_model, pages, tmp_path):
    target = tmp_path / "notes.jsonl"
    target.write_text("my own notes\n", encoding="utf-8")
    result = invoke("predict", pages, "-o", target, "-m", small_model)
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"error: {target}: exists and was not written by newsseg (or was changed since); give --force to replace "
        "it, or another output"
    ]
    assert target.read_text(encoding="utf-8") == "my own notes\n"
    assert invoke("predict", pages, "-o", target, "-m", small_model, "--force").exit_code == 0
    assert written_by_newsseg(target)
    written = target.read_bytes()
    # newsseg's own output is replaced on the next run without --force ...
    assert invoke("predict", pages / "page02.txt", "-o", target, "-m", small_model).exit_code == 0
    assert target.read_bytes() != written
    # ... but not once the user has edited it
    with target.open("a", encoding="utf-8") as handle:
        handle.write("a correction\n")
    result = invoke("predict", pages, "-o", target, "-m", small_model)
    assert result.exit_code == 1 and "was changed since" in result.stderr


def test_the_ledger_has_one_entry_per_file_after_reruns(small_model, pages, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for _ in range(3):
        assert invoke("predict", pages, "-o", out, "-m", small_model).exit_code == 0
    entries = [json.loads(line) for line in (out / LEDGER_NAME).read_text(encoding="utf-8").splitlines()]
    assert sorted(entry["name"] for entry in entries) == ["page01.jsonl", "page02.jsonl"]


def test_force_never_writes_over_an_input(small_model, pages):
    before = (pages / "page01.txt").read_bytes()
    result = invoke("predict", pages / "page01.txt", "-o", pages / "page01.txt", "--force", "-m", small_model)
    assert result.exit_code == 1 and "is one of the inputs" in result.stderr
    assert (pages / "page01.txt").read_bytes() == before


def test_train_refuses_its_output_before_training(tmp_path):
    data = PAGES / "epaper" / "rmrb-ocr-001-clean.tsv"
    foreign = tmp_path / "model.nsm"
    foreign.write_bytes(b"someone else's file")
    started = time.perf_counter()
    result = invoke("train", data, "-o", foreign, "--max-iterations", "5")
    assert result.exit_code == 1 and "was not written by newsseg" in result.stderr
    assert time.perf_counter() - started < 20
    assert foreign.read_bytes() == b"someone else's file"
    copy = tmp_path / "page.tsv"
    shutil.copy(data, copy)
    result = invoke("train", copy, "-o", copy, "--max-iterations", "5", "--force")
    assert result.exit_code == 1 and "is one of the inputs" in result.stderr
    assert copy.read_bytes() == data.read_bytes()


def test_review_and_evaluate_refuse_to_write_over_inputs_or_foreign_files(small_model, pages, tmp_path):
    result = invoke("review", pages, "-o", pages / "page01.txt", "-m", small_model)
    assert result.exit_code == 1 and "is one of the inputs" in result.stderr
    report = tmp_path / "report.html"
    report.write_text("<p>mine</p>", encoding="utf-8")
    labelled = PAGES / "epaper" / "rmrb-ocr-001-clean.tsv"
    result = invoke("evaluate", labelled, "-m", small_model, "--html", report)
    assert result.exit_code == 1 and "was not written by newsseg" in result.stderr
    assert report.read_text(encoding="utf-8") == "<p>mine</p>"


# --- nothing half-written, nothing empty --------------------------------------------------------


def test_a_run_where_every_input_fails_writes_no_output_file(small_model, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    target = tmp_path / "out.jsonl"
    result = invoke("predict", tmp_path / "empty.txt", tmp_path / "missing.txt", "-o", target, "-m", small_model)
    assert result.exit_code == 1
    assert len(error_lines(result)) == 2
    assert "2 of 2 inputs failed; nothing was written" in result.stderr
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl")]


@pytest.mark.parametrize(
    ("failure", "code", "words"),
    [
        ("mkstemp", errno.EROFS, "the file system is read-only"),
        ("mkstemp", errno.EACCES, "permission denied"),
        ("replace", errno.ENOSPC, "no space left on the device"),
        ("replace", errno.ENOTDIR, "a part of the path is not a directory"),
    ],
)
def test_write_errors_are_one_line_naming_the_output(small_model, pages, tmp_path, monkeypatch, failure, code, words):
    import newsseg.io.fileio as fileio

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(fileio.tempfile if failure == "mkstemp" else fileio.os, failure, fail)
    target = tmp_path / "out.jsonl"
    result = invoke("predict", pages, "-o", target, "-m", small_model)
    assert result.exit_code == 1
    assert error_lines(result) == [f"error: {target}: {words}"]
    assert "Traceback" not in result.output
    assert not target.exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_full_standard_output_is_one_line(small_model, pages):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            newsseg_command("predict", pages, "-m", small_model), stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert result.returncode == 1
    assert "standard output: no space left on the device" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_reader_that_closes_the_pipe_early_gets_no_traceback(small_model, pages, tmp_path):
    many = copies_of_sample(tmp_path / "many", 30)
    process = subprocess.Popen(
        newsseg_command("predict", many, "-m", small_model), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(100)
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8")
    process.wait(timeout=120)
    assert process.returncode != 0
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


# --- signals and temporary files ----------------------------------------------------------------


def _wait_for_temp_file(folder: Path, process: subprocess.Popen, timeout: float = 90) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        temps = [p for p in folder.iterdir() if temp_name_pid(p.name) == process.pid]
        if temps:
            return temps
        time.sleep(0.05)
    raise AssertionError("no temporary file appeared")


@pytest.mark.parametrize(("signal_number", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_predict_removes_the_temporary_file(small_model, tmp_path, signal_number, code):
    many = copies_of_sample(tmp_path / "many", 200)
    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen(
        newsseg_command("predict", many, "-m", small_model, "-o", out / "all.jsonl"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    temps = _wait_for_temp_file(out, process)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code
    assert f"stopped by {signal.Signals(signal_number).name}" in stderr.decode("utf-8")
    assert "Traceback" not in stderr.decode("utf-8")
    assert not any(temp.exists() for temp in temps)
    assert not (out / "all.jsonl").exists()


def test_stale_temporary_files_of_dead_runs_are_cleared_and_live_ones_kept(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = tmp_path / f".out.jsonl.newsseg-{dead.pid}-abcd1234.tmp"
        running = tmp_path / f".out.jsonl.newsseg-{alive.pid}-efgh5678.tmp"
        foreign = tmp_path / ".out.jsonl.abcd1234.tmp"
        for path in (stale, running, foreign):
            path.write_bytes(b"x" * 1000)
        with atomic_writer(tmp_path / "out.jsonl") as handle:
            handle.write("{}\n")
        assert not stale.exists()
        assert running.exists() and foreign.exists()
        assert remove_stale_temp_files(tmp_path) == []
    finally:
        alive.kill()
        alive.wait()


def test_kill_9_leaves_a_temporary_file_that_the_next_run_clears(small_model, tmp_path):
    many = copies_of_sample(tmp_path / "many", 200)
    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen(
        newsseg_command("predict", many, "-m", small_model, "-o", out / "all.jsonl"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    temps = _wait_for_temp_file(out, process)
    process.kill()
    process.wait()
    assert all(temp.exists() for temp in temps)
    result = invoke("predict", SAMPLE, "-m", small_model, "-o", out / "one.jsonl")
    assert result.exit_code == 0
    assert not any(temp.exists() for temp in temps)


# --- messages are plain text ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["[/b]page.txt", "[bold red]x[/].txt", "FILE:100:.txt", ":smile: page.txt"])
def test_file_names_are_printed_as_they_are(small_model, tmp_path, name):
    missing = tmp_path / name
    result = invoke("predict", missing, "-m", small_model)
    assert result.exit_code == 1
    assert error_lines(result) == [f"error: {missing}: no such file"]


def test_a_file_name_of_any_bytes_is_escaped_and_the_batch_goes_on(small_model, pages, tmp_path):
    odd = os.fsencode(pages) + b"/odd\xff\x1b[31m.txt"
    shutil.copy(SAMPLE, os.fsdecode(odd))
    result = subprocess.run(newsseg_command("predict", pages, "-m", small_model), capture_output=True, check=False)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")  # strict: valid UTF-8
    names = {json.loads(line)["page"].rsplit("/", 1)[-1] for line in text.splitlines()}
    assert names == {"page01.txt", "page02.txt", "odd\\xff\\x1b[31m.txt"}


def test_an_unknown_encoding_is_one_line_for_the_whole_batch(small_model, pages):
    result = invoke("predict", pages, "--encoding", "rot13", "-m", small_model)
    assert result.exit_code == 1
    assert len(error_lines(result)) == 1 and "not a text encoding" in result.stderr


# --- escaped outputs -----------------------------------------------------------------------------


def test_markdown_output_escapes_html(small_model, tmp_path):
    page = tmp_path / "hostile.txt"
    page.write_text(
        "标题\n\n本报讯 记者王某报道\n正文<script>alert(1)</script>继续，\n正文 <b>粗</b> & 细。\n", encoding="utf-8"
    )
    result = invoke("predict", page, "--format", "markdown", "-m", small_model)
    assert result.exit_code == 0, result.stderr
    assert "<script>" not in result.stdout and "<b>" not in result.stdout
    assert "\\<script\\>" in result.stdout and "&amp;" in result.stdout


def test_jsonl_escapes_line_and_paragraph_separators(small_model, tmp_path):
    page = tmp_path / "separators.txt"
    page.write_text("标题\n\n本报讯 记者王某报道\n正文\u2028甲，\n正文\u2029乙。\n", encoding="utf-8")
    for fmt in ("jsonl", "json"):
        result = invoke("predict", page, "--format", fmt, "-m", small_model)
        assert result.exit_code == 0, result.stderr
        assert "\u2028" not in result.stdout and "\u2029" not in result.stdout
        assert "\\u2028" in result.stdout
    text = invoke("predict", page, "-m", small_model).stdout
    lines = [json.loads(line) for line in text.split("\n") if line]
    joined = "".join(line["text"] for record in lines for line in record["lines"])
    assert "\u2028" in joined and "\u2029" in joined


# --- check, predict on the wrong files ------------------------------------------------------


def test_check_on_a_page_text_is_one_line(tmp_path):
    result = invoke("check", SAMPLE)
    assert result.exit_code == 1
    assert len(error_lines(result)) == 1 and "not a labelled page" in result.stderr


def test_check_on_a_folder_with_no_labelled_page_fails(tmp_path):
    (tmp_path / "page.txt").write_text("正文\n", encoding="utf-8")
    result = invoke("check", tmp_path)
    assert result.exit_code == 1
    assert "holds no *.tsv labelled page" in result.stderr


def test_check_does_not_hang_on_a_fifo(tmp_path):
    fifo = tmp_path / "pipe.tsv"
    os.mkfifo(fifo)
    result = subprocess.run(newsseg_command("check", fifo), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "is not a regular file (a FIFO)" in result.stderr


def test_predict_warns_on_a_labelled_page(small_model):
    result = invoke("predict", PAGES / "epaper" / "rmrb-ocr-001-clean.tsv", "-m", small_model)
    assert result.exit_code == 0
    assert "warning:" in result.stderr and "looks like a labelled page" in result.stderr


def test_predict_prints_input_warnings_as_one_line_each(small_model, tmp_path):
    page = tmp_path / "record.txt"
    page.write_text("标题\n" + "这是一句很长的正文。" * 400 + "\n", encoding="utf-8")
    result = invoke("predict", page, "-m", small_model)
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and f"{page}:2:" in warnings[0]


# --- help --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["info"], ["predict"], ["train"]])
def test_help_shows_no_type_beside_flags(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout
    assert "--help" in result.stdout


def test_the_guard_is_usable_from_python(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("正文\n", encoding="utf-8")
    with OutputGuard([page], [tmp_path], (".txt",)) as guard:
        guard.write_text(tmp_path / "p.jsonl", "{}\n")
        with pytest.raises(Exception, match="one of the inputs"):
            guard.write_text(page, "lost\n")
    assert page.read_text(encoding="utf-8") == "正文\n"
    assert written_by_newsseg(tmp_path / "p.jsonl")
