"""Bylines: who wrote an article, for whom, where and when — parsed from the printed byline.

Chinese papers print the byline in a few conventional shapes, all handled here with the
patterns of :mod:`newsseg.features.cues`:

* a dateline, often followed by the reporters in brackets and then, on the same line, the
  body: ``本报北京5月3日电 （记者张三、李四） 国家移民管理局…``, ``新华社北京5月3日电``,
  ``据新华社东京2月13日电 （记者华义）``;
* a news flash with the credits after it: ``本报讯 记者张浩呈 通讯员陈芳报道 在今年的…``;
* a staff byline: ``本报记者 杜  勇`` (two-character names are spaced out to three);
* a commentary's author line: ``沈霞瑞``, ``单位 姓名``, ``本报评论员``, ``作者：…``;
* a photo credit at the end of a caption: ``…。 新华社记者 萧斌欣摄``.

:func:`split_byline` cuts the byline off the body text that shares its line;
:func:`parse_byline` reads its parts into a :class:`Byline`; :func:`parse_photo_credit` takes a
credit off a caption.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsseg.articles.joining import compact
from newsseg.features.cues import (
    AUTHOR_LINE,
    CJK,
    CLOSING_BRACKETS,
    COLLECTIVE_AUTHORS,
    CREDIT_END,
    CREDIT_FIELDS,
    CREDIT_ROLE,
    DATELINE_HEAD,
    DATELINE_PARTS,
    NEWS_FLASH,
    OPENING_BRACKETS,
    PHOTO_CREDIT_END,
)
from newsseg.features.layout import SPACE_CHARS

NAME_FIELDS: tuple[str, ...] = ("reporters", "correspondents", "photographers", "authors")
"""The byline fields that hold lists of names."""

MAX_BRACKETED = 40
"""Longest text read as the credits inside a dateline's brackets."""
MAX_NAME = 4
"""Longest Chinese name accepted without a separator dot (foreign names like 安德鲁·巴尔 may be longer)."""

_LIST_SEPARATORS = "、，,;；/／"
_NAME_SEPARATORS = _LIST_SEPARATORS + SPACE_CHARS
_CJK = re.compile(f"[{CJK}]")


@dataclass(frozen=True)
class Byline:
    """An article's byline as printed and its parts.

    Attributes
    ----------
    text : str
        The byline as printed (lines joined), without any body text that shared its line.
    lines : tuple of int
        1-based numbers of the input lines it was read from.
    source : str or None
        Who issued the article: ``本报``, ``本报讯``, ``新华社`` … (``据`` dropped).
    place, date : str or None
        From a dateline: ``杭州``, ``5月3日`` (white space removed).
    reporters, correspondents, photographers, authors : tuple of str
        Names, white space removed (``杜  勇`` → ``杜勇``).  ``authors`` is for commentary
        author lines; a commentator's byline with no name (``本报评论员``) is its own author.
    affiliation : str or None
        The unit before an author's name (``单位 姓名``).
    """

    text: str
    lines: tuple[int, ...] = ()
    source: str | None = None
    place: str | None = None
    date: str | None = None
    reporters: tuple[str, ...] = ()
    correspondents: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    affiliation: str | None = None

    @property
    def start_line(self) -> int | None:
        return self.lines[0] if self.lines else None

    @property
    def end_line(self) -> int | None:
        return self.lines[-1] if self.lines else None

    def to_dict(self) -> dict:
        """A JSON-ready record: text, line span and every parsed field."""
        return {
            "text": self.text,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "source": self.source,
            "place": self.place,
            "date": self.date,
            "reporters": list(self.reporters),
            "correspondents": list(self.correspondents),
            "photographers": list(self.photographers),
            "authors": list(self.authors),
            "affiliation": self.affiliation,
        }


@dataclass
class _Reading:
    """What a left-to-right read of a byline has found so far."""

    end: int = 0
    source: str | None = None
    place: str | None = None
    date: str | None = None
    names: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in NAME_FIELDS})
    affiliation: str | None = None


def field_of_role(role: str) -> str:
    """The byline field a credit's role word puts names in (``通讯员`` → ``correspondents``)."""
    for word, name in CREDIT_FIELDS:
        if word in role:
            return name
    return "reporters"


def _skip(text: str, position: int, characters: str = SPACE_CHARS) -> int:
    while position < len(text) and text[position] in characters:
        position += 1
    return position


def _merge_spaced(pieces: list[str]) -> list[str]:
    """Rejoin names spaced out over several pieces: ``常 钦 郁静娴`` → ``常钦``, ``郁静娴``."""
    names: list[str] = []
    single: list[str] = []
    for piece in pieces:
        if len(piece) == 1:
            single.append(piece)
            if len(single) == 2:
                names.append("".join(single))
                single = []
            continue
        if single:
            names.append(single.pop())
        names.append(piece)
    names.extend(single)
    return names


def _is_name(name: str) -> bool:
    if "·" in name or "•" in name:
        return 3 <= len(name) <= 12
    return 2 <= len(name) <= MAX_NAME and all(_CJK.match(c) for c in name)


def _piece_end(text: str, start: int) -> int:
    """Where a run of name characters from ``start`` ends: before a role word or 报道/摄."""
    end = start
    while end < len(text) and (_CJK.match(text[end]) or text[end] in "·•"):
        if end > start and (CREDIT_END.match(text, end) or CREDIT_ROLE.match(text, end)):
            break
        end += 1
    return end


def _closes_name(text: str, end: int) -> bool:
    """Whether a piece ending at ``end`` can be a name set off by spaces: the text after it is a
    space, 、, the end, a role word or 报道/摄 (``记者程雪 近日，`` — 近日 is no name)."""
    return (
        end >= len(text)
        or text[end] in SPACE_CHARS + "、"
        or CREDIT_END.match(text, end) is not None
        or CREDIT_ROLE.match(text, end) is not None
    )


def _read_names(text: str, position: int, loose: bool) -> tuple[list[str], int, bool]:
    """Read names from ``position`` until a role word, a closing word or anything not a name.

    Parameters
    ----------
    text : str
        The byline text.
    position : int
        Where the names start.
    loose : bool
        Inside brackets: everything up to the end is names (no body can follow).

    Returns
    -------
    names : list of str
        The names read (white space removed, spaced-out names rejoined).
    end : int
        Where reading stopped.
    closed_by_photo : bool
        Whether the names ended with 摄 (they are photographers).
    """
    pieces: list[tuple[str, int]] = []
    cursor = position
    while cursor < len(text):
        start = _skip(text, cursor, _NAME_SEPARATORS)
        if start >= len(text) or (pieces and CREDIT_ROLE.match(text, start)):
            break
        word_end = _piece_end(text, start)
        piece = text[start:word_end]
        listed = any(c in _LIST_SEPARATORS for c in text[cursor:start])
        if not piece or (len(piece) > 1 and not _is_name(piece)):
            break
        if pieces and not loose and not listed and not _closes_name(text, word_end):
            break
        pieces.append((piece, word_end))
        cursor = word_end
        if CREDIT_END.match(text, word_end):
            break
    while pieces and not all(_is_name(name) for name in _merge_spaced([piece for piece, _ in pieces])):
        pieces.pop()
    if not pieces:
        return [], position, False
    names = _merge_spaced([piece for piece, _ in pieces])
    end = pieces[-1][1]
    after = _skip(text, end)
    closing = CREDIT_END.match(text, after)
    if closing:
        return names, closing.end(), "摄" in closing.group()
    return names, end, False


def _read_credits(text: str, position: int, reading: _Reading, default_field: str | None, loose: bool) -> int:
    """Read ``ROLE names ROLE names … [报道]`` from ``position``; return where it stopped."""
    cursor = _skip(text, position)
    while cursor < len(text):
        role = CREDIT_ROLE.match(text, cursor)
        if role is None and default_field is None:
            break
        target = default_field if role is None else field_of_role(role.group())
        if role is not None and reading.source is None and default_field is None:
            issuer = re.match(r"(本报|本刊|新华社|中新社)", role.group())
            reading.source = issuer.group() if issuer else None
        start = cursor if role is None else _skip(text, role.end(), SPACE_CHARS + ":：")
        names, end, photographed = _read_names(text, start, loose)
        if not names:
            if role is not None and target == "authors" and COLLECTIVE_AUTHORS.match(role.group()):
                reading.names["authors"].append(compact(role.group()))
                cursor = role.end()
                reading.end = cursor
                default_field = None
                continue
            break
        reading.names["photographers" if photographed else target].extend(names)
        cursor = reading.end = end
        default_field = None
        cursor = _skip(text, cursor)
    return reading.end


def _closing_bracket(text: str, start: int) -> int | None:
    """The first closing bracket within :data:`MAX_BRACKETED` characters after ``start``."""
    for index in range(start, min(len(text), start + MAX_BRACKETED)):
        if text[index] in CLOSING_BRACKETS:
            return index
    return None


def _bracketed_credits(text: str, start: int, end: int) -> _Reading | None:
    """Read ``text[start:end]`` as the credits of a dateline's brackets, or None if it is not one.

    OCR often mangles the opening bracket (``人``, ``《``, ``〈(``) or drops it: up to two such
    characters before a role word or a name are skipped.  Everything up to ``end`` must read
    as credits.
    """
    inner = text[:end]
    position = start
    for _ in range(3):
        position = _skip(inner, position)
        if position >= len(inner):
            return None
        reading = _Reading()
        stop = _read_credits(inner, position, reading, "reporters", loose=True)
        if any(reading.names.values()) and _skip(inner, stop) >= len(inner):
            return reading
        if not (inner[position] in OPENING_BRACKETS + "《人" or CREDIT_ROLE.match(inner, position + 1)):
            return None
        position += 1
    return None


def _read(text: str) -> _Reading:
    """Read a byline from the start of ``text``; ``end`` says where the body begins."""
    reading = _Reading()
    dateline = DATELINE_PARTS.match(text)
    flash = NEWS_FLASH.match(text)
    if dateline is not None:
        reading.source = dateline.group("source")
        reading.place = compact(dateline.group("place")) or None
        reading.date = compact(dateline.group("date"))
        reading.end = dateline.end()
    elif flash is not None:
        reading.source = flash.group("source") + ("讯" if flash.group("suffix") == "讯" else "")
        reading.end = flash.end()
    position = _skip(text, reading.end)
    opened = position < len(text) and text[position] in OPENING_BRACKETS
    if opened or reading.end:
        closing = _closing_bracket(text, position)
        if closing is not None or opened:
            inner_end = len(text) if closing is None else closing
            inner = _bracketed_credits(text, position + 1 if opened else position, inner_end)
            if inner is not None:
                for name in NAME_FIELDS:
                    reading.names[name].extend(inner.names[name])
                reading.end = len(text) if closing is None else closing + 1
                return reading
    _read_credits(text, position, reading, None, loose=False)
    if reading.end == 0:
        _read_author_line(text, reading)
    return reading


def _read_author_line(text: str, reading: _Reading) -> None:
    """A byline of no known shape: a collective author, ``姓名`` or ``单位 姓名``."""
    if COLLECTIVE_AUTHORS.match(text):
        issuer = re.match(r"\s*(本报|本刊|新华社)", text)
        reading.source = issuer.group(1) if issuer else None
        reading.names["authors"].append(compact(text))
        reading.end = len(text)
        return
    author = AUTHOR_LINE.match(text)
    if author is not None:
        reading.names["authors"].append(compact(author.group("name")))
        reading.affiliation = author.group("affiliation")
        reading.end = len(text)


def split_byline(text: str) -> tuple[str, str]:
    """Cut a byline off the body text that follows it on the same line.

    Parameters
    ----------
    text : str
        Byline lines joined (:func:`~newsseg.articles.joining.join_lines`), perhaps with the start of
        the body after them.

    Returns
    -------
    byline, rest : str
        The byline as printed and the body text after it (``""`` if none).  When no byline
        shape is recognised, the whole text is the byline.
    """
    reading = _read(text)
    if reading.end == 0:
        return text.strip(), ""
    return text[: reading.end].strip(), text[reading.end :].strip()


def is_incomplete(text: str) -> bool:
    """Whether a byline text stops mid-way: a dateline broken off, or a bracket left open."""
    if DATELINE_HEAD.match(text) and not (CREDIT_ROLE.search(text) or COLLECTIVE_AUTHORS.match(text)):
        return True
    depth = 0
    for char in text:
        if char in OPENING_BRACKETS:
            depth += 1
        elif char in CLOSING_BRACKETS:
            depth = max(0, depth - 1)
    return depth > 0


def starts_with_dateline(text: str) -> bool:
    """Whether a body text opens with a dateline or news-flash byline (``本报北京5月3日电``, ``本报讯``)."""
    return DATELINE_PARTS.match(text) is not None or NEWS_FLASH.match(text) is not None


def opens_byline(text: str) -> bool:
    """Whether a line starts a byline: a dateline, 本报讯, or a credit's role word (记者, 本报记者 …)."""
    return starts_with_dateline(text) or CREDIT_ROLE.match(text.lstrip(" \u3000")) is not None


def parse_byline(text: str, lines: Sequence[int] = ()) -> Byline:
    """Read the parts of a byline (the byline only; see :func:`split_byline`).

    Parameters
    ----------
    text : str
        The byline as printed.
    lines : sequence of int
        The 1-based input lines it came from.

    Returns
    -------
    Byline
        With every part that was recognised; unrecognised text leaves the fields empty.
    """
    reading = _read(text)
    return Byline(
        text=text.strip(),
        lines=tuple(lines),
        source=reading.source,
        place=reading.place,
        date=reading.date,
        affiliation=reading.affiliation.strip() if reading.affiliation else None,
        **{name: tuple(dict.fromkeys(reading.names[name])) for name in NAME_FIELDS},
    )


def merge_bylines(bylines: Sequence[Byline]) -> Byline | None:
    """One byline from several (an article with a byline at its head and an author line at its end)."""
    if not bylines:
        return None
    if len(bylines) == 1:
        return bylines[0]

    def first(attribute: str) -> str | None:
        return next((getattr(b, attribute) for b in bylines if getattr(b, attribute)), None)

    names = {name: tuple(dict.fromkeys(person for b in bylines for person in getattr(b, name))) for name in NAME_FIELDS}
    return Byline(
        text=" ".join(b.text for b in bylines),
        lines=tuple(sorted({n for b in bylines for n in b.lines})),
        source=first("source"),
        place=first("place"),
        date=first("date"),
        affiliation=first("affiliation"),
        **names,
    )


def parse_photo_credit(text: str) -> tuple[str, str | None, tuple[str, ...]]:
    """Take the photo credit off the end of a caption.

    Parameters
    ----------
    text : str
        A caption, lines joined.

    Returns
    -------
    caption : str
        The caption without its credit.
    credit : str or None
        The credit as printed (``新华社记者 萧斌欣摄``, ``（人民视觉）``), if any.
    photographers : tuple of str
        The names in the credit.
    """
    found = PHOTO_CREDIT_END.search(text)
    if found is None:
        return text.strip(), None, ()
    photographers: list[str] = []
    if found.group("names"):
        reading = _Reading()
        _read_credits(found.group("names"), 0, reading, "photographers", loose=True)
        photographers = [person for name in NAME_FIELDS for person in reading.names[name]]
    return text[: found.start()].strip(), found.group("credit").strip(), tuple(dict.fromkeys(photographers))
