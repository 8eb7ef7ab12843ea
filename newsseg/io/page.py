"""The page: one OCR'd newspaper page as a sequence of lines, and reading it from bytes.

A :class:`Page` is what flows through newsseg: features, the CRF, decoding and the writers all
see the same lines with the same 1-based line numbers.

Encodings
    Reading accepts UTF-8 with or without a byte-order mark and UTF-16 with a BOM.  Bytes that
    are not UTF-8 are decoded as GB18030 (a superset of GBK and GB2312) and as Big5 (HKSCS),
    and the decoding that reads as Chinese text wins (:func:`detect_encoding`: the share of
    common characters, against characters mojibake produces: kana, box drawing, rare CJK
    extensions, private use).  Japanese Shift-JIS text is refused, naming itself, rather than
    read as mojibake.  ``encoding=`` forces a codec; only text codecs are accepted
    (:func:`check_encoding`).  The encoding used is kept in :attr:`Page.encoding`.

Text
    CRLF, CR and LF line ends are all accepted.  Lone surrogates (from ``surrogateescape`` or a
    careless caller) become U+FFFD when a page is made, so every output is valid UTF-8.

Limits
    Empty files, binary files, undecodable text, files over :data:`MAX_PAGE_BYTES` and pages of
    more than :data:`MAX_PAGE_LINES` non-blank lines are refused with an
    :class:`~newsseg.errors.InputError` naming the file (and line), before any features are
    computed, so memory stays bounded.

Long lines
    A line longer than :data:`MAX_LINE_CHARS` (an article from a database with no line breaks)
    is not refused: :func:`page_from_text` splits it into sentence lines (after 。！？；!? and
    the closing quotes or brackets that follow them; a sentence still too long is cut every
    :data:`MAX_LINE_CHARS` characters).  The page then holds the split lines, so line numbers in
    the output count the split lines, not the file's; each split line is reported by an
    :class:`~newsseg.errors.InputWarning` (``warnings.warn``) naming the file and the original
    line number: ``page.txt:1: the line is 1,000,000 characters; split into 23,000
    sentence lines``.  Lines up to :data:`MAX_LINE_CHARS` are never touched, so normal pages are read
    exactly as before.
"""

from __future__ import annotations

import codecs
import re
import sys
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from newsseg.errors import InputError, InputWarning
from newsseg.io.fileio import display_path, read_file_bytes

MAX_LINE_CHARS = 2_000
"""Longest line kept as it is.  OCR lines are a column wide (10 to 100 characters); a longer
line is a whole text without line breaks and is split into sentence lines."""

MAX_PAGE_BYTES = 16 * 1024 * 1024
"""Largest file accepted as one page (a real page's text is well under 100 KB)."""

MAX_PAGE_LINES = 50_000
"""Most non-blank lines accepted on one page.  A real newspaper page has fewer than 2,000
lines; the limit bounds a page's features (some 25 KB a line): ``newsseg predict`` of a page at
the limit peaks at 1.5 GB resident (0.27 GB for a real page) and takes about 80 s."""

STDIN_NAME = "<stdin>"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SENTENCE = re.compile(r"[^。！？；!?]*[。！？；!?]+[”’」』）)\]】》〉\"'\s]*")

CHINESE_ENCODINGS = ("gb18030", "big5hkscs")
"""Codecs tried, in this order, on bytes that are not UTF-8; the first wins a tie."""
SCORE_SAMPLE = 200_000
"""Characters of a decoding looked at to score it."""
PLAUSIBLE = 0.75
"""A decoding scoring below this does not read as Chinese (see :func:`plausibility`)."""
KANA_SHARE = 0.1
"""Shift-JIS text with at least this share of kana among its non-ASCII characters is Japanese."""


def is_blank(text: str) -> bool:
    """Whether a line counts as blank: nothing but (full- or half-width) white space."""
    return not text.strip()


def replace_surrogates(text: str) -> str:
    """The text with every lone surrogate (U+D800–U+DFFF) replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


@dataclass(frozen=True)
class Page:
    """One page of text, line by line.

    Parameters
    ----------
    lines : tuple of str
        The text of each line of the input, without line ends, in input order.  Lone surrogates
        are replaced by U+FFFD.
    name : str
        Where the page came from (a file path shown by
        :func:`~newsseg.io.fileio.display_path`, ``<stdin>``, or a name given by the caller);
        used in messages and output records.
    encoding : str or None
        The codec the page's bytes were decoded with, when it was read from bytes.
    """

    lines: tuple[str, ...]
    name: str = "<page>"
    encoding: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if any(_SURROGATE.search(line) for line in self.lines):
            object.__setattr__(self, "lines", tuple(replace_surrogates(line) for line in self.lines))

    @classmethod
    def from_text(cls, text: str, name: str = "<page>", encoding: str | None = None) -> Page:
        """Split a text into lines (CRLF, CR or LF); a final line end adds no empty line."""
        text = replace_surrogates(text)
        if text.startswith("\ufeff"):
            text = text[1:]
        text = text.rstrip("\f")
        lines = _LINE_BREAK.split(text)
        if lines and lines[-1] == "":
            lines.pop()
        return cls(tuple(line.rstrip("\f") for line in lines), name, encoding)

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


def check_encoding(encoding: str, name: str | None = None) -> str:
    """Check that a codec name given by the user names a text encoding.

    Parameters
    ----------
    encoding : str
        The name (``gb18030``, ``GBK``, ``utf_8`` ...).
    name : str, optional
        The file it is for, named in the message.

    Returns
    -------
    str
        The codec's canonical name.

    Raises
    ------
    InputError
        For an unknown name, or a codec that does not decode bytes to text (``rot13``,
        ``base64``, ``zlib``, ``hex`` ...).
    """
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError):
        raise InputError(f"unknown encoding {encoding!r}", name) from None
    if not getattr(info, "_is_text_encoding", True):
        raise InputError(f"{encoding!r} is not a text encoding; name one such as utf-8, gb18030 or big5", name)
    return info.name


def decode_page_bytes(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode the bytes of a page file into text.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file name, for messages.
    encoding : str, optional
        A codec name (``gb18030``, ``gbk``, ``big5``, ``utf-8`` ...) to use instead of detection.

    Returns
    -------
    str
        The text, without a byte-order mark.

    Raises
    ------
    InputError
        If the bytes are empty, binary, or not text in the named or a detectable encoding.
    """
    return decode_page(data, name, encoding)[0]


def decode_page(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode the bytes of a page file; give the text and the codec used.

    See :func:`decode_page_bytes` for the parameters and errors.
    """
    if not data.strip():
        raise InputError("the file is empty", name)
    if encoding is not None:
        codec = check_encoding(encoding, name)
        return _decode_strict(data, codec, name), codec
    if data.startswith(codecs.BOM_UTF8):
        return _decode_strict(data[len(codecs.BOM_UTF8) :], "utf-8", name), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_strict(data, "utf-16", name), "utf-16"
    if b"\x00" in data[:8192]:
        raise InputError("this is a binary file, not page text (it contains NUL bytes)", name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        return detect_encoding(data, name, utf8_error)


def detect_encoding(data: bytes, name: str, utf8_error: UnicodeDecodeError | None = None) -> tuple[str, str]:
    """Decode bytes that are not UTF-8 as the Chinese encoding they read best in.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file name, for messages.
    utf8_error : UnicodeDecodeError, optional
        Where UTF-8 decoding failed, to name the line when nothing fits.

    Returns
    -------
    (str, str)
        The text and the codec (``gb18030`` or ``big5hkscs``).

    Raises
    ------
    InputError
        If the bytes are Shift-JIS Japanese, or decode in none of the encodings.
    """
    decoded: list[tuple[float, str, str]] = []
    for codec in CHINESE_ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        decoded.append((plausibility(text, codec), codec, text))
    best = max(decoded, key=lambda item: item[0], default=None)
    if (best is None or best[0] < PLAUSIBLE) and looks_japanese(data):
        raise InputError(
            "looks like Shift-JIS (Japanese) text; newsseg reads Chinese pages: UTF-8, GB18030 or Big5;"
            " give --encoding to force one",
            name,
        )
    if best is None:
        line = data[: utf8_error.start].count(b"\n") + 1 if utf8_error is not None else None
        raise InputError(
            "the text is neither UTF-8 nor GB18030/GBK nor Big5; name its encoding with --encoding", name, line
        )
    # max() keeps the first of equal scores: GB18030 wins a tie.
    _, codec, text = best
    return text, codec


def plausibility(text: str, codec: str) -> float:
    """How much a decoding reads like Chinese text: from about -2 (mojibake) to 1 (clean text).

    Each character counts +1 when it is common in text of that codec (ASCII, CJK and full-width
    punctuation, and the codec's first-level hanzi: GB2312 level 1 for GB18030, Big5 level 1 for
    Big5), -2 when decoding the wrong codec tends to produce it (kana, Hangul, box drawing,
    half-width katakana, CJK extensions and compatibility ideographs, private use, characters
    GB18030 encodes in four bytes), 0 otherwise (second-level hanzi, other symbols).  The sum is
    divided by the number of characters that are not white space, over the first
    :data:`SCORE_SAMPLE` characters.
    """
    counts = Counter(text[:SCORE_SAMPLE])
    total = score = 0
    for char, count in counts.items():
        if char.isspace():
            continue
        total += count
        score += count * _char_score(char, codec)
    return score / total if total else 0.0


@lru_cache(maxsize=65536)
def _char_score(char: str, codec: str) -> int:
    point = ord(char)
    if point < 0x80 or 0x3000 <= point <= 0x303F or 0xFF01 <= point <= 0xFF60 or 0xFFE0 <= point <= 0xFFEF:
        return 1
    if 0x2000 <= point <= 0x206F:
        return 1
    if (
        0x3040 <= point <= 0x30FF
        or 0x3400 <= point <= 0x4DBF
        or 0xAC00 <= point <= 0xD7AF
        or 0x1100 <= point <= 0x11FF
        or 0x3130 <= point <= 0x318F
        or 0x2500 <= point <= 0x257F
        or 0xFF61 <= point <= 0xFF9F
        or 0xE000 <= point <= 0xF8FF
        or 0xF900 <= point <= 0xFAFF
        or point >= 0x20000
        or point == 0xFFFD
    ):
        return -2
    encoded = char.encode(codec, "replace")
    if codec == "gb18030" and len(encoded) == 4:
        return -2
    if 0x4E00 <= point <= 0x9FFF and len(encoded) == 2:
        lead = encoded[0]
        if (codec == "gb18030" and 0xB0 <= lead <= 0xD7) or (codec != "gb18030" and 0xA4 <= lead <= 0xC6):
            return 1
    return 0


def looks_japanese(data: bytes) -> bool:
    """Whether bytes decode cleanly as Shift-JIS with kana among the characters (Japanese text)."""
    try:
        text = data.decode("shift_jis")
    except UnicodeDecodeError:
        return False
    sample = text[:SCORE_SAMPLE]
    wide = sum(1 for char in sample if ord(char) >= 0x80)
    kana = sum(1 for char in sample if 0x3040 <= ord(char) <= 0x30FF)
    return wide > 0 and kana >= KANA_SHARE * wide


def _decode_strict(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"the text is not valid {encoding}", name, line) from None
    except (UnicodeError, LookupError, TypeError, ValueError) as error:
        raise InputError(f"the text cannot be decoded as {encoding} ({error})", name) from None
    if not isinstance(text, str):
        raise InputError(f"{encoding!r} is not a text encoding", name)
    return text.removeprefix("\ufeff")


def check_page_text(text: str, name: str) -> None:
    """Refuse text that cannot be a page: empty or binary-looking."""
    if not text.strip():
        raise InputError("the file is empty", name)
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    if controls > max(8, len(sample) // 100):
        raise InputError("this looks like a binary file, not page text (many control characters)", name)


def split_long_line(line: str, limit: int = MAX_LINE_CHARS) -> list[str]:
    """Split a line into sentences, cutting any sentence longer than ``limit`` every ``limit`` characters.

    The pieces joined give the line back.
    """
    pieces: list[str] = []
    position = 0
    for match in _SENTENCE.finditer(line):
        if match.end() > match.start():
            pieces.append(match.group())
            position = match.end()
    if position < len(line):
        pieces.append(line[position:])
    return [piece[i : i + limit] for piece in pieces for i in range(0, len(piece), limit)]


def split_long_lines(page: Page) -> Page:
    """The page with every line over :data:`MAX_LINE_CHARS` split into sentence lines (see the module docstring)."""
    if all(len(line) <= MAX_LINE_CHARS for line in page.lines):
        return page
    lines: list[str] = []
    for number, line in enumerate(page.lines, start=1):
        if len(line) <= MAX_LINE_CHARS:
            lines.append(line)
            continue
        pieces = split_long_line(line)
        warnings.warn(
            InputWarning(
                f"the line is {len(line):,} characters; split into {len(pieces):,} sentence lines",
                page.name,
                number,
            ),
            stacklevel=2,
        )
        lines.extend(pieces)
    return Page(tuple(lines), page.name, page.encoding)


def check_page_size(page: Page) -> None:
    """Refuse a page of more than :data:`MAX_PAGE_LINES` non-blank lines."""
    lines = sum(1 for line in page.lines if not is_blank(line))
    if lines > MAX_PAGE_LINES:
        raise InputError(
            f"the page has {lines:,} non-blank lines; at most {MAX_PAGE_LINES:,} are accepted"
            " (a newspaper page has fewer than 2,000)",
            page.name,
        )


def page_from_text(text: str, name: str, encoding: str | None = None) -> Page:
    """Check a decoded text and split it into a :class:`Page` (long lines split, size checked)."""
    check_page_text(text, name)
    page = split_long_lines(Page.from_text(text, name, encoding))
    check_page_size(page)
    return page


def read_page_bytes(data: bytes, name: str, encoding: str | None = None) -> Page:
    """Make a page from a file's bytes: size limit, decoding, checks (see :func:`read_page`)."""
    if len(data) > MAX_PAGE_BYTES:
        raise InputError(
            f"the input is more than {MAX_PAGE_BYTES:,} bytes; at most {MAX_PAGE_BYTES:,} are accepted", name
        )
    text, codec = decode_page(data, name, encoding)
    return page_from_text(text, name, codec)


def read_page(path: str | Path, encoding: str | None = None) -> Page:
    """Read one page of text from a file, or from standard input when ``path`` is ``-``.

    Parameters
    ----------
    path : str or Path
        The file to read; ``-`` reads standard input.  Only regular files are read.
    encoding : str, optional
        The text's encoding; detected (UTF-8, UTF-16 with BOM, GB18030, Big5) when not given.

    Returns
    -------
    Page
        The page, named by the path (shown by :func:`~newsseg.io.fileio.display_path`).

    Raises
    ------
    InputError
        If the file is missing, unreadable, not a regular file, too large, empty, binary or
        undecodable, or the encoding named is not a text encoding.
    """
    if encoding is not None:
        check_encoding(encoding, STDIN_NAME if str(path) == "-" else display_path(path))
    if str(path) == "-":
        try:
            data = sys.stdin.buffer.read(MAX_PAGE_BYTES + 1)
        except OSError as error:
            raise InputError(f"cannot be read ({error.strerror or error})", STDIN_NAME) from None
        name = STDIN_NAME
    else:
        name = display_path(path)
        data = read_file_bytes(path, InputError, max_bytes=MAX_PAGE_BYTES)
    return read_page_bytes(data, name, encoding)


def as_page(page: Page | str | Sequence[str], name: str = "<page>") -> Page:
    """Accept a :class:`Page`, a whole text, or a sequence of lines, and give a :class:`Page`.

    A text goes through :func:`page_from_text`; a page or lines are only checked against
    :data:`MAX_PAGE_LINES`.
    """
    if isinstance(page, Page):
        check_page_size(page)
        return page
    if isinstance(page, str):
        return page_from_text(page, name)
    made = Page.from_lines(page, name)
    check_page_size(made)
    return made
