"""The model file: ONE zip holding CRFsuite's model bytes and a JSON manifest, never a pickle.

Layout of a ``.nsm`` file::

    manifest.json   format name and version, newsseg version, label set, feature settings,
                    CRF parameters, training data summary, held-out scores, SHA-256 of the CRF
    model.crfsuite  CRFsuite's binary model, opened in memory with Tagger.open_inmemory

Loading checks, in order, that the file is a zip, that it has a manifest of the newsseg
format at a version this code reads, and that the CRF bytes match their checksum, so a
corrupt, truncated, foreign or newer file gives a clear :class:`~newsseg.errors.ModelFileError`
and never reaches CRFsuite's C code.  Saving writes identical bytes for identical content
(fixed timestamps, sorted keys), so training twice gives the same file.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from newsseg.errors import ModelFileError
from newsseg.io.fileio import read_file_bytes, write_bytes_atomic

FORMAT_NAME = "newsseg-model"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
CRF_NAME = "model.crfsuite"
MAX_MEMBER_BYTES = 512 * 1024 * 1024
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def model_file_bytes(crf_bytes: bytes, manifest: dict) -> bytes:
    """The bytes of a model file holding ``crf_bytes`` and ``manifest`` (format fields added)."""
    full = dict(manifest)
    full["format"] = FORMAT_NAME
    full["format_version"] = FORMAT_VERSION
    full["crf_sha256"] = hashlib.sha256(crf_bytes).hexdigest()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_member(MANIFEST_NAME), json.dumps(full, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        archive.writestr(_member(CRF_NAME), crf_bytes)
    return buffer.getvalue()


def save_model_file(path: str | Path, crf_bytes: bytes, manifest: dict) -> None:
    """Write a model file atomically (a temporary file renamed into place)."""
    write_bytes_atomic(path, model_file_bytes(crf_bytes, manifest))


def read_model_bytes(data: bytes, name: str) -> tuple[bytes, dict]:
    """Check and unpack the bytes of a model file.

    Returns
    -------
    (bytes, dict)
        The CRFsuite model bytes and the manifest.

    Raises
    ------
    ModelFileError
        If the data is not a zip, lacks a newsseg manifest, is of a newer format, or is corrupt.
    """
    if not data:
        raise ModelFileError("the model file is empty", name)
    if not data.startswith(b"PK\x03\x04"):
        raise ModelFileError("not a newsseg model file (it is not a zip archive)", name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if MANIFEST_NAME not in names:
                raise ModelFileError(f"not a newsseg model file (no {MANIFEST_NAME} inside)", name)
            for info in archive.infolist():
                if info.file_size > MAX_MEMBER_BYTES:
                    raise ModelFileError(f"{info.filename} inside is too large ({info.file_size:,} bytes)", name)
            manifest = _parse_manifest(archive.read(MANIFEST_NAME), name)
            if CRF_NAME not in names:
                raise ModelFileError(f"the model file has no {CRF_NAME} inside", name)
            crf_bytes = archive.read(CRF_NAME)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError) as error:
        raise ModelFileError(f"the model file is corrupt or truncated ({error})", name) from None
    if hashlib.sha256(crf_bytes).hexdigest() != manifest.get("crf_sha256"):
        raise ModelFileError("the model file is corrupt (the CRF does not match its checksum)", name)
    return crf_bytes, manifest


def _parse_manifest(raw: bytes, name: str) -> dict:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelFileError(f"not a newsseg model file ({MANIFEST_NAME} is not JSON)", name) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelFileError(f"not a newsseg model file ({MANIFEST_NAME} is not a newsseg manifest)", name)
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise ModelFileError("the model manifest has no format version", name)
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"the model was made by a newer newsseg (model format {version}; this newsseg reads up to "
            f"{FORMAT_VERSION}); upgrade newsseg to use it",
            name,
        )
    for key in ("labels", "features", "crf_sha256"):
        if key not in manifest:
            raise ModelFileError(f"the model manifest lacks {key!r}", name)
    return manifest


def load_model_file(path: str | Path) -> tuple[bytes, dict]:
    """Read and check a model file; see :func:`read_model_bytes`."""
    data = read_file_bytes(path, ModelFileError, "model file", MAX_MEMBER_BYTES)
    return read_model_bytes(data, str(path))
