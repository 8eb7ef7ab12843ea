"""``newsseg predict``: split pages into articles and write them in one of the output formats."""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.progress import Progress

from newsseg.articles.records import DEFAULT_REVIEW_THRESHOLD, PageResult
from newsseg.cli.common import (
    EXIT_INPUT,
    PAGE_SUFFIXES,
    EncodingOption,
    ForceOption,
    ModelOption,
    PagesArgument,
    err,
    load_segmenter,
    progress_bar,
    report_error,
    reported_warnings,
    user_errors,
)
from newsseg.errors import InputError, InputWarning, NewssegError, OutputError, UsageError
from newsseg.formats import EXTENSIONS, PAGE_WRITERS, to_json
from newsseg.io.fileio import display_path, write_reason
from newsseg.io.labels import looks_labelled
from newsseg.io.outputs import OutputGuard, mirrored_targets
from newsseg.io.page import check_encoding, read_page
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
                problems.append(InputError("the directory holds no *.txt page", display_path(spec)))
            found.extend(files)
        else:
            found.append(spec)
    return found, problems


def predictions(
    segmenter: Segmenter, files: list[str], encoding: str | None, threshold: float, progress: Progress
) -> Iterator[tuple[int, PageResult]]:
    """Each readable page's position in ``files`` and result, in order, flagged for review below ``threshold``.

    A page that cannot be read is reported (one line naming it) and skipped; warnings about a
    page (a long line split, a labelled page given as text) are printed as they come; the
    progress bar advances once the caller is done with a page.
    """
    task = progress.add_task("pages", total=len(files))
    for position, file in enumerate(files):
        try:
            with reported_warnings():
                page = read_page(file, encoding)
                if looks_labelled(page):
                    warnings.warn(
                        InputWarning(
                            "looks like a labelled page (TAG<TAB>TEXT); its tags are read as page text "
                            "(to score a model on labelled pages, use newsseg evaluate)",
                            page.name,
                        ),
                        stacklevel=1,
                    )
                result = segmenter.predict(page).flag_for_review(threshold)
        except NewssegError as error:
            report_error(error)
        else:
            yield position, result
        progress.advance(task)


def check_threshold(threshold: float) -> None:
    """Refuse a review threshold outside (0, 1]."""
    if not 0 < threshold <= 1:
        raise UsageError(f"--review-threshold must be above 0 and at most 1, not {threshold}")


def predict_pages(
    segmenter: Segmenter, specs: list[str], encoding: str | None, threshold: float
) -> tuple[list[PageResult], int]:
    """Predict every page the arguments name, with a progress bar; report bad pages and count them."""
    if encoding is not None:
        check_encoding(encoding)
    files, problems = find_page_files(specs)
    for problem in problems:
        report_error(problem)
    with progress_bar() as progress:
        results = [result for _, result in predictions(segmenter, files, encoding, threshold, progress)]
    return results, len(problems) + len(files) - len(results)


def page_input_guard(specs: list[str], files: list[str], force: bool) -> OutputGuard:
    """The guard of predict's outputs: its page files, and its page folders' ``*.txt`` files."""
    folders = [spec for spec in specs if spec != "-" and Path(spec).is_dir()]
    return OutputGuard(files, folders, PAGE_SUFFIXES, force=force)


def write_stdout(text: str) -> None:
    """Write to standard output; a full disk or a closed reader is a one-line error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as os_error:
        raise OutputError(write_reason(os_error), "standard output") from None


class _LazySink:
    """The single output file, opened (atomically) at the first page, so no page means no file."""

    def __init__(self, guard: OutputGuard, path: Path, stack: contextlib.ExitStack) -> None:
        self.guard = guard
        self.path = path
        self.stack = stack
        self.handle: IO | None = None

    def write(self, text: str) -> None:
        if self.handle is None:
            self.handle = self.stack.enter_context(self.guard.writer(self.path))
        self.handle.write(text)


def predict_command(
    pages: PagesArgument,
    model: ModelOption = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.jsonl,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Output file, or an existing directory for one file per page (mirroring the inputs' folders); "
            "stdout if not given.",
        ),
    ] = None,
    encoding: EncodingOption = None,
    review_threshold: Annotated[
        float, typer.Option(help="Flag articles for review whose start confidence is below this.")
    ] = DEFAULT_REVIEW_THRESHOLD,
    force: ForceOption = False,
) -> None:
    """Split pages into articles and write them (jsonl: one JSON object per article).

    Outputs never replace an input, nor a file newsseg did not write unless --force is given.
    """
    with user_errors():
        check_threshold(review_threshold)
        if encoding is not None:
            check_encoding(encoding)
        files, problems = find_page_files(pages)
        fmt = output_format.value
        per_page_dir = output is not None and output.is_dir()
        if fmt == "tsv" and len(files) > 1 and output is not None and not per_page_dir:
            raise UsageError("with several pages, --format tsv needs -o to be an existing directory")
        guard = page_input_guard(pages, files, force)
        targets: list[Path] = []
        if output is not None and per_page_dir:
            guard.check_folder(output)
            json_file = [output / "articles.json"]
            targets = json_file if fmt == "json" else mirrored_targets(files, output, EXTENSIONS[fmt])
            for target in targets:
                guard.check(target, new_folders=True)
        elif output is not None:
            guard.check(output)
        segmenter = load_segmenter(model)
        for problem in problems:
            report_error(problem)
        predicted = 0
        results = []
        with guard, contextlib.ExitStack() as stack:
            sink = _LazySink(guard, output, stack) if output is not None and not per_page_dir else None
            progress = stack.enter_context(progress_bar())
            for position, result in predictions(segmenter, files, encoding, review_threshold, progress):
                predicted += 1
                if fmt == "json":
                    results.append(result)
                elif output is not None and per_page_dir:
                    guard.write_text(targets[position], PAGE_WRITERS[fmt](result), new_folders=True)
                elif sink is not None:
                    sink.write(PAGE_WRITERS[fmt](result))
                else:
                    write_stdout(PAGE_WRITERS[fmt](result))
            if fmt == "json" and results:
                text = to_json(results)
                if output is not None and per_page_dir:
                    guard.write_text(targets[0], text)
                elif sink is not None:
                    sink.write(text)
                else:
                    write_stdout(text)
        failures = len(problems) + len(files) - predicted
        if failures:
            total = len(files) + len(problems)
            nothing = "; nothing was written" if not predicted and output is not None else ""
            err.print(f"{failures} of {total} inputs failed{nothing}")
            raise typer.Exit(EXIT_INPUT)
