"""``newsseg predict``: split pages into articles and write them in one of the output formats.

Folders are read recursively (``--glob``); pages are split in ``--jobs`` worker processes,
in order, so the output does not depend on the number of workers; ``-o DIR`` writes one file
per page mirroring the input tree, and ``--resume`` skips the pages whose output is complete
and made from the same input, model and options.
"""

from __future__ import annotations

import contextlib
import fnmatch
import sys
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer

from newsseg import __version__
from newsseg.articles.records import DEFAULT_REVIEW_THRESHOLD, PageResult
from newsseg.batch import PageOutcome, connect, predict_many
from newsseg.cli.common import (
    EXIT_INPUT,
    PAGE_GLOB,
    BatchProgress,
    EncodingOption,
    ForceOption,
    ModelOption,
    PagesArgument,
    err,
    load_segmenter,
    report_error,
    report_warning,
    user_errors,
)
from newsseg.errors import InputError, OutputError, UsageError
from newsseg.formats import EXTENSIONS, PAGE_WRITERS, to_json
from newsseg.io.fileio import display_path, write_reason
from newsseg.io.fingerprints import file_sha256
from newsseg.io.outputs import OutputGuard, mirrored_targets
from newsseg.io.page import check_encoding
from newsseg.segmenter import Segmenter, default_model_path


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"
    tsv = "tsv"
    text = "text"
    markdown = "markdown"


def find_page_files(specs: list[str], pattern: str = PAGE_GLOB) -> tuple[list[str], list[InputError]]:
    """Expand page arguments: files as given, folders to their files matching ``pattern``, ``-`` for stdin.

    Folders are searched recursively; ``pattern`` is a file name pattern (``*.txt``, ``*.ocr``),
    matched ignoring case.  Files of a folder come in sorted order.
    """
    found: list[str] = []
    problems: list[InputError] = []
    lowered = pattern.lower()
    for spec in specs:
        path = Path(spec)
        if spec == "-":
            found.append(spec)
        elif path.is_dir():
            files = sorted(
                str(p) for p in path.rglob("*") if fnmatch.fnmatchcase(p.name.lower(), lowered) and p.is_file()
            )
            if not files:
                problems.append(InputError(f"the directory holds no {pattern} page", display_path(spec)))
            found.extend(files)
        else:
            found.append(spec)
    return found, problems


def check_threshold(threshold: float) -> None:
    """Refuse a review threshold outside (0, 1]."""
    if not 0 < threshold <= 1:
        raise UsageError(f"--review-threshold must be above 0 and at most 1, not {threshold}")


def report_outcome(outcome: PageOutcome, progress: BatchProgress) -> None:
    """Print a page's warnings and error, one line each, and count it."""
    for warning in outcome.warnings:
        report_warning(warning)
    if outcome.error is not None:
        report_error(outcome.error)
    progress.advance(len(outcome.result.articles) if outcome.result else 0, failed=outcome.result is None)


def predict_pages(
    segmenter: Segmenter, specs: list[str], encoding: str | None, threshold: float, label: str = "predict"
) -> tuple[list[PageResult], int]:
    """Predict every page the arguments name, with progress; report bad pages and count them."""
    if encoding is not None:
        check_encoding(encoding)
    files, problems = find_page_files(specs)
    for problem in problems:
        report_error(problem)
    results = []
    with BatchProgress(len(files), label) as progress:
        for outcome in predict_many(segmenter, files, 1, encoding, threshold):
            report_outcome(outcome, progress)
            if outcome.result is not None:
                results.append(outcome.result)
    return results, len(problems) + len(files) - len(results)


def page_input_guard(specs: list[str], files: list[str], force: bool, pattern: str = PAGE_GLOB) -> OutputGuard:
    """The guard of a command that reads pages: its page files, and its page folders' matching files."""
    folders = [spec for spec in specs if spec != "-" and Path(spec).is_dir()]
    return OutputGuard(files, folders, (pattern,), force=force)


def write_stdout(text: str) -> None:
    """Write to standard output; a full disk is a one-line error (a closed reader ends the run quietly)."""
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


def run_options(model: Path | None, fmt: str, encoding: str | None, threshold: float, assemble: bool = True) -> dict:
    """What, besides its input, a per-page output depends on: kept in the ledger for --resume."""
    return {
        "model_sha256": file_sha256(model or default_model_path()),
        "format": fmt,
        "encoding": encoding,
        "review_threshold": threshold,
        "assemble": assemble,
        "newsseg": __version__,
    }


def page_source(file: str, options: dict) -> dict | None:
    """The source of one page's output: its input's hash and the run's options (None for stdin)."""
    if file == "-":
        return None
    try:
        return {"input_sha256": file_sha256(file), **options}
    except OSError:
        return None


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
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Worker processes; the output is the same for any number.")
    ] = 1,
    glob: Annotated[
        str, typer.Option("--glob", help="Which files of a folder are pages (searched recursively; ignores case).")
    ] = PAGE_GLOB,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="With -o DIR: skip pages whose output is complete and made from the same input, model and options.",
        ),
    ] = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            help="Split the pages on the workers of this Dask scheduler (tcp://HOST:8786); needs newsseg[dask].",
        ),
    ] = None,
    log_every: Annotated[
        int, typer.Option(help="When not on a terminal, print a progress line every this many pages (0: at the end).")
    ] = 1000,
    assemble: Annotated[
        bool,
        typer.Option(
            help="Join the blocks of an article that OCR broke apart (the model's assembly stage); "
            "--no-assemble keeps every CRF segment an article of its own.",
        ),
    ] = True,
    force: ForceOption = False,
) -> None:
    """Split pages into articles and write them (jsonl: one JSON object per article).

    Outputs never replace an input, nor a file newsseg did not write unless --force is given.
    """
    with user_errors():
        check_threshold(review_threshold)
        if encoding is not None:
            check_encoding(encoding)
        if log_every < 0:
            raise UsageError(f"--log-every must be at least 0, not {log_every}")
        if jobs < 1:
            raise UsageError(f"--jobs must be at least 1, not {jobs}")
        files, problems = find_page_files(pages, glob)
        fmt = output_format.value
        per_page_dir = output is not None and output.is_dir()
        if fmt == "tsv" and len(files) > 1 and output is not None and not per_page_dir:
            raise UsageError("with several pages, --format tsv needs -o to be an existing directory")
        if resume and (not per_page_dir or fmt == "json"):
            raise UsageError("--resume needs -o to be an existing directory and a per-page format (not json)")
        guard = page_input_guard(pages, files, force, glob)
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
        if not assemble:
            segmenter = segmenter.without_assembly()
        client = connect(cluster) if cluster is not None else None
        for problem in problems:
            report_error(problem)
        sources: list[dict | None] = []
        if per_page_dir and fmt != "json":
            options = run_options(model, fmt, encoding, review_threshold, assemble)
            sources = [page_source(file, options) for file in files]
        todo = list(range(len(files)))
        if resume:
            todo = [i for i in todo if not (sources[i] and guard.is_up_to_date(targets[i], sources[i]))]
        predicted = len(files) - len(todo)
        results = []
        with guard, contextlib.ExitStack() as stack:
            sink = _LazySink(guard, output, stack) if output is not None and not per_page_dir else None
            progress = stack.enter_context(BatchProgress(len(files), "predict", log_every))
            progress.skip(len(files) - len(todo))
            if client is not None:
                stack.callback(client.close)
            batch = [files[i] for i in todo]
            for outcome in predict_many(segmenter, batch, jobs, encoding, review_threshold, client=client):
                report_outcome(outcome, progress)
                result = outcome.result
                if result is None:
                    continue
                predicted += 1
                position = todo[outcome.position]
                if fmt == "json":
                    results.append(result)
                elif output is not None and per_page_dir:
                    text = PAGE_WRITERS[fmt](result)
                    guard.write_text(targets[position], text, new_folders=True, source=sources[position])
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
