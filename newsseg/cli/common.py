"""Shared pieces of the ``newsseg`` commands: consoles, error reporting, progress, shared options.

Both consoles print text as it is: no Rich markup, no emoji codes, so a file name such as
``[/b]`` or a message holding ``:100:`` is shown unchanged.  Styled parts are built as
:class:`rich.text.Text`.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from newsseg.errors import NewssegError
from newsseg.evaluation.metrics import HEADLINE_FIGURES, MACRO_FIGURES, Report
from newsseg.evaluation.scoring import ALL
from newsseg.io.outputs import OutputGuard
from newsseg.segmenter import Segmenter

err = Console(stderr=True, highlight=False, markup=False, emoji=False)
out = Console(highlight=False, markup=False, emoji=False, width=None if sys.stdout.isatty() else 160)

EXIT_INPUT = 1
PAGE_GLOB = "*.txt"
"""The pages read from a folder given as input, unless ``--glob`` says otherwise."""


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


class RateColumn(ProgressColumn):
    """Pages per second so far."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.1f} pages/s")


def format_duration(seconds: float) -> str:
    """``45 s``, ``3 min 05 s``, ``2 h 07 min``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02} min"


class BatchProgress:
    """Progress of a batch of pages: a bar with rate and time left on a terminal, log lines elsewhere.

    When standard error is not a terminal (a job's log), one line is printed every
    ``log_every`` pages, and one at the end in either case: pages, articles, errors, pages/s.

    Parameters
    ----------
    total : int
        Pages in the batch.
    label : str
        The command, starting each log line.
    log_every : int
        Pages between two log lines off a terminal (0: only the last line).
    """

    def __init__(self, total: int, label: str = "predict", log_every: int = 1000) -> None:
        self.total = total
        self.label = label
        self.log_every = log_every
        self.done = self.failed = self.skipped = self.articles = 0
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> BatchProgress:
        self.started = time.monotonic()
        if err.is_terminal:
            self.bar = Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                RateColumn(),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("pages", total=self.total)
        return self

    def skip(self, count: int) -> None:
        """Count pages that need no work (already done, with --resume)."""
        self.skipped += count
        self.done += count
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, total=self.total - self.skipped)

    def advance(self, articles: int = 0, failed: bool = False) -> None:
        """One page done: its articles, or a failure."""
        self.done += 1
        self.articles += articles
        self.failed += failed
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task)
        elif self.log_every and (self.done - self.skipped) % self.log_every == 0 and self.done < self.total:
            err.print(self.line(), soft_wrap=True)

    def line(self, final: bool = False) -> str:
        """One log line: where the batch stands, or how it ended."""
        seconds = time.monotonic() - self.started
        rate = (self.done - self.skipped) / seconds if seconds > 0 else 0.0
        head = f"{self.total:,} pages" if final else f"{self.done:,} of {self.total:,} pages"
        parts = [f"{self.label}: {head}"]
        if self.skipped:
            parts.append(f"{self.skipped:,} already done")
        parts += [f"{self.articles:,} articles", f"{self.failed:,} failed", f"{rate:,.1f} pages/s"]
        if final:
            parts.append(f"in {format_duration(seconds)}")
        elif rate > 0:
            parts.append(f"{format_duration((self.total - self.done) / rate)} left")
        return ", ".join(parts)

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.stop()
        if exc_info[0] is None and self.total > 1:
            err.print(self.line(final=True), soft_wrap=True)


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
    return OutputGuard(find_labelled_files(specs) if specs else [], folders, (f"*{LABELLED_SUFFIX}",), force=force)
