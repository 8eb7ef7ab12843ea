"""Shared pieces of the ``newsseg`` commands: consoles, error reporting, progress, shared options.

Both consoles print text as it is: no Rich markup, no emoji codes, so a file name such as
``[/b]`` or a message holding ``:100:`` is shown unchanged.  Styled parts are built as
:class:`rich.text.Text`.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from newsseg.errors import InputWarning, NewssegError, UsageError
from newsseg.evaluation.metrics import HEADLINE_FIGURES, MACRO_FIGURES, Report
from newsseg.evaluation.scoring import ALL
from newsseg.io.fileio import display_path
from newsseg.io.outputs import OutputGuard
from newsseg.segmenter import Segmenter

err = Console(stderr=True, highlight=False, markup=False, emoji=False)
out = Console(highlight=False, markup=False, emoji=False, width=None if sys.stdout.isatty() else 160)

EXIT_INPUT = 1
PAGE_SUFFIXES = (".txt",)


# Options and arguments that several commands take, with one wording.
ModelOption = Annotated[
    Path | None, typer.Option("--model", "-m", help="A model file; the bundled default model if not given.")
]
EncodingOption = Annotated[
    str | None, typer.Option(help="Encoding of the pages (e.g. gb18030); detected if not given.")
]
PagesArgument = Annotated[
    list[str], typer.Argument(help="Page texts: files, directories (their *.txt), or - for stdin.")
]
LabelledArgument = Annotated[
    list[str], typer.Argument(help="Labelled pages (TSV): files, directories or glob patterns.")
]
ForceOption = Annotated[
    bool,
    typer.Option("--force", help="Replace existing output files that newsseg did not write (never an input)."),
]


class _FlagsWithoutType:
    """Help that shows no ``<bool>`` type beside flags (``--help``, ``--force``): they take no value."""

    def get_params(self, ctx):  # type: ignore[no-untyped-def]
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        return params


class NewssegCommand(_FlagsWithoutType, TyperCommand):
    """The class of every ``newsseg`` command."""


class NewssegGroup(_FlagsWithoutType, TyperGroup):
    """The class of the ``newsseg`` app."""


def report_error(error: NewssegError | str) -> None:
    """Print one error line to standard error, as plain text."""
    err.print(Text.assemble(("error:", "bold red"), " ", str(error)), soft_wrap=True)


def report_warning(warning: Warning | str) -> None:
    """Print one warning line to standard error, as plain text."""
    err.print(Text.assemble(("warning:", "yellow"), " ", str(warning)), soft_wrap=True)


@contextlib.contextmanager
def reported_warnings() -> Iterator[None]:
    """Print each :class:`~newsseg.errors.InputWarning` raised in the block as one line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            yield
        finally:
            for warning in caught:
                if issubclass(warning.category, InputWarning):
                    report_warning(warning.message)
                else:
                    warnings.warn_explicit(
                        warning.message, warning.category, warning.filename, warning.lineno, source=warning.source
                    )


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
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=transient,
        disable=not err.is_terminal,
    )


def load_segmenter(model: Path | None) -> Segmenter:
    return Segmenter.load(model)


def format_figure(value: float) -> str:
    return f"{value:.3f}"


def scores_table(systems: dict[str, dict[str, Report]], title: str) -> Table:
    """Headline figures, one row per kind of text (and per system when there are several)."""
    several = len(systems) > 1
    caption = (
        "P R F1: boundaries, exact; F1 ±1: within one line; seg F1: articles with the exact span; roles: lines "
        "with the right role; exact: pages with every boundary right; macro: mean over pages"
    )
    table = Table(title=title, caption=caption)
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
                *(format_figure(s[key]) for _, key in figures),
            )
    return table


def labelled_input_guard(specs: list[str | Path], force: bool) -> OutputGuard:
    """The guard of a command that reads labelled pages: their files, and the ``*.tsv`` of their folders."""
    from newsseg.train.dataset import LABELLED_SUFFIX, find_labelled_files

    folders = [spec for spec in specs if Path(spec).is_dir()]
    return OutputGuard(find_labelled_files(specs) if specs else [], folders, (LABELLED_SUFFIX,), force=force)


def check_output_folder(path: Path | None) -> None:
    """Refuse, before any work, an output file whose folder does not exist."""
    if path is not None:
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise UsageError("the output folder does not exist", display_path(folder))
