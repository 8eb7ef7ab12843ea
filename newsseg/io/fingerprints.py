"""Fingerprints: a short digest of a page's lines, to recognise a page a model was trained on,
and the SHA-256 of a file, for provenance and the output ledger.

A model file lists the fingerprints of its training pages, so that evaluating it on one of them
can be warned about, whatever the file is called or wherever it lies.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from newsseg.io.page import Page

FINGERPRINT_CHARS = 16
"""Hex digits kept of the SHA-256: 64 bits, so that pages of an archive do not collide by chance."""


def page_fingerprint(page: Page) -> str:
    """The fingerprint of a page: the start of the SHA-256 of its lines joined by line feeds."""
    text = "\n".join(page.lines).encode("utf-8", "surrogatepass")
    return hashlib.sha256(text).hexdigest()[:FINGERPRINT_CHARS]


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, in hex, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
