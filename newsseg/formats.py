"""Writers: a page result as jsonl, json, tsv (the labelled-page format), plain text or Markdown.

Each writer takes :class:`~newsseg.articles.PageResult` objects and returns text; the CLI
decides where the text goes.  The ``jsonl`` records are a contract other tools rely on: one
JSON object per article with ``page``, ``index``, ``start_line``, ``end_line`` (1-based,
inclusive, line numbers of the input file), ``spans`` (the article's runs, ``[first, last]``
in page order: more than one when OCR broke the article apart), ``title``, ``confidence`` and
``lines`` (``n``, ``text``, ``role``; in reading order, the spans one after the other), plus
the article's parts: ``review``, ``kicker``, ``subtitle``, ``column``, ``byline``,
``paragraphs``, ``captions`` and ``noise``.

``text`` and ``markdown`` are for reading: each article title first, then its other headline
parts and byline, then the paragraphs; captions after the body; noise is left out.  ``tsv`` is
the labelled-page format; a page with an article in several spans names each segment's article
(``B-ROLE@KEY``, KEY the article's number), so that it reads back into the same articles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from newsseg.articles.records import Article, PageResult
from newsseg.io.labels import LabelledPage, labelled_text

FORMATS: tuple[str, ...] = ("jsonl", "json", "tsv", "text", "markdown")
"""Output formats of ``newsseg predict``."""

EXTENSIONS = {"jsonl": ".jsonl", "json": ".json", "tsv": ".tsv", "text": ".txt", "markdown": ".md"}

UNTITLED = "(untitled)"


def json_text(value: object, indent: int | None = None) -> str:
    """JSON with Chinese text as it is, but U+2028 and U+2029 escaped.

    Both are valid inside JSON strings, yet JavaScript (before ES2019) and many line-based
    tools take them for line ends, which would split a JSONL record in two.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def to_jsonl(result: PageResult) -> str:
    """One JSON object per article, one per line."""
    return "".join(json_text(article.to_dict(result.page.name)) + "\n" for article in result.articles)


def to_json(results: Iterable[PageResult]) -> str:
    """One JSON document: a list of pages, each with its articles and outside lines."""
    return json_text([r.to_dict() for r in results], indent=2) + "\n"


def to_tsv(result: PageResult) -> str:
    """The labelled-page format: correct it by hand and train on it.

    Each span of an article starts with a ``B-`` line.  When some article has more than one
    span, every ``B-`` line carries its article's 1-based number as key (``B-body@2``); a page
    whose articles are each in one piece gets plain tags.
    """
    tags = list(result.tags)
    keyed = any(len(article.spans) > 1 for article in result.articles)
    keys: list[str | None] = [None] * len(tags)
    for article in result.articles:
        span_starts = {start for start, _ in article.spans}
        for line in article.lines:
            begins = line.number in span_starts
            tags[line.number - 1] = f"{'B' if begins else 'I'}-{line.role}"
            if keyed and begins:
                keys[line.number - 1] = str(article.index + 1)
    return labelled_text(LabelledPage(result.page, tuple(tags), tuple(keys) if keyed else None))


def line_ranges(article: Article, dash: str = "-") -> str:
    """The article's spans for people: ``3-10, 25-40`` (one range for an article in one piece)."""
    return ", ".join(f"{start}{dash}{end}" for start, end in article.spans)


def _where(result: PageResult, article: Article) -> str:
    where = f"{result.page.name}, article {article.index + 1}, lines {line_ranges(article)}"
    if article.confidence is not None:
        where += f", start confidence {article.confidence:.2f}"
    return where + (", to review" if article.review else "")


def _caption_text(caption_text: str, credit: str | None) -> str:
    return " ".join(part for part in (caption_text, credit) if part)


def article_text(result: PageResult, article: Article) -> str:
    """One article as plain text: title, headline parts and byline, then one paragraph per line."""
    head = [f"# {_where(result, article)}", article.title or UNTITLED]
    head += [f"{label}: {value}" for label, value in _labelled_parts(article) if value]
    body = []
    for paragraph in article.paragraphs:
        body.append(f"\n{paragraph.text}\n" if paragraph.role == "subhead" else paragraph.text)
    captions = [f"[caption] {_caption_text(c.text, c.credit)}" for c in article.captions]
    blocks = ["\n".join(head), "\n".join(body).strip("\n"), "\n".join(captions)]
    return "\n\n".join(block for block in blocks if block) + "\n"


def _labelled_parts(article: Article) -> list[tuple[str, str]]:
    return [
        ("kicker", article.kicker),
        ("subtitle", article.subtitle),
        ("column", article.column),
        ("byline", article.byline.text if article.byline else ""),
    ]


def to_text(result: PageResult) -> str:
    """Articles as plain text, title first, each followed by a blank line."""
    return "".join(article_text(result, article) + "\n" for article in result.articles)


_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MARKDOWN_MARKER = re.compile(r"^(\s*)([#+\-=>])")
_MARKDOWN_NUMBERED = re.compile(r"^(\s*\d+)([.)])")


def markdown_escape(text: str) -> str:
    """Text with Markdown's active characters escaped, so it shows as it is.

    Emphasis, code, link, HTML and table characters anywhere, ``&`` as an entity, and a
    heading, list or rule marker at the start.
    """
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", text.replace("&", "&amp;"))
    escaped = _MARKDOWN_MARKER.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    return _MARKDOWN_NUMBERED.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def article_markdown(result: PageResult, article: Article) -> str:
    """One article as Markdown: ``##`` title, the other headline parts, byline, paragraphs, captions."""
    parts = [
        f"<!-- {_where(result, article).replace('--', '—')} -->",
        f"## {markdown_escape(article.title or UNTITLED)}",
    ]
    if article.kicker:
        parts.append(f"*{markdown_escape(article.kicker)}*")
    if article.subtitle:
        parts.append(f"**{markdown_escape(article.subtitle)}**")
    if article.column:
        parts.append(f"Column: {markdown_escape(article.column)}")
    if article.byline is not None:
        parts.append(f"*{markdown_escape(article.byline.text)}*")
    for paragraph in article.paragraphs:
        text = markdown_escape(paragraph.text)
        parts.append(f"### {text}" if paragraph.role == "subhead" else text)
    for caption in article.captions:
        parts.append(f"> {markdown_escape(_caption_text(caption.text, caption.credit))}")
    return "\n\n".join(parts) + "\n"


def to_markdown(result: PageResult) -> str:
    """A page as Markdown: a ``#`` heading with the page's name, then each article."""
    articles = "".join(article_markdown(result, article) + "\n" for article in result.articles)
    return f"# {markdown_escape(result.page.name)}\n\n" + articles


PAGE_WRITERS: dict[str, Callable[[PageResult], str]] = {
    "jsonl": to_jsonl,
    "tsv": to_tsv,
    "text": to_text,
    "markdown": to_markdown,
}
"""Writers that render one page at a time (``json`` needs all pages together)."""
