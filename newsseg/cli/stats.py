"""``newsseg stats``: the phenomena of a set of labelled pages, or of two sets side by side.

Hold synthetic training pages up against real ones (or one paper's pages against another's):
every row of :data:`~newsseg.synth.stats.PHENOMENA` for each set, the row's tolerance, and
whether the second set is within it.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from newsseg.cli.common import EXIT_INPUT, LabelledArgument, err, out, report_error, user_errors
from newsseg.errors import NewssegError, UsageError
from newsseg.io.fileio import display_path
from newsseg.io.labels import LabelledPage, read_labelled
from newsseg.train.dataset import find_labelled_files

STATS_FORMATS = ("markdown", "json")
EXIT_OUT_OF_TOLERANCE = 2
"""``--strict``: the exit code when a row of the comparison is out of tolerance."""


def read_page_set(specs: list[str]) -> tuple[list[LabelledPage], int]:
    """The labelled pages ``specs`` name, and how many files could not be read (each reported)."""
    pages, failed = [], 0
    for file in find_labelled_files(specs):
        try:
            pages.append(read_labelled(file))
        except NewssegError as error:
            report_error(error)
            failed += 1
    return pages, failed


def stats_command(
    reference: LabelledArgument,
    against: Annotated[
        list[str] | None,
        typer.Option(
            "--against",
            help="A second set of labelled pages (repeatable): compared with the first, row by row, within tolerances.",
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="markdown (a table) or json (every figure and verdict).")
    ] = "markdown",
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit with code 2 when a row of the comparison is out of tolerance.")
    ] = False,
) -> None:
    """Measure the phenomena a splitter depends on in labelled pages, and compare two sets.

    Rows: segments, continuations, body-first starts, bare one-line titles, junk, bylines, blanks per break.
    """
    from newsseg.synth.stats import PHENOMENA, compare_phenomena, phenomena, phenomena_table

    with user_errors():
        if output_format not in STATS_FORMATS:
            raise UsageError(f"--format must be one of {', '.join(STATS_FORMATS)}, not {output_format!r}")
        first, failed = read_page_set(reference)
        second, failed_second = read_page_set(against) if against else ([], 0)
        failed += failed_second
        first_name = ", ".join(display_path(spec) for spec in reference)
        second_name = ", ".join(display_path(spec) for spec in against or [])
        outside = 0
        if against:
            rows = compare_phenomena(first, second)
            outside = sum(row.within is False for row in rows)
            if output_format == "json":
                data = {
                    "reference": {"pages": len(first), "from": first_name},
                    "other": {"pages": len(second), "from": second_name},
                    "rows": [
                        {
                            "phenomenon": row.phenomenon.name,
                            "meaning": row.phenomenon.meaning,
                            "reference": row.reference,
                            "other": row.other,
                            "tolerance": row.tolerance,
                            "within": row.within,
                        }
                        for row in rows
                    ],
                }
                out.print(json.dumps(data, ensure_ascii=False, indent=1), soft_wrap=True)
            else:
                out.print(
                    phenomena_table(rows, f"{first_name} ({len(first)} pages)", f"{second_name} ({len(second)} pages)"),
                    soft_wrap=True,
                )
            err.print(f"{len(rows) - outside} of {len(rows)} rows within tolerance")
        else:
            figures = phenomena(first)
            if output_format == "json":
                data = {"pages": len(first), "from": first_name, "figures": figures}
                out.print(json.dumps(data, ensure_ascii=False, indent=1), soft_wrap=True)
            else:
                lines = ["| phenomenon | figure | meaning |", "|---|---:|---|"]
                for phenomenon in PHENOMENA:
                    value = figures[phenomenon.name]
                    lines.append(
                        f"| {phenomenon.name} | {'—' if value is None else f'{value:.3f}'} | {phenomenon.meaning} |"
                    )
                out.print("\n".join(lines), soft_wrap=True)
        if failed:
            files = "1 file was" if failed == 1 else f"{failed} files were"
            err.print(f"{files} left out: they could not be read")
            raise typer.Exit(EXIT_INPUT)
        if strict and outside:
            raise typer.Exit(EXIT_OUT_OF_TOLERANCE)
