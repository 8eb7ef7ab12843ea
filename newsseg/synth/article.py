"""From a corpus article to its printed lines, each with a role: headline, byline, photo, body, subheads.

:func:`prepare_article` reads what a corpus article holds (column label in the title, dateline at
the head of the first paragraph, short heading paragraphs, photo credits) and :func:`compose_article`
prints it the way a paper of the chosen style would: a headline of column label, kicker, title
and subtitle; a byline in one of the paper's forms; a photo caption and credit; the body wrapped
to the article's column width.  Roles follow data/LABELLING.md: a line is ``byline`` when it starts
with byline text even if the body runs on, page banners are not part of an article.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field

from newsseg.features.cues import COLUMN_LABELS, NEWS_AGENCIES
from newsseg.synth.corpus import CorpusArticle
from newsseg.synth.data import (
    CAPTION_OPENINGS,
    COUNTIES,
    NUMERAL_HEADS,
    SUBHEAD_LABELS,
    UNITS,
)
from newsseg.synth.settings import BYLINE_FORMS, SynthSettings
from newsseg.synth.text import (
    SENTENCE_ENDS,
    clean_text,
    cut_at_sentence,
    person_name,
    sentences,
    spaced_name,
    split_balanced,
    weighted_choice,
    wrap,
)

_AGENCIES = "|".join(["本报", *NEWS_AGENCIES])
DATELINE_AT_START = re.compile(
    rf"^(?P<prefix>据)?(?P<agency>{_AGENCIES})(?P<place>[^\d\s（(，。]{{0,12}}?)\s*(?P<date>\d{{1,2}}月\d{{1,2}}日)\s*电"
    rf"\s*(?:[（(](?P<who>[^）)]{{1,40}})[）)])?\s*"
)
"""A corpus dateline at the head of the first paragraph: 本报北京1月31日电 （记者杜一菲）."""

STAFF_PARAGRAPH = re.compile(r"^本报记者\s*(?P<names>[\u4e00-\u9fff][\u4e00-\u9fff\s、]{1,24})$")
"""A first paragraph that only names the staff reporters: 本报记者 王昊男."""

DROPPED_PARAGRAPH = re.compile(r"^(?:版式设计|制图|图表制作|责任编辑|本版责编|数据来源)[：:]")
CREDIT_PARAGRAPH = re.compile(r"(?:摄\s*(?:[（(][^）)]{1,12}[）)])?|供图|新华社发|图片）|视觉中国)\s*$")
TITLE_LABEL = re.compile(r"[（(](?P<label>[^（()）]{2,28}|[^（()）]*[（(][^（()）]*[）)][^（()）]*)[）)]\s*$")
"""A parenthesised column label at the end of a corpus title: …（人民时评）, …（产经观察·防控疫情，企业在行动③）."""
REPORTERS_IN_BRACKETS = re.compile(r"^(?:记者|特约记者|通讯员)?\s*")

SUBHEAD_MAX_CHARS = 22
"""Longest corpus paragraph without a sentence end that is taken as a heading (numbered ones: 8 more)."""

ZJGRRB_NEWS_SHARE = 0.7
"""zjgrrb style: share of articles without a dateline that are news and get a 本报讯 byline."""

ZJGRRB_OWN_LINE_SHARE = 0.3
"""zjgrrb style: share of 本报讯 bylines on a line of their own (the body starts on the next line)."""

COMMENTARY_SHARE = 0.15
"""Share of articles with no dateline and no column label printed as a commentary (author line)."""


@dataclass(frozen=True)
class Dateline:
    """A dateline as the corpus gives it: 据新华社北京1月31日电 （记者X、Y）."""

    prefix: str
    agency: str
    place: str
    date: str
    who: str

    @property
    def names(self) -> list[str]:
        """The reporters' names in ``who`` (empty when none can be read)."""
        text = REPORTERS_IN_BRACKETS.sub("", self.who)
        names = [name.strip() for name in re.split(r"[、，,\s]+", text) if name.strip()]
        return [name for name in names if 2 <= len(name) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", name)]

    def text(self) -> str:
        who = f" （{self.who}）" if self.who else ""
        return f"{self.prefix}{self.agency}{self.place}{self.date}电{who}"


@dataclass
class ArticleSource:
    """What a corpus article offers to print."""

    order: int
    title: str
    kicker: str
    subtitle: str
    column_label: str
    dateline: Dateline | None
    staff: list[str]
    paragraphs: list[tuple[str, bool]]
    """(text, is a heading) for each paragraph after the dateline."""


def _is_heading(text: str) -> bool:
    """Whether a corpus paragraph is a heading: short, with no sentence end (一、…, ■记者手记, 产业兴旺的喜悦)."""
    if any(mark in text for mark in SENTENCE_ENDS + "；;"):
        return False
    if text.startswith(NUMERAL_HEADS):
        return len(text) <= SUBHEAD_MAX_CHARS + 8
    return len(text) <= SUBHEAD_MAX_CHARS and text[-1] not in "，：:…）)" and not text.startswith(("（", "(", "——"))


def prepare_article(article: CorpusArticle) -> ArticleSource | None:
    """Clean a corpus article and find its parts; None if it has no body text to print."""
    title = clean_text(article.title)
    column_label = ""
    found = TITLE_LABEL.search(title)
    if found and found.start() > 1:
        column_label = found.group("label").strip()
        title = title[: found.start()].strip()
    if not title:
        return None
    paragraphs = [clean_text(p) for p in article.paragraphs]
    paragraphs = [
        p
        for p in paragraphs
        if p
        and p != title
        and not DROPPED_PARAGRAPH.match(p)
        and not (len(p) <= 40 and CREDIT_PARAGRAPH.search(p))
        and "http" not in p
    ]
    dateline = None
    staff: list[str] = []
    if paragraphs:
        match = DATELINE_AT_START.match(paragraphs[0])
        staff_match = STAFF_PARAGRAPH.match(paragraphs[0])
        if match:
            dateline = Dateline(
                match.group("prefix") or "",
                match.group("agency"),
                match.group("place").strip(),
                match.group("date"),
                (match.group("who") or "").strip(),
            )
            rest = paragraphs[0][match.end() :].strip()
            paragraphs = ([rest] if rest else []) + paragraphs[1:]
        elif staff_match:
            staff = [n for n in re.split(r"[\s、]+", staff_match.group("names")) if n]
            paragraphs = paragraphs[1:]
    marked = [(p, _is_heading(p)) for p in paragraphs]
    while marked and marked[-1][1]:
        marked.pop()
    if not any(not heading for _, heading in marked):
        return None
    return ArticleSource(
        article.order,
        title,
        clean_text(article.kicker),
        clean_text(article.subtitle),
        column_label,
        dateline,
        staff,
        marked,
    )


def cut_source(source: ArticleSource, budget: int) -> list[tuple[str, bool]]:
    """The article's paragraphs up to about ``budget`` characters, ending at a sentence end."""
    kept: list[tuple[str, bool]] = []
    used = 0
    for text, heading in source.paragraphs:
        if used >= budget:
            break
        if heading:
            kept.append((text, True))
            continue
        if used + len(text) > budget and kept:
            text = cut_at_sentence(text, budget - used)
        kept.append((text, False))
        used += len(text)
    while kept and kept[-1][1]:
        kept.pop()
    return kept


# -- printed lines ----------------------------------------------------------------------------------


@dataclass
class PrintedLine:
    """One line as printed, before OCR: its text, role and where it sits in the article.

    ``role`` is one of the label roles, or ``"O"`` for a line in no article (page furniture,
    page banners; frame debris inside an article's area is that article's ``noise``).  ``block``
    names the text block (a change of block is a change of font or box: extraction and OCR put a
    blank line there).
    """

    text: str
    role: str
    block: str
    paragraph_end: bool = False
    column_end: bool = False


@dataclass
class PrintedArticle:
    """An article's printed lines, in the groups the page layout moves around."""

    headline: list[PrintedLine]
    photo: list[PrintedLine]
    flow: list[PrintedLine]
    noise: list[PrintedLine] = field(default_factory=list)
    noise_inside: bool = False


class Tally:
    """Counts, per phenomenon, how often it had the chance to occur and how often it did."""

    def __init__(self) -> None:
        self.chances: dict[str, int] = {}
        self.events: dict[str, int] = {}

    def draw(self, rng: random.Random, name: str, rate: float) -> bool:
        """Decide with probability ``rate`` and count the decision under ``name``."""
        happened = rng.random() < rate
        self.count(name, happened)
        return happened

    def count(self, name: str, happened: bool | int, chances: int = 1) -> None:
        self.chances[name] = self.chances.get(name, 0) + chances
        self.events[name] = self.events.get(name, 0) + int(happened)

    def merge(self, other: Tally) -> None:
        for name, chances in other.chances.items():
            self.chances[name] = self.chances.get(name, 0) + chances
            self.events[name] = self.events.get(name, 0) + other.events.get(name, 0)

    def to_dict(self) -> dict[str, list[int]]:
        return {name: [self.events.get(name, 0), self.chances[name]] for name in sorted(self.chances)}


@dataclass
class ArticleContext:
    """The page-level values an article is printed with."""

    style: str
    width: int
    headline_width: int
    columns: int
    column_lines_min: int
    column_lines_max: int
    hanging: bool
    cut_start: bool = False
    cut_end: bool = False


def _headline_lines(text: str, role: str, width: int, max_lines: int = 3) -> list[PrintedLine]:
    parts = min(max_lines, max(1, math.ceil(len(text) / width)))
    return [PrintedLine(part, role, role) for part in split_balanced(text, parts)]


def _title_lines(
    title: str, width: int, rng: random.Random, settings: SynthSettings, tally: Tally
) -> list[PrintedLine]:
    splittable = re.search(r"[ ，、：:]", title[2:-2]) is not None and len(title) <= width
    if splittable and tally.draw(rng, "title_split", settings.title_split_rate):
        cuts = [m.start() + 2 for m in re.finditer(r"[ ，、：:]", title[2:-2])]
        cut = rng.choice(cuts)
        keep = title[cut] in "，、：:"
        first, second = title[: cut + (1 if keep else 0)].strip(), title[cut + 1 :].strip()
        return [PrintedLine(first, "title", "title"), PrintedLine(second, "title", "title")]
    return _headline_lines(title, "title", width)


def _byline_names(source: ArticleSource, rng: random.Random) -> list[str]:
    names = source.dateline.names if source.dateline else list(source.staff)
    return names or [person_name(rng) for _ in range(rng.choice((1, 1, 1, 2)))]


def _credit(style: str, rng: random.Random) -> str:
    name = person_name(rng)
    if style == "zjgrrb":
        return rng.choice(
            (f"记者 {name} 摄", f"通讯员 {name} 摄", f"记者{name}摄", f"{name} 摄", f"本报记者 {name} 摄影报道")
        )
    return rng.choice(
        (
            f"本报记者 {spaced_name(name, rng)}摄",
            f"新华社记者 {name}摄",
            f"{name}摄",
            "新华社发",
            "（资料图片）",
            f"{name}摄（人民视觉）",
            f"本报记者 {name}摄影报道",
        )
    )


def _caption_text(paragraphs: list[tuple[str, bool]], rng: random.Random) -> str:
    candidates = [s for text, heading in paragraphs if not heading for s in sentences(text) if 8 <= len(s) <= 40]
    scene = rng.choice(candidates) if candidates else paragraphs[0][0][:24]
    scene = scene.rstrip("。！？”’").strip("“")
    return rng.choice(CAPTION_OPENINGS) + scene + "。"


def _photo(source_paragraphs, ctx: ArticleContext, rng, settings, tally) -> list[PrintedLine]:
    width = max(ctx.width, min(ctx.headline_width, ctx.width * rng.choice((1, 2, 2, 3))))
    caption = _caption_text(source_paragraphs, rng)
    credit = _credit(ctx.style, rng) if tally.draw(rng, "photo_credit", settings.photo_credit_rate) else ""
    if credit and rng.random() < 0.45:
        lines = [text for _, text in wrap(caption + "\u3000" + credit, width)]
    else:
        lines = [text for _, text in wrap(caption, width)] + ([credit] if credit else [])
    return [PrintedLine(text, "caption", "photo") for text in lines]


def _author_line(style: str, rng: random.Random) -> str:
    name = person_name(rng)
    if style == "zjgrrb":
        unit = rng.choice(UNITS) if rng.random() < 0.8 else rng.choice(COUNTIES) + "总工会"
        return f"{unit} {name}"
    return rng.choice((name, spaced_name(name, rng), "本报评论员", f"{rng.choice(UNITS)} {name}", f"作者：{name}"))


def _zjgrrb_byline(names: list[str], rng: random.Random) -> tuple[str, str]:
    """(byline text, form) of a 浙江工人日报 news article."""
    reporter = "、".join(names[:2])
    correspondents = "、".join(person_name(rng) for _ in range(rng.choice((1, 1, 2))))
    with_correspondent = rng.random() < 0.6
    form = weighted_choice(rng, BYLINE_FORMS["zjgrrb"])
    if form == "xun_reported":
        if with_correspondent and rng.random() < 0.5:
            return f"本报讯 通讯员{correspondents} 记者{reporter}报道", form
        tail = f" 通讯员{correspondents}" if with_correspondent else ""
        return f"本报讯 记者{reporter}{tail}报道", form
    if form == "xun_reporter":
        return f"本报讯 记者{reporter}", form
    if form == "xun_paren":
        tail = f" 通讯员{correspondents}" if with_correspondent else ""
        return f"本报讯（记者{reporter}{tail}）", form
    tail = f" 通讯员 {correspondents}" if with_correspondent else ""
    return f"本报记者 {spaced_name(reporter, rng)}{tail}", form


@dataclass
class Lead:
    """How an article's byline is printed: its text, ``inline`` (the body runs on) or ``own_line``."""

    text: str = ""
    form: str = "none"
    is_dateline: bool = False
    author: list[PrintedLine] = field(default_factory=list)


def choose_lead(
    source: ArticleSource,
    ctx: ArticleContext,
    rng: random.Random,
    settings: SynthSettings,
    tally: Tally,
    commentary: bool,
) -> Lead:
    """The article's byline in the page's style: its corpus dateline, a 本报讯 line, 本报记者 X, an author line."""
    if ctx.cut_start:
        return Lead()
    if source.dateline is not None and (ctx.style == "rmrb" or source.dateline.agency != "本报"):
        return Lead(source.dateline.text(), weighted_choice(rng, BYLINE_FORMS["rmrb"]), is_dateline=True)
    zjgrrb_news = ctx.style == "zjgrrb" and not commentary
    if zjgrrb_news and (source.dateline is not None or source.staff or rng.random() < ZJGRRB_NEWS_SHARE):
        text, form = _zjgrrb_byline(_byline_names(source, rng), rng)
        own_line = form == "staff_line" or rng.random() < ZJGRRB_OWN_LINE_SHARE
        return Lead(text, "own_line" if own_line else "inline")
    if commentary:
        if tally.draw(rng, "author_line", settings.author_line_rate):
            author_text = _author_line(ctx.style, rng)
            return Lead(author=[PrintedLine(t, "byline", "author") for _, t in wrap(author_text, ctx.headline_width)])
        return Lead()
    if source.staff:
        return Lead("本报记者 " + " ".join(spaced_name(n, rng) for n in source.staff), "own_line")
    if tally.draw(rng, "staff_byline", settings.staff_byline_rate):
        names = [person_name(rng) for _ in range(rng.choice((1, 1, 2)))]
        return Lead("本报记者 " + " ".join(spaced_name(n, rng) for n in names), "own_line")
    return Lead()


def _flow_items(
    source: ArticleSource,
    paragraphs: list[tuple[str, bool]],
    ctx: ArticleContext,
    rng: random.Random,
    settings: SynthSettings,
    tally: Tally,
    commentary: bool,
) -> tuple[list[tuple[str, str, int]], list[PrintedLine]]:
    """The article's paragraphs as (text, kind, byline length) items, and any author line of the headline.

    ``kind`` is ``body``, ``subhead`` or ``byline``; ``byline length`` is how many leading characters
    of the item are byline text (a dateline the body runs on from).
    """
    items: list[tuple[str, str, int]] = []
    body = list(paragraphs)
    lead = choose_lead(source, ctx, rng, settings, tally, commentary)
    if lead.text and lead.form == "inline" and body and not body[0][1]:
        first, _ = body.pop(0)
        items.append((lead.text + " " + first, "body", len(lead.text)))
    elif lead.text:
        text = lead.text
        breakable = lead.is_dateline and lead.form == "own_line" and " （" in text
        if breakable and tally.draw(rng, "byline_break", settings.byline_break_rate):
            head, _, tail = text.partition(" （")
            items.append((head, "byline", len(head)))
            text = "（" + tail
        items.append((text, "byline", len(text)))

    box_label = ""
    has_box = any(heading and text.lstrip("■●").strip() in SUBHEAD_LABELS for text, heading in body)
    if len(body) > 2 and not has_box and tally.draw(rng, "core_reading", settings.core_reading_rate):
        box_label = SUBHEAD_LABELS[0] if rng.random() < 0.7 else rng.choice(SUBHEAD_LABELS[1:])
        if box_label in (SUBHEAD_LABELS[0], "编者按"):
            items.append((box_label, "subhead", 0))
        else:
            body.insert(len(body) - 1, (box_label, True))
    run_on = ""
    for text, heading in body:
        if heading:
            if text == box_label:
                items.append((text, "subhead", 0))
            elif tally.draw(rng, "subhead", settings.subhead_rate):
                marker = rng.choice(("", "", "", "●", "■")) if not text.startswith(NUMERAL_HEADS) else ""
                items.append((marker + text, "subhead", 0))
            else:
                run_on += text + ("，" if text[-1] not in "，：:" else "")
            continue
        items.append((run_on + text, "body", 0))
        run_on = ""
    return items, lead.author


def _wrap_flow(items: list[tuple[str, str, int]], ctx: ArticleContext) -> list[PrintedLine]:
    lines: list[PrintedLine] = []
    for number, (text, kind, byline_chars) in enumerate(items):
        indent = 2 if kind == "body" and not (number == 0 and ctx.cut_start) else 0
        wrapped = wrap(text, ctx.width, indent=indent, hanging=ctx.hanging)
        for offset, line in wrapped:
            if kind == "byline" or offset < byline_chars:
                role, block = "byline", "byline"
            else:
                role, block = kind, kind
            lines.append(PrintedLine(line, role, block))
        if lines:
            lines[-1].paragraph_end = True
    return lines


def _mark_columns(lines: list[PrintedLine], ctx: ArticleContext) -> None:
    """Flow the lines through the article's columns, balanced, within the column height limits."""
    if not lines:
        return
    columns = ctx.columns
    while columns > 1 and math.ceil(len(lines) / columns) < ctx.column_lines_min:
        columns -= 1
    columns = max(columns, math.ceil(len(lines) / ctx.column_lines_max))
    per_column = math.ceil(len(lines) / columns)
    for index in range(per_column - 1, len(lines) - 1, per_column):
        lines[index].column_end = True


def _noise(flow: list[PrintedLine], ctx: ArticleContext, rng: random.Random) -> list[PrintedLine]:
    """A copy of 3-6 body lines near the end, sometimes rewrapped from another offset."""
    body_indices = [i for i, line in enumerate(flow) if line.role == "body"]
    count = min(len(body_indices) - 2, rng.randint(3, 6))
    if count < 2:
        return []
    end = body_indices[-1] - rng.randint(0, max(0, min(8, len(body_indices) - count - 1)))
    chosen = [flow[i].text for i in range(max(0, end - count + 1), end + 1) if flow[i].role == "body"]
    if not chosen:
        return []
    if rng.random() < 0.5:
        joined = "".join(chosen)
        shift = rng.randint(1, max(1, len(chosen[0]) - 2))
        chosen = [text for _, text in wrap(joined[shift:], ctx.width + rng.choice((-1, 0, 0, 1)), hanging=ctx.hanging)]
    return [PrintedLine(text, "noise", "noise") for text in chosen]


def compose_article(
    source: ArticleSource,
    ctx: ArticleContext,
    budget: int,
    rng: random.Random,
    settings: SynthSettings,
    tally: Tally,
) -> PrintedArticle | None:
    """Print one article in the page's style; None if nothing of it is left after cutting.

    Parameters
    ----------
    source : ArticleSource
        The article's parts.
    ctx : ArticleContext
        Width, headline width, column height, hanging punctuation, style, and whether the article
        starts or stops mid-text.
    budget : int
        About how many body characters to keep.
    rng : random.Random
        The page's random generator.
    settings : SynthSettings
        Rates of the article's phenomena.
    tally : Tally
        Counts each decision taken.

    Returns
    -------
    PrintedArticle or None
    """
    paragraphs = cut_source(source, budget)
    if not paragraphs:
        return None
    if ctx.cut_start:
        text, _ = paragraphs[0]
        start = rng.randint(len(text) // 4, max(len(text) // 4, len(text) * 3 // 4))
        paragraphs[0] = (text[start:], False)
        if not paragraphs[0][0].strip():
            paragraphs.pop(0)
    if ctx.cut_end and paragraphs:
        text, heading = paragraphs[-1]
        paragraphs[-1] = (text[: max(4, rng.randint(len(text) // 3, len(text)))], heading)
    if not any(not heading for _, heading in paragraphs):
        return None

    headline: list[PrintedLine] = []
    label = ""
    if not ctx.cut_start:
        if source.column_label and tally.draw(rng, "column_label", settings.column_label_rate):
            label = source.column_label
        elif tally.draw(rng, "extra_column", settings.extra_column_rate):
            label = rng.choice(COLUMN_LABELS)
        if label:
            headline.append(PrintedLine(label, "column", "column"))
        if source.kicker and tally.draw(rng, "kicker", settings.kicker_rate):
            headline.extend(_headline_lines(source.kicker, "kicker", ctx.headline_width + 4, 2))
        title = source.title
        if source.column_label and label != source.column_label:
            title = f"{title}（{source.column_label}）"
        title_lines = _title_lines(title, ctx.headline_width, rng, settings, tally)
        headline.extend(title_lines)
        if source.subtitle and tally.draw(rng, "subtitle", settings.subtitle_rate):
            subtitle = source.subtitle
            if not subtitle.startswith("——") and tally.draw(rng, "subtitle_dash", settings.subtitle_dash_rate):
                subtitle = "——" + subtitle
            headline.extend(_headline_lines(subtitle, "subtitle", ctx.headline_width + 2, 4))

    commentary = source.dateline is None and not source.staff and (bool(label) or rng.random() < COMMENTARY_SHARE)
    items, author = _flow_items(source, paragraphs, ctx, rng, settings, tally, commentary)
    headline.extend(author)
    flow = _wrap_flow(items, ctx)
    if not any(line.role == "body" for line in flow):
        return None
    _mark_columns(flow, ctx)

    photo: list[PrintedLine] = []
    if not ctx.cut_start and tally.draw(rng, "photo", settings.photo_rate):
        photo = _photo(paragraphs, ctx, rng, settings, tally)

    noise: list[PrintedLine] = []
    noise_inside = False
    if sum(1 for line in flow if line.role == "body") >= 8 and tally.draw(rng, "noise", settings.noise_rate):
        noise = _noise(flow, ctx, rng)
        noise_inside = rng.random() < 0.25
    return PrintedArticle(headline, photo, flow, noise, noise_inside)
