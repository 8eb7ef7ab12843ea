"""Batches: worker processes give the same output as one, folders by pattern, --resume, log lines."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsseg.batch import predict_many
from newsseg.cli import app
from newsseg.errors import InputError
from newsseg.io.fileio import temp_name_pid
from newsseg.segmenter import Segmenter

from .conftest import PAGES, SAMPLE, copies_of_sample

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Seven pages in two issue folders: one unreadable, one labelled by mistake; and a file that is not a page."""
    root = tmp_path / "archive"
    for issue, names in (("1920-01-01", ["p1", "p2", "p3"]), ("1920-01-02", ["p1", "p2"])):
        (root / issue).mkdir(parents=True)
        for name in names:
            shutil.copy(SAMPLE, root / issue / f"{name}.txt")
    shutil.copy(PAGES / "epaper" / "rmrb-ocr-001-clean.tsv", root / "1920-01-02" / "p3.txt")  # labelled, by mistake
    (root / "1920-01-02" / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    (root / "1920-01-02" / "notes.md").write_text("not a page\n", encoding="utf-8")
    return root


def test_workers_give_the_output_of_one_process_byte_for_byte(small_model, archive, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    first = invoke("predict", archive, "-m", small_model, "-o", one)
    second = invoke("predict", archive, "-m", small_model, "-o", two, "-j", "2")
    assert first.exit_code == second.exit_code == 1  # the broken page
    assert tree(one) == tree(two)
    assert sorted(tree(one)) == [
        "1920-01-01/.newsseg-outputs.jsonl",
        "1920-01-01/p1.jsonl",
        "1920-01-01/p2.jsonl",
        "1920-01-01/p3.jsonl",
        "1920-01-02/.newsseg-outputs.jsonl",
        "1920-01-02/p1.jsonl",
        "1920-01-02/p2.jsonl",
        "1920-01-02/p3.jsonl",
    ]
    stdout_one = invoke("predict", archive, "-m", small_model, "--format", "json")
    stdout_two = invoke("predict", archive, "-m", small_model, "--format", "json", "-j", "2")
    assert stdout_one.stdout == stdout_two.stdout and json.loads(stdout_one.stdout)
    for result in (stdout_one, stdout_two):
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and f"{archive / '1920-01-02' / 'broken.txt'}: " in errors[0]
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
        assert len(warnings) == 1 and "p3.txt: looks like a labelled page" in warnings[0]


def test_predict_many_keeps_order_and_errors_across_processes(small_model, archive):
    segmenter = Segmenter.load(small_model)
    paths = sorted(str(p) for p in archive.rglob("*.txt"))
    one = list(predict_many(segmenter, paths, n_jobs=1))
    two = list(segmenter.predict_many(paths, n_jobs=2))
    assert [o.path for o in two] == paths == [o.path for o in one]
    assert [o.position for o in two] == list(range(len(paths)))
    assert [o.result.to_dict() if o.result else None for o in one] == [
        o.result.to_dict() if o.result else None for o in two
    ]
    broken = [o for o in two if o.error is not None]
    assert len(broken) == 1 and isinstance(broken[0].error, InputError)
    assert broken[0].error.path is not None and broken[0].error.path.endswith("broken.txt")
    assert [o.path.endswith("1920-01-02/p3.txt") for o in two if o.warnings] == [True]


def test_glob_chooses_the_pages_of_a_folder(small_model, archive):
    result = invoke("predict", archive, "-m", small_model, "--glob", "p1.*")
    assert result.exit_code == 0, result.stderr
    pages = {json.loads(line)["page"] for line in result.stdout.splitlines()}
    assert pages == {str(archive / "1920-01-01" / "p1.txt"), str(archive / "1920-01-02" / "p1.txt")}
    result = invoke("predict", archive, "-m", small_model, "--glob", "*.ocr")
    assert result.exit_code == 1 and "holds no *.ocr page" in result.stderr


def test_resume_skips_finished_pages_and_redoes_changed_ones(small_model, archive, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    invoke("predict", archive, "-m", small_model, "-o", out)
    done = tree(out)
    first = out / "1920-01-01" / "p1.jsonl"
    stamp = first.stat().st_mtime_ns
    again = invoke("predict", archive, "-m", small_model, "-o", out, "--resume")
    assert "6 already done" in again.stderr  # the broken page is tried again
    assert first.stat().st_mtime_ns == stamp and tree(out) == done
    # an input that changed is predicted again
    page = archive / "1920-01-01" / "p2.txt"
    page.write_text(page.read_text(encoding="utf-8") + "新增的一行。\n", encoding="utf-8")
    again = invoke("predict", archive, "-m", small_model, "-o", out, "--resume")
    assert "5 already done" in again.stderr
    assert (out / "1920-01-01" / "p2.jsonl").read_bytes() != done["1920-01-01/p2.jsonl"]
    # another model: everything again
    again = invoke("predict", archive, "-o", out, "--resume")
    assert "already done" not in again.stderr


def test_resume_after_kill_9_completes_the_batch_as_a_clean_run(small_model, tmp_path):
    pages = copies_of_sample(tmp_path / "pages", 120)
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    clean.mkdir()
    killed.mkdir()
    command = [sys.executable, "-m", "newsseg", "predict", str(pages), "-m", str(small_model)]
    process = subprocess.Popen([*command, "-o", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(killed.glob("p*.jsonl"))) < 5:
        time.sleep(0.05)
    process.kill()
    process.wait()
    finished = len(list(killed.glob("p*.jsonl")))
    assert 5 <= finished < 120
    resumed = subprocess.run([*command, "-o", str(killed), "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{finished} already done" in resumed.stderr.replace(",", "")
    subprocess.run([*command, "-o", str(clean)], capture_output=True, check=True)
    assert {k: v for k, v in tree(killed).items() if temp_name_pid(k) is None} == tree(clean)


def test_resume_needs_an_output_folder(small_model, archive, tmp_path):
    result = invoke("predict", archive, "-m", small_model, "-o", tmp_path / "all.jsonl", "--resume")
    assert result.exit_code == 1 and "--resume needs -o to be an existing directory" in result.stderr


def test_off_a_terminal_progress_is_a_line_every_n_pages(small_model, archive):
    result = invoke("predict", archive, "-m", small_model, "--log-every", "2")
    lines = [line for line in result.stderr.splitlines() if line.startswith("predict:")]
    assert [line.split(",")[0] for line in lines] == [
        "predict: 2 of 7 pages",
        "predict: 4 of 7 pages",
        "predict: 6 of 7 pages",
        "predict: 7 pages",
    ]
    assert "1 failed" in lines[-1] and "pages/s" in lines[-1] and " in " in lines[-1]
    assert "left" in lines[0]


def test_sigterm_stops_the_workers_and_removes_the_temporary_file(small_model, tmp_path):
    pages = copies_of_sample(tmp_path / "pages", 300)
    out = tmp_path / "out"
    out.mkdir()
    command = [sys.executable, "-m", "newsseg", "predict", str(pages), "-m", str(small_model), "-j", "2"]
    process = subprocess.Popen(
        [*command, "-o", str(out / "all.jsonl")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not [p for p in out.iterdir() if temp_name_pid(p.name)]:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert list(out.iterdir()) == []
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True)
    assert children.stdout == ""


def test_the_predict_command_imports_nothing_prediction_does_not_use(tmp_path):
    """Start-up time: scikit-learn, joblib, CRFsuite and pkg_resources stay unimported by `newsseg predict`."""
    page = tmp_path / "page.txt"
    page.write_text("本报讯 记者王某报道\n正文一行。\n", encoding="utf-8")
    code = (
        "import sys\nfrom newsseg.cli import app\n"
        f"try:\n    app(['predict', {str(page)!r}, '-o', {str(tmp_path / 'out.jsonl')!r}], prog_name='newsseg')\n"
        "except SystemExit as done:\n    assert not done.code, done.code\n"
        "print(sorted(m for m in ('sklearn', 'joblib', 'pycrfsuite', 'pkg_resources', 'scipy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") >= 1
