"""The ``newsseg`` command, assembled: the Typer app, its root options and every command.

Thin on purpose: each command module (:mod:`~newsseg.cli.train`, :mod:`~newsseg.cli.predict`,
:mod:`~newsseg.cli.evaluate`, :mod:`~newsseg.cli.labelling`, :mod:`~newsseg.cli.synth`,
:mod:`~newsseg.cli.stats`, :mod:`~newsseg.cli.check`) parses its options, calls the Python API,
writes the output and maps
:class:`~newsseg.errors.NewssegError` to a one-line message and a non-zero exit code; shared
pieces are in :mod:`~newsseg.cli.common`.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Annotated

import typer

from newsseg import __version__
from newsseg.cli.check import check_command, info_command
from newsseg.cli.common import NewssegCommand, NewssegGroup, err, out
from newsseg.cli.evaluate import evaluate_command
from newsseg.cli.labelling import review_command, suggest_command
from newsseg.cli.predict import predict_command
from newsseg.cli.stats import stats_command
from newsseg.cli.synth import synth_command
from newsseg.cli.train import train_command, tune_command

app = typer.Typer(
    name="newsseg",
    help="Split the OCR text of Chinese newspaper pages into articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    cls=NewssegGroup,
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


app.command("train", cls=NewssegCommand)(train_command)
app.command("predict", cls=NewssegCommand)(predict_command)
app.command("evaluate", cls=NewssegCommand)(evaluate_command)
app.command("tune", cls=NewssegCommand)(tune_command)
app.command("synth", cls=NewssegCommand)(synth_command)
app.command("stats", cls=NewssegCommand)(stats_command)
app.command("review", cls=NewssegCommand)(review_command)
app.command("suggest", cls=NewssegCommand)(suggest_command)
app.command("check", cls=NewssegCommand)(check_command)
app.command("info", cls=NewssegCommand)(info_command)


EXIT_SIGNAL_BASE = 128
"""A run stopped by a signal exits with 128 + its number: 130 for SIGINT, 143 for SIGTERM."""


class Stopped(BaseException):
    """Raised in the main thread by SIGTERM and SIGINT, so that every ``finally`` and temporary
    file clean-up runs before the process ends.  Not an ``Exception``, so nothing swallows it."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


def _stop(signal_number: int, frame: FrameType | None) -> None:
    raise Stopped(signal_number)


def main() -> None:
    """Entry point of the ``newsseg`` console script.

    Standard output is UTF-8 whatever the locale (the records are UTF-8 data); SIGTERM and
    SIGINT end the run with one line and exit code 143 or 130, after removing temporary files;
    a reader that closes the pipe early (``| head``) ends the run quietly.
    """
    if hasattr(sys.stdout, "reconfigure") and (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        sys.stdout.reconfigure(encoding="utf-8")
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        app()
    except Stopped as stopped:
        name = signal.Signals(stopped.signal_number).name
        err.print(f"stopped by {name}; files being written were removed, finished ones kept")
        sys.exit(EXIT_SIGNAL_BASE + stopped.signal_number)
