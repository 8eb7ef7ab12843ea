"""Settings of the page synthesiser: every phenomenon's rate, the mix of text kinds and paper styles.

A :class:`SynthSettings` holds means and probabilities; each page draws its own values from them
(an error rate, a blank-line regime, a punctuation regime, line widths) and each article its own
choices (kicker, photo, byline form ...).  The settings are saved in the manifest of every
synthetic set, so a set can be remade exactly, and can be changed one by one with
``newsseg synth --set NAME=VALUE``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from newsseg.errors import UsageError

KINDS: tuple[str, ...] = ("epaper", "ocr-zoned", "ocr-raw")
"""The kinds of text a page can come as: exact e-paper text, OCR in article order, OCR in raw reading order."""

STYLES: tuple[str, ...] = ("rmrb", "zjgrrb")
"""Paper conventions: 人民日报 (本报北京5月3日电 （记者X）, page header), 浙江工人日报 (本报讯 记者X 通讯员Y报道)."""

STYLE_CHOICES: tuple[str, ...] = (*STYLES, "mixed")

BYLINE_FORMS: dict[str, tuple[tuple[str, float], ...]] = {
    "rmrb": (("inline", 0.7), ("own_line", 0.3)),
    "zjgrrb": (("xun_reported", 0.55), ("xun_reporter", 0.2), ("xun_paren", 0.1), ("staff_line", 0.15)),
}
"""How a news article's byline is printed, per style, with weights.

* ``inline``: the dateline opens the first paragraph, body text runs on (本报北京1月5日电 （记者X） 国家…);
* ``own_line``: the dateline stands on its own line(s), body starts on the next line;
* ``xun_reported``: 本报讯 记者X 通讯员Y报道 and the body on the same line;
* ``xun_reporter``: 本报讯 记者X and the body on the same line;
* ``xun_paren``: 本报讯（记者X 通讯员Y） and the body on the same line;
* ``staff_line``: 本报记者 X (通讯员 Y) on a line of its own.
"""


def _rate(default: float, doc: str) -> float:
    return field(default=default, metadata={"doc": doc, "kind": "rate"})


def _number(default: float | int, doc: str, minimum: float = 0) -> float:
    return field(default=default, metadata={"doc": doc, "kind": "number", "min": minimum})


@dataclass(frozen=True)
class SynthSettings:
    """What the synthesiser makes; see each field's ``doc`` metadata (``newsseg synth --help-settings``)."""

    style: str = field(default="mixed", metadata={"doc": "rmrb, zjgrrb, or mixed (each page draws one)"})
    kinds: tuple[tuple[str, float], ...] = field(
        default=(("epaper", 1.0), ("ocr-zoned", 1.0), ("ocr-raw", 1.0)),
        metadata={"doc": "weights of the kinds of text, e.g. epaper=1,ocr-zoned=1,ocr-raw=1"},
    )
    zjgrrb_share: float = _rate(0.3, "with style mixed: share of pages in zjgrrb style")

    # -- the page ---------------------------------------------------------------------------------
    articles_min: int = _number(2, "fewest articles on a page", 1)
    articles_max: int = _number(8, "most articles on a page", 1)
    width_min: int = _number(10, "narrowest column line, characters", 4)
    width_max: int = _number(16, "widest column line, characters", 4)
    width_spread: int = _number(1, "how far an article's line width strays from the page's", 0)
    article_chars_min: int = _number(150, "shortest article body, characters (cut at a sentence end)", 20)
    article_chars_max: int = _number(1100, "longest article body, characters", 20)
    column_lines_min: int = _number(8, "shortest printed column, lines (unless the article is shorter)", 1)
    column_lines_max: int = _number(40, "longest printed column, lines", 1)
    rmrb_header_rate: float = _rate(0.9, "rmrb pages with a page header (paper, date, 第N版, section, editors) on top")
    zjgrrb_header_rate: float = _rate(0.35, "zjgrrb pages with a page header on top")
    footer_rate: float = _rate(0.12, "pages with page furniture at the bottom")
    banner_rate: float = _rate(0.06, "pages with a page banner (O lines) inside the page")
    cut_start_rate: float = _rate(0.06, "pages whose first article starts mid-text (continued from elsewhere)")
    cut_end_rate: float = _rate(0.12, "pages whose last article stops mid-text")
    kinsoku_rate: float = _rate(0.2, "pages with hanging punctuation (else a line may start with ，。、”)")

    # -- headlines ---------------------------------------------------------------------------------
    kicker_rate: float = _rate(0.9, "articles with a kicker in the corpus that print it")
    subtitle_rate: float = _rate(0.9, "articles with a subtitle in the corpus that print it")
    subtitle_dash_rate: float = _rate(0.35, "printed subtitles without a leading —— that get one")
    column_label_rate: float = _rate(0.95, "titles ending in （label） whose label is lifted onto its own line")
    extra_column_rate: float = _rate(0.06, "articles that get a column label from the list of common ones")
    title_split_rate: float = _rate(0.25, "titles with a space or comma broken there onto two lines")
    headline_chars_min: int = _number(9, "narrowest headline line, characters", 4)
    headline_chars_max: int = _number(26, "widest headline line, characters", 4)

    # -- bylines, photos, subheads, duplicates -----------------------------------------------------------
    byline_break_rate: float = _rate(0.3, "own-line datelines broken after 电 (the reporters go on the next line)")
    staff_byline_rate: float = _rate(0.05, "articles without a dateline that get 本报记者 X on its own line")
    author_line_rate: float = _rate(0.3, "commentaries (column label, no dateline) with an author line (单位 姓名)")
    photo_rate: float = _rate(0.12, "articles with a photo (caption and credit)")
    photo_credit_rate: float = _rate(0.85, "photos with a credit (记者X 摄)")
    subhead_rate: float = _rate(0.7, "short heading paragraphs of the corpus printed as stand-alone subheads")
    core_reading_rate: float = _rate(0.04, "articles that open with a 核心阅读 box")
    noise_rate: float = _rate(0.035, "articles with a passage printed twice (role noise)")
    banner_in_article_rate: float = _rate(0.5, "page banners printed inside an article (between title and byline)")

    # -- blank lines ------------------------------------------------------------------------------------
    no_blank_rate: float = _rate(0.05, "OCR pages without any blank line")
    paragraph_blank_rate: float = _rate(0.9, "OCR: blank line at a paragraph end")
    column_blank_rate: float = _rate(0.9, "OCR: blank line at a column break (often mid-sentence)")
    block_blank_rate: float = _rate(0.92, "OCR: blank line where a block ends (headline, byline, caption)")
    article_blank_rate: float = _rate(0.99, "OCR: blank line where one article's text ends and another's begins")
    random_blank_rate: float = _rate(0.02, "OCR: blank line after any other line")
    real_blank_rate: float = _rate(0.3, "zjgrrb OCR pages whose blank lines follow paragraph ends only")

    # -- OCR -----------------------------------------------------------------------------------------
    rmrb_ascii_comma_rate: float = _rate(0.01, "rmrb OCR pages printing every comma as ASCII ,")
    zjgrrb_ascii_comma_rate: float = _rate(0.8, "zjgrrb OCR pages printing every comma as ASCII ,")
    mixed_comma_rate: float = _rate(0.04, "OCR pages printing commas as , or ， at random")
    substitution_rate: float = _rate(0.006, "OCR: mean share of characters read as a look-alike (per page, drawn)")
    latin_rate: float = _rate(0.006, "OCR: lines with a stray Latin token")
    drop_line_rate: float = _rate(0.004, "OCR: lines lost")
    junk_line_rate: float = _rate(0.003, "OCR: body lines read as a mere junk token (Na, 1, O), still body")
    merge_line_rate: float = _rate(0.003, "OCR: lines merged with the next one")
    spacing_rate: float = _rate(0.03, "OCR: lines with a stray space after punctuation")
    garbage_lines: float = _number(
        0.1, "OCR: mean number of lines read off rules and frames per page (noise of the article above, O above all)"
    )
    spaced_title_rate: float = _rate(0.06, "OCR: headline lines printed with spaces between the characters")
    swapped_title_rate: float = _rate(0.08, "OCR: two-line titles output in the wrong order")
    late_headline_rate: float = _rate(0.18, "OCR: headlines output after the article's first body block")
    header_item_lost_rate: float = _rate(0.2, "OCR: page header items (paper, date, 第N版 …) lost")
    label_lost_rate: float = _rate(0.35, "OCR: column labels lost (white on black boxes OCR cannot read)")
    label_garbled_rate: float = _rate(
        0.4, "OCR: lost column labels read as a few stray characters instead, still the article's first line"
    )
    moved_block_rate: float = _rate(0.35, "raw OCR: articles one of whose column blocks lands in the next article")
    gutter_merge_rate: float = _rate(0.12, "OCR: pages where lines of two side-by-side articles are merged")

    def __post_init__(self) -> None:
        problems = list(self.problems())
        if problems:
            raise UsageError("bad synth settings: " + "; ".join(problems))

    def problems(self) -> list[str]:
        """Every inconsistency of these settings, in words."""
        found = []
        if self.style not in STYLE_CHOICES:
            found.append(f"style must be one of {', '.join(STYLE_CHOICES)}, not {self.style!r}")
        names = [name for name, _ in self.kinds]
        unknown = [name for name in names if name not in KINDS]
        if unknown:
            found.append(f"unknown kind(s) {', '.join(unknown)} (known: {', '.join(KINDS)})")
        if len(set(names)) != len(names):
            found.append("a kind is given twice")
        if any(weight < 0 for _, weight in self.kinds) or sum(weight for _, weight in self.kinds) <= 0:
            found.append("kind weights must be at least 0, and not all 0")
        for spec in fields(self):
            value = getattr(self, spec.name)
            kind = spec.metadata.get("kind")
            if kind == "rate" and not 0.0 <= value <= 1.0:
                found.append(f"{spec.name} must be between 0 and 1, not {value}")
            elif kind == "number" and value < spec.metadata["min"]:
                found.append(f"{spec.name} must be at least {spec.metadata['min']}, not {value}")
        for low, high in (
            ("articles_min", "articles_max"),
            ("width_min", "width_max"),
            ("article_chars_min", "article_chars_max"),
            ("column_lines_min", "column_lines_max"),
            ("headline_chars_min", "headline_chars_max"),
        ):
            if getattr(self, low) > getattr(self, high):
                found.append(f"{low} must not exceed {high}")
        return found

    def to_dict(self) -> dict:
        data = asdict(self)
        data["kinds"] = {name: weight for name, weight in self.kinds}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> SynthSettings:
        known = {spec.name for spec in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise UsageError(f"unknown synth setting(s): {', '.join(sorted(unknown))}")
        values = dict(data)
        if isinstance(values.get("kinds"), dict):
            values["kinds"] = tuple((str(k), float(v)) for k, v in values["kinds"].items())
        return cls(**values)

    def with_overrides(self, assignments: list[str]) -> SynthSettings:
        """These settings with ``NAME=VALUE`` assignments applied (``kinds=epaper=1,ocr-raw=2`` too).

        Raises
        ------
        UsageError
            For an unknown name, a value of the wrong type or a value out of range.
        """
        types = {spec.name: spec for spec in fields(self)}
        changes: dict = {}
        for assignment in assignments:
            name, sep, text = assignment.partition("=")
            name = name.strip().replace("-", "_")
            if not sep:
                raise UsageError(f"--set expects NAME=VALUE, not {assignment!r}")
            if name not in types:
                raise UsageError(f"unknown synth setting {name!r} (see `newsseg synth --list-settings`)")
            if name == "kinds":
                changes[name] = parse_kinds(text)
            elif name == "style":
                changes[name] = text.strip()
            else:
                current = getattr(self, name)
                try:
                    changes[name] = int(text) if isinstance(current, int) else float(text)
                except ValueError:
                    expected = "an integer" if isinstance(current, int) else "a number"
                    raise UsageError(f"{name} must be {expected}, not {text!r}") from None
        return replace(self, **changes)


def parse_kinds(text: str) -> tuple[tuple[str, float], ...]:
    """Parse a kind mix: ``epaper=1,ocr-zoned=2,ocr-raw=2`` (or just ``ocr-raw`` for one kind).

    Raises
    ------
    UsageError
        For an unknown kind, a bad weight, or an empty mix.
    """
    mix: list[tuple[str, float]] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, weight_text = part.partition("=")
        name = name.strip()
        if name not in KINDS:
            raise UsageError(f"unknown kind of text {name!r} (known: {', '.join(KINDS)})")
        try:
            weight = float(weight_text) if sep else 1.0
        except ValueError:
            raise UsageError(f"the weight of {name} must be a number, not {weight_text!r}") from None
        mix.append((name, weight))
    if not mix:
        raise UsageError("the kind mix is empty (e.g. epaper=1,ocr-zoned=1,ocr-raw=1)")
    return tuple(mix)


def settings_help() -> list[tuple[str, str, str]]:
    """(name, default, what it is) of every setting, for ``--list-settings``."""
    defaults = SynthSettings()
    rows = []
    for spec in fields(SynthSettings):
        value = getattr(defaults, spec.name)
        if spec.name == "kinds":
            value = ",".join(f"{k}={w:g}" for k, w in value)
        rows.append((spec.name, str(value), spec.metadata.get("doc", "")))
    return rows


PHENOMENA: dict[str, str] = {
    "style_zjgrrb": "zjgrrb_share",
    "header_rmrb": "rmrb_header_rate",
    "header_zjgrrb": "zjgrrb_header_rate",
    "footer": "footer_rate",
    "banner": "banner_rate",
    "banner_in_article": "banner_in_article_rate",
    "cut_start": "cut_start_rate",
    "cut_end": "cut_end_rate",
    "kinsoku": "kinsoku_rate",
    "kicker": "kicker_rate",
    "subtitle": "subtitle_rate",
    "subtitle_dash": "subtitle_dash_rate",
    "column_label": "column_label_rate",
    "extra_column": "extra_column_rate",
    "title_split": "title_split_rate",
    "byline_break": "byline_break_rate",
    "staff_byline": "staff_byline_rate",
    "author_line": "author_line_rate",
    "photo": "photo_rate",
    "photo_credit": "photo_credit_rate",
    "subhead": "subhead_rate",
    "core_reading": "core_reading_rate",
    "noise": "noise_rate",
    "no_blank": "no_blank_rate",
    "real_blank": "real_blank_rate",
    "paragraph_blank": "paragraph_blank_rate",
    "column_blank": "column_blank_rate",
    "block_blank": "block_blank_rate",
    "article_blank": "article_blank_rate",
    "random_blank": "random_blank_rate",
    "ascii_comma_rmrb": "rmrb_ascii_comma_rate",
    "ascii_comma_zjgrrb": "zjgrrb_ascii_comma_rate",
    "mixed_comma": "mixed_comma_rate",
    "substitution": "substitution_rate",
    "latin": "latin_rate",
    "drop_line": "drop_line_rate",
    "merge_line": "merge_line_rate",
    "junk_line": "junk_line_rate",
    "spacing": "spacing_rate",
    "garbage_lines": "garbage_lines",
    "spaced_title": "spaced_title_rate",
    "swapped_title": "swapped_title_rate",
    "late_headline": "late_headline_rate",
    "label_lost": "label_lost_rate",
    "label_garbled": "label_garbled_rate",
    "header_item_lost": "header_item_lost_rate",
    "moved_block": "moved_block_rate",
    "gutter_merge": "gutter_merge_rate",
}
"""Each counted phenomenon (see the manifest's ``phenomena``) and the setting that gives its rate.

``substitution`` is counted per Chinese character of OCR pages and its rate is drawn per page
(the setting is the mean); ``garbage_lines`` is a mean count per OCR page; ``mixed_comma`` is
counted on OCR pages without ASCII commas; the blank-line rates on OCR pages of the tesseract
regime.  All others are probabilities per chance (page, article, line or headline line).
"""
