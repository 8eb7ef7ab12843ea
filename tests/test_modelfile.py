"""Model files: one zip, no pickle, deterministic bytes, clear errors for bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from newsseg.errors import ModelFileError
from newsseg.io.fingerprints import page_fingerprint
from newsseg.model.modelfile import (
    FORMAT_2_MEMBERS,
    FORMAT_VERSION,
    MANIFEST_NAME,
    STATE_WEIGHTS_NAME,
    TRAINING_PAGES_NAME,
    TRANSITIONS_NAME,
    load_model_file,
)
from newsseg.segmenter import Segmenter

from .conftest import PAGES


def _rewrite(source, target, manifest_change=None, member_change=None, drop=None):
    """Copy a model file, changing its manifest and one member (``(name, function)``)."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members[MANIFEST_NAME])
    if manifest_change:
        manifest_change(manifest)
    members[MANIFEST_NAME] = json.dumps(manifest).encode()
    if member_change:
        name, change = member_change
        members[name] = change(members[name])
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            if name != drop:
                archive.writestr(name, data)


def test_model_file_is_a_zip_of_manifest_and_arrays(small_model, small_training_set):
    with zipfile.ZipFile(small_model) as archive:
        assert sorted(archive.namelist()) == sorted([*FORMAT_2_MEMBERS, MANIFEST_NAME, TRAINING_PAGES_NAME])
        manifest = json.loads(archive.read(MANIFEST_NAME))
        listed = json.loads(archive.read(TRAINING_PAGES_NAME))
    assert set(listed) == {page_fingerprint(labelled.page) for labelled in small_training_set}
    assert not any(name.endswith((".pkl", ".pickle", ".crfsuite")) for name in archive.namelist())
    assert {"numpy", "jieba", "python-crfsuite", "crfsuite", "python"} <= set(manifest["libraries"])
    assert manifest["format"] == "newsseg-model" and manifest["format_version"] == FORMAT_VERSION
    assert "B-title" in manifest["labels"] and "O" in manifest["labels"]
    assert manifest["features"]["window"] == 2
    assert manifest["training"]["pages"] == 12
    assert manifest["training"]["kinds"] == {"epaper": 4, "ocr-raw": 4, "ocr-zoned": 4}


def test_save_and_load_give_the_same_predictions(small_model, small_training_set):
    loaded = Segmenter.load(small_model)
    page = small_training_set[0].page
    again = Segmenter.load(small_model)
    assert loaded.tag(page) == again.tag(page)
    assert loaded.manifest == again.manifest


def test_training_is_deterministic(small_training_set):
    pages = small_training_set[:3]
    first = Segmenter(max_iterations=15).fit(pages).to_bytes()
    second = Segmenter(max_iterations=15).fit(pages).to_bytes()
    assert first == second


def test_training_does_not_depend_on_the_hash_seed(tmp_path):
    """A fresh process gets a fresh string-hash seed; set order must not reach the model's bytes."""
    pages = [PAGES / "ocr-raw" / f"rmrb-ocr-00{n}.tsv" for n in (1, 2, 3)]
    digests = []
    for hash_seed in ("1", "2"):
        model = tmp_path / f"model-{hash_seed}.nsm"
        command = [
            sys.executable,
            "-m",
            "newsseg",
            "train",
            *map(str, pages),
            "--max-iterations",
            "10",
            "-o",
            str(model),
        ]
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(command, env=env, check=True, capture_output=True)
        digests.append(model.read_bytes())
    assert digests[0] == digests[1]


def test_missing_empty_and_foreign_files(tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        Segmenter.load(tmp_path / "missing.nsm")
    (tmp_path / "empty.nsm").write_bytes(b"")
    with pytest.raises(ModelFileError, match="empty"):
        Segmenter.load(tmp_path / "empty.nsm")
    (tmp_path / "text.nsm").write_text("hello", encoding="utf-8")
    with pytest.raises(ModelFileError, match=r"text\.nsm: not a newsseg model file \(it is not a zip"):
        Segmenter.load(tmp_path / "text.nsm")
    pickled = tmp_path / "pickle.nsm"
    pickled.write_bytes(b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94.")
    with pytest.raises(ModelFileError, match="not a zip"):
        Segmenter.load(pickled)


def test_zip_without_manifest_is_foreign(tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a model")
    with pytest.raises(ModelFileError, match=r"no manifest\.json inside"):
        Segmenter.load(path)


def test_truncated_file_is_corrupt(small_model, tmp_path):
    data = small_model.read_bytes()
    for cut in (len(data) // 2, len(data) - 30):
        path = tmp_path / f"cut-{cut}.nsm"
        path.write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match=r"corrupt|truncated|not a newsseg"):
            Segmenter.load(path)


def test_flipped_bytes_are_caught(small_model, tmp_path):
    data = bytearray(small_model.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    path = tmp_path / "flipped.nsm"
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError):
        Segmenter.load(path)


def test_members_not_matching_their_checksums(small_model, tmp_path):
    for number, member in enumerate(FORMAT_2_MEMBERS):
        path = tmp_path / f"tampered-{number}.nsm"
        _rewrite(small_model, path, member_change=(member, lambda data: data[:-1] + bytes([data[-1] ^ 1])))
        with pytest.raises(ModelFileError, match="does not match its checksum"):
            Segmenter.load(path)


def test_newer_format_asks_for_an_upgrade(small_model, tmp_path):
    path = tmp_path / "newer.nsm"
    _rewrite(small_model, path, manifest_change=lambda m: m.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(ModelFileError, match="made by a newer newsseg"):
        Segmenter.load(path)


def test_other_feature_version_asks_for_retraining(small_model, tmp_path):
    path = tmp_path / "oldfeatures.nsm"
    _rewrite(small_model, path, manifest_change=lambda m: m["features"].update(version=0))
    with pytest.raises(ModelFileError, match="retrain"):
        Segmenter.load(path)


def test_foreign_manifest(small_model, tmp_path):
    path = tmp_path / "foreign.nsm"
    _rewrite(small_model, path, manifest_change=lambda m: m.update(format="something-else"))
    with pytest.raises(ModelFileError, match="not a newsseg manifest"):
        Segmenter.load(path)


def test_missing_weights_member(small_model, tmp_path):
    path = tmp_path / "noweights.nsm"
    _rewrite(small_model, path, drop=TRANSITIONS_NAME)
    with pytest.raises(ModelFileError, match=r"has no crf/transitions\.f64"):
        Segmenter.load(path)


def test_load_model_file_returns_arrays_and_manifest(small_model):
    loaded = load_model_file(small_model)
    weights = loaded.weights
    assert weights.state.shape == (len(weights.attributes), len(weights.labels))
    assert weights.transitions.shape == (len(weights.labels), len(weights.labels))
    assert loaded.manifest["format_version"] == FORMAT_VERSION
    with zipfile.ZipFile(small_model) as archive:
        assert len(archive.read(STATE_WEIGHTS_NAME)) == 8 * int((weights.state != 0).sum())
