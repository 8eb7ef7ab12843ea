"""The model file: one zip of plain arrays and a JSON manifest, read as untrusted data.

Layout of a ``.nsm`` file (format 2)::

    manifest.json            format name and version, newsseg and library versions, label set,
                             feature settings, CRF parameters, training summary, held-out scores,
                             the SHA-256 of every other member, and (optional) the assembly
                             stage's pair model: a few dozen weights, which
                             :meth:`newsseg.assembly.Assembler.from_dict` checks number by number
                             when the segmenter is loaded, and (optional) the headline stage's
                             title and join models: named weights, checked the same way by
                             :meth:`newsseg.headlines.HeadlineReader.from_dict`
    crf/labels.json          the CRF's label names, in the order of the arrays' label axis
    crf/attributes.json      its attribute (feature) names, in the order of the attribute axis
    crf/transitions.f64      n_labels x n_labels transition weights (float64, little-endian, row-major)
    crf/state-index.u32      the flat index (attribute * n_labels + label) of every non-zero state
                             weight, strictly increasing (uint32, little-endian)
    crf/state-weights.f64    those weights (float64, little-endian)
    training/pages.json      optional: fingerprints of the training pages (see
                             :func:`newsseg.io.fingerprints.page_fingerprint`), to warn on
                             evaluating a model on its own training data

A model file is data from anywhere, so it is read by Python alone and proven well-formed
before any of it is used: the file is a regular file under :data:`MAX_MODEL_FILE_BYTES`; its zip
directory has only the members above; every member is read with a bounded read, capped in size
and compression ratio, and checked against its SHA-256; the manifest is JSON without NaN,
infinities, huge numbers or deep nesting, and each field has the type and range the code needs;
the arrays have exactly the sizes the name lists imply, finite weights and in-range indices.
Any failure is a one-line :class:`~newsseg.errors.ModelFileError`.  No native parser sees a
model's bytes: the weights are applied by numpy (:mod:`~newsseg.model.weights`), not CRFsuite.

Format-1 files (CRFsuite's binary model inside the zip) are still read, by the pure-Python
reader in :mod:`~newsseg.model.crfsuite_file`; saving always writes format 2.  Saving writes
identical bytes for identical content (fixed timestamps, sorted keys), so training twice gives
the same file.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from newsseg.errors import ModelFileError
from newsseg.features import FeatureSettings
from newsseg.io.fileio import read_file_bytes, write_bytes_atomic
from newsseg.io.labels import TAGS
from newsseg.model.crfsuite_file import CRFsuiteFormatError, weights_from_crfsuite
from newsseg.model.weights import CRFWeights

FORMAT_NAME = "newsseg-model"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MANIFEST_NAME = "manifest.json"
LABELS_NAME = "crf/labels.json"
ATTRIBUTES_NAME = "crf/attributes.json"
TRANSITIONS_NAME = "crf/transitions.f64"
STATE_INDEX_NAME = "crf/state-index.u32"
STATE_WEIGHTS_NAME = "crf/state-weights.f64"
TRAINING_PAGES_NAME = "training/pages.json"
CRF_NAME = "model.crfsuite"
"""Format 1's member: CRFsuite's binary model."""

FORMAT_2_MEMBERS = (LABELS_NAME, ATTRIBUTES_NAME, TRANSITIONS_NAME, STATE_INDEX_NAME, STATE_WEIGHTS_NAME)

MAX_MODEL_FILE_BYTES = 256 * 1024 * 1024
"""Largest model file read."""
MAX_MEMBER_BYTES = {
    MANIFEST_NAME: 4 * 1024 * 1024,
    LABELS_NAME: 64 * 1024,
    ATTRIBUTES_NAME: 256 * 1024 * 1024,
    TRANSITIONS_NAME: 8 * 1024 * 1024,
    STATE_INDEX_NAME: 256 * 1024 * 1024,
    STATE_WEIGHTS_NAME: 512 * 1024 * 1024,
    TRAINING_PAGES_NAME: 64 * 1024 * 1024,
    CRF_NAME: 512 * 1024 * 1024,
}
"""Largest size of each member once inflated."""
MAX_COMPRESSION_RATIO = 200
"""Members above :data:`SMALL_MEMBER_BYTES` may not inflate more than this many times."""
SMALL_MEMBER_BYTES = 64 * 1024
MAX_LABELS = len(TAGS)
MAX_STATE_ENTRIES = 64 * 1024 * 1024
"""Largest attributes x labels: the dense state matrix is built in memory (8 bytes an entry)."""
MAX_NAME_CHARS = 4096
MAX_WEIGHT = 1e6
"""Weights larger in magnitude than this are not from training; refused."""
MAX_JSON_DEPTH = 16
MAX_NUMBER_CHARS = 40
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)
_SHA256_HEX = frozenset("0123456789abcdef")


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _json_bytes(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n").encode("utf-8")


def weight_members(weights: CRFWeights) -> dict[str, bytes]:
    """The format-2 members holding a CRF's arrays."""
    flat = weights.state.ravel()
    nonzero = np.flatnonzero(flat)
    return {
        LABELS_NAME: _json_bytes(list(weights.labels)),
        ATTRIBUTES_NAME: _json_bytes(list(weights.attributes)),
        TRANSITIONS_NAME: weights.transitions.astype("<f8").tobytes(),
        STATE_INDEX_NAME: nonzero.astype("<u4").tobytes(),
        STATE_WEIGHTS_NAME: flat[nonzero].astype("<f8").tobytes(),
    }


def model_file_bytes(weights: CRFWeights, manifest: dict, training_pages: list[str] | None = None) -> bytes:
    """The bytes of a format-2 model file.

    Parameters
    ----------
    weights : CRFWeights
        The trained CRF.
    manifest : dict
        Its description; the format fields and member checksums are added.
    training_pages : list of str, optional
        Fingerprints of the pages it was trained on (:func:`~newsseg.io.fingerprints.page_fingerprint`).
    """
    members = weight_members(weights)
    if training_pages is not None:
        members[TRAINING_PAGES_NAME] = _json_bytes(sorted(training_pages))
    full = {key: value for key, value in manifest.items() if key not in ("crf_sha256", "members_sha256")}
    full["format"] = FORMAT_NAME
    full["format_version"] = FORMAT_VERSION
    full["members_sha256"] = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(members.items())}
    if len(str(full["members_sha256"])) > MAX_MEMBER_BYTES[MANIFEST_NAME]:
        raise ValueError("the manifest is too large")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_member(MANIFEST_NAME), _json_bytes(full))
        for name, data in sorted(members.items()):
            archive.writestr(_member(name), data)
    return buffer.getvalue()


def save_model_file(
    path: str | Path, weights: CRFWeights, manifest: dict, training_pages: list[str] | None = None
) -> None:
    """Write a model file atomically (a temporary file renamed into place)."""
    write_bytes_atomic(path, model_file_bytes(weights, manifest, training_pages))


class LoadedModel:
    """What a checked model file holds.

    Attributes
    ----------
    weights : CRFWeights
        The CRF.
    manifest : dict
        The validated manifest.
    training_pages : frozenset of str
        Fingerprints of its training pages (empty when the file does not list them).
    """

    def __init__(self, weights: CRFWeights, manifest: dict, training_pages: frozenset[str]) -> None:
        self.weights = weights
        self.manifest = manifest
        self.training_pages = training_pages


def read_model_bytes(data: bytes, name: str) -> LoadedModel:
    """Check and unpack the bytes of a model file.

    Parameters
    ----------
    data : bytes
        The whole file.
    name : str
        Its name, for messages.

    Returns
    -------
    LoadedModel

    Raises
    ------
    ModelFileError
        If anything about the file is not as this module's docstring describes.
    """

    def fail(message: str) -> ModelFileError:
        return ModelFileError(message, name)

    if not data:
        raise fail("the model file is empty")
    if not data.startswith(b"PK\x03\x04"):
        raise fail("not a newsseg model file (it is not a zip archive)")
    _check_zip_directory(data, fail)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            if len(infos) != len(archive.infolist()):
                raise fail("the model file names a member twice")
            if MANIFEST_NAME not in infos:
                raise fail(f"not a newsseg model file (no {MANIFEST_NAME} inside)")
            unknown = set(infos) - set(MAX_MEMBER_BYTES)
            if unknown:
                raise fail(f"not a newsseg model file (unexpected member {sorted(unknown)[0][:80]!r})")

            def read(member: str) -> bytes:
                if member not in infos:
                    raise fail(f"the model file has no {member} inside")
                return _read_member(archive, infos[member], fail)

            manifest = parse_manifest(read(MANIFEST_NAME), name)
            if manifest["format_version"] == 1:
                crf_bytes = read(CRF_NAME)
                if hashlib.sha256(crf_bytes).hexdigest() != manifest["crf_sha256"]:
                    raise fail("the model file is corrupt (the CRF does not match its checksum)")
                try:
                    weights = weights_from_crfsuite(crf_bytes)
                except CRFsuiteFormatError as error:
                    raise fail(f"the CRF inside is malformed ({error})") from None
                training_pages: frozenset[str] = frozenset()
            else:
                checksums = manifest["members_sha256"]
                members = {}
                for member in (*FORMAT_2_MEMBERS, TRAINING_PAGES_NAME):
                    if member not in checksums:
                        if member == TRAINING_PAGES_NAME:
                            continue
                        raise fail(f"the model manifest lists no checksum of {member}")
                    members[member] = read(member)
                    if hashlib.sha256(members[member]).hexdigest() != checksums[member]:
                        raise fail(f"the model file is corrupt ({member} does not match its checksum)")
                weights = _weights_from_members(members, fail)
                training_pages = _training_pages(members.get(TRAINING_PAGES_NAME), fail)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError) as error:
        raise fail(f"the model file is corrupt or truncated ({error})") from None
    unknown_labels = sorted(set(weights.labels) - set(TAGS))
    if unknown_labels:
        raise fail(f"the CRF has a label newsseg does not know ({unknown_labels[0]!r})")
    if not set(weights.labels) <= set(manifest["labels"]):
        raise fail("the CRF's labels are not those the manifest lists")
    return LoadedModel(weights, manifest, training_pages)


def _check_zip_directory(data: bytes, fail: Callable[[str], ModelFileError]) -> None:
    """Refuse a zip whose end record declares more members than a model has, before zipfile reads them."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise fail("the model file is corrupt or truncated (no zip directory)")
    _disk, _start_disk, _here, total, _size, _offset, _comment = struct.unpack_from("<HHHHIIH", data, end + 4)
    if total > len(MAX_MEMBER_BYTES):
        raise fail(f"not a newsseg model file (its zip holds {total:,} members)")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, fail: Callable[[str], ModelFileError]) -> bytes:
    """A member's bytes, read no further than its cap, whatever its header claims."""
    cap = MAX_MEMBER_BYTES[info.filename]
    if info.file_size > cap:
        raise fail(f"{info.filename} inside is too large ({info.file_size:,} bytes; at most {cap:,})")
    if info.file_size > SMALL_MEMBER_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        raise fail(f"{info.filename} inside inflates {info.file_size // max(info.compress_size, 1):,} times; refused")
    with archive.open(info) as handle:
        data = handle.read(cap + 1)
    if len(data) != info.file_size:
        raise fail(f"{info.filename} inside is not the size its header says")
    return data


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a model may hold")


def _bounded_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a {len(text):,}-digit number")
    return int(text)


def _bounded_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a {len(text):,}-character number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def load_json(raw: bytes, what: str, fail: Callable[[str], ModelFileError]) -> object:
    """Parse untrusted JSON: UTF-8, no NaN or infinities, no huge numbers, nesting at most :data:`MAX_JSON_DEPTH`."""
    try:
        value = json.loads(
            raw.decode("utf-8"),
            parse_constant=_refuse_constant,
            parse_int=_bounded_int,
            parse_float=_bounded_float,
        )
    except UnicodeDecodeError:
        raise fail(f"{what} is not UTF-8") from None
    except RecursionError:
        raise fail(f"{what} is nested too deeply") from None
    except ValueError as error:
        raise fail(f"{what} is not valid JSON ({error})") from None
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise fail(f"{what} is nested too deeply (more than {MAX_JSON_DEPTH} levels)")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return value


def _string_list(raw: bytes, what: str, limit: int, fail: Callable[[str], ModelFileError]) -> list[str]:
    value = load_json(raw, what, fail)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail(f"{what} is not a list of names")
    if len(value) > limit:
        raise fail(f"{what} holds {len(value):,} names; at most {limit:,}")
    if any(len(item) > MAX_NAME_CHARS for item in value):
        raise fail(f"{what} holds a name longer than {MAX_NAME_CHARS:,} characters")
    if len(set(value)) != len(value):
        raise fail(f"{what} names something twice")
    return value


def _weights_from_members(members: dict[str, bytes], fail: Callable[[str], ModelFileError]) -> CRFWeights:
    labels = _string_list(members[LABELS_NAME], LABELS_NAME, MAX_LABELS, fail)
    if not labels:
        raise fail("the CRF has no labels")
    attributes = _string_list(members[ATTRIBUTES_NAME], ATTRIBUTES_NAME, MAX_STATE_ENTRIES // len(labels), fail)
    n_labels, n_attributes = len(labels), len(attributes)
    raw_transitions = members[TRANSITIONS_NAME]
    if len(raw_transitions) != 8 * n_labels * n_labels:
        raise fail(f"{TRANSITIONS_NAME} holds {len(raw_transitions):,} bytes, not {8 * n_labels * n_labels:,}")
    raw_index, raw_weights = members[STATE_INDEX_NAME], members[STATE_WEIGHTS_NAME]
    if len(raw_index) % 4 or len(raw_weights) != 2 * len(raw_index):
        raise fail(f"{STATE_INDEX_NAME} and {STATE_WEIGHTS_NAME} do not hold one weight per index")
    transitions = np.frombuffer(raw_transitions, dtype="<f8").reshape(n_labels, n_labels)
    index = np.frombuffer(raw_index, dtype="<u4").astype(np.int64)
    values = np.frombuffer(raw_weights, dtype="<f8")
    for array, member in ((transitions, TRANSITIONS_NAME), (values, STATE_WEIGHTS_NAME)):
        if not np.all(np.isfinite(array)) or np.any(np.abs(array) > MAX_WEIGHT):
            raise fail(f"{member} holds a weight that is not a finite number of at most {MAX_WEIGHT:g}")
    if index.size and (np.any(np.diff(index) <= 0) or index[-1] >= n_attributes * n_labels):
        raise fail(f"{STATE_INDEX_NAME} is not strictly increasing within {n_attributes:,} x {n_labels} entries")
    state = np.zeros(n_attributes * n_labels)
    state[index] = values
    return CRFWeights(labels, attributes, state.reshape(n_attributes, n_labels), transitions.copy())


def check_fingerprints(items: object, what: str, fail: Callable[[str], ModelFileError]) -> frozenset[str]:
    """Page fingerprints (:func:`~newsseg.io.fingerprints.page_fingerprint`) read from a model, checked."""
    if not isinstance(items, list) or not all(
        isinstance(item, str) and 0 < len(item) <= 64 and set(item) <= _SHA256_HEX for item in items
    ):
        raise fail(f"{what} holds something that is not a page fingerprint")
    return frozenset(items)


def _training_pages(raw: bytes | None, fail: Callable[[str], ModelFileError]) -> frozenset[str]:
    if raw is None:
        return frozenset()
    fingerprints = _string_list(raw, TRAINING_PAGES_NAME, MAX_MEMBER_BYTES[TRAINING_PAGES_NAME] // 8, fail)
    return check_fingerprints(fingerprints, TRAINING_PAGES_NAME, fail)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_crf_params(params: object, fail: Callable[[str], ModelFileError]) -> None:
    if not isinstance(params, dict):
        raise fail("the model manifest's 'crf' is not an object")
    for key in ("c1", "c2"):
        if key in params and not (_is_number(params[key]) and 0 <= params[key] <= MAX_WEIGHT):
            raise fail(f"the model manifest's crf.{key} is not a non-negative number")
    if "max_iterations" in params and not (
        isinstance(params["max_iterations"], int) and 0 <= params["max_iterations"] <= 1_000_000
    ):
        raise fail("the model manifest's crf.max_iterations is not a whole number of iterations")
    if "all_transitions" in params and not isinstance(params["all_transitions"], bool):
        raise fail("the model manifest's crf.all_transitions is not true or false")


def parse_manifest(raw: bytes, name: str) -> dict:
    """Parse and validate a model manifest; every field the code uses is checked for type and range.

    Raises
    ------
    ModelFileError
        If the manifest is not JSON of the newsseg model format, is of a newer format, or a field
        has the wrong type or an out-of-range value.
    """

    def fail(message: str) -> ModelFileError:
        return ModelFileError(message, name)

    manifest = load_json(raw, MANIFEST_NAME, fail)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise fail(f"not a newsseg model file ({MANIFEST_NAME} is not a newsseg manifest)")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise fail("the model manifest has no format version")
    if version > FORMAT_VERSION:
        raise fail(
            f"the model was made by a newer newsseg (model format {version}; this newsseg reads up to "
            f"{FORMAT_VERSION}); upgrade newsseg to use it"
        )
    if version not in READABLE_VERSIONS:
        raise fail(f"the model file is of format {version}, which this newsseg cannot read")
    for key in ("labels", "features", "crf_sha256" if version == 1 else "members_sha256"):
        if key not in manifest:
            raise fail(f"the model manifest lacks {key!r}")
    labels = manifest["labels"]
    if not isinstance(labels, list) or not labels or not all(isinstance(label, str) for label in labels):
        raise fail("the model manifest's labels are not a list of tags")
    unknown = sorted(set(labels) - set(TAGS))
    if unknown:
        raise fail(f"the model manifest names a label newsseg does not know ({unknown[0][:40]!r})")
    try:
        FeatureSettings.from_dict(manifest["features"])
    except (TypeError, ValueError) as error:
        raise fail(f"the model's feature settings are not understood ({error})") from None
    if "crf" in manifest:
        _check_crf_params(manifest["crf"], fail)
    checksums = manifest["crf_sha256"] if version == 1 else manifest["members_sha256"]
    checksum_values = [checksums] if version == 1 else list(checksums.values()) if isinstance(checksums, dict) else []
    if (version == 2 and not isinstance(checksums, dict)) or not all(
        isinstance(value, str) and len(value) == 64 and set(value) <= _SHA256_HEX for value in checksum_values
    ):
        raise fail("the model manifest's checksums are not SHA-256 digests")
    for stage, entry in (("assembly", "the assembly"), ("headlines", "the headline stage")):
        if stage in manifest:
            if not isinstance(manifest[stage], dict):
                raise fail(f"the {stage} entry is not an object")
            check_fingerprints(manifest[stage].get("training_pages", []), f"{entry}'s training_pages", fail)
    for key in ("training", "heldout", "cv", "libraries"):
        if key in manifest and not isinstance(manifest[key], dict):
            raise fail(f"the model manifest's {key!r} is not an object")
    for key in ("newsseg_version",):
        if key in manifest and not isinstance(manifest[key], str):
            raise fail(f"the model manifest's {key!r} is not a string")
    return manifest


def load_model_file(path: str | Path) -> LoadedModel:
    """Read and check a model file; see :func:`read_model_bytes`."""
    data = read_file_bytes(path, ModelFileError, "model file", MAX_MODEL_FILE_BYTES)
    return read_model_bytes(data, str(path))
