"""A real Dask cluster on 127.0.0.1 (one scheduler, two worker processes) gives the local output.

Needs the ``dask`` extra (``make test`` installs it); skipped, saying so, where it is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsseg.batch import local_dask_cluster
from newsseg.cli import app
from newsseg.segmenter import Segmenter

from .conftest import PAGES, SAMPLE

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed (pip install -e '.[dask]')")

runner = CliRunner()


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def scheduler_address(tmp_path_factory: pytest.TempPathFactory):
    """Start ``dask scheduler`` and two ``dask worker`` processes; yield the scheduler's address."""
    with local_dask_cluster(tmp_path_factory.mktemp("dask"), workers=2) as (address, _):
        yield address


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    for issue in ("1930-05-01", "1930-05-02"):
        (root / issue).mkdir(parents=True)
        for name in ("p1", "p2", "p3"):
            shutil.copy(SAMPLE, root / issue / f"{name}.txt")
    text = (PAGES / "ocr-zoned" / "rmrb-ocr-001-zoned.tsv").read_text(encoding="utf-8")
    (root / "1930-05-02" / "p4.txt").write_text(
        "\n".join(line.split("\t", 1)[-1] for line in text.splitlines()) + "\n", encoding="utf-8"
    )
    (root / "1930-05-02" / "broken.txt").write_bytes(b"")
    return root


def test_a_batch_on_the_cluster_gives_the_local_output(small_model, archive, tmp_path, scheduler_address):
    local, remote = tmp_path / "local", tmp_path / "remote"
    local.mkdir()
    remote.mkdir()
    here = runner.invoke(app, ["predict", str(archive), "-m", str(small_model), "-o", str(local)])
    there = runner.invoke(
        app, ["predict", str(archive), "-m", str(small_model), "-o", str(remote), "--cluster", scheduler_address]
    )
    assert here.exit_code == there.exit_code == 1  # the empty page
    assert tree(local) == tree(remote) and len(tree(remote)) == 9
    errors = [line for line in there.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "broken.txt: " in errors[0]
    resumed = runner.invoke(
        app,
        [
            "predict",
            str(archive),
            "-m",
            str(small_model),
            "-o",
            str(remote),
            "--cluster",
            scheduler_address,
            "--resume",
        ],
    )
    assert "7 already done" in resumed.stderr and tree(local) == tree(remote)


def test_predict_many_with_a_client_keeps_order(small_model, archive, scheduler_address):
    segmenter = Segmenter.load(small_model)
    paths = sorted(str(p) for p in archive.rglob("*.txt"))
    local = [o.result.to_dict() if o.result else str(o.error) for o in segmenter.predict_many(paths)]
    with distributed.Client(scheduler_address, timeout=60) as client:
        remote = [
            o.result.to_dict() if o.result else str(o.error) for o in segmenter.predict_many(paths, client=client)
        ]
    assert local == remote


def test_an_unreachable_scheduler_is_one_line(small_model, archive):
    result = runner.invoke(app, ["predict", str(archive), "-m", str(small_model), "--cluster", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in lines[0]
