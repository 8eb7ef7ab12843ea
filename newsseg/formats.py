"""Writers: a page result as jsonl, json, tsv (the labelled-page format) or plain text.

Each writer takes :class:`~newsseg.articles.PageResult` objects and returns text; the CLI
decides where the text goes.  The ``jsonl`` records are a contract other tools rely on: one
JSON object per article with ``page``, ``index``, ``start_line``, ``end_line`` (1-based,
inclusive, line numbers of the input file), ``title`` and ``lines`` (``n``, ``text``, ``role``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from newsseg.articles import PageResult, join_lines
from newsseg.labels import LabelledPage, labelled_text

FORMATS: tuple[str, ...] = ("jsonl", "json", "tsv", "text")
"""Output formats of ``newsseg predict``."""

EXTENSIONS = {"jsonl": ".jsonl", "json": ".json", "tsv": ".tsv", "text": ".txt"}


def to_jsonl(result: PageResult) -> str:
    """One JSON object per article, one per line."""
    return "".join(
        json.dumps(article.to_dict(result.page.name), ensure_ascii=False) + "\n" for article in result.articles
    )


def to_json(results: Iterable[PageResult]) -> str:
    """One JSON document: a list of pages, each with its articles and outside lines."""
    return json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2) + "\n"


def to_tsv(result: PageResult) -> str:
    """The labelled-page format: correct it by hand and train on it."""
    return labelled_text(LabelledPage(result.page, tuple(result.tags)))


def to_text(result: PageResult) -> str:
    """Articles as plain text: a header line with the line span, the title, then the rest."""
    blocks = []
    for article in result.articles:
        header = f"# {result.page.name} — article {article.index + 1} (lines {article.start_line}-{article.end_line})"
        parts = [header]
        if article.title:
            parts.append(article.title)
        other = [line.text for line in article.lines if line.role != "title"]
        if other:
            parts.append(join_lines(other))
        blocks.append("\n".join(parts) + "\n")
    return "\n".join(blocks)


PAGE_WRITERS: dict[str, Callable[[PageResult], str]] = {"jsonl": to_jsonl, "tsv": to_tsv, "text": to_text}
"""Writers that render one page at a time (``json`` needs all pages together)."""
