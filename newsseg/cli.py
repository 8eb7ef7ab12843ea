"""The ``newsseg`` command: train, predict, evaluate, check and inspect models.

Thin on purpose: each command parses its options, calls the Python API, writes the output and
maps :class:`~newsseg.errors.NewssegError` to a one-line message and a non-zero exit code.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsseg import __version__
from newsseg.errors import InputError, NewssegError, UsageError
from newsseg.features import FeatureSettings
from newsseg.fileio import atomic_writer
from newsseg.formats import EXTENSIONS, PAGE_WRITERS, to_json
from newsseg.labels import iter_label_problems, parse_labelled_text
from newsseg.metrics import Report
from newsseg.model.crf import DEFAULT_C1, DEFAULT_C2, DEFAULT_MAX_ITERATIONS
from newsseg.page import decode_page_bytes, read_page
from newsseg.segmenter import Segmenter, default_model_path
from newsseg.train.dataset import find_labelled_files, read_labelled_pages
from newsseg.train.trainer import ALL, evaluate_pages, reports_summary, train

app = typer.Typer(
    name="newsseg",
    help="Split the OCR text of Chinese newspaper pages into articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
err = Console(stderr=True, highlight=False)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)

EXIT_INPUT = 1
PAGE_SUFFIXES = (".txt",)


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"
    tsv = "tsv"
    text = "text"


def report_error(error: NewssegError | str) -> None:
    """Print one error line to standard error."""
    err.print(f"[bold red]error:[/] {error}", markup=True, highlight=False, soft_wrap=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a NewssegError into a one-line message and exit code 1, without a traceback."""
    try:
        yield
    except NewssegError as error:
        report_error(error)
        raise typer.Exit(EXIT_INPUT) from None


def progress_bar(transient: bool = True) -> Progress:
    """A progress bar on standard error, shown only on a terminal."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=transient,
        disable=not err.is_terminal,
    )


def version_callback(value: bool) -> None:
    if value:
        out.print(f"newsseg {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Split the OCR text of Chinese newspaper pages into articles.

    Pages are plain text, one OCR line per line.  Labelled pages are TSV, TAG<TAB>TEXT per
    line (see README.md).  Run a command with --help for its options.
    """


def load_segmenter(model: Path | None) -> Segmenter:
    return Segmenter.load(model)


# -- train ----------------------------------------------------------------------------------


@app.command("train")
def train_command(
    data: Annotated[list[str], typer.Argument(help="Labelled pages (TSV): files, directories or glob patterns.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the model file (.nsm).")],
    holdout: Annotated[
        float | None,
        typer.Option(
            help="Hold out this share of page groups (twins together), score the model on them, print the table."
        ),
    ] = None,
    refit: Annotated[
        bool, typer.Option(help="With --holdout: after scoring, train the saved model on all pages.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the held-out split.")] = 0,
    c1: Annotated[float, typer.Option(help="L1 regularisation of the CRF.")] = DEFAULT_C1,
    c2: Annotated[float, typer.Option(help="L2 regularisation of the CRF.")] = DEFAULT_C2,
    max_iterations: Annotated[int, typer.Option(help="L-BFGS iteration limit.")] = DEFAULT_MAX_ITERATIONS,
    window: Annotated[int, typer.Option(help="Neighbour lines on each side whose features a line sees.")] = 2,
    words: Annotated[
        bool, typer.Option(help="Also use the first and last words themselves (memorises vocabulary).")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the held-out scores as JSON.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Processes computing features.")] = 1,
) -> None:
    """Train a model on labelled pages and write it to one file."""
    with user_errors():
        if window < 0 or window > 6:
            raise UsageError(f"--window must be between 0 and 6, not {window}")
        if c1 < 0 or c2 < 0 or max_iterations < 1:
            raise UsageError("--c1 and --c2 must be at least 0 and --max-iterations at least 1")
        pages = read_labelled_pages(data)
        settings = FeatureSettings(window=window, words=words)
        with progress_bar() as progress:
            pages_task = progress.add_task("features", total=len(pages))
            iterations_task = progress.add_task("L-BFGS iterations", total=max_iterations)

            def on_page(done: int, total: int) -> None:
                progress.update(pages_task, completed=done, total=total)

            def on_iteration(number: int, loss: float) -> None:
                progress.update(iterations_task, completed=number, description=f"L-BFGS loss {loss:,.1f}")

            def on_stage(name: str) -> None:
                progress.reset(pages_task)
                progress.reset(iterations_task, description="L-BFGS iterations")
                err.print(f"{name} ...")

            result = train(
                pages,
                settings,
                c1=c1,
                c2=c2,
                max_iterations=max_iterations,
                holdout=holdout,
                refit=refit,
                seed=seed,
                on_page=on_page,
                on_iteration=on_iteration,
                on_stage=on_stage,
                data_summary={"sources": [str(d) for d in data]},
                n_jobs=jobs,
            )
        result.segmenter.save(output)
        training = result.segmenter.manifest["training"]
        err.print(
            f"wrote {output} ({training['pages']} pages, {training['lines']} lines, {training['articles']} articles)"
        )
        if result.heldout is not None:
            if json_output:
                out.print_json(json.dumps(reports_summary(result.heldout)))
            else:
                out.print(scores_table(result.heldout, f"held-out scores ({result.test_pages} pages)"))


# -- predict --------------------------------------------------------------------------------


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


@app.command("predict")
def predict_command(
    pages: Annotated[list[str], typer.Argument(help="Page texts: files, directories (their *.txt), or - for stdin.")],
    model: Annotated[
        Path | None, typer.Option("--model", "-m", help="A model file; the bundled default model if not given.")
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.jsonl,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Output file, or an existing directory for one file per page; stdout if not given."
        ),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Encoding of the pages (e.g. gb18030); detected if not given.")
    ] = None,
) -> None:
    """Split pages into articles and write them (jsonl: one JSON object per article)."""
    with user_errors():
        segmenter = load_segmenter(model)
        files, problems = find_page_files(pages)
        for problem in problems:
            report_error(problem)
        fmt = output_format.value
        per_page_dir = output is not None and output.is_dir()
        if fmt == "tsv" and len(files) > 1 and output is not None and not per_page_dir:
            raise UsageError("with several pages, --format tsv needs -o to be an existing directory")
        failures = len(problems)
        results = []
        with contextlib.ExitStack() as stack:
            sink = None
            if output is not None and not per_page_dir:
                sink = stack.enter_context(atomic_writer(output))
            progress = stack.enter_context(progress_bar())
            task = progress.add_task("pages", total=len(files))
            for file in files:
                try:
                    result = segmenter.predict(read_page(file, encoding))
                except NewssegError as error:
                    report_error(error)
                    failures += 1
                    progress.advance(task)
                    continue
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
                progress.advance(task)
            if fmt == "json":
                text = to_json(results)
                if per_page_dir:
                    with atomic_writer(output / "articles.json") as handle:
                        handle.write(text)
                elif sink is not None:
                    sink.write(text)
                else:
                    sys.stdout.write(text)
        if failures:
            err.print(f"{failures} of {len(files) + len(problems)} inputs failed")
            raise typer.Exit(EXIT_INPUT)


# -- evaluate -------------------------------------------------------------------------------


def scores_table(reports: dict[str, Report], title: str) -> Table:
    """A table of the headline figures, one row per kind of text."""
    table = Table(title=title)
    for column in (
        "text",
        "pages",
        "boundaries",
        "P",
        "R",
        "F1",
        "F1 ±1",
        "Pk",
        "WindowDiff",
        "segment F1",
        "pages exact",
    ):
        table.add_column(column, justify="left" if column == "text" else "right")
    order = sorted(reports, key=lambda kind: (kind == ALL, kind))
    for kind in order:
        s = reports[kind].summary()
        table.add_row(
            kind,
            str(s["pages"]),
            str(s["boundaries"]),
            f"{s['boundary_precision']:.3f}",
            f"{s['boundary_recall']:.3f}",
            f"{s['boundary_f1']:.3f}",
            f"{s['boundary_f1_within_1']:.3f}",
            f"{s['pk']:.3f}",
            f"{s['windowdiff']:.3f}",
            f"{s['segment_f1']:.3f}",
            f"{s['page_accuracy']:.3f}",
        )
    return table


@app.command("evaluate")
def evaluate_command(
    data: Annotated[list[str], typer.Argument(help="Labelled pages (TSV): files, directories or glob patterns.")],
    model: Annotated[
        Path | None, typer.Option("--model", "-m", help="A model file; the bundled default model if not given.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the scores as JSON instead of a table.")] = False,
) -> None:
    """Score a model on labelled pages: boundary P/R/F1, Pk, WindowDiff, per kind of text."""
    with user_errors():
        segmenter = load_segmenter(model)
        labelled = read_labelled_pages(data)
        with progress_bar() as progress:
            task = progress.add_task("pages", total=len(labelled))
            reports = evaluate_pages(segmenter, labelled, lambda done, total: progress.update(task, completed=done))
        if json_output:
            out.print_json(json.dumps(reports_summary(reports)))
        else:
            out.print(scores_table(reports, f"scores of {model or 'the bundled model'}"))


# -- check and info -------------------------------------------------------------------------


@app.command("check")
def check_command(
    data: Annotated[list[str], typer.Argument(help="Labelled pages (TSV): files, directories or glob patterns.")],
) -> None:
    """Check labelled pages against the label format and list every problem."""
    with user_errors():
        files = find_labelled_files(data)
        problems = 0
        for file in files:
            try:
                text = decode_page_bytes(file.read_bytes(), str(file))
            except NewssegError as error:
                report_error(error)
                problems += 1
                continue
            for problem in iter_label_problems(parse_labelled_text(text, str(file)), str(file)):
                report_error(problem)
                problems += 1
        err.print(f"{len(files)} files checked, {problems} problems")
        if problems:
            raise typer.Exit(EXIT_INPUT)


@app.command("info")
def info_command(
    model: Annotated[Path | None, typer.Argument(help="A model file; the bundled default model if not given.")] = None,
) -> None:
    """Show a model's manifest: versions, labels, feature settings, training data, held-out scores."""
    with user_errors():
        segmenter = load_segmenter(model)
        manifest = dict(segmenter.manifest)
        manifest["path"] = str(model or default_model_path())
        out.print_json(json.dumps(manifest, ensure_ascii=False))


def main() -> None:
    """Entry point of the ``newsseg`` console script."""
    app()
