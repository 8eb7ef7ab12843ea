"""``newsseg review`` and ``newsseg suggest``: the labelling loop's report and its choice of pages to label."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from newsseg.articles.records import DEFAULT_REVIEW_THRESHOLD
from newsseg.cli.common import (
    EXIT_INPUT,
    EncodingOption,
    ForceOption,
    ModelOption,
    PagesArgument,
    err,
    load_segmenter,
    user_errors,
)
from newsseg.cli.predict import check_threshold, find_page_files, page_input_guard, predict_pages
from newsseg.errors import UsageError
from newsseg.formats import json_text
from newsseg.labelling.review import review_html
from newsseg.labelling.suggest import RANKINGS, least_sure

Ranking = StrEnum("Ranking", {name: name for name in RANKINGS})


def review_command(
    pages: PagesArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the report (one HTML file).")],
    model: ModelOption = None,
    encoding: EncodingOption = None,
    review_threshold: Annotated[
        float, typer.Option(help="Mark article starts (and near-starts) the model is less sure of than this.")
    ] = DEFAULT_REVIEW_THRESHOLD,
    force: ForceOption = False,
) -> None:
    """Write one self-contained HTML report: each page's articles coloured, roles and unsure boundaries marked."""
    with user_errors():
        check_threshold(review_threshold)
        guard = page_input_guard(pages, find_page_files(pages)[0], force)
        guard.check(output)
        segmenter = load_segmenter(model)
        results, failures = predict_pages(segmenter, pages, encoding, review_threshold, "review")
        if not results:
            raise UsageError("no page could be read; nothing to report")
        with guard, guard.writer(output) as handle:
            handle.write(review_html(results, review_threshold))
        flagged = sum(article.review for result in results for article in result.articles)
        err.print(f"wrote {output} ({len(results)} pages, {flagged} articles to review)")
        if failures:
            err.print(f"{failures} inputs failed")
            raise typer.Exit(EXIT_INPUT)


def suggest_command(
    pages: Annotated[list[str], typer.Argument(help="Unlabelled page texts: files or directories (their *.txt).")],
    count: Annotated[int, typer.Option("--count", "-n", help="How many pages to suggest.")] = 10,
    model: ModelOption = None,
    by: Annotated[
        Ranking,
        typer.Option(help="Rank by log-probability per tagged line (line) or of the whole page (page)."),
    ] = Ranking.line,
    encoding: EncodingOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of tab-separated lines.")] = False,
) -> None:
    """List the pages the model is least sure of (lowest probability per line), to label next."""
    with user_errors():
        if count < 1:
            raise UsageError(f"--count must be at least 1, not {count}")
        segmenter = load_segmenter(model)
        results, failures = predict_pages(segmenter, pages, encoding, DEFAULT_REVIEW_THRESHOLD, "suggest")
        chosen = least_sure(results, count, by.value)
        if json_output:
            sys.stdout.write(json_text([s.to_dict() for s in chosen], indent=2) + "\n")
        else:
            sys.stdout.write("page\tlog_probability_per_line\tlog_probability\tlines\tarticles\tto_review\n")
            for s in chosen:
                sys.stdout.write(
                    f"{s.name}\t{s.mean_log_probability:.4f}\t{s.log_probability:.2f}\t{s.lines}\t"
                    f"{s.articles}\t{s.to_review}\n"
                )
        if failures:
            err.print(f"{failures} inputs failed")
            raise typer.Exit(EXIT_INPUT)
