"""One synthetic labelled page: articles laid out, page furniture added, read as e-paper text or OCR.

:func:`build_page` takes a page's random generator and a run of corpus articles and makes the
page in one of three kinds of text:

* ``epaper``: the exact printed text, article by article, a blank line wherever the text block
  changes (role, font, next column); page header lines on top;
* ``ocr-zoned``: OCR in article order: OCR damage, blank lines at paragraph ends, column breaks and
  at random, headlines read late or in the wrong order, frame debris, boxed labels;
* ``ocr-raw``: the same in the raw reading order: a column block of one article lands inside the
  next article (a new segment) and lines of side-by-side articles are merged.

Lines are labelled as they are made, so labels never depend on the text's quality; the tags
follow the labelled-page format (a segment starts with ``B-`` wherever another article's line
came before).
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsseg.io.labels import BLANK, OUTSIDE, LabelledPage
from newsseg.io.page import Page, is_blank
from newsseg.synth.article import (
    ArticleContext,
    ArticleSource,
    PrintedArticle,
    PrintedLine,
    Tally,
    compose_article,
)
from newsseg.synth.data import (
    EDITOR_ROLES,
    FRAME_DEBRIS,
    JUNK_TOKENS,
    SECTION_NAMES,
    WEEKDAYS,
    ZJGRRB_PAPERS,
)
from newsseg.synth.ocr import OcrProfile, damage_line, garbled_label
from newsseg.synth.settings import SynthSettings
from newsseg.synth.text import CLOSING_PUNCTUATION, person_name, split_balanced, weighted_choice

ARTICLE_COUNT_WEIGHTS = {2: 1.5, 3: 3.5, 4: 4.0, 5: 3.0, 6: 1.5, 7: 1.0, 8: 0.6}
"""Relative frequency of the number of articles on a page, within the settings' bounds."""

WIDTH_WEIGHTS = {10: 0.5, 11: 0.5, 12: 0.9, 13: 1.3, 14: 1.3, 15: 1.0, 16: 0.8}
"""Relative frequency of a page's column width (characters), as on broadsheet pages; others weigh 1."""

COLUMN_SPANS = (1, 2, 2, 2, 2, 3, 3, 4, 4, 5)
"""How many columns an article spans: its body flows through them, its headline runs across them."""

Chunk = list[PrintedLine]


@dataclass
class PageLine:
    """A line of the finished page with its article (None outside articles) and role."""

    text: str
    article: int | None
    role: str
    block: str
    chunk: int
    paragraph_end: bool = False
    column_end: bool = False


@dataclass
class PageDraws:
    """The values one page drew from the settings (saved in the page's record)."""

    kind: str
    style: str
    articles: int
    width: int
    hanging: bool
    blank_regime: str
    header: bool
    footer: bool
    banner: bool
    cut_start: bool
    cut_end: bool
    ocr: OcrProfile | None = None
    widths: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "ocr"}
        data["ocr"] = self.ocr.to_dict() if self.ocr else None
        return data


@dataclass
class SynthPage:
    """A synthetic page: the labelled page and the record of how it was made."""

    labelled: LabelledPage
    draws: PageDraws
    sources: list[dict]
    tally: Tally

    def record(self) -> dict:
        """A JSON-ready description of the page (for ``pages.jsonl``)."""
        return {
            "name": self.labelled.name,
            "kind": self.draws.kind,
            "style": self.draws.style,
            "lines": len(self.labelled.tags),
            "sources": self.sources,
            "draws": self.draws.to_dict(),
            "phenomena": self.tally.to_dict(),
        }


# -- drawing page values ---------------------------------------------------------------------------


def _width_weights(settings: SynthSettings) -> dict[int, float]:
    return {w: WIDTH_WEIGHTS.get(w, 1.0) for w in range(settings.width_min, settings.width_max + 1)}


def _poisson(rng: random.Random, mean: float) -> int:
    limit, product, count = math.exp(-mean), rng.random(), 0
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def draw_page(rng: random.Random, settings: SynthSettings, tally: Tally) -> PageDraws:
    """Draw a page's kind, style, widths, blank-line and OCR regimes from the settings."""
    if settings.style == "mixed":
        style = "zjgrrb" if tally.draw(rng, "style_zjgrrb", settings.zjgrrb_share) else "rmrb"
    else:
        style = settings.style
    kind = weighted_choice(rng, settings.kinds)
    counts = {n: w for n, w in ARTICLE_COUNT_WEIGHTS.items() if settings.articles_min <= n <= settings.articles_max}
    articles = (
        weighted_choice(rng, counts.items()) if counts else rng.randint(settings.articles_min, settings.articles_max)
    )
    header_rate = settings.rmrb_header_rate if style == "rmrb" else settings.zjgrrb_header_rate
    draws = PageDraws(
        kind=kind,
        style=style,
        articles=articles,
        width=weighted_choice(rng, _width_weights(settings).items()),
        hanging=tally.draw(rng, "kinsoku", settings.kinsoku_rate),
        blank_regime="block",
        header=tally.draw(rng, f"header_{style}", header_rate),
        footer=tally.draw(rng, "footer", settings.footer_rate),
        banner=tally.draw(rng, "banner", settings.banner_rate),
        cut_start=tally.draw(rng, "cut_start", settings.cut_start_rate),
        cut_end=tally.draw(rng, "cut_end", settings.cut_end_rate),
    )
    if kind != "epaper":
        if tally.draw(rng, "no_blank", settings.no_blank_rate):
            draws.blank_regime = "none"
        elif style == "zjgrrb" and tally.draw(rng, "real_blank", settings.real_blank_rate):
            draws.blank_regime = "paragraph"
        else:
            draws.blank_regime = "tesseract"
        ascii_rate = settings.rmrb_ascii_comma_rate if style == "rmrb" else settings.zjgrrb_ascii_comma_rate
        if tally.draw(rng, f"ascii_comma_{style}", ascii_rate):
            comma = "ascii"
        elif tally.draw(rng, "mixed_comma", settings.mixed_comma_rate):
            comma = "mixed"
        else:
            comma = "full"
        substitution = min(0.2, rng.expovariate(1.0 / settings.substitution_rate)) if settings.substitution_rate else 0
        draws.ocr = OcrProfile(
            substitution=substitution,
            comma=comma,
            latin=settings.latin_rate,
            spacing=settings.spacing_rate,
            drop=settings.drop_line_rate,
            merge=settings.merge_line_rate,
            spaced_title=settings.spaced_title_rate,
            label_lost=settings.label_lost_rate,
            label_garbled=settings.label_garbled_rate,
            junk=settings.junk_line_rate,
        )
    return draws


# -- page furniture ----------------------------------------------------------------------------------


def _issue_date(text: str, rng: random.Random) -> str:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        day = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(800))
    return f"{day.year}年{day.month}月{day.day}日 {WEEKDAYS[day.weekday()]}"


def _page_number(text: str) -> str:
    number = text.lstrip("0") or text
    return f"第{number}版"


def furniture_items(paper: str, date: str, page: str, rng: random.Random) -> list[str]:
    """The items of a page header: paper name, date, 第N版, section, editors (some left out, in an order)."""
    editors = f"{rng.choice(EDITOR_ROLES[:3])}：{person_name(rng)} {person_name(rng)}"
    items = {
        "paper": paper,
        "date": _issue_date(date, rng),
        "page": _page_number(page),
        "section": rng.choice(SECTION_NAMES),
        "editors": editors,
    }
    orders = (
        ("page", "section", "paper", "date", "editors"),
        ("paper", "date", "page", "editors", "section"),
        ("paper", "date", "page", "section"),
        ("page", "section", "paper", "date"),
        ("date", "paper", "page", "section", "editors"),
    )
    order = rng.choice(orders)
    keep = [key for key in order if key == "paper" or rng.random() < 0.94]
    return [items[key] for key in keep]


def footer_items(paper: str, date: str, page: str, rng: random.Random) -> list[str]:
    """Furniture at the foot of a page."""
    choice = rng.random()
    if choice < 0.4:
        return [f"{role}：{person_name(rng)}" for role in rng.sample(EDITOR_ROLES, rng.randint(1, 3))]
    if choice < 0.7:
        return [_page_number(page)]
    return [f"{paper} {_issue_date(date, rng)}"]


def banner_lines(theme: str, rng: random.Random) -> list[str]:
    """A page banner: the page's theme phrase broken over 1-3 short lines (a section name if there is no theme).

    Never a column label: column labels belong to their article (role ``column``), a banner to none.
    """
    if not theme:
        return [rng.choice(SECTION_NAMES)]
    theme = theme.replace(" ", "")[:27]
    return split_balanced(theme, max(1, min(3, math.ceil(len(theme) / 9))))


# -- the article chunks of each kind of text ------------------------------------------------------------


def _columns(flow: list[PrintedLine]) -> list[Chunk]:
    chunks: list[Chunk] = [[]]
    for line in flow:
        chunks[-1].append(line)
        if line.column_end:
            chunks.append([])
    return [chunk for chunk in chunks if chunk]


def article_chunks(
    article: PrintedArticle, kind: str, rng: random.Random, settings: SynthSettings, tally: Tally
) -> list[Chunk]:
    """The article's lines in output order, grouped in chunks (headline, photo, each column, noise)."""
    columns = _columns(article.flow)
    headline = list(article.headline)
    if kind == "epaper":
        chunks = [headline, article.photo, *columns]
        if article.noise:
            chunks.append(article.noise)
        return [chunk for chunk in chunks if chunk]
    title_indices = [i for i, line in enumerate(headline) if line.role == "title"]
    if len(title_indices) == 2 and tally.draw(rng, "swapped_title", settings.swapped_title_rate):
        first, second = title_indices
        headline[first], headline[second] = headline[second], headline[first]
    chunks = list(columns)
    if article.photo:
        chunks.insert(rng.randint(0, len(chunks)), article.photo)
    if article.noise:
        if article.noise_inside and len(chunks) > 1:
            chunks.insert(rng.randint(1, len(chunks) - 1), article.noise)
        else:
            chunks.append(article.noise)
    if headline:
        late = len(chunks) > 1 and tally.draw(rng, "late_headline", settings.late_headline_rate)
        chunks.insert(1 if late else 0, headline)
    return [chunk for chunk in chunks if chunk]


def move_column_blocks(
    per_article: list[list[tuple[int, Chunk]]], rng: random.Random, settings: SynthSettings, tally: Tally
) -> None:
    """Raw reading order: a column block of an article lands inside (or after) the next article.

    ``per_article`` holds, for each article, its (owner, chunk) pairs in output order; a moved
    chunk keeps its owner.
    """
    for index in range(len(per_article) - 1):
        body_positions = [
            position
            for position, (owner, chunk) in enumerate(per_article[index])
            if owner == index and chunk and all(line.block in ("body", "byline", "subhead") for line in chunk)
        ]
        movable = body_positions[1:]
        if not movable:
            continue
        if not tally.draw(rng, "moved_block", settings.moved_block_rate):
            continue
        block = per_article[index].pop(rng.choice(movable))
        target = per_article[index + 1]
        target.insert(rng.randint(1, max(1, len(target))), block)


# -- flattening, OCR, blank lines, tags ----------------------------------------------------------------------


def _flatten(page_chunks: list[tuple[int | None, Chunk]]) -> list[PageLine]:
    lines: list[PageLine] = []
    for chunk_id, (article, chunk) in enumerate(page_chunks):
        for line in chunk:
            owner = None if line.role == OUTSIDE else article
            lines.append(
                PageLine(line.text, owner, line.role, line.block, chunk_id, line.paragraph_end, line.column_end)
            )
    return lines


MERGEABLE_ROLES = ("body", "title", "kicker", "subtitle", "column")


def merge_across_gutter(lines: list[PageLine], rng: random.Random, tally: Tally, rate: float) -> list[PageLine]:
    """OCR reading across a gutter: 1-3 lines of an article merged with the lines beside them in another one.

    The merged line keeps the article and role of its longer part (the larger overlap), as the
    geometry-based labels of real OCR'd pages do; the other line is gone from its article.
    """
    if not tally.draw(rng, "gutter_merge", rate):
        return lines
    candidates = [i for i, line in enumerate(lines) if line.article is not None and line.role in MERGEABLE_ROLES]
    if not candidates:
        return lines
    first = rng.choice(candidates)
    article = lines[first].article
    neighbours = [j for j in candidates if lines[j].article != article and abs(j - first) <= 60]
    if not neighbours:
        return lines
    second = rng.choice(neighbours)
    count = 1 if lines[first].role != "body" else rng.randint(1, 3)
    gone: set[int] = set()
    for offset in range(count):
        a, b = first + offset, second + offset
        if a >= len(lines) or b >= len(lines) or a in gone or b in gone or a == b:
            break
        if lines[a].article != article or lines[b].article != lines[second].article:
            break
        keep, other = (a, b) if len(lines[a].text) >= len(lines[b].text) else (b, a)
        left, right = (lines[a].text, lines[b].text) if rng.random() < 0.5 else (lines[b].text, lines[a].text)
        lines[keep].text = left + " " * rng.randint(3, 30) + right
        gone.add(other)
    return [line for k, line in enumerate(lines) if k not in gone]


def apply_ocr(lines: list[PageLine], profile: OcrProfile, rng: random.Random, tally: Tally) -> list[PageLine]:
    """OCR damage on every line; lost lines and lines merged with the next.

    A line of closing marks alone (the ``。`` that ends a paragraph, wrapped onto a line of its
    own) is always lost: OCR does not read a lone mark (the shared OCR pages have none of the
    e-paper text's).
    """
    result: list[PageLine] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.text.strip()
        if stripped and set(stripped) <= CLOSING_PUNCTUATION:
            if result and result[-1].article == line.article:
                result[-1].paragraph_end = result[-1].paragraph_end or line.paragraph_end
                result[-1].column_end = result[-1].column_end or line.column_end
            index += 1
            continue
        if line.role == "body":
            if tally.draw(rng, "drop_line", profile.drop):
                index += 1
                continue
            if tally.draw(rng, "junk_line", profile.junk):
                line.text = rng.choice(JUNK_TOKENS)
                result.append(line)
                index += 1
                continue
            following = lines[index + 1] if index + 1 < len(lines) else None
            mergeable = following is not None and following.chunk == line.chunk and following.role == "body"
            if mergeable and tally.draw(rng, "merge_line", profile.merge):
                line.text = line.text + following.text
                line.paragraph_end = following.paragraph_end
                line.column_end = following.column_end
                index += 1
        if line.role == "column":
            if tally.draw(rng, "label_lost", profile.label_lost):
                if tally.draw(rng, "label_garbled", profile.label_garbled):
                    line.text = garbled_label(line.text, rng)
                    result.append(line)
                index += 1
                continue
            if rng.random() < 0.3:
                line.text = rng.choice(("| ", "|", "【", "■", "[")) + line.text + rng.choice(("", "", " |", "|", "】"))
        line.text = damage_line(line.text, line.role, profile, rng, tally)
        result.append(line)
        index += 1
    return result


def boundary_between(line: PageLine, following: PageLine, regime: str) -> str:
    """What separates two consecutive lines: ``article`` (one article's text ends, another's
    begins), ``column`` (a column break within an article), ``block`` (another text block:
    headline, byline, photo, page furniture), ``paragraph`` or ``line``."""
    if line.article is not None and following.article is not None and following.article != line.article:
        return "article"
    if line.column_end and line.article is not None and following.article == line.article:
        return "column"
    same_chunk = following.chunk == line.chunk
    # OCR does not see the bold face of a dateline: byline and body run on in one text block.
    dateline_run_on = regime != "block" and same_chunk and {line.block, following.block} == {"byline", "body"}
    if (not same_chunk or following.block != line.block) and not dateline_run_on:
        return "block"
    return "paragraph" if line.paragraph_end else "line"


def insert_blank_lines(
    lines: list[PageLine], regime: str, rng: random.Random, settings: SynthSettings, tally: Tally
) -> list[PageLine | None]:
    """The page's lines with blank lines (None) where the page's regime puts them.

    * ``block`` (e-paper text): at every change of article or block and column break, nowhere else;
    * ``tesseract`` (OCR): at changes of article, block changes, column breaks, paragraph ends
      and at random, each with its own rate;
    * ``paragraph`` (OCR like the real 浙江工人日报 page): at every paragraph end, at most
      changes of article and block changes, at half the column breaks;
    * ``none``: no blank line at all.
    """
    rates = {
        "article": settings.article_blank_rate,
        "block": settings.block_blank_rate,
        "column": settings.column_blank_rate,
        "paragraph": settings.paragraph_blank_rate,
        "line": settings.random_blank_rate,
    }
    out: list[PageLine | None] = []
    for index, line in enumerate(lines):
        out.append(line)
        if index + 1 == len(lines) or regime == "none":
            continue
        boundary = boundary_between(line, lines[index + 1], regime)
        if regime == "block":
            blank = boundary in ("article", "block", "column")
        elif regime == "paragraph":
            if line.paragraph_end:
                blank = True
            elif boundary in ("article", "block"):
                blank = rng.random() < rates[boundary]
            else:
                blank = boundary == "column" and rng.random() < 0.5
        else:
            blank = tally.draw(rng, f"{boundary}_blank" if boundary != "line" else "random_blank", rates[boundary])
        if blank:
            out.append(None)
            if regime != "block" and boundary in ("article", "block") and rng.random() < 0.03:
                out.append(None)
    return out


def labelled_from_lines(lines: Sequence[PageLine | None], name: str) -> LabelledPage:
    """Tags for the finished lines: blank lines empty, ``O`` outside articles, ``B-`` where a segment starts.

    Every segment carries its article's key (the article's 1-based place on the page), so a
    column block that resumes an article says which one.
    """
    texts: list[str] = []
    tags: list[str] = []
    keys: list[str | None] = []
    open_article: int | None = None
    for line in lines:
        keys.append(None)
        if line is None or is_blank(line.text):
            texts.append("" if line is None else line.text)
            tags.append(BLANK)
            continue
        texts.append(line.text)
        if line.article is None:
            tags.append(OUTSIDE)
            continue
        if line.article == open_article:
            tags.append("I-" + line.role)
        else:
            tags.append("B-" + line.role)
            keys[-1] = str(line.article + 1)
        open_article = line.article
    return LabelledPage(Page(tuple(texts), name), tuple(tags), tuple(keys))


# -- the page ---------------------------------------------------------------------------------------------


@dataclass
class PageMaterial:
    """What a page is made from: a run of corpus articles, their origin, and the page's date and number."""

    articles: list[ArticleSource]
    sources: list[dict]
    paper: str
    date: str
    page: str
    theme: str


def print_articles(
    material: PageMaterial, draws: PageDraws, rng: random.Random, settings: SynthSettings, tally: Tally
) -> list[PrintedArticle]:
    """Print each article at its own width and column span (articles with nothing left are skipped)."""
    printed: list[PrintedArticle] = []
    for index, source in enumerate(material.articles):
        width = min(
            settings.width_max,
            max(settings.width_min, draws.width + rng.randint(-settings.width_spread, settings.width_spread)),
        )
        span = rng.choice(COLUMN_SPANS)
        headline_width = min(
            settings.headline_chars_max, max(settings.headline_chars_min, width * span + rng.randint(-2, 2))
        )
        budget = round(
            math.exp(rng.uniform(math.log(settings.article_chars_min), math.log(settings.article_chars_max)))
        )
        ctx = ArticleContext(
            style=draws.style,
            width=width,
            headline_width=headline_width,
            columns=span,
            column_lines_min=settings.column_lines_min,
            column_lines_max=settings.column_lines_max,
            hanging=draws.hanging,
            cut_start=draws.cut_start and index == 0,
            cut_end=draws.cut_end and index == len(material.articles) - 1,
        )
        article = compose_article(source, ctx, budget, rng, settings, tally)
        if article is not None:
            printed.append(article)
            draws.widths.append(width)
    return printed


def _outside(texts: Sequence[str], block: str | None = None, prefix: str = "") -> Chunk:
    """Lines in no article; one block for all (``block``) or one block per line (``prefix`` + number)."""
    return [PrintedLine(text, OUTSIDE, block or f"{prefix}{i}") for i, text in enumerate(texts)]


def assemble_page(
    per_article: list[list[tuple[int, Chunk]]],
    material: PageMaterial,
    draws: PageDraws,
    rng: random.Random,
    settings: SynthSettings,
    tally: Tally,
) -> list[tuple[int | None, Chunk]]:
    """The page's chunks in output order, with their article: header, articles, banner, footer, debris."""
    ocr = draws.kind != "epaper"
    page_chunks: list[tuple[int | None, Chunk]] = []
    paper = material.paper if draws.style == "rmrb" else rng.choice(ZJGRRB_PAPERS)
    if draws.header:
        items = furniture_items(paper, material.date, material.page, rng)
        if ocr:
            kept = [item for item in items if not tally.draw(rng, "header_item_lost", settings.header_item_lost_rate)]
            items = kept or items[:1]
        if ocr and rng.random() < 0.3:
            items = [(" " * rng.randint(6, 40)).join(items)]
        page_chunks.append((None, _outside(items, None if ocr else "furniture", "furniture")))
    banner = banner_lines(material.theme, rng) if draws.banner else []
    banner_placed = not banner
    for article_index, chunks in enumerate(per_article):
        for chunk_index, (owner, chunk) in enumerate(chunks):
            if not banner_placed and chunk_index == 0 and article_index == len(per_article) // 2:
                banner_placed = True
                titled = any(line.role == "title" for line in chunk)
                if titled and tally.draw(rng, "banner_in_article", settings.banner_in_article_rate):
                    last_title = max(i for i, line in enumerate(chunk) if line.role == "title")
                    page_chunks.append((owner, chunk[: last_title + 1]))
                    page_chunks.append((None, _outside(banner, "banner")))
                    if chunk[last_title + 1 :]:
                        page_chunks.append((owner, chunk[last_title + 1 :]))
                    continue
                page_chunks.append((None, _outside(banner, "banner")))
            page_chunks.append((owner, chunk))
    if draws.footer:
        page_chunks.append((None, _outside(footer_items(paper, material.date, material.page, rng), prefix="footer")))
    if ocr:
        garbage = _poisson(rng, settings.garbage_lines)
        tally.count("garbage_lines", garbage)
        for _ in range(garbage):
            debris = rng.choice(FRAME_DEBRIS)
            position = rng.randint(1 if draws.header else 0, len(page_chunks))
            page_chunks.insert(position, _debris_chunk(debris, page_chunks[:position]))
    return page_chunks


def _debris_chunk(debris: str, before: Sequence[tuple[int | None, Chunk]]) -> tuple[int | None, Chunk]:
    """A line OCR read off a rule or frame, in the area of the article printed above it (role ``noise``).

    ``O`` is page furniture only (data/LABELLING.md): debris below an article's text lies in that
    article's area and belongs to it; debris above every article (under the page header) is ``O``.
    """
    owner = next((article for article, chunk in reversed(before) if article is not None), None)
    if owner is None:
        return None, _outside([debris], "debris")
    return owner, [PrintedLine(debris, "noise", "debris")]


def build_page(
    material: PageMaterial, draws: PageDraws, name: str, rng: random.Random, settings: SynthSettings, tally: Tally
) -> SynthPage | None:
    """Lay out, read and label one page; None if none of its articles has text left to print.

    Parameters
    ----------
    material : PageMaterial
        The corpus articles (already in page order) and page details.
    draws : PageDraws
        The page's kind, style and regimes (see :func:`draw_page`).
    name : str
        The page's file name.
    rng : random.Random
        The page's random generator.
    settings : SynthSettings
        Rates of every phenomenon.
    tally : Tally
        Counts the page's phenomena.
    """
    printed = print_articles(material, draws, rng, settings, tally)
    if not printed:
        return None
    draws.articles = len(printed)
    per_article = [
        [(index, chunk) for chunk in article_chunks(article, draws.kind, rng, settings, tally)]
        for index, article in enumerate(printed)
    ]
    if draws.kind == "ocr-raw":
        move_column_blocks(per_article, rng, settings, tally)
    lines = _flatten(assemble_page(per_article, material, draws, rng, settings, tally))
    if draws.ocr is not None:
        lines = merge_across_gutter(lines, rng, tally, settings.gutter_merge_rate)
        lines = apply_ocr(lines, draws.ocr, rng, tally)
    labelled = labelled_from_lines(insert_blank_lines(lines, draws.blank_regime, rng, settings, tally), name)
    if not any(tag.startswith("B-") for tag in labelled.tags):
        return None
    return SynthPage(labelled, draws, material.sources, tally)
