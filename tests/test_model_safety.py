"""Model files are untrusted data: numpy tagging equals CRFsuite's, and no crafted file gets past Python.

The reference for the numpy tagger is CRFsuite itself, run on CRFsuite's own file of the bundled
model (``tests/fixtures/default.crfsuite``, which ``make train`` writes beside the model with
``--crfsuite-copy``): a test-only, trusted fixture.  ``tests/fixtures/default-v1.nsm`` is an
older bundled model in format 1 (a CRFsuite blob in the zip).  Every other model file here is
built to be hostile.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pycrfsuite
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsseg.errors import ModelFileError
from newsseg.features import FEATURES_VERSION, page_attributes
from newsseg.model.crfsuite_file import CRFsuiteFormatError, weights_from_crfsuite
from newsseg.model.modelfile import (
    ATTRIBUTES_NAME,
    CRF_NAME,
    LABELS_NAME,
    MANIFEST_NAME,
    MAX_MEMBER_BYTES,
    STATE_INDEX_NAME,
    STATE_WEIGHTS_NAME,
    TRANSITIONS_NAME,
    load_model_file,
    read_model_bytes,
)
from newsseg.segmenter import Segmenter, default_model_path
from newsseg.train.dataset import read_labelled_pages

from .conftest import PAGES, ROOT, SAMPLE

FORMAT_1_MODEL = ROOT / "tests" / "fixtures" / "default-v1.nsm"
CRFSUITE_REFERENCE = ROOT / "tests" / "fixtures" / "default.crfsuite"


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _format_1_with_blob(blob: bytes) -> bytes:
    """The format-1 fixture with its CRFsuite blob replaced, and the checksum recomputed to match."""
    members = _members(FORMAT_1_MODEL)
    manifest = json.loads(members[MANIFEST_NAME])
    manifest["crf_sha256"] = hashlib.sha256(blob).hexdigest()
    return _zip({MANIFEST_NAME: json.dumps(manifest).encode(), CRF_NAME: blob})


def _format_2_with(changes: dict[str, bytes]) -> bytes:
    """The bundled model with members replaced, every checksum recomputed so that only content checks can fail."""
    members = _members(default_model_path())
    members.update(changes)
    if MANIFEST_NAME not in changes:
        manifest = json.loads(members[MANIFEST_NAME])
        manifest["members_sha256"] = {
            name: hashlib.sha256(data).hexdigest() for name, data in members.items() if name != MANIFEST_NAME
        }
        members[MANIFEST_NAME] = json.dumps(manifest).encode()
    return _zip(members)


def _manifest_text(change) -> bytes:
    manifest = json.loads(_members(default_model_path())[MANIFEST_NAME])
    return change(manifest)


# -- the numpy tagger is CRFsuite's ------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_pages():
    return read_labelled_pages([PAGES / "epaper", PAGES / "ocr-zoned", PAGES / "ocr-raw", PAGES / "real"])


def test_bundled_model_holds_the_weights_crfsuite_trained():
    bundled = load_model_file(default_model_path()).weights
    original = weights_from_crfsuite(CRFSUITE_REFERENCE.read_bytes())
    assert bundled.labels == original.labels and bundled.attributes == original.attributes
    assert np.array_equal(bundled.state, original.state) and np.array_equal(bundled.transitions, original.transitions)


def test_numpy_tagging_matches_crfsuite_on_every_shipped_page(shipped_pages):
    """CRFsuite's tags, marginals and path probability on its own file of the bundled model."""
    segmenter = Segmenter.load()
    weights = segmenter.crf.weights
    tagger = pycrfsuite.Tagger()
    tagger.open(str(CRFSUITE_REFERENCE))
    assert list(tagger.labels()) == weights.labels
    compared = 0
    for labelled in shipped_pages:
        xseq = segmenter.features(labelled.page)
        if not xseq:
            continue
        tagger.set(pycrfsuite.ItemSequence(xseq))
        expected_tags = tagger.tag()
        expected_marginals = np.array(
            [[tagger.marginal(label, t) for label in weights.labels] for t in range(len(xseq))]
        )
        tags, marginals, probability = weights.tag_with_marginals(xseq)
        assert tags == expected_tags, labelled.name
        np.testing.assert_allclose(marginals, expected_marginals, rtol=0, atol=1e-9, err_msg=labelled.name)
        assert probability == pytest.approx(tagger.probability(expected_tags), rel=1e-9), labelled.name
        # Prediction scores attribute names, not dicts: the same numbers to the last bit.
        attributes = page_attributes(labelled.page, segmenter.settings)
        assert np.array_equal(weights.scores(attributes), weights.state_scores(xseq)), labelled.name
        compared += 1
    assert compared == len(shipped_pages) == 241


def test_crfsuite_blob_reader_agrees_with_crfsuite_dump(small_model, small_training_set):
    """Train with CRFsuite, read its blob in Python: the same weights CRFsuite itself reports."""
    segmenter = Segmenter(max_iterations=20)
    xseqs = [segmenter.features(p.page) for p in small_training_set[:3]]
    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, labelled in zip(xseqs, small_training_set[:3], strict=True):
        trainer.append(pycrfsuite.ItemSequence(xseq), labelled.content_tags)
    trainer.set_params({"max_iterations": 20, "c1": 0.1, "c2": 1.0})
    path = small_model.parent / "reference.crfsuite"
    trainer.train(str(path))
    weights = weights_from_crfsuite(path.read_bytes())
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    info = tagger.info()
    assert weights.labels == list(tagger.labels())
    assert len(info.state_features) == int((weights.state != 0).sum())
    for (attribute, label), weight in info.state_features.items():
        assert weights.state[weights.attributes.index(attribute), weights.labels.index(label)] == pytest.approx(
            weight, abs=1e-6
        )
    for (source, target), weight in info.transitions.items():
        assert weights.transitions[weights.labels.index(source), weights.labels.index(target)] == pytest.approx(
            weight, abs=1e-6
        )
    assert [weights.tag(x) for x in xseqs] == [tagger.tag(pycrfsuite.ItemSequence(x)) for x in xseqs]


def test_format_1_models_still_read_and_older_features_are_refused_in_one_line():
    loaded = load_model_file(FORMAT_1_MODEL)
    original = weights_from_crfsuite(_members(FORMAT_1_MODEL)[CRF_NAME])
    assert loaded.weights.labels == original.labels and loaded.weights.attributes == original.attributes
    assert np.array_equal(loaded.weights.state, original.state)
    assert loaded.manifest["features"]["version"] < FEATURES_VERSION
    with pytest.raises(ModelFileError, match="retrain it with `newsseg train`"):
        Segmenter.load(FORMAT_1_MODEL)


def test_prediction_never_imports_crfsuite(tmp_path):
    code = (
        "import sys\nfrom newsseg import Segmenter\nSegmenter.load().predict('本报讯 记者王某报道\\n正文一行。')\n"
        "print('pycrfsuite' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_training_reports_every_lbfgs_iteration(small_training_set):
    iterations = []
    Segmenter(max_iterations=6).fit(small_training_set[:2], on_iteration=lambda n, loss: iterations.append((n, loss)))
    assert [n for n, _ in iterations] == list(range(1, len(iterations) + 1))
    assert 2 <= len(iterations) <= 6 and all(loss > 0 for _, loss in iterations)


# -- crafted CRFsuite blobs (format 1) ----------------------------------------------------------

_BLOB = None


def _blob() -> bytes:
    global _BLOB
    if _BLOB is None:
        _BLOB = _members(FORMAT_1_MODEL)[CRF_NAME]
    return _BLOB


def _patched(offset: int, fmt: str, value: int) -> bytes:
    blob = bytearray(_blob())
    struct.pack_into(fmt, blob, offset, value)
    return bytes(blob)


def _tampered_blobs() -> dict[str, bytes]:
    blob = _blob()
    header = struct.unpack_from("<4sI4sIIIIIIIII", blob, 0)
    off_features, off_labels, off_attrs = header[7], header[8], header[9]
    cases = {
        "truncated to the header": blob[:48],
        "truncated in the features": blob[: off_features + 1000],
        "truncated in the attributes": blob[: off_attrs + 100],
        "random bytes after the magic": b"lCRF" + os.urandom(4000),
        "empty": b"",
        "wrong magic": b"XCRF" + blob[4:],
    }
    for field, number in (
        ("num_labels", 5),
        ("num_attrs", 6),
        ("off_features", 7),
        ("off_labels", 8),
        ("off_attrs", 9),
    ):
        for value in (0xFFFFFFFF, 0x7FFFFFFF, len(blob) - 4):
            cases[f"{field} = {value:#x}"] = _patched(4 * number, "<I", value)
    cases["feature count huge"] = _patched(off_features + 8, "<I", 0x0FFFFFFF)
    cases["feature chunk size huge"] = _patched(off_features + 4, "<I", 0xFFFFFFF0)
    cases["a feature's label out of range"] = _patched(off_features + 12 + 8, "<I", 10_000)
    cases["a feature's attribute out of range"] = _patched(off_features + 12 + 4, "<I", 0xFFFFFFFF)
    cases["a feature of unknown type"] = _patched(off_features + 12, "<I", 7)
    cases["a weight NaN"] = blob[: off_features + 24] + struct.pack("<d", float("nan")) + blob[off_features + 32 :]
    cases["label table count huge"] = _patched(off_labels + 16, "<I", 0xFFFFFFFF)
    cases["label table index outside"] = _patched(off_labels + 20, "<I", 0xFFFFFF00)
    cases["attribute table size huge"] = _patched(off_attrs + 4, "<I", 0xFFFFFF00)
    backward = struct.unpack_from("<I", blob, off_attrs + 20)[0]
    cases["an attribute record outside its table"] = _patched(off_attrs + backward, "<I", 0xFFFFFFF0)
    first_record = struct.unpack_from("<I", blob, off_attrs + backward)[0]
    cases["an attribute name without its NUL"] = _patched(off_attrs + first_record + 4, "<I", 0x7FFFFFFF)
    return cases


@pytest.mark.parametrize("case", sorted(_tampered_blobs()))
def test_tampered_crfsuite_blob_is_refused_by_python(case, tmp_path):
    blob = _tampered_blobs()[case]
    with pytest.raises(CRFsuiteFormatError):
        weights_from_crfsuite(blob)
    path = tmp_path / "tampered.nsm"
    path.write_bytes(_format_1_with_blob(blob))
    with pytest.raises(ModelFileError, match=r"tampered\.nsm: "):
        Segmenter.load(path)


def test_cli_on_tampered_models_prints_one_line(tmp_path):
    """The cases that made CRFsuite crash the process: now one line and exit 1, for info and predict."""
    blobs = _tampered_blobs()
    runs = (
        ("feature count huge", ["info"]),
        ("off_labels = 0xffffffff", ["info"]),
        ("random bytes after the magic", ["predict", str(SAMPLE), "-m"]),
    )
    for number, (case, command) in enumerate(runs):
        path = tmp_path / f"tampered-{number}.nsm"
        path.write_bytes(_format_1_with_blob(blobs[case]))
        result = subprocess.run([sys.executable, "-m", "newsseg", *command, str(path)], capture_output=True, text=True)
        assert result.returncode == 1, (case, command, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert str(path) in result.stderr and result.stdout == ""


# -- crafted format-2 files ---------------------------------------------------------------------


def _weights_bytes(values) -> bytes:
    return np.asarray(values, dtype="<f8").tobytes()


def _format_2_cases() -> dict[str, tuple[bytes, str]]:
    members = _members(default_model_path())
    n_labels = len(json.loads(members[LABELS_NAME]))
    weights = np.frombuffer(members[STATE_WEIGHTS_NAME], dtype="<f8").copy()
    index = np.frombuffer(members[STATE_INDEX_NAME], dtype="<u4").copy()
    nan_weights, huge_weights = weights.copy(), weights.copy()
    nan_weights[3] = np.nan
    huge_weights[3] = 1e300
    unsorted = index.copy()
    unsorted[[4, 5]] = unsorted[[5, 4]]
    outside = index.copy()
    outside[-1] = 0xFFFFFFFF
    labels = json.loads(members[LABELS_NAME])
    return {
        "a NaN state weight": ({STATE_WEIGHTS_NAME: nan_weights.tobytes()}, "not a finite number"),
        "a 1e300 state weight": ({STATE_WEIGHTS_NAME: huge_weights.tobytes()}, "not a finite number"),
        "an infinite transition": (
            {TRANSITIONS_NAME: _weights_bytes([np.inf] + [0.0] * (n_labels * n_labels - 1))},
            "not a finite number",
        ),
        "transitions of the wrong size": ({TRANSITIONS_NAME: _weights_bytes([0.0] * 10)}, "not 2,888"),
        "index and weights of different lengths": ({STATE_INDEX_NAME: index[:-1].tobytes()}, "one weight per index"),
        "an unsorted index": ({STATE_INDEX_NAME: unsorted.tobytes()}, "strictly increasing"),
        "an index outside the matrix": ({STATE_INDEX_NAME: outside.tobytes()}, "strictly increasing"),
        "a label newsseg does not know": (
            {LABELS_NAME: json.dumps(["B-evil", *labels[1:]]).encode()},
            "label newsseg does not know",
        ),
        "labels that are not strings": ({LABELS_NAME: json.dumps([1, 2, 3]).encode()}, "not a list of names"),
        "a label twice": ({LABELS_NAME: json.dumps([labels[0], *labels[:-1]]).encode()}, "names something twice"),
        "attributes as an object": ({ATTRIBUTES_NAME: b'{"a": 1}'}, "not a list of names"),
        "attributes not UTF-8": ({ATTRIBUTES_NAME: b'["\xff\xfe"]'}, "not UTF-8"),
    }


@pytest.mark.parametrize("case", sorted(_format_2_cases()))
def test_crafted_format_2_members_are_refused(case, tmp_path):
    changes, message = _format_2_cases()[case]
    path = tmp_path / "crafted.nsm"
    path.write_bytes(_format_2_with(changes))
    with pytest.raises(ModelFileError, match=message):
        Segmenter.load(path)


def _manifest_cases() -> dict[str, tuple[bytes, str]]:
    def edited(change):
        def apply(manifest):
            change(manifest)
            return json.dumps(manifest).encode()

        return _manifest_text(apply)

    def raw(replace_from: str, replace_to: str) -> bytes:
        text = _members(default_model_path())[MANIFEST_NAME].decode("utf-8")
        assert replace_from in text
        return text.replace(replace_from, replace_to, 1).encode("utf-8")

    return {
        "window 1e9": (edited(lambda m: m["features"].update(window=10**9)), "window must be a whole number"),
        "window as a string": (edited(lambda m: m["features"].update(window="2")), "window must be a whole number"),
        "window as a float": (raw('"window": 2', '"window": 1e9'), "window must be a whole number"),
        "lexical as a number": (edited(lambda m: m["features"].update(lexical=1)), "lexical must be true or false"),
        "features as a list": (edited(lambda m: m.update(features=[1, 2])), "feature settings are not understood"),
        "an unknown feature setting": (edited(lambda m: m["features"].update(evil=1)), "unknown feature settings"),
        "a 5,000-digit number": (raw('"window": 2', '"window": ' + "9" * 5000), "5,000-digit number"),
        "NaN": (raw('"window": 2', '"window": NaN'), "NaN is not a number"),
        "Infinity": (raw('"c1": 0.1', '"c1": Infinity'), "Infinity is not a number"),
        "1e999": (raw('"c1": 0.1', '"c1": 1e999'), "out of range"),
        "deep nesting": (raw('"training": {', '"training": {"x": ' + "[" * 100_000 + "]" * 100_000 + ", "), "nested"),
        "moderate nesting": (raw('"training": {', '"training": {"x": ' + "[" * 40 + "]" * 40 + ", "), "nested"),
        "c1 as a string": (edited(lambda m: m["crf"].update(c1="0.1")), "crf.c1 is not a non-negative number"),
        "max_iterations negative": (edited(lambda m: m["crf"].update(max_iterations=-1)), "crf.max_iterations"),
        "labels as a string": (edited(lambda m: m.update(labels="O")), "labels are not a list"),
        "training as a list": (edited(lambda m: m.update(training=[])), "'training' is not an object"),
        "checksums not hex": (
            edited(lambda m: m["members_sha256"].update({LABELS_NAME: "z" * 64})),
            "not SHA-256 digests",
        ),
        "format version as a string": (edited(lambda m: m.update(format_version="2")), "no format version"),
        "assembly as a list": (edited(lambda m: m.update(assembly=[1])), "assembly entry is not an object"),
        "assembly features renamed": (
            edited(lambda m: m["assembly"]["features"].__setitem__(0, "evil")),
            "assembly features are not the ones this newsseg computes",
        ),
        "assembly weight as a string": (
            edited(lambda m: m["assembly"]["weights"].__setitem__(0, "1.5")),
            "assembly 'weights' holds a value that is not a finite number",
        ),
        "assembly weights cut short": (
            edited(lambda m: m["assembly"]["weights"].pop()),
            "assembly 'weights' is not a list of",
        ),
        "assembly scale of zero": (
            edited(lambda m: m["assembly"]["scale"].__setitem__(0, 0.0)),
            "assembly 'scale' holds a value that is not positive",
        ),
        "assembly training pages not fingerprints": (
            edited(lambda m: m["assembly"]["training_pages"].__setitem__(0, "not hex!")),
            "the assembly's training_pages holds something that is not a page fingerprint",
        ),
        "assembly threshold above 1": (
            edited(lambda m: m["assembly"].update(threshold=2.0)),
            r"assembly 'threshold' is not a number in \[0.0, 1.0\]",
        ),
        "headlines as a list": (edited(lambda m: m.update(headlines=[1])), "headlines entry is not an object"),
        "headline roles renamed": (
            edited(lambda m: m["headlines"]["roles"].__setitem__(0, "evil")),
            "headline roles are not the ones this newsseg reads",
        ),
        "headline weight as a string": (
            edited(lambda m: m["headlines"]["title_model"]["weights"].__setitem__(0, "1.5")),
            "headlines 'title_model' 'weights' holds a value that is not a finite number",
        ),
        "headline weights cut short": (
            edited(lambda m: m["headlines"]["join_model"]["weights"].pop()),
            "headlines 'join_model' 'weights' is not a list of",
        ),
        "headline feature names repeated": (
            edited(
                lambda m: m["headlines"]["title_model"]["features"].__setitem__(
                    1, m["headlines"]["title_model"]["features"][0]
                )
            ),
            "'features' is not a list of distinct feature names",
        ),
        "headline threshold above 1": (
            edited(lambda m: m["headlines"].update(threshold=2.0)),
            r"headlines 'threshold' is not a number in \[0.0, 1.0\]",
        ),
        "headline training pages not fingerprints": (
            edited(lambda m: m["headlines"]["training_pages"].__setitem__(0, "not hex!")),
            "the headline stage's training_pages holds something that is not a page fingerprint",
        ),
        "not UTF-8": (b'{"format": "\xff"}', "not UTF-8"),
        "a list": (b"[1, 2, 3]", "not a newsseg manifest"),
    }


@pytest.mark.parametrize("case", sorted(_manifest_cases()))
def test_manifest_is_validated_before_use(case, tmp_path):
    manifest, message = _manifest_cases()[case]
    path = tmp_path / "manifest.nsm"
    path.write_bytes(_format_2_with({MANIFEST_NAME: manifest}))
    with pytest.raises(ModelFileError, match=message):
        Segmenter.load(path)


def _bomb(inflated: int) -> bytes:
    """A deflated stream of ``inflated`` bytes of spaces: a few hundred KB on disk."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b" " * (1 << 20)
    parts = [compressor.compress(chunk) for _ in range(inflated >> 20)]
    return b"".join(parts) + compressor.flush()


def _zip_with_raw_member(name: str, deflated: bytes, size: int, crc: int, others: dict[str, bytes]) -> bytes:
    """A zip whose member ``name`` is given as deflated bytes with the sizes and CRC to declare."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for other, data in others.items():
            archive.writestr(other, data)
    entries = buffer.getvalue()
    # Build the extra member by hand: local header, data, then a central directory over all members.
    with zipfile.ZipFile(io.BytesIO(entries)) as archive:
        infos = archive.infolist()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(deflated), size, len(name), 0)
    end = entries.rfind(b"PK\x05\x06")
    central_start = struct.unpack_from("<I", entries, end + 16)[0]
    body = entries[:central_start]
    central = entries[central_start:end]
    new_offset = len(body)
    body += local + name.encode() + deflated
    central += struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        len(deflated),
        size,
        len(name),
        0,
        0,
        0,
        0,
        0,
        new_offset,
    )
    central += name.encode()
    count = len(infos) + 1
    end_record = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(body), 0)
    return body + central + end_record


def test_a_manifest_that_inflates_to_100_mb_is_refused_unread(tmp_path):
    deflated = _bomb(100 << 20)
    data = _zip_with_raw_member(MANIFEST_NAME, deflated, 100 << 20, 0, {})
    assert len(data) < 1 << 20
    with pytest.raises(ModelFileError, match=r"manifest\.json inside is too large"):
        read_model_bytes(data, "bomb.nsm")


def test_a_member_that_lies_about_its_size_is_read_no_further(tmp_path):
    """The header says 1 KB; the data inflates to 100 MB. The read stops at the declared size.

    Peak memory is the child's ``VmHWM``, which starts afresh at ``exec``; ``ru_maxrss`` would carry
    over the size of the pytest process that forked it.
    """
    deflated = _bomb(100 << 20)
    members = _members(default_model_path())
    data = _zip_with_raw_member(
        MANIFEST_NAME, deflated, 1024, 0, {name: value for name, value in members.items() if name != MANIFEST_NAME}
    )
    path = tmp_path / "liar.nsm"
    path.write_bytes(data)
    code = (
        "import sys\nfrom newsseg.errors import ModelFileError\nfrom newsseg.model.modelfile import "
        "load_model_file\ntry:\n    load_model_file(sys.argv[1])\nexcept ModelFileError as error:\n    print(error)\n"
        "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')))"
    )
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    message, peak_kib = result.stdout.strip().splitlines()
    assert "corrupt" in message or "not the size" in message
    assert int(peak_kib) < 400 * 1024


def test_a_member_that_inflates_too_many_times_is_refused():
    deflated = _bomb(8 << 20)
    others = {name: data for name, data in _members(default_model_path()).items() if name != TRANSITIONS_NAME}
    data = _zip_with_raw_member(TRANSITIONS_NAME, deflated, 8 << 20, 0, others)
    with pytest.raises(ModelFileError, match=r"crf/transitions\.f64 inside inflates [0-9,]+ times"):
        read_model_bytes(data, "ratio.nsm")


def test_a_zip_with_thousands_of_members_is_refused_before_zipfile_reads_them():
    data = _zip({MANIFEST_NAME: b"{}", **{f"m{i}": b"" for i in range(5000)}})
    with pytest.raises(ModelFileError, match="5,001 members"):
        read_model_bytes(data, "many.nsm")


def test_unknown_members_and_duplicates_are_refused():
    members = _members(default_model_path())
    with pytest.raises(ModelFileError, match=r"unexpected member 'evil\.pkl'"):
        read_model_bytes(_zip({**members, "evil.pkl": b"\x80\x04."}), "extra.nsm")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        with pytest.warns(UserWarning):
            archive.writestr(LABELS_NAME, members[LABELS_NAME])
    with pytest.raises(ModelFileError, match="twice"):
        read_model_bytes(buffer.getvalue(), "duplicate.nsm")


def test_member_caps_bound_the_largest_model():
    assert sum(MAX_MEMBER_BYTES.values()) < 2 << 30


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_device_as_model_do_not_hang(tmp_path):
    fifo = tmp_path / "model.fifo"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        result = subprocess.run(
            [sys.executable, "-m", "newsseg", "info", str(path)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr


# -- properties ---------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_any_bytes_load_or_give_a_model_file_error(data):
    for candidate in (data, b"PK\x03\x04" + data):
        with contextlib.suppress(ModelFileError):
            read_model_bytes(candidate, "fuzz.nsm")


_VALID = None


def _valid_model() -> bytes:
    global _VALID
    if _VALID is None:
        _VALID = default_model_path().read_bytes()
    return _VALID


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=8))
def test_a_damaged_model_file_loads_or_gives_a_model_file_error(edits):
    data = bytearray(_valid_model())
    for position, value in edits:
        data[position % len(data)] = value
    with contextlib.suppress(ModelFileError):
        read_model_bytes(bytes(data), "damaged.nsm")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_damaged_crfsuite_blob_reads_or_gives_a_format_error(data):
    blob = bytearray(_blob())
    for _ in range(data.draw(st.integers(min_value=1, max_value=6))):
        position = data.draw(st.integers(min_value=0, max_value=len(blob) - 4))
        struct.pack_into("<I", blob, position, data.draw(st.integers(min_value=0, max_value=0xFFFFFFFF)))
    cut = data.draw(st.integers(min_value=0, max_value=len(blob)))
    with contextlib.suppress(CRFsuiteFormatError):
        weights_from_crfsuite(bytes(blob[:cut]) if data.draw(st.booleans()) else bytes(blob))
