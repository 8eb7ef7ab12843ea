"""The page: one OCR'd newspaper page as a sequence of lines, and reading it from bytes.

A :class:`Page` is what flows through newsseg: features, the CRF, decoding and the writers all
see the same lines with the same 1-based line numbers as the input file.

Reading accepts UTF-8 with or without a byte-order mark, UTF-16 with a BOM, and GB18030 (a
superset of GBK and GB2312), detected when the bytes are not UTF-8 or named by the caller.
CRLF, CR and LF line ends are all accepted.  Empty files, binary files, undecodable text and
absurdly long lines are refused with an :class:`~newsseg.errors.InputError` naming the file
(and line).
"""

from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from newsseg.errors import InputError
from newsseg.io.fileio import read_file_bytes

MAX_LINE_CHARS = 20_000
"""Longest line accepted; OCR lines are short, a longer line means the file is not a page."""

MAX_PAGE_BYTES = 64 * 1024 * 1024
"""Largest file accepted as one page."""

STDIN_NAME = "<stdin>"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def is_blank(text: str) -> bool:
    """Whether a line counts as blank: nothing but (full- or half-width) white space."""
    return not text.strip()


@dataclass(frozen=True)
class Page:
    """One page of text, line by line.

    Parameters
    ----------
    lines : tuple of str
        The text of each line of the input, without line ends, in input order.
    name : str
        Where the page came from (a file path, ``<stdin>``, or a name given by the caller); used
        in messages and output records.
    """

    lines: tuple[str, ...]
    name: str = "<page>"

    @classmethod
    def from_text(cls, text: str, name: str = "<page>") -> Page:
        """Split a text into lines (CRLF, CR or LF); a final line end adds no empty line."""
        if text.startswith("\ufeff"):
            text = text[1:]
        text = text.rstrip("\f")
        lines = _LINE_BREAK.split(text)
        if lines and lines[-1] == "":
            lines.pop()
        return cls(tuple(line.rstrip("\f") for line in lines), name)

    @classmethod
    def from_lines(cls, lines: Iterable[str], name: str = "<page>") -> Page:
        """Make a page from lines that carry no line ends."""
        checked = tuple(lines)
        for number, line in enumerate(checked, start=1):
            if _LINE_BREAK.search(line):
                raise InputError("a line contains a line break; pass one line per item", name, number)
        return cls(checked, name)

    @cached_property
    def content_indices(self) -> tuple[int, ...]:
        """0-based indices of the non-blank lines, the ones that get a tag."""
        return tuple(i for i, line in enumerate(self.lines) if not is_blank(line))

    def __len__(self) -> int:
        return len(self.lines)


def decode_page_bytes(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode the bytes of a page file into text.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file name, for messages.
    encoding : str, optional
        A codec name (``gb18030``, ``gbk``, ``utf-8`` ...) to use instead of detection.

    Returns
    -------
    str
        The text, without a byte-order mark.

    Raises
    ------
    InputError
        If the bytes are empty, binary, or not text in the named or a detectable encoding.
    """
    if not data.strip():
        raise InputError("the file is empty", name)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", name) from None
        return _decode_strict(data, encoding, name)
    if data.startswith(codecs.BOM_UTF8):
        return _decode_strict(data[len(codecs.BOM_UTF8) :], "utf-8", name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_strict(data, "utf-16", name)
    if b"\x00" in data[:8192]:
        raise InputError("this is a binary file, not page text (it contains NUL bytes)", name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise InputError(
                "the text is neither UTF-8 nor GB18030/GBK; name its encoding with --encoding",
                name,
                line,
            ) from None


def _decode_strict(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"the text is not valid {encoding}", name, line) from None
    return text.removeprefix("\ufeff")


def check_page_text(text: str, name: str) -> None:
    """Refuse text that cannot be a page: empty, binary-looking, or with enormous lines."""
    if not text.strip():
        raise InputError("the file is empty", name)
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    if controls > max(8, len(sample) // 100):
        raise InputError("this looks like a binary file, not page text (many control characters)", name)


def page_from_text(text: str, name: str) -> Page:
    """Check a decoded text and split it into a :class:`Page`."""
    check_page_text(text, name)
    page = Page.from_text(text, name)
    for number, line in enumerate(page.lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise InputError(
                f"line is {len(line):,} characters long (at most {MAX_LINE_CHARS:,}); is this one OCR line per line?",
                name,
                number,
            )
    return page


def read_page(path: str | Path, encoding: str | None = None) -> Page:
    """Read one page of text from a file, or from standard input when ``path`` is ``-``.

    Parameters
    ----------
    path : str or Path
        The file to read; ``-`` reads standard input.
    encoding : str, optional
        The text's encoding; detected (UTF-8, UTF-16 with BOM, GB18030) when not given.

    Returns
    -------
    Page
        The page, named by the path.

    Raises
    ------
    InputError
        If the file is missing, unreadable, too large, empty, binary or undecodable.
    """
    if str(path) == "-":
        data = sys.stdin.buffer.read(MAX_PAGE_BYTES + 1)
        name = STDIN_NAME
    else:
        name = str(path)
        data = read_file_bytes(path, InputError, max_bytes=MAX_PAGE_BYTES)
    if len(data) > MAX_PAGE_BYTES:
        raise InputError(f"the input is larger than {MAX_PAGE_BYTES:,} bytes", name)
    return page_from_text(decode_page_bytes(data, name, encoding), name)


def as_page(page: Page | str | Sequence[str], name: str = "<page>") -> Page:
    """Accept a :class:`Page`, a whole text, or a sequence of lines, and give a :class:`Page`."""
    if isinstance(page, Page):
        return page
    if isinstance(page, str):
        return page_from_text(page, name)
    return Page.from_lines(page, name)
