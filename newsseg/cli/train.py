"""``newsseg train`` and ``newsseg tune``: fit a model, cross-validate it, search its settings."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from newsseg.cli.common import (
    ForceOption,
    LabelledArgument,
    err,
    labelled_input_guard,
    out,
    progress_bar,
    scores_table,
    user_errors,
)
from newsseg.errors import UsageError
from newsseg.evaluation.metrics import (
    BODY_FIRST,
    BOUNDARY_KIND_HEADINGS,
    CONTINUATION,
    HEADLINE_FIGURES,
    kind_recall_key,
)
from newsseg.evaluation.scoring import reports_summary
from newsseg.features import FeatureSettings
from newsseg.io.fileio import write_bytes_atomic
from newsseg.model.crf import DEFAULT_C1, DEFAULT_C2, DEFAULT_MAX_ITERATIONS
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
from newsseg.train.dataset import read_labelled_pages
from newsseg.train.trainer import train

GroupBy = StrEnum("GroupBy", {name: name for name in GROUP_BY})

SHOWN_KINDS = (CONTINUATION, BODY_FIRST)
"""Kinds of boundary whose recall the cross-validation table shows."""

TUNE_COLUMNS = tuple(column for column in HEADLINE_FIGURES if column[0] not in ("P", "R"))
"""Columns of the tuning table, which also shows the parameters."""


def _mean_std(mean: float, std: float) -> str:
    return f"{mean:.3f}±{std:.3f}"


def cv_table(result: CVResult, title: str) -> Table:
    """Mean ± standard deviation over the folds of each figure, one row per kind of text."""
    table = Table(title=title, caption="mean±std over the folds (— where no fold has such a boundary)")
    figures = [
        *HEADLINE_FIGURES,
        *((f"{BOUNDARY_KIND_HEADINGS[kind]} R", kind_recall_key(kind)) for kind in SHOWN_KINDS),
    ]
    for column in ("text", "folds", "pages", *(heading for heading, _ in figures)):
        table.add_column(column, justify="left" if column == "text" else "right", no_wrap=True)
    for kind, scores in result.scores().items():
        table.add_row(
            kind,
            str(int(scores["folds"][0])),
            str(int(scores["pages"][0])),
            *("—" if math.isnan(scores[key][0]) else _mean_std(*scores[key]) for _, key in figures),
        )
    return table


def tune_table(result: TuneResult, title: str) -> Table:
    """The parameter points of a search, best first, with mean ± std over the folds (all pages)."""
    table = Table(title=title, caption="mean±std over the folds, all pages; fit s: mean training seconds")
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


def train_command(
    data: LabelledArgument,
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
    assemble_on: Annotated[
        list[str] | None,
        typer.Option(
            "--assemble-on",
            help="Labelled pages with article keys (B-ROLE@KEY) to train the stages after the CRF on: assembly, "
            "which joins the blocks of an article OCR broke apart, and headline reading, which picks each "
            "article's title lines; best pages the CRF is not trained on; repeatable.",
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
    crfsuite_copy: Annotated[
        Path | None,
        typer.Option(
            help="Also write CRFsuite's own file of the trained CRF here; newsseg never reads it, its tests check "
            "newsseg's tagger against CRFsuite's on it."
        ),
    ] = None,
    force: ForceOption = False,
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
        if assemble_on and cv is not None:
            raise UsageError("--assemble-on does not go with --cv: cross-validation scores the CRF alone")
        guard = labelled_input_guard([*data, *(train_only or []), *(test or []), *(assemble_on or [])], force)
        if output is not None:
            guard.check(output)
        if crfsuite_copy is not None:
            if output is None:
                raise UsageError("--crfsuite-copy needs --output/-o: it is a copy of the model written there")
            guard.check(crfsuite_copy)
        pages = read_labelled_pages(data)
        extra_pages = read_labelled_pages(train_only) if train_only else []
        test_pages = read_labelled_pages(test) if test else []
        assembly_pages = read_labelled_pages(assemble_on) if assemble_on else []
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
                data_summary={
                    "sources": [str(d) for d in data],
                    "train_only": [str(d) for d in train_only or []],
                    "assembly": [str(d) for d in assemble_on or []],
                },
                n_jobs=jobs,
                extra_pages=extra_pages,
                test_pages=test_pages,
                assembly_pages=assembly_pages,
            )
        if cv_result is not None:
            result.segmenter.manifest["cv"] = {"group_by": group_by.value, "seed": seed, **cv_result.to_dict()}
        guard.check(output)
        result.segmenter.save(output)
        guard.record(output)
        if crfsuite_copy is not None and result.segmenter.crf.crfsuite_model is not None:
            guard.check(crfsuite_copy)
            write_bytes_atomic(crfsuite_copy, result.segmenter.crf.crfsuite_model)
            guard.record(crfsuite_copy)
        guard.close()
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


def tune_command(
    data: LabelledArgument,
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
    force: ForceOption = False,
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
        guard = labelled_input_guard(data, force)
        if output is not None:
            guard.check(output)
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
            guard.check(output)
            write_tune_table(result, output)
            guard.record(output)
            guard.close()
        if json_output:
            out.print_json(tune_table_text(result, ".json"))
        else:
            out.print(tune_table(result, f"{cv}-fold search over {len(pages)} pages, best {metric} first"))
        if output is not None:
            err.print(f"wrote {output}")
