"""CRFsuite's binary model format, read in pure Python with every count and offset checked.

Training writes its CRF with CRFsuite (python-crfsuite); this module turns those bytes into
:class:`~newsseg.model.weights.CRFWeights` without handing them to CRFsuite's C code, so a
damaged or crafted blob (a format-1 model file from an untrusted source, say) can only raise
:class:`CRFsuiteFormatError`, never crash the process.

The layout (CRFsuite 0.12, ``crf1d_model.c`` and ``cqdb.c``; all integers little-endian)::

    header        "lCRF", size, "FOMC", version, num_features, num_labels, num_attrs,
                  off_features, off_labels, off_attrs, off_labelrefs, off_attrrefs (12 x 4 bytes)
    features      "FEAT", chunk size, count, then per feature: type (0 state, 1 transition),
                  source, destination (uint32 each) and weight (float64)
    labels        a CQDB string database: id -> label name
    attributes    a CQDB string database: id -> attribute name
    label refs,   per label / attribute, the features that start there (used only for fast
    attr refs     lookup inside CRFsuite, so not read here)

A CQDB chunk starts "CQDB", size, flag, byte-order mark, count, offset of its backward array;
entry ``i`` of the backward array is the offset of record ``i``: id (int32), key size (uint32),
then the key's bytes with a terminating NUL.
"""

from __future__ import annotations

import struct

import numpy as np

from newsseg.model.weights import CRFWeights

MAGIC = b"lCRF"
MODEL_TYPE = b"FOMC"
FEATURE_CHUNK = b"FEAT"
CQDB_CHUNK = b"CQDB"
STATE_FEATURE = 0
TRANSITION_FEATURE = 1

_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_CHUNK = struct.Struct("<4sII")
_FEATURE = struct.Struct("<IIId")
_CQDB_HEADER = struct.Struct("<4sIIIII")
_CQDB_RECORD = struct.Struct("<iI")
_CQDB_TABLES = 256 * 8
_BYTE_ORDER_MARK = 0x62445371


class CRFsuiteFormatError(ValueError):
    """The bytes are not a well-formed CRFsuite model (the message says where they fail)."""


def _unpack(layout: struct.Struct, data: bytes, offset: int, what: str) -> tuple:
    if offset < 0 or offset + layout.size > len(data):
        raise CRFsuiteFormatError(f"{what} lies outside the model ({offset:#x}, {len(data):,} bytes)")
    return layout.unpack_from(data, offset)


def _read_strings(data: bytes, offset: int, expected: int, what: str) -> list[str]:
    """The strings of the CQDB chunk at ``offset``, in id order (``expected`` of them)."""
    chunk_id, size, _flag, byte_order, count, backward = _unpack(_CQDB_HEADER, data, offset, f"the {what} table")
    if chunk_id != CQDB_CHUNK:
        raise CRFsuiteFormatError(f"the {what} table has no CQDB mark")
    if byte_order != _BYTE_ORDER_MARK:
        raise CRFsuiteFormatError(f"the {what} table has a foreign byte order")
    if offset + size > len(data) or size < _CQDB_HEADER.size + _CQDB_TABLES:
        raise CRFsuiteFormatError(f"the {what} table's size ({size:,}) does not fit the model")
    if count != expected:
        raise CRFsuiteFormatError(f"the {what} table holds {count:,} names, the header says {expected:,}")
    chunk = data[offset : offset + size]
    if backward + 4 * count > size or backward < _CQDB_HEADER.size:
        raise CRFsuiteFormatError(f"the {what} table's index lies outside it")
    offsets = struct.unpack_from(f"<{count}I", chunk, backward)
    names = []
    for number, record in enumerate(offsets):
        record_id, key_size = _unpack(_CQDB_RECORD, chunk, record, f"{what} {number}")
        start = record + _CQDB_RECORD.size
        if record_id != number or key_size < 1 or start + key_size > size or chunk[start + key_size - 1] != 0:
            raise CRFsuiteFormatError(f"{what} {number} of the table is malformed")
        try:
            names.append(chunk[start : start + key_size - 1].decode("utf-8"))
        except UnicodeDecodeError:
            raise CRFsuiteFormatError(f"{what} {number} is not UTF-8") from None
    if len(set(names)) != len(names):
        raise CRFsuiteFormatError(f"the {what} table names something twice")
    return names


def weights_from_crfsuite(data: bytes) -> CRFWeights:
    """Read a CRFsuite model's labels, attributes and weights.

    Parameters
    ----------
    data : bytes
        The model as CRFsuite writes it (``Trainer.train``'s output file).

    Returns
    -------
    CRFWeights
        The same model as plain arrays.

    Raises
    ------
    CRFsuiteFormatError
        If any mark, count, offset or size is inconsistent, a feature points outside the label
        or attribute tables, or a weight is not finite.
    """
    header = _unpack(_HEADER, data, 0, "the header")
    magic, size, model_type, _version, _n, n_labels, n_attrs, off_features, off_labels, off_attrs = header[:10]
    if magic != MAGIC or model_type != MODEL_TYPE:
        raise CRFsuiteFormatError("not a CRFsuite first-order CRF model (wrong magic)")
    if size != len(data):
        raise CRFsuiteFormatError(f"the header says {size:,} bytes, the model has {len(data):,}")
    if n_labels < 1:
        raise CRFsuiteFormatError("the model has no labels")
    chunk_id, chunk_size, count = _unpack(_CHUNK, data, off_features, "the feature table")
    if chunk_id != FEATURE_CHUNK:
        raise CRFsuiteFormatError("the feature table has no FEAT mark")
    if off_features + chunk_size > len(data) or chunk_size != _CHUNK.size + count * _FEATURE.size:
        raise CRFsuiteFormatError(f"the feature table's size ({chunk_size:,}) does not match its {count:,} features")
    labels = _read_strings(data, off_labels, n_labels, "label")
    attributes = _read_strings(data, off_attrs, n_attrs, "attribute")
    records = np.frombuffer(
        data,
        dtype=np.dtype([("type", "<u4"), ("source", "<u4"), ("target", "<u4"), ("weight", "<f8")]),
        count=count,
        offset=off_features + _CHUNK.size,
    )
    kinds, sources, targets, values = records["type"], records["source"], records["target"], records["weight"]
    if not np.all((kinds == STATE_FEATURE) | (kinds == TRANSITION_FEATURE)):
        raise CRFsuiteFormatError("a feature is of an unknown type")
    if not np.all(np.isfinite(values)):
        raise CRFsuiteFormatError("a feature weight is not a finite number")
    state = kinds == STATE_FEATURE
    if np.any(sources[state] >= n_attrs) or np.any(targets >= n_labels) or np.any(sources[~state] >= n_labels):
        raise CRFsuiteFormatError("a feature points outside the label or attribute table")
    transitions = np.zeros((n_labels, n_labels))
    np.add.at(transitions, (sources[~state].astype(np.intp), targets[~state].astype(np.intp)), values[~state])
    state_weights = np.zeros((n_attrs, n_labels))
    np.add.at(state_weights, (sources[state].astype(np.intp), targets[state].astype(np.intp)), values[state])
    return CRFWeights(labels, attributes, state_weights, transitions)
