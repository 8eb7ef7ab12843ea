"""OCR damage for synthetic pages: what an OCR engine does to the text of one printed line.

Full-width punctuation printed as ASCII (``：`` as ``:``, commas on some pages), dashes read as
``一``, characters read as look-alikes, stray Latin tokens from specks, stray spaces, spaced-out
headline characters.  Each function takes the page's :class:`OcrProfile` and random generator
and counts what it does in a :class:`~newsseg.synth.article.Tally`.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass

from newsseg.synth.article import Tally
from newsseg.synth.data import (
    ASCII_PUNCTUATION,
    DIGIT_CONFUSIONS,
    LABEL_JUNK,
    OCR_PUNCTUATION,
    PAREN_CONFUSIONS,
    SIMILAR_CHARACTER_GROUPS,
    STRAY_LATIN,
)


def _look_alikes() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in SIMILAR_CHARACTER_GROUPS:
        for char in group:
            others = "".join(other for other in group if other != char)
            table[char] = table.get(char, "") + "".join(o for o in others if o not in table.get(char, ""))
    return {char: others for char, others in table.items() if others}


LOOK_ALIKES: dict[str, str] = _look_alikes()
"""Each confusable character and the characters OCR may read instead."""

COMMON_CHARACTERS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处理府研质"
)
"""Frequent characters, the stand-ins for an unreadable glyph that has no listed look-alike."""


@dataclass(frozen=True)
class OcrProfile:
    """How one OCR'd page was read: drawn once per page.

    Parameters
    ----------
    substitution : float
        Share of Chinese characters read as another character.
    comma : {"full", "ascii", "mixed"}
        How commas come out.
    latin : float
        Share of lines with a stray Latin token.
    spacing : float
        Share of lines with a stray space.
    drop : float
        Share of lines lost.
    merge : float
        Share of lines merged with the next.
    spaced_title : float
        Share of headline lines with spaces between the characters.
    label_lost : float
        Share of column-label lines lost.
    label_garbled : float
        Share of the lost column labels read as a few stray characters instead of nothing.
    junk : float
        Share of body lines read as nothing but a junk token.
    """

    substitution: float
    comma: str
    latin: float
    spacing: float
    drop: float
    merge: float
    spaced_title: float
    label_lost: float
    label_garbled: float
    junk: float

    def to_dict(self) -> dict:
        return {k: round(v, 5) if isinstance(v, float) else v for k, v in asdict(self).items()}


def ocr_punctuation(text: str, comma: str, rng: random.Random) -> str:
    """Punctuation as tesseract prints it: ``：`` → ``:``, ``—`` → ``一``, brackets ASCII or ``〈``, commas per page."""
    out = []
    for char in text:
        if char == "，":
            if comma == "ascii" or (comma == "mixed" and rng.random() < 0.5):
                char = ","
        elif char in PAREN_CONFUSIONS and rng.random() < 0.3:
            char = rng.choice(PAREN_CONFUSIONS[char])
        elif char in OCR_PUNCTUATION:
            if rng.random() < 0.97:
                char = OCR_PUNCTUATION[char]
        elif char in ASCII_PUNCTUATION and comma == "ascii":
            char = ASCII_PUNCTUATION[char]
        elif char in "“”" and rng.random() < 0.05:
            char = '"'
        out.append(char)
    return "".join(out)


def substitute(text: str, rate: float, rng: random.Random, tally: Tally) -> str:
    """Read a share ``rate`` of the Chinese characters (and digits) as other characters."""
    if rate <= 0:
        return text
    chars = list(text)
    chances = 0
    changed = 0
    for index, char in enumerate(chars):
        if "\u4e00" <= char <= "\u9fff":
            chances += 1
            if rng.random() < rate:
                others = LOOK_ALIKES.get(char)
                if others is None or rng.random() < 0.3:
                    others = COMMON_CHARACTERS
                replacement = rng.choice(others)
                if replacement != char:
                    chars[index] = replacement
                    changed += 1
        elif char in DIGIT_CONFUSIONS and rng.random() < rate:
            chars[index] = rng.choice(DIGIT_CONFUSIONS[char])
    tally.count("substitution", changed, chances)
    return "".join(chars)


def add_stray_latin(text: str, rng: random.Random) -> str:
    """Put a Latin token from a speck at the start, the end or inside the line."""
    token = rng.choice(STRAY_LATIN)
    where = rng.random()
    if where < 0.4:
        return token + text
    if where < 0.8:
        return text + token
    cut = rng.randint(1, max(1, len(text) - 1))
    return text[:cut] + token + text[cut:]


def add_stray_space(text: str, rng: random.Random) -> str:
    """Put a space after a punctuation mark (or anywhere, if the line has none)."""
    marks = [i for i, char in enumerate(text[:-1]) if not char.isalnum() and not char.isspace()]
    cut = (rng.choice(marks) + 1) if marks else rng.randint(1, max(1, len(text) - 1))
    return text[:cut] + " " + text[cut:]


def space_out(text: str, rng: random.Random) -> str:
    """Headline characters set wide apart, as OCR reads a spaced headline."""
    if rng.random() < 0.5:
        return " " * rng.randint(1, 3) + text
    gap = rng.choice((" ", " ", "  "))
    return gap.join(text)


def damage_line(text: str, role: str, profile: OcrProfile, rng: random.Random, tally: Tally) -> str:
    """One line of text after OCR, by its role."""
    text = ocr_punctuation(text, profile.comma, rng)
    text = substitute(text, profile.substitution, rng, tally)
    if role in ("title", "kicker", "subtitle", "column"):
        if tally.draw(rng, "spaced_title", profile.spaced_title):
            text = space_out(text, rng)
        return text
    if tally.draw(rng, "latin", profile.latin):
        text = add_stray_latin(text, rng)
    if len(text) > 2 and tally.draw(rng, "spacing", profile.spacing):
        text = add_stray_space(text, rng)
    return text


def garbled_label(text: str, rng: random.Random) -> str:
    """What OCR reads of a column label it cannot read: a piece of it, a stray character or two, specks.

    Examples from the labelled pages: ``热点关`` (热点关注), ``区``, ``ES女``, ``中若``, ``ss   <|``.
    """
    chars = [char for char in text if "\u4e00" <= char <= "\u9fff"]
    shape = rng.random()
    if shape < 0.4 and len(chars) >= 3:
        start = rng.randint(0, len(chars) - 2)
        read = "".join(chars[start : start + rng.randint(1, len(chars) - start - 1)])
    elif shape < 0.75 and chars:
        read = "".join(rng.sample(chars, min(len(chars), rng.randint(1, 2))))
    else:
        read = rng.choice(STRAY_LATIN) + rng.choice(LABEL_JUNK)
    if rng.random() < 0.3:
        read += " " * rng.randint(2, 15) + rng.choice(LABEL_JUNK)
    return read
