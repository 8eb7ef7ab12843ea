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
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsseg import __version__
from newsseg.articles import DEFAULT_REVIEW_THRESHOLD, PageResult
from newsseg.baselines import BASELINES, CRFTagger, make_baseline
from newsseg.errors import InputError, NewssegError, UsageError
from newsseg.features import FeatureSettings
from newsseg.fileio import atomic_writer
from newsseg.formats import EXTENSIONS, PAGE_WRITERS, to_json
from newsseg.labels import iter_label_problems, parse_labelled_text
from newsseg.metrics import HEADLINE_FIGURES, MACRO_FIGURES, Report
from newsseg.model.crf import DEFAULT_C1, DEFAULT_C2, DEFAULT_MAX_ITERATIONS
from newsseg.page import decode_page_bytes, read_page
from newsseg.report import boundary_errors, compare_pages, comparison_reports, format_error, html_report
from newsseg.review import review_html
from newsseg.segmenter import Segmenter, default_model_path
from newsseg.suggest import RANKINGS, least_sure
from newsseg.train.cv import (
    GROUP_BY,
    TABLE_SUFFIXES,
    CVResult,
    TuneResult,
    cross_validate,
    tune,
    tune_table_text,
    write_tune_table,
)
from newsseg.train.dataset import find_labelled_files, read_labelled_pages
from newsseg.train.trainer import ALL, pages_under_training_sources, reports_summary, shared_groups, train

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
    markdown = "markdown"


Ranking = StrEnum("Ranking", {name: name for name in RANKINGS})


GroupBy = StrEnum("GroupBy", {name: name for name in GROUP_BY})
Baseline = StrEnum("Baseline", {name.replace("-", "_"): name for name in BASELINES})


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
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to write the model file (.nsm); optional with --cv."),
    ] = None,
    holdout: Annotated[
        float | None,
        typer.Option(
            help="Hold out this share of page groups (twins together), score the model on them, print the table."
        ),
    ] = None,
    refit: Annotated[
        bool, typer.Option(help="With --holdout: after scoring, train the saved model on all pages.")
    ] = False,
    train_only: Annotated[
        list[str] | None,
        typer.Option(
            "--train-only",
            help="More labelled pages (e.g. synthetic ones from `newsseg synth`) that are always trained on, "
            "never held out or scored; repeatable.",
        ),
    ] = None,
    test: Annotated[
        list[str] | None,
        typer.Option(
            "--test",
            help="Labelled pages never trained on: score the model on them, print the table and keep the "
            "scores in the model; repeatable. Not with --holdout or --cv.",
        ),
    ] = None,
    cv: Annotated[
        int | None,
        typer.Option(
            "--cv",
            help="Cross-validate with this many folds (a page group never split) and print mean ± std of each "
            "figure; with -o, then train the saved model on all pages.",
        ),
    ] = None,
    group_by: Annotated[
        GroupBy,
        typer.Option(
            help="With --cv: keep page groups (twins) in one fold, or whole sources (file name less its number)."
        ),
    ] = GroupBy.page,
    seed: Annotated[int, typer.Option(help="Seed of the held-out split or of the cross-validation folds.")] = 0,
    c1: Annotated[float, typer.Option(help="L1 regularisation of the CRF.")] = DEFAULT_C1,
    c2: Annotated[float, typer.Option(help="L2 regularisation of the CRF.")] = DEFAULT_C2,
    max_iterations: Annotated[int, typer.Option(help="L-BFGS iteration limit.")] = DEFAULT_MAX_ITERATIONS,
    window: Annotated[int, typer.Option(help="Neighbour lines on each side whose features a line sees.")] = 2,
    words: Annotated[
        bool, typer.Option(help="Also use the first and last words themselves (memorises vocabulary).")
    ] = False,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the held-out or cross-validation scores as JSON.")
    ] = False,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Processes computing features (with --cv: folds run at once).")
    ] = 1,
) -> None:
    """Train a model on labelled pages and write it to one file, or cross-validate it (--cv)."""
    with user_errors():
        if window < 0 or window > 6:
            raise UsageError(f"--window must be between 0 and 6, not {window}")
        if c1 < 0 or c2 < 0 or max_iterations < 1:
            raise UsageError("--c1 and --c2 must be at least 0 and --max-iterations at least 1")
        if cv is not None and holdout is not None:
            raise UsageError("--cv and --holdout do not go together: choose one way to score the model")
        if output is None and cv is None:
            raise UsageError("--output/-o is required (only --cv can run without it)")
        if test and (cv is not None or holdout is not None):
            raise UsageError("--test does not go with --holdout or --cv: choose one way to score the model")
        if train_only and cv is not None:
            raise UsageError("--train-only does not go with --cv: cross-validation folds are made of DATA alone")
        pages = read_labelled_pages(data)
        extra_pages = read_labelled_pages(train_only) if train_only else []
        test_pages = read_labelled_pages(test) if test else []
        settings = FeatureSettings(window=window, words=words)
        cv_result = None
        if cv is not None:
            with progress_bar() as progress:
                folds_task = progress.add_task(f"{cv}-fold cross-validation", total=cv)
                cv_result = cross_validate(
                    pages,
                    cv,
                    settings,
                    c1=c1,
                    c2=c2,
                    max_iterations=max_iterations,
                    group_by=group_by.value,
                    seed=seed,
                    n_jobs=jobs,
                    on_fold=lambda done, total: progress.update(folds_task, completed=done, total=total),
                )
            if json_output:
                out.print_json(json.dumps(cv_result.to_dict()))
            else:
                out.print(cv_table(cv_result, f"{cv}-fold cross-validation ({len(pages)} pages, groups: {group_by})"))
            if output is None:
                return
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
                data_summary={"sources": [str(d) for d in data], "train_only": [str(d) for d in train_only or []]},
                n_jobs=jobs,
                extra_pages=extra_pages,
                test_pages=test_pages,
            )
        if cv_result is not None:
            result.segmenter.manifest["cv"] = {"group_by": group_by.value, "seed": seed, **cv_result.to_dict()}
        result.segmenter.save(output)
        training = result.segmenter.manifest["training"]
        err.print(
            f"wrote {output} ({training['pages']} pages, {training['lines']} lines, {training['articles']} articles)"
        )
        if result.heldout is not None:
            if json_output:
                out.print_json(json.dumps(reports_summary(result.heldout)))
            else:
                title = "test pages" if test_pages else "held-out scores"
                out.print(scores_table({"crf": result.heldout}, f"{title} ({result.test_pages} pages)"))


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


# -- evaluate -------------------------------------------------------------------------------


def _figure(value: float) -> str:
    return f"{value:.3f}"


def scores_table(systems: dict[str, dict[str, Report]], title: str) -> Table:
    """Headline figures, one row per kind of text (and per system when there are several)."""
    several = len(systems) > 1
    caption = (
        "P R F1: boundaries, exact; F1 ±1: within one line; seg F1: articles with the exact span; roles: lines "
        "with the right role; exact: pages with every boundary right; macro: mean over pages"
    )
    table = Table(title=escape(title), caption=caption)
    figures = HEADLINE_FIGURES + MACRO_FIGURES
    columns = ["text", *(["system"] if several else []), "pages", "bounds", *(heading for heading, _ in figures)]
    for column in columns:
        if column in ("text", "system"):
            table.add_column(column, no_wrap=True)
        else:
            table.add_column(column, justify="right")
    kinds = sorted({kind for reports in systems.values() for kind in reports}, key=lambda kind: (kind == ALL, kind))
    for number, kind in enumerate(kinds):
        if number and several:
            table.add_section()
        for name, reports in systems.items():
            if kind not in reports:
                continue
            s = reports[kind].summary()
            table.add_row(
                kind,
                *([name] if several else []),
                str(s["pages"]),
                str(s["boundaries"]),
                *(_figure(s[key]) for _, key in figures),
            )
    return table


def roles_table(systems: dict[str, dict[str, Report]], title: str) -> Table:
    """Per-role precision, recall and F1 over all pages, side by side for each system."""
    several = len(systems) > 1
    table = Table(title=escape(title))
    table.add_column("role")
    table.add_column("lines", justify="right")
    for name in systems:
        for figure in ("P", "R", "F1"):
            table.add_column(f"{name} {figure}" if several else figure, justify="right")
    role_scores = {name: reports[ALL].role_scores() for name, reports in systems.items()}
    roles = list(dict.fromkeys(role for scores in role_scores.values() for role in scores))
    reference = next(iter(systems.values()))[ALL].role_scores()
    for role in roles:
        cells = []
        for scores in role_scores.values():
            found = scores.get(role)
            if found is None:
                cells += ["—"] * 3
            else:
                cells += [_figure(found.precision), _figure(found.recall), _figure(found.f1)]
        table.add_row(role, str(reference[role].support if role in reference else 0), *cells)
    return table


def confusion_table(report: Report, title: str) -> Table:
    """The role confusion matrix: a row per reference role, a column per predicted role."""
    roles, matrix = report.confusion_matrix()
    table = Table(title=escape(title))
    table.add_column("reference \\ predicted")
    for role in roles:
        table.add_column(role, justify="right")
    for role, row in zip(roles, matrix, strict=True):
        table.add_row(role, *(str(count) if count else "·" for count in row))
    return table


def evaluation_json(systems: dict[str, dict[str, Report]]) -> dict:
    """``{kind: {system, headline figures, roles, confusion, baselines: {name: {...}}}}``; the first system leads."""
    primary, *others = systems

    def entry(report: Report) -> dict:
        data = report.to_dict()
        return {**data["summary"], "roles": data["roles"], "confusion": data["confusion"]}

    return {
        kind: {"system": primary, **entry(report), "baselines": {name: entry(systems[name][kind]) for name in others}}
        for kind, report in systems[primary].items()
    }


def _check_output_folder(path: Path | None) -> None:
    """Refuse, before any work, an output file whose folder does not exist."""
    if path is not None:
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise UsageError("the output folder does not exist", str(folder))


@app.command("evaluate")
def evaluate_command(
    data: Annotated[list[str], typer.Argument(help="Labelled pages (TSV): files, directories or glob patterns.")],
    model: Annotated[
        Path | None, typer.Option("--model", "-m", help="A model file; the bundled default model if not given.")
    ] = None,
    baseline: Annotated[
        list[Baseline] | None,
        typer.Option(
            "--baseline",
            "-b",
            help="Also score a baseline, side by side (repeat for several): rules, or line-classifier "
            "(trained on --train-data).",
        ),
    ] = None,
    train_data: Annotated[
        list[str] | None,
        typer.Option(
            help="Labelled pages to train the line-classifier baseline on (repeatable); none may be one of the "
            "scored pages or its twin."
        ),
    ] = None,
    errors: Annotated[
        bool,
        typer.Option(
            "--errors",
            help="List the model's wrong boundaries, most confident first, with three lines of context on each side.",
        ),
    ] = False,
    html_path: Annotated[
        Path | None,
        typer.Option(
            "--html", help="Write one HTML file showing the reference and predicted articles of each page side by side."
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the scores as JSON instead of tables.")] = False,
) -> None:
    """Score a model (and baselines) on labelled pages: boundaries, Pk, WindowDiff, segments, roles."""
    with user_errors():
        if errors and json_output:
            raise UsageError("--errors prints text and --json prints JSON; use one of them (or --html for a report)")
        _check_output_folder(html_path)
        baselines = list(dict.fromkeys(choice.value for choice in baseline or []))
        if train_data and "line-classifier" not in baselines:
            raise UsageError("--train-data is only used by --baseline line-classifier")
        if "line-classifier" in baselines and not train_data:
            raise UsageError("--baseline line-classifier needs labelled training pages: give them with --train-data")
        segmenter = load_segmenter(model)
        labelled = read_labelled_pages(data)
        train_pages = read_labelled_pages(train_data) if train_data else []
        leaked = shared_groups(train_pages, labelled)
        if leaked:
            shown = ", ".join(leaked[:3]) + (", ..." if len(leaked) > 3 else "")
            raise UsageError(
                f"--train-data and the scored pages share {len(leaked)} page group(s) ({shown}); a baseline must "
                "never be scored on pages it trained on"
            )
        seen = pages_under_training_sources(segmenter.manifest, labelled)
        if seen:
            err.print(
                f"warning: the model was trained on folders holding {len(seen)} of these {len(labelled)} pages; "
                "its scores on them are not held-out figures",
                markup=False,
            )
        systems = {"crf": CRFTagger(segmenter)}
        with progress_bar() as progress:
            for name in baselines:
                task = progress.add_task(f"training {name}", total=len(train_pages) or 1)
                systems[name] = make_baseline(
                    name,
                    train_pages,
                    segmenter.settings,
                    on_page=lambda done, total, task=task: progress.update(task, completed=done),
                )
                progress.update(task, completed=len(train_pages) or 1)
            comparisons = {}
            for name, system in systems.items():
                task = progress.add_task(f"{name}: pages", total=len(labelled))
                comparisons[name] = compare_pages(
                    system, labelled, lambda done, total, task=task: progress.update(task, completed=done)
                )
        reports = {name: comparison_reports(pages) for name, pages in comparisons.items()}
        if html_path is not None:
            with atomic_writer(html_path) as handle:
                handle.write(html_report(comparisons["crf"], f"crf ({model or 'bundled model'})"))
        if json_output:
            out.print_json(json.dumps(evaluation_json(reports), ensure_ascii=False))
            return
        title = f"scores of {model or 'the bundled model'}" + (" and baselines" if baselines else "")
        out.print(scores_table(reports, title))
        out.print(roles_table(reports, "per-role scores over lines, all pages"))
        for name, system_reports in reports.items():
            out.print(confusion_table(system_reports[ALL], f"role confusion of {name}, all pages (lines)"))
        if errors:
            wrong = boundary_errors(comparisons["crf"])
            out.print(
                f"\n{len(wrong)} wrong boundaries of the model, most confident first "
                "(confidence: the model's probability for its wrong decision)\n",
                markup=False,
            )
            for error in wrong:
                out.print(format_error(error), markup=False, soft_wrap=True)
        if html_path is not None:
            err.print(f"wrote {html_path}", markup=False)


# -- cross-validation and tuning ------------------------------------------------------------

TUNE_COLUMNS = tuple(column for column in HEADLINE_FIGURES if column[0] not in ("P", "R"))
"""Columns of the tuning table, which also shows the parameters."""


def _mean_std(mean: float, std: float) -> str:
    return f"{mean:.3f}±{std:.3f}"


def cv_table(result: CVResult, title: str) -> Table:
    """Mean ± standard deviation over the folds of each figure, one row per kind of text."""
    table = Table(title=escape(title), caption="mean±std over the folds")
    for column in ("text", "folds", "pages", *(heading for heading, _ in HEADLINE_FIGURES)):
        table.add_column(column, justify="left" if column == "text" else "right", no_wrap=True)
    for kind, scores in result.scores().items():
        table.add_row(
            kind,
            str(int(scores["folds"][0])),
            str(int(scores["pages"][0])),
            *(_mean_std(*scores[key]) for _, key in HEADLINE_FIGURES),
        )
    return table


def tune_table(result: TuneResult, title: str) -> Table:
    """The parameter points of a search, best first, with mean ± std over the folds (all pages)."""
    table = Table(title=escape(title), caption="mean±std over the folds, all pages; fit s: mean training seconds")
    for column in ("rank", "c1", "c2", "window", *(heading for heading, _ in TUNE_COLUMNS), "fit s"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in result.rows():
        table.add_row(
            str(row["rank"]),
            f"{row['c1']:g}",
            f"{row['c2']:g}",
            str(row["window"]),
            *(_mean_std(row[key], row[key + "_std"]) for _, key in TUNE_COLUMNS),
            f"{row['fit_seconds']:.1f}",
        )
    return table


def parse_values(text: str, option: str, kind: type[float] | type[int]) -> list:
    """Parse a comma-separated list of numbers given to ``option``, e.g. ``0.01,0.1,1``."""
    values = []
    for piece in text.split(","):
        piece = piece.strip()
        try:
            value = kind(piece)
        except ValueError:
            raise UsageError(f"{option}: {piece!r} is not {'an integer' if kind is int else 'a number'}") from None
        if value < 0:
            raise UsageError(f"{option}: {piece} is negative")
        values.append(value)
    return list(dict.fromkeys(values))


@app.command("tune")
def tune_command(
    data: Annotated[list[str], typer.Argument(help="Labelled pages (TSV): files, directories or glob patterns.")],
    c1: Annotated[str, typer.Option(help="L1 regularisation values to try, comma-separated.")] = "0,0.1,0.5",
    c2: Annotated[str, typer.Option(help="L2 regularisation values to try, comma-separated.")] = "0.01,0.1,1",
    window: Annotated[str, typer.Option(help="Feature window sizes to try (lines each side), comma-separated.")] = "2",
    cv: Annotated[int, typer.Option("--cv", help="Number of cross-validation folds.")] = 5,
    metric: Annotated[
        str, typer.Option(help="The figure (mean over folds, all pages) that ranks the settings.")
    ] = "boundary_f1",
    max_iterations: Annotated[int, typer.Option(help="L-BFGS iteration limit.")] = DEFAULT_MAX_ITERATIONS,
    group_by: Annotated[
        GroupBy,
        typer.Option(help="Keep page groups (twins) in one fold, or whole sources (file name less its number)."),
    ] = GroupBy.page,
    seed: Annotated[int, typer.Option(help="Seed of the assignment of groups to folds.")] = 0,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write the table to this file: .csv, .json or .md.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the table as JSON instead of a table.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Folds trained at once (processes).")] = 1,
) -> None:
    """Search c1, c2 and the feature window by cross-validation and print the ranked table."""
    with user_errors():
        grid = {
            "c1": parse_values(c1, "--c1", float),
            "c2": parse_values(c2, "--c2", float),
            "window": parse_values(window, "--window", int),
        }
        if any(w > 6 for w in grid["window"]):
            raise UsageError("--window values must be between 0 and 6")
        if max_iterations < 1:
            raise UsageError("--max-iterations must be at least 1")
        if output is not None and output.suffix.lower() not in TABLE_SUFFIXES:
            raise UsageError(
                f"cannot write the table as {output.suffix or 'a file without suffix'} "
                f"(use {', '.join(TABLE_SUFFIXES)})",
                str(output),
            )
        _check_output_folder(output)
        pages = read_labelled_pages(data)
        points = len(grid["c1"]) * len(grid["c2"]) * len(grid["window"])
        with progress_bar() as progress:
            task = progress.add_task(f"{points} settings × {cv} folds", total=points * cv)
            result = tune(
                pages,
                grid,
                n_splits=cv,
                metric=metric,
                max_iterations=max_iterations,
                group_by=group_by.value,
                seed=seed,
                n_jobs=jobs,
                on_fold=lambda done, total: progress.update(task, completed=done, total=total),
            )
        if output is not None:
            write_tune_table(result, output)
        if json_output:
            out.print_json(tune_table_text(result, ".json"))
        else:
            out.print(tune_table(result, f"{cv}-fold search over {len(pages)} pages, best {metric} first"))
        if output is not None:
            err.print(f"wrote {output}", markup=False)


# -- synth ----------------------------------------------------------------------------------


def list_synth_settings(value: bool) -> None:
    if value:
        from newsseg.train.synth_settings import settings_help

        table = Table(title="synth settings (change with --set NAME=VALUE)")
        for column in ("name", "default", "what"):
            table.add_column(column)
        for name, default, what in settings_help():
            table.add_row(name, default, what)
        out.print(table)
        raise typer.Exit()


@app.command("synth")
def synth_command(
    corpus: Annotated[
        list[Path], typer.Argument(help="Article corpora: JSONL files, optionally gzipped (see docs/synth.md).")
    ],
    pages: Annotated[int, typer.Option("--pages", "-n", help="How many pages to make.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the labelled pages into.")],
    seed: Annotated[int, typer.Option(help="Seed; the same seed gives the same pages byte for byte.")] = 0,
    style: Annotated[str, typer.Option(help="Paper conventions: rmrb, zjgrrb, or mixed.")] = "mixed",
    kinds: Annotated[
        str, typer.Option(help="Mix of kinds of text, weights: epaper=1,ocr-zoned=1,ocr-raw=1.")
    ] = "epaper=1,ocr-zoned=1,ocr-raw=1",
    exclude: Annotated[
        Path | None, typer.Option(help="Corpus pages to leave out: a file of PAPER<TAB>DATE<TAB>PAGE lines.")
    ] = None,
    set_values: Annotated[
        list[str] | None, typer.Option("--set", help="Change one generator setting: NAME=VALUE (repeatable).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an earlier synthetic set in the output folder.")] = False,
    list_settings: Annotated[
        bool,
        typer.Option(
            "--list-settings", callback=list_synth_settings, is_eager=True, help="List the settings and exit."
        ),
    ] = False,
) -> None:
    """Synthesise labelled pages (OCR-like text, every line tagged) from article corpora."""
    from newsseg.train.corpus import exclude_pages, read_corpus, read_page_keys
    from newsseg.train.synth import Synthesiser, write_synthetic_set
    from newsseg.train.synth_settings import SynthSettings, parse_kinds

    with user_errors():
        settings = SynthSettings(style=style, kinds=parse_kinds(kinds)).with_overrides(set_values or [])
        if pages < 1:
            raise UsageError(f"--pages must be at least 1, not {pages}")
        keys = read_page_keys(exclude) if exclude is not None else []
        corpus_pages, left_out = exclude_pages(read_corpus(corpus), keys)
        synthesiser = Synthesiser(corpus_pages, settings, seed)
        excluded = {"file": str(exclude), "keys": len(keys), "pages_left_out": left_out} if exclude else {}
        with progress_bar() as progress:
            task = progress.add_task("pages", total=pages)
            manifest = write_synthetic_set(
                synthesiser,
                pages,
                output,
                corpus_files=corpus,
                excluded=excluded,
                force=force,
                on_page=lambda done, total: progress.update(task, completed=done),
            )
        kinds_made = ", ".join(f"{n} {k}" for k, n in manifest["kinds"].items())
        err.print(
            f"wrote {pages} pages to {output} ({kinds_made}; {manifest['articles']} articles, "
            f"{manifest['lines']} lines) from {len(corpus_pages)} corpus pages"
            + (f", {left_out} left out" if exclude else "")
        )


# -- review and suggest ---------------------------------------------------------------------


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


@app.command("review")
def review_command(
    pages: Annotated[list[str], typer.Argument(help="Page texts: files, directories (their *.txt), or - for stdin.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the report (one HTML file).")],
    model: Annotated[
        Path | None, typer.Option("--model", "-m", help="A model file; the bundled default model if not given.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Encoding of the pages (e.g. gb18030); detected if not given.")
    ] = None,
    review_threshold: Annotated[
        float, typer.Option(help="Mark article starts (and near-starts) the model is less sure of than this.")
    ] = DEFAULT_REVIEW_THRESHOLD,
) -> None:
    """Write one self-contained HTML report: each page's articles coloured, roles and unsure boundaries marked."""
    with user_errors():
        check_threshold(review_threshold)
        segmenter = load_segmenter(model)
        results, failures = predict_pages(segmenter, pages, encoding, review_threshold)
        if not results:
            raise UsageError("no page could be read; nothing to report")
        with atomic_writer(output) as handle:
            handle.write(review_html(results, review_threshold))
        flagged = sum(article.review for result in results for article in result.articles)
        err.print(f"wrote {output} ({len(results)} pages, {flagged} articles to review)")
        if failures:
            err.print(f"{failures} inputs failed")
            raise typer.Exit(EXIT_INPUT)


@app.command("suggest")
def suggest_command(
    pages: Annotated[list[str], typer.Argument(help="Unlabelled page texts: files or directories (their *.txt).")],
    count: Annotated[int, typer.Option("--count", "-n", help="How many pages to suggest.")] = 10,
    model: Annotated[
        Path | None, typer.Option("--model", "-m", help="A model file; the bundled default model if not given.")
    ] = None,
    by: Annotated[
        Ranking,
        typer.Option(help="Rank by log-probability per tagged line (line) or of the whole page (page)."),
    ] = Ranking.line,
    encoding: Annotated[
        str | None, typer.Option(help="Encoding of the pages (e.g. gb18030); detected if not given.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of tab-separated lines.")] = False,
) -> None:
    """List the pages the model is least sure of (lowest probability per line), to label next."""
    with user_errors():
        if count < 1:
            raise UsageError(f"--count must be at least 1, not {count}")
        segmenter = load_segmenter(model)
        results, failures = predict_pages(segmenter, pages, encoding, DEFAULT_REVIEW_THRESHOLD)
        chosen = least_sure(results, count, by.value)
        if json_output:
            sys.stdout.write(json.dumps([s.to_dict() for s in chosen], ensure_ascii=False, indent=2) + "\n")
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
