"""The label scheme and the labelled-page format (TSV): read, validate, write.

A labelled page has one line per line of the page, ``TAG<TAB>TEXT``:

* TAG is empty for a blank line;
* ``O`` for a line in no article (page header/footer, rules, garbage between articles);
* ``B-ROLE`` for the first non-blank line of an article segment, ``I-ROLE`` for the others.
  Blank lines and ``O`` lines do not end a segment; a ``B-`` line starts the next one.

ROLE is one of :data:`ROLES`.  A ``B-`` tag may name the article its segment belongs to:
``B-ROLE@KEY`` (KEY: letters, digits, ``_ . : -``).  When OCR broke an article apart (A, then
B, then more of A), both runs of A carry A's key; that is how a page says which article a
resumed run continues.  A page gives keys on all its ``B-`` lines or on none; a page without
keys reads as before: every segment its own article.  The key sits with the tag rather than
in a column of its own because TEXT is verbatim and may itself hold tabs.

This is the format of ``data/pages/`` (defined by the shared ``ocr-pages/README.md``, keys
from its ``NAME.gold.json``) and of ``newsseg predict --format tsv``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsseg.errors import InputError, LabelError
from newsseg.io.fileio import display_path, read_file_bytes, write_text_atomic
from newsseg.io.page import MAX_PAGE_BYTES, Page, check_page_size, decode_page_bytes, is_blank

ROLES: tuple[str, ...] = (
    "kicker",
    "title",
    "subtitle",
    "column",
    "byline",
    "body",
    "subhead",
    "caption",
    "noise",
)
"""Roles of an article's lines, in the order they usually appear."""

OUTSIDE = "O"
BLANK = ""
TAGS: tuple[str, ...] = (OUTSIDE, *(f"{p}-{r}" for p in "BI" for r in ROLES))
"""Every tag a non-blank line can have."""

_TAG_SET = frozenset(TAGS)

KEY_SEPARATOR = "@"
"""Between a ``B-`` tag and its article's key: ``B-title@3``."""
_KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:-]+")


def split_key(field: str) -> tuple[str, str | None]:
    """Split a tag column into the tag and the article key: ``"B-body@3"`` → ``("B-body", "3")``.

    The key is None when the column has no :data:`KEY_SEPARATOR`.
    """
    tag, separator, key = field.partition(KEY_SEPARATOR)
    return tag, (key if separator else None)


def keyed_tag(tag: str, key: str | None) -> str:
    """The tag column of a line: ``tag`` with ``@key`` when a key is given."""
    return tag if key is None else f"{tag}{KEY_SEPARATOR}{key}"


def article_keys_of(tags: Sequence[str], keys: Sequence[str | None] | None = None) -> list[str | None]:
    """Each line's article: the key of the segment it is in, None for blank and ``O`` lines.

    Parameters
    ----------
    tags : sequence of str
        One tag per line.
    keys : sequence of (str or None), optional
        Per line, the key written on it (on ``B-`` lines).  Without keys every segment is an
        article of its own, keyed by its 1-based number (``"1"``, ``"2"``, ...).
    """
    articles: list[str | None] = []
    current: str | None = None
    segments = 0
    for index, tag in enumerate(tags):
        if tag.startswith("B-") or (tag.startswith("I-") and current is None):
            segments += 1
            given = keys[index] if keys is not None else None
            current = given if given is not None else str(segments)
        articles.append(current if tag.startswith(("B-", "I-")) else None)
    return articles


def is_begin(tag: str) -> bool:
    """Whether a tag starts an article segment."""
    return tag.startswith("B-")


def tag_role(tag: str) -> str | None:
    """The role of a tag (``title`` for ``B-title``), or None for ``O`` and blank."""
    return tag[2:] if tag[:2] in ("B-", "I-") else None


@dataclass(frozen=True)
class LabelledPage:
    """A page with one tag per line.

    Parameters
    ----------
    page : Page
        The page's lines.
    tags : tuple of str
        One tag per line of ``page``: ``""`` for blank lines, else one of :data:`TAGS`.
    keys : tuple of (str or None), optional
        Per line, the article key written on it: a string on each ``B-`` line, None on every
        other line.  None (the default) for a page without keys, where every segment is an
        article of its own.
    """

    page: Page
    tags: tuple[str, ...]
    keys: tuple[str | None, ...] | None = None

    def __post_init__(self) -> None:
        if len(self.tags) != len(self.page.lines):
            raise ValueError(f"{len(self.tags)} tags for {len(self.page.lines)} lines")
        if self.keys is not None and len(self.keys) != len(self.tags):
            raise ValueError(f"{len(self.keys)} keys for {len(self.tags)} lines")

    @property
    def articles(self) -> list[str | None]:
        """Each line's article key, None for blank and ``O`` lines (see :func:`article_keys_of`)."""
        return article_keys_of(self.tags, self.keys)

    @property
    def content_articles(self) -> list[str | None]:
        """The article keys of the non-blank lines, in order (None for ``O`` lines)."""
        articles = self.articles
        return [articles[i] for i in self.page.content_indices]

    @property
    def name(self) -> str:
        return self.page.name

    @property
    def content_tags(self) -> list[str]:
        """The tags of the non-blank lines, in order."""
        return [self.tags[i] for i in self.page.content_indices]


def suggest_tag(tag: str) -> str:
    """A ' (did you mean ...?)' hint for a mistyped tag, or an empty string."""
    close = [t for t in TAGS if t.lower() == tag.strip().lower()]
    if not close:
        close = difflib.get_close_matches(tag, TAGS, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def iter_label_problems(rows: Sequence[tuple[str | None, str]], name: str) -> Iterator[LabelError]:
    """Every problem of a labelled page's rows, in line order.

    Parameters
    ----------
    rows : sequence of (tag or None, text)
        One row per line; tag None means the line had no tab.
    name : str
        The file name, for messages.
    """
    article_open = False
    open_key: str | None = None
    keyed: bool | None = None
    for number, (field, text) in enumerate(rows, start=1):
        if field is None:
            yield LabelError("no tab between tag and text (expected TAG<TAB>TEXT)", name, number)
            continue
        tag, key = split_key(field)
        if key is not None:
            if not tag.startswith("B-"):
                where = tag or "a blank line"
                yield LabelError(f"an article key goes on a B- line only, not on {where!r}", name, number)
                continue
            if not _KEY_PATTERN.fullmatch(key):
                yield LabelError(f"bad article key {key!r} (letters, digits, _ . : - only)", name, number)
                continue
        if tag == BLANK:
            if not is_blank(text):
                yield LabelError("the line has text but no tag", name, number)
            continue
        if tag not in _TAG_SET:
            yield LabelError(f"unknown tag {tag!r}{suggest_tag(tag)}", name, number)
            continue
        if is_blank(text):
            yield LabelError(f"a blank line has tag {tag!r}; blank lines take an empty tag", name, number)
            continue
        if tag.startswith("I-") and not article_open:
            yield LabelError(f"{tag!r} but no article is open (an article's first line takes B-)", name, number)
        if tag.startswith("B-"):
            article_open = True
            if keyed is None:
                keyed = key is not None
            elif keyed != (key is not None):
                yield LabelError(
                    "a B- line with an article key on a page whose first segment has none"
                    if keyed is False
                    else f"{tag!r} has no article key (TAG@KEY) but the page's other segments have one",
                    name,
                    number,
                )
            elif key is not None and key == open_key:
                yield LabelError(
                    f"{field!r} starts a segment of article {key!r}, which is the one already open (use I-)",
                    name,
                    number,
                )
            open_key = key


JUNK_MAX_CHARACTERS = 4
"""A line with no Chinese character and at most this many others looks like junk OCR read off a
rule or frame (``|``, ``]``, ``TT``)."""

_RULE_CHARACTERS = frozenset("一丨口_-=|")
"""Characters OCR makes of rules and box frames; a line of nothing else is junk at any length
(``一一一一一一一一``), although 一 and 口 are Chinese characters."""


def looks_like_junk(text: str) -> bool:
    """Whether a line looks like OCR's reading of a rule, frame or photo border: ``|``, ``一一一一``, ``口``."""
    compact = "".join(text.split())
    if not compact:
        return False
    if set(compact) <= _RULE_CHARACTERS:
        return True
    has_chinese = any("\u3400" <= char <= "\u9fff" for char in compact)
    return not has_chinese and len(compact) <= JUNK_MAX_CHARACTERS


def iter_convention_hints(rows: Sequence[tuple[str | None, str]]) -> Iterator[tuple[int, str]]:
    """(line number, hint) where a page breaks a labelling convention the format itself allows.

    Today one convention: ``O`` is page furniture only, so a junk line (:func:`looks_like_junk`)
    tagged ``O`` between two lines of one article segment belongs to that article as ``noise``.
    """
    tags = [split_key(field)[0] if field is not None else BLANK for field, _ in rows]
    for number, ((_, text), tag) in enumerate(zip(rows, tags, strict=True), start=1):
        if tag != OUTSIDE or not looks_like_junk(text):
            continue
        before = next((t for t in reversed(tags[: number - 1]) if t not in (BLANK, OUTSIDE)), None)
        after = next((t for t in tags[number:] if t not in (BLANK, OUTSIDE)), None)
        if before is not None and after is not None and after.startswith("I-"):
            yield (
                number,
                (
                    "an O line inside an article that looks like OCR junk: O is page furniture only, "
                    "tag it I-noise (data/LABELLING.md)"
                ),
            )


def parse_labelled_text(text: str, name: str) -> list[tuple[str | None, str]]:
    """Split TSV text into (tag, text) rows; tag is None where a line has no tab.

    An empty line is read as a blank line with an empty tag, since editors strip the lone tab.
    """
    page = Page.from_text(text, name)
    rows: list[tuple[str | None, str]] = []
    for line in page.lines:
        if line == "":
            rows.append((BLANK, ""))
        elif "\t" in line:
            tag, body = line.split("\t", 1)
            rows.append((tag.strip(), body))
        else:
            rows.append((None, line))
    return rows


def labelled_page_from_text(text: str, name: str) -> LabelledPage:
    """Parse and validate a labelled page; raise the first problem found."""
    rows = parse_labelled_text(text, name)
    if not rows:
        raise LabelError("the file is empty", name)
    for problem in iter_label_problems(rows, name):
        raise problem
    page = Page(tuple(body for _, body in rows), name)
    split = [split_key(field or BLANK) for field, _ in rows]
    keys = tuple(key for _, key in split)
    has_keys = any(key is not None for key in keys)
    return LabelledPage(page, tuple(tag for tag, _ in split), keys if has_keys else None)


def read_labelled(path: str | Path) -> LabelledPage:
    """Read and validate a labelled page (TSV, UTF-8, GB18030 or Big5).

    Raises
    ------
    LabelError
        ``FILE:LINE: what is wrong`` for a missing tab, an unknown tag, an ``I-`` with no
        article open, a tag on a blank line or a line of text with no tag.
    InputError
        If the file is missing, not a regular file, too large, empty, binary or undecodable.
    """
    name = display_path(path)
    data = read_file_bytes(path, InputError, "labelled page", max_bytes=MAX_PAGE_BYTES)
    return labelled_page_from_bytes(data, name)


def labelled_page_from_bytes(data: bytes, name: str) -> LabelledPage:
    """Decode, parse and validate the bytes of a labelled page.

    Raises
    ------
    InputError
        If the bytes are empty, binary, undecodable or too many lines.
    LabelError
        For the first problem of the labels (see :func:`read_labelled`).
    """
    labelled = labelled_page_from_text(decode_page_bytes(data, name), name)
    check_page_size(labelled.page)
    return labelled


LOOKS_LABELLED_SHARE = 0.8
"""Share of a page's non-blank lines that start with a tag and a tab for it to look labelled."""
LOOKS_LABELLED_SAMPLE = 200
"""Non-blank lines looked at by :func:`looks_labelled`."""


def looks_labelled(page: Page, share: float = LOOKS_LABELLED_SHARE) -> bool:
    """Whether a page given as text looks like a labelled page (TSV), given by mistake.

    Parameters
    ----------
    page : Page
        A page read as text.
    share : float
        The share of tagged lines needed; ``check`` asks for less, to tell a page text given
        by mistake from a labelled page with many errors.

    Returns
    -------
    bool
        True when at least ``share`` (default :data:`LOOKS_LABELLED_SHARE`) of its first
        :data:`LOOKS_LABELLED_SAMPLE` non-blank lines start with one of :data:`TAGS` and a tab.
    """
    tagged = total = 0
    for line in page.lines:
        if is_blank(line):
            continue
        total += 1
        field, tab, _ = line.partition("\t")
        tagged += bool(tab) and split_key(field.strip())[0] in _TAG_SET
        if total >= LOOKS_LABELLED_SAMPLE:
            break
    return total > 0 and tagged >= share * total


def labelled_text(labelled: LabelledPage) -> str:
    """The TSV text of a labelled page (LF line ends, final line end), with its keys if it has them."""
    keys = labelled.keys or (None,) * len(labelled.tags)
    return "".join(
        f"{keyed_tag(tag, key)}\t{line}\n"
        for tag, key, line in zip(labelled.tags, keys, labelled.page.lines, strict=True)
    )


def write_labelled(labelled: LabelledPage, path: str | Path) -> None:
    """Write a labelled page as TSV, atomically."""
    write_text_atomic(path, labelled_text(labelled))
