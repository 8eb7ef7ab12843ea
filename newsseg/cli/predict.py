"""``newsseg predict``: split pages into articles and write them in one of the output formats."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from newsseg.articles.records import DEFAULT_REVIEW_THRESHOLD, PageResult
from newsseg.cli.common import (
    EXIT_INPUT,
    PAGE_SUFFIXES,
    EncodingOption,
    ModelOption,
    PagesArgument,
    err,
    load_segmenter,
    progress_bar,
    report_error,
    user_errors,
)
from newsseg.errors import InputError, NewssegError, UsageError
from newsseg.formats import EXTENSIONS, PAGE_WRITERS, to_json
from newsseg.io.fileio import atomic_writer
from newsseg.io.page import read_page
from newsseg.segmenter import Segmenter


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"
    tsv = "tsv"
    text = "text"
    markdown = "markdown"


def find_page_files(specs: list[str]) -> tuple[list[str], list[InputError]]:
    """Expand page arguments: files as given, directories to their *.txt files, ``-`` for stdin."""
    found: list[str] = []
    problems: list[InputError] = []
    for spec in specs:
        path = Path(spec)
        if spec == "-":
            found.append(spec)
        elif path.is_dir():
            files = sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
            if not files:
                problems.append(InputError("the directory holds no *.txt page", spec))
            found.extend(files)
        else:
            found.append(spec)
    return found, problems


def predictions(
    segmenter: Segmenter, files: list[str], encoding: str | None, threshold: float, progress: Progress
) -> Iterator[PageResult]:
    """Each readable page's result, in order, flagged for review below ``threshold``.

    A page that cannot be read is reported (one line naming it) and skipped; the progress bar
    advances once the caller is done with a page.
    """
    task = progress.add_task("pages", total=len(files))
    for file in files:
        try:
            result = segmenter.predict(read_page(file, encoding)).flag_for_review(threshold)
        except NewssegError as error:
            report_error(error)
        else:
            yield result
        progress.advance(task)


def check_threshold(threshold: float) -> None:
    """Refuse a review threshold outside (0, 1]."""
    if not 0 < threshold <= 1:
        raise UsageError(f"--review-threshold must be above 0 and at most 1, not {threshold}")


def predict_pages(
    segmenter: Segmenter, specs: list[str], encoding: str | None, threshold: float
) -> tuple[list[PageResult], int]:
    """Predict every page the arguments name, with a progress bar; report bad pages and count them."""
    files, problems = find_page_files(specs)
    for problem in problems:
        report_error(problem)
    with progress_bar() as progress:
        results = list(predictions(segmenter, files, encoding, threshold, progress))
    return results, len(problems) + len(files) - len(results)


def predict_command(
    pages: PagesArgument,
    model: ModelOption = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.jsonl,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Output file, or an existing directory for one file per page; stdout if not given."
        ),
    ] = None,
    encoding: EncodingOption = None,
    review_threshold: Annotated[
        float, typer.Option(help="Flag articles for review whose start confidence is below this.")
    ] = DEFAULT_REVIEW_THRESHOLD,
) -> None:
    """Split pages into articles and write them (jsonl: one JSON object per article)."""
    with user_errors():
        check_threshold(review_threshold)
        segmenter = load_segmenter(model)
        files, problems = find_page_files(pages)
        for problem in problems:
            report_error(problem)
        fmt = output_format.value
        per_page_dir = output is not None and output.is_dir()
        if fmt == "tsv" and len(files) > 1 and output is not None and not per_page_dir:
            raise UsageError("with several pages, --format tsv needs -o to be an existing directory")
        predicted = 0
        results = []
        with contextlib.ExitStack() as stack:
            sink = None
            if output is not None and not per_page_dir:
                sink = stack.enter_context(atomic_writer(output))
            progress = stack.enter_context(progress_bar())
            for result in predictions(segmenter, files, encoding, review_threshold, progress):
                predicted += 1
                if fmt == "json":
                    results.append(result)
                elif per_page_dir:
                    target = output / (Path(result.page.name).stem + EXTENSIONS[fmt])
                    with atomic_writer(target) as handle:
                        handle.write(PAGE_WRITERS[fmt](result))
                else:
                    text = PAGE_WRITERS[fmt](result)
                    if sink is not None:
                        sink.write(text)
                    else:
                        sys.stdout.write(text)
                        sys.stdout.flush()
            if fmt == "json":
                text = to_json(results)
                if per_page_dir:
                    with atomic_writer(output / "articles.json") as handle:
                        handle.write(text)
                elif sink is not None:
                    sink.write(text)
                else:
                    sys.stdout.write(text)
        failures = len(problems) + len(files) - predicted
        if failures:
            err.print(f"{failures} of {len(files) + len(problems)} inputs failed")
            raise typer.Exit(EXIT_INPUT)
