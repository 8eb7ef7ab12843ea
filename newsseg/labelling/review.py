"""The review report: one self-contained HTML file to check a model's output page by page.

Each page is shown line by line with its input line numbers; every article's lines have their
own background colour — one colour across all the spans of an article OCR broke apart, each
resumed span marked "continued from line N" — and each line its role (K kicker, T title,
S subtitle, C column label, B byline, · body, H subhead, P caption, N noise, O outside).  Article
starts (and span starts) the model is unsure
of (start confidence below the review threshold) are marked with a red bar and their
confidence; lines where the model almost started an article are marked with a dashed amber
rule; lines left out of the text (noise, duplicated passages) are struck through.  Beside
each article, its parsed parts: headline, byline fields, paragraphs, captions, noise.  The file
has no scripts and no external assets, and all page text is HTML-escaped.
"""

from __future__ import annotations

import colorsys
import html
from collections.abc import Sequence

from newsseg.articles.records import DEFAULT_REVIEW_THRESHOLD, Article, PageResult
from newsseg.formats import line_ranges
from newsseg.io.labels import OUTSIDE, tag_role

ROLE_MARKS: dict[str, str] = {
    "kicker": "K",
    "title": "T",
    "subtitle": "S",
    "column": "C",
    "byline": "B",
    "body": "·",
    "subhead": "H",
    "caption": "P",
    "noise": "N",
    OUTSIDE: "O",
}
"""The one-letter mark shown for each role."""

GOLDEN_ANGLE = 137.50776405
EXCERPT_CHARS = 60
"""Characters of each paragraph shown beside an article."""

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
       margin: 0 1.5em 2em; color: #1a1a1a; background: #ffffff; }
h1 { font-size: 1.4em; margin: 0.8em 0 0.2em; }
h2 { font-size: 1.15em; margin: 1.6em 0 0.4em; border-bottom: 2px solid #444; }
table.summary { border-collapse: collapse; margin: 0.5em 0 1em; }
table.summary td, table.summary th { border: 1px solid #bbb; padding: 2px 8px; text-align: left; }
.legend span { display: inline-block; margin-right: 1em; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr) 30em; column-gap: 1.2em; }
.lines { font-size: 14px; line-height: 1.45; padding: 2px 0; }
.card { align-self: start; position: sticky; top: 0; margin: 2px 0 10px; padding: 6px 10px;
        border: 3px solid var(--edge); border-radius: 6px; background: var(--fill); font-size: 13px; }
.card h3 { font-size: 15px; margin: 0.1em 0 0.3em; }
.card dl { margin: 0; display: grid; grid-template-columns: 7.5em minmax(0, 1fr); column-gap: 0.6em; }
.card dt { color: #555; }
.card dd { margin: 0; overflow-wrap: anywhere; }
.card ol { margin: 0.2em 0; padding-left: 1.6em; }
.ln { display: grid; grid-template-columns: 3.6em 1.6em minmax(0, 1fr) auto; white-space: pre-wrap;
      overflow-wrap: anywhere; }
.ln .no { color: #777; text-align: right; padding-right: 0.5em; }
.ln .mark { color: #333; font-weight: bold; text-align: center; }
.ln .flag { font-size: 12px; padding: 0 4px; }
.ln.blank { min-height: 0.5em; }
.art .ln { background: var(--fill); }
.art .ln.start { border-top: 3px solid var(--edge); }
.ln.role-title .tx, .ln.role-kicker .tx, .ln.role-subtitle .tx, .ln.role-subhead .tx { font-weight: bold; }
.ln.role-noise .tx, .ln.role-O .tx, .ln.left-out .tx { color: #888; text-decoration: line-through; }
.ln.doubt { box-shadow: inset 6px 0 0 #d0021b; }
.ln.doubt .flag { background: #d0021b; color: #fff; }
.ln.maybe { border-top: 2px dashed #f5a623; }
.ln.maybe .flag { background: #f5a623; color: #000; }
.ln.resumed .flag { font-style: italic; }
.review { color: #d0021b; font-weight: bold; }
"""


def article_colours(index: int) -> tuple[str, str]:
    """The (background, border) colours of the ``index``-th article of a page, as ``#rrggbb``."""
    hue = (index * GOLDEN_ANGLE) % 360 / 360

    def hex_colour(lightness: float, saturation: float) -> str:
        red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
        return "#" + "".join(f"{round(channel * 255):02x}" for channel in (red, green, blue))

    return hex_colour(0.86, 0.75), hex_colour(0.42, 0.65)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _line(number: int, text: str, role: str | None, classes: Sequence[str] = (), flag: str = "") -> str:
    """One input line: number, role mark, text and an optional flag."""
    if role is None:
        return f'<div class="ln blank"><span class="no">{number}</span></div>'
    names = " ".join(["ln", f"role-{role}", *classes])
    return (
        f'<div class="{names}" title="{_e(role)}"><span class="no">{number}</span>'
        f'<span class="mark">{_e(ROLE_MARKS.get(role, "?"))}</span><span class="tx">{_e(text)}</span>'
        f'<span class="flag">{_e(flag)}</span></div>'
    )


def _fields(pairs: Sequence[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in pairs if value)
    return f"<dl>{rows}</dl>" if rows else ""


def article_card(article: Article) -> str:
    """The parsed parts of one article as an HTML card."""
    confidence = "—" if article.confidence is None else f"{article.confidence:.2f}"
    review = ' <span class="review">review</span>' if article.review else ""
    parts = [
        f"<h3>{_e(article.index + 1)}. {_e(article.title or '(untitled)')}</h3>",
        f"<div>lines {_e(line_ranges(article, '–'))} · start confidence {_e(confidence)}{review}</div>",
        _fields(
            [
                ("kicker", article.kicker),
                ("subtitle", article.subtitle),
                ("column", article.column),
            ]
        ),
    ]
    byline = article.byline
    if byline is not None:
        parts.append(
            _fields(
                [
                    ("byline", byline.text),
                    ("source", byline.source or ""),
                    ("place", byline.place or ""),
                    ("date", byline.date or ""),
                    ("reporters", "、".join(byline.reporters)),
                    ("correspondents", "、".join(byline.correspondents)),
                    ("photographers", "、".join(byline.photographers)),
                    ("authors", "、".join(byline.authors)),
                    ("affiliation", byline.affiliation or ""),
                ]
            )
        )
    if article.paragraphs:
        items = "".join(
            f"<li>{'<b>' if p.role == 'subhead' else ''}{_e(_excerpt(p.text))}{'</b>' if p.role == 'subhead' else ''}"
            f" <small>({p.start_line}–{p.end_line})</small></li>"
            for p in article.paragraphs
        )
        parts.append(f"<div>{len(article.paragraphs)} paragraphs</div><ol>{items}</ol>")
    for caption in article.captions:
        parts.append(_fields([("caption", caption.text), ("credit", caption.credit or "")]))
    for passage in article.noise:
        parts.append(_fields([(f"left out ({passage.why})", f"lines {passage.lines[0]}–{passage.lines[-1]}")]))
    return "".join(part for part in parts if part)


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def continuation_card(article: Article, span: int) -> str:
    """The card beside a resumed span of an article: which article it continues, from where."""
    return (
        f"<h3>{_e(article.index + 1)}. {_e(article.title or '(untitled)')}</h3>"
        f"<div>continued from line {article.spans[span - 1][1]} "
        f"(span {span + 1} of {len(article.spans)})</div>"
    )


def page_section(result: PageResult, number: int, uncertain: set[int]) -> str:
    """One page: its lines in article blocks, one per span, each beside its article's card.

    ``result`` is flagged for review and ``uncertain`` holds its uncertain lines, both at the
    report's threshold.  A resumed span of an article has the article's colour and a card
    saying where the article was left off.
    """
    starts = result.start_probabilities
    left_out = {number for article in result.articles for passage in article.noise for number in passage.lines}
    blocks: list[tuple[Article | None, int, list[str]]] = []
    span_starts = {
        start: (article, span) for article in result.articles for span, (start, _) in enumerate(article.spans)
    }
    current: Article | None = None
    span = 0
    for index, text in enumerate(result.page.lines):
        number_ = index + 1
        if number_ in span_starts:
            current, span = span_starts[number_]
            blocks.append((current, span, []))
        elif current is not None and number_ > current.spans[span][1]:
            current = None
            blocks.append((None, 0, []))
        elif not blocks:
            blocks.append((None, 0, []))
        tag = result.tags[index]
        role = None if not tag else (tag_role(tag) or OUTSIDE)
        classes = ["left-out"] if number_ in left_out else []
        flag = ""
        if current is not None and number_ == current.spans[span][0]:
            classes.append("start")
            notes = [f"continued from line {current.spans[span - 1][1]}"] if span else []
            if span:
                classes.append("resumed")
            unsure = number_ in uncertain if span else current.review
            if unsure:
                classes.append("doubt")
                confidence = None if current.span_confidences is None else current.span_confidences[span]
                notes.append("start?" if confidence is None else f"start? {confidence:.2f}")
            flag = " · ".join(notes)
        elif number_ in uncertain and starts is not None:
            classes.append("maybe")
            flag = f"start? {starts[index]:.2f}"
        blocks[-1][2].append(_line(number_, text, role, classes, flag))
    rows = []
    for article, span, lines in blocks:
        if not lines:
            continue
        if article is None:
            rows.append(f'<div class="lines outside">{"".join(lines)}</div><div></div>')
            continue
        fill, edge = article_colours(article.index)
        style = f"--fill: {fill}; --edge: {edge}"
        anchor = f"p{number}-a{article.index + 1}" + (f"-s{span + 1}" if span else "")
        card = continuation_card(article, span) if span else article_card(article)
        rows.append(
            f'<div class="lines art" id="{anchor}" style="{style}">{"".join(lines)}</div>'
            f'<aside class="card" style="{style}">{card}</aside>'
        )
    flagged = sum(article.review for article in result.articles)
    return (
        f'<section class="page" id="page-{number}"><h2>{_e(result.page.name)}</h2>'
        f"<p>{len(result.articles)} articles, {flagged} to review, "
        f"{len(uncertain)} uncertain boundaries</p>"
        f'<div class="grid">{"".join(rows)}</div></section>'
    )


def review_html(results: Sequence[PageResult], threshold: float = DEFAULT_REVIEW_THRESHOLD) -> str:
    """The whole review report for some pages.

    Parameters
    ----------
    results : sequence of PageResult
        The model's output for each page (with its start probabilities, as
        :meth:`~newsseg.segmenter.Segmenter.predict` gives them).
    threshold : float
        Start confidence below which an article is marked for review, and the confidence a
        non-start must reach not to be marked as a possible start.

    Returns
    -------
    str
        A complete HTML document: no scripts, no external files.
    """
    pages = [(result.flag_for_review(threshold), set(result.uncertain_lines(threshold))) for result in results]
    summary_rows = "".join(
        f'<tr><td><a href="#page-{n}">{_e(r.page.name)}</a></td><td>{len(r.articles)}</td>'
        f"<td>{sum(a.review for a in r.articles)}</td><td>{len(doubts)}</td></tr>"
        for n, (r, doubts) in enumerate(pages, start=1)
    )
    legend = "".join(
        f"<span><b>{_e(mark)}</b> {_e('outside any article' if role == OUTSIDE else role)}</span>"
        for role, mark in ROLE_MARKS.items()
    )
    articles = sum(len(r.articles) for r in results)
    flagged = sum(a.review for r in results for a in r.articles)
    sections = "".join(page_section(result, n, doubts) for n, (result, doubts) in enumerate(pages, start=1))
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>newsseg review</title><style>{STYLE}</style></head><body>"
        f"<h1>newsseg review</h1><p>{len(results)} pages, {articles} articles, {flagged} to review "
        f"(start confidence below {threshold:.2f}). Red bar: an article start the model is unsure of; "
        "dashed amber rule: a line the model almost started an article at.</p>"
        f'<p class="legend">{legend}</p>'
        '<table class="summary"><tr><th>page</th><th>articles</th><th>to review</th>'
        f"<th>uncertain boundaries</th></tr>{summary_rows}</table>{sections}</body></html>\n"
    )
