"""``newsseg evaluate``: score a model and baselines on labelled pages, with error reports."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from newsseg.cli.common import (
    ForceOption,
    LabelledArgument,
    ModelOption,
    err,
    format_figure,
    labelled_input_guard,
    load_segmenter,
    out,
    progress_bar,
    scores_table,
    user_errors,
)
from newsseg.errors import UsageError
from newsseg.evaluation.baselines import BASELINES, CRFTagger, make_baseline
from newsseg.evaluation.metrics import (
    ARTICLE_FIGURES,
    BOUNDARY_KIND_HEADINGS,
    BOUNDARY_KINDS,
    Report,
    kind_count_key,
    kind_recall_key,
)
from newsseg.evaluation.report import boundary_errors, compare_systems, comparison_reports, format_error, html_report
from newsseg.evaluation.scoring import ALL
from newsseg.train.dataset import read_labelled_pages
from newsseg.train.trainer import pages_seen_in_training, shared_groups

Baseline = StrEnum("Baseline", {name.replace("-", "_"): name for name in BASELINES})


def roles_table(systems: dict[str, dict[str, Report]], title: str) -> Table:
    """Per-role precision, recall and F1 over all pages, side by side for each system."""
    several = len(systems) > 1
    table = Table(title=title)
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
                cells += [format_figure(found.precision), format_figure(found.recall), format_figure(found.f1)]
        table.add_row(role, str(reference[role].support if role in reference else 0), *cells)
    return table


def articles_table(systems: dict[str, dict[str, Report]], title: str) -> Table:
    """Same-article pair figures and the recall of each kind of boundary, one row per kind of text (and system)."""
    several = len(systems) > 1
    caption = (
        "pair: pairs of lines in one article (all runs of an article are one); n / R: reference boundaries of "
        "each kind and their exact recall (cont.: an article resumed; body-first: an article whose headline "
        "comes after its first line; first: any other); — where there is none"
    )
    table = Table(title=title, caption=caption)
    table.add_column("text", no_wrap=True)
    if several:
        table.add_column("system", no_wrap=True)
    for heading, _ in ARTICLE_FIGURES:
        table.add_column(heading, justify="right")
    for boundary in BOUNDARY_KINDS:
        table.add_column(f"{BOUNDARY_KIND_HEADINGS[boundary]} n", justify="right")
        table.add_column(f"{BOUNDARY_KIND_HEADINGS[boundary]} R", justify="right")
    texts = sorted({text for reports in systems.values() for text in reports}, key=lambda text: (text == ALL, text))
    for number, text in enumerate(texts):
        if number and several:
            table.add_section()
        for name, reports in systems.items():
            if text not in reports:
                continue
            s = reports[text].summary()
            cells = [format_figure(s[key]) for _, key in ARTICLE_FIGURES]
            for boundary in BOUNDARY_KINDS:
                recall = s[kind_recall_key(boundary)]
                cells += [str(s[kind_count_key(boundary)]), "—" if recall is None else format_figure(recall)]
            table.add_row(text, *([name] if several else []), *cells)
    return table


def confusion_table(report: Report, title: str) -> Table:
    """The role confusion matrix: a row per reference role, a column per predicted role."""
    roles, matrix = report.confusion_matrix()
    table = Table(title=title)
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


def evaluate_command(
    data: LabelledArgument,
    model: ModelOption = None,
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
    assemble: Annotated[
        bool,
        typer.Option(
            help="Score the model with its assembly stage; --no-assemble scores its line CRF alone "
            "(every segment an article).",
        ),
    ] = True,
    force: ForceOption = False,
) -> None:
    """Score a model (and baselines) on labelled pages: boundaries, Pk, WindowDiff, article pairs, segments, roles."""
    with user_errors():
        if errors and json_output:
            raise UsageError("--errors prints text and --json prints JSON; use one of them (or --html for a report)")
        guard = labelled_input_guard([*data, *(train_data or [])], force)
        if html_path is not None:
            guard.check(html_path)
        baselines = list(dict.fromkeys(choice.value for choice in baseline or []))
        if train_data and "line-classifier" not in baselines:
            raise UsageError("--train-data is only used by --baseline line-classifier")
        if "line-classifier" in baselines and not train_data:
            raise UsageError("--baseline line-classifier needs labelled training pages: give them with --train-data")
        segmenter = load_segmenter(model)
        if not assemble:
            segmenter = segmenter.without_assembly()
        labelled = read_labelled_pages(data)
        train_pages = read_labelled_pages(train_data) if train_data else []
        leaked = shared_groups(train_pages, labelled)
        if leaked:
            shown = ", ".join(leaked[:3]) + (", ..." if len(leaked) > 3 else "")
            raise UsageError(
                f"--train-data and the scored pages share {len(leaked)} page group(s) ({shown}); a baseline must "
                "never be scored on pages it trained on"
            )
        seen = pages_seen_in_training(segmenter, labelled)
        if seen:
            err.print(
                f"warning: the model was trained on {len(seen)} of these {len(labelled)} pages; "
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
            task = progress.add_task(f"{', '.join(systems)}: pages", total=len(labelled))
            comparisons = compare_systems(systems, labelled, lambda done, total: progress.update(task, completed=done))
        reports = {name: comparison_reports(pages) for name, pages in comparisons.items()}
        if html_path is not None:
            with guard, guard.writer(html_path) as handle:
                handle.write(html_report(comparisons["crf"], f"crf ({model or 'bundled model'})"))
        if json_output:
            out.print_json(json.dumps(evaluation_json(reports), ensure_ascii=False))
            return
        title = f"scores of {model or 'the bundled model'}" + (" and baselines" if baselines else "")
        out.print(scores_table(reports, title))
        out.print(articles_table(reports, "articles: same-article pairs and boundaries by kind"))
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
            err.print(f"wrote {html_path}")
