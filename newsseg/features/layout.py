"""Layout features of a line: length, blank lines around, position, punctuation and characters.

Each function takes a line's text (or the page's lines and an index) and returns named
features; numbers are put into bins, because a CRF weight multiplies a feature's value and a
raw length would only scale one weight.  Widths count a Chinese character as 1 and an ASCII
character as 1/2, as they are printed.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

Features = dict[str, str | float]

SENTENCE_FINAL = frozenset("。！？!?…")
CLOSERS = frozenset("”’」』）)》〉】]\"'")
OPENERS = frozenset("“‘「『（(《〈【[")
COMMAS = frozenset("，,、；;")
COLONS = frozenset("：:")
DASHES = frozenset("—－-─～~")
DOTS = frozenset("·•・")
SPACE_CHARS = " \u3000\t"
"""White space inside OCR lines: ASCII space, ideographic space, tab."""
_SPACES = frozenset(SPACE_CHARS)
_QUOTE_PAIRS = (("“", "”"), ("‘", "’"), ("「", "」"), ("『", "』"))
_BRACKET_PAIRS = (("（", "）"), ("(", ")"), ("《", "》"), ("〈", "〉"), ("【", "】"))


@lru_cache(maxsize=8192)
def char_class(char: str) -> str:
    """The class of one character: cjk, digit, latin, final, comma, colon, open, close, dash, dot, space, other."""
    if char in _SPACES:
        return "space"
    if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff":
        return "cjk"
    if char in SENTENCE_FINAL:
        return "final"
    if char in COMMAS:
        return "comma"
    if char in COLONS:
        return "colon"
    if char in OPENERS:
        return "open"
    if char in CLOSERS:
        return "close"
    if char in DASHES:
        return "dash"
    if char in DOTS or char == ".":
        return "dot"
    category = unicodedata.category(char)
    if category == "Nd" or char in "０１２３４５６７８９":
        return "digit"
    if category.startswith("L"):
        return "latin" if char.isascii() or "\uff21" <= char <= "\uff5a" else "letter"
    if char in "①②③④⑤⑥⑦⑧⑨⑩":
        return "digit"
    return "other"


@lru_cache(maxsize=8192)
def char_width(char: str) -> float:
    """Printed width of a character: 1 for full-width (and ambiguous) characters, 0.5 otherwise."""
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F", "A") else 0.5


def display_width(text: str) -> float:
    """Printed width of a line, without leading and trailing white space."""
    return sum(char_width(c) for c in text.strip())


def ends_sentence(text: str) -> bool:
    """Whether a line ends a sentence: 。！？… possibly followed by closing quotes or brackets."""
    stripped = text.rstrip().rstrip("".join(CLOSERS))
    return bool(stripped) and stripped[-1] in SENTENCE_FINAL


def bin_value(value: float, edges: Sequence[float], labels: Sequence[str]) -> str:
    """The label of the first bin whose upper edge exceeds ``value`` (the last label otherwise)."""
    for edge, label in zip(edges, labels, strict=False):
        if value < edge:
            return label
    return labels[-1]


WIDTH_EDGES = (1.5, 2.5, 3.5, 5.5, 8.5, 11.5, 14.5, 17.5, 22.5, 30.5)
WIDTH_LABELS = ("1", "2", "3", "4-5", "6-8", "9-11", "12-14", "15-17", "18-22", "23-30", "31+")
RATIO_EDGES = (0.35, 0.6, 0.85, 0.97, 1.04, 1.2, 1.6)
RATIO_LABELS = ("<.35", "<.6", "<.85", "<.97", "~1", "<1.2", "<1.6", "1.6+")
SHARE_EDGES = (0.001, 0.1, 0.3, 0.6, 0.999)
SHARE_LABELS = ("0", "<.1", "<.3", "<.6", "<1", "1")


def typical_width(widths: Sequence[float]) -> float:
    """The width of a full column line: the median width of the lines at least 5 wide."""
    long_enough = [w for w in widths if w >= 5]
    return statistics.median(long_enough) if long_enough else max(widths, default=1.0) or 1.0


def local_typical_widths(widths: Sequence[float], radius: int = 12) -> list[float]:
    """For each line, the typical width of the lines around it (articles differ in column width)."""
    result = []
    for i in range(len(widths)):
        window = widths[max(0, i - radius) : i + radius + 1]
        result.append(typical_width(window))
    return result


def text_features(text: str) -> Features:
    """Features of one line's text alone: character classes, punctuation profile, brackets."""
    stripped = text.strip()
    features: Features = {}
    classes = [char_class(c) for c in stripped]
    n = len(classes) or 1
    features["first_class"] = classes[0] if classes else "none"
    features["last_class"] = classes[-1] if classes else "none"
    features["last2_class"] = "_".join(classes[-2:]) if len(classes) >= 2 else "short"
    features["ends_sentence"] = "yes" if ends_sentence(stripped) else "no"
    counts = {name: classes.count(name) for name in ("cjk", "digit", "latin", "comma", "final", "colon", "space")}
    features["cjk_share"] = bin_value(counts["cjk"] / n, SHARE_EDGES, SHARE_LABELS)
    features["digit_share"] = bin_value(counts["digit"] / n, SHARE_EDGES, SHARE_LABELS)
    features["latin_share"] = bin_value(counts["latin"] / n, SHARE_EDGES, SHARE_LABELS)
    features["commas"] = bin_value(counts["comma"], (1, 2, 3), ("0", "1", "2", "3+"))
    features["inner_finals"] = bin_value(
        counts["final"] - (1 if features["ends_sentence"] == "yes" else 0), (1, 2), ("0", "1", "2+")
    )
    features["inner_spaces"] = bin_value(counts["space"], (1, 2, 4), ("0", "1", "2-3", "4+"))
    features["has_colon"] = "yes" if counts["colon"] else "no"
    punctuation = sum(1 for c in classes if c not in ("cjk", "digit", "latin", "letter", "space"))
    features["punct"] = "none" if punctuation == 0 else "some"
    if any(a in stripped or b in stripped for a, b in _QUOTE_PAIRS) or '"' in stripped:
        features["quotes"] = _balance(stripped, _QUOTE_PAIRS)
    if any(a in stripped or b in stripped for a, b in _BRACKET_PAIRS):
        features["brackets"] = _balance(stripped, _BRACKET_PAIRS)
    if "——" in stripped or "--" in stripped or "一一" in stripped:
        features["has_dash"] = 1.0
    if "《" in stripped:
        features["has_book_title"] = 1.0
    if any(c in DOTS for c in stripped):
        features["has_middle_dot"] = 1.0
    if stripped != text.rstrip():
        features["indented"] = 1.0
    return features


def _balance(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """'opens' if a pair is left open, 'closes' if one closes what opened before the line, else 'balanced'."""
    depth = 0
    lowest = 0
    for char in text:
        for opener, closer in pairs:
            if char == opener:
                depth += 1
            elif char == closer:
                depth -= 1
                lowest = min(lowest, depth)
    if lowest < 0 and depth > lowest:
        return "closes_opens"
    if lowest < 0:
        return "closes"
    if depth > 0:
        return "opens"
    return "balanced"


@lru_cache(maxsize=65536)
def letters_only(text: str) -> str:
    """The Chinese characters, digits and Latin letters of a text, without punctuation or space."""
    return "".join(c for c in text if char_class(c) in ("cjk", "digit", "latin", "letter"))


def layout_features(lines: Sequence[str], content: Sequence[int]) -> list[Features]:
    """Layout features of every non-blank line of a page.

    Parameters
    ----------
    lines : sequence of str
        All lines of the page, blank ones included.
    content : sequence of int
        0-based indices of the non-blank lines, in order.

    Returns
    -------
    list of dict
        One feature dict per entry of ``content``.
    """
    widths = [display_width(lines[i]) for i in content]
    page_typical = typical_width(widths)
    local_typical = local_typical_widths(widths)
    total = len(content)
    result: list[Features] = []
    for position, index in enumerate(content):
        features = text_features(lines[index])
        width = widths[position]
        features["width"] = bin_value(width, WIDTH_EDGES, WIDTH_LABELS)
        features["width_vs_page"] = bin_value(width / page_typical, RATIO_EDGES, RATIO_LABELS)
        features["width_vs_local"] = bin_value(width / local_typical[position], RATIO_EDGES, RATIO_LABELS)
        previous = content[position - 1] if position else -1
        following = content[position + 1] if position + 1 < total else len(lines)
        features["blank_before"] = bin_value(index - previous - 1, (1, 2), ("0", "1", "2+"))
        features["blank_after"] = bin_value(following - index - 1, (1, 2), ("0", "1", "2+"))
        features["position"] = bin_value(
            position / max(total, 1), (0.1, 0.3, 0.5, 0.7, 0.9), ("0", "1", "2", "3", "4", "5")
        )

        if position:
            before = widths[position - 1]
            features["width_change"] = bin_value(
                width - before, (-3.5, -0.75, 0.75, 3.5), ("shorter", "less", "same", "more", "longer")
            )
        result.append(features)
    return result
