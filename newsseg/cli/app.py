"""The ``newsseg`` command, assembled: the Typer app, its root options and every command.

Thin on purpose: each command module (:mod:`~newsseg.cli.train`, :mod:`~newsseg.cli.predict`,
:mod:`~newsseg.cli.evaluate`, :mod:`~newsseg.cli.labelling`, :mod:`~newsseg.cli.synth`,
:mod:`~newsseg.cli.check`) parses its options, calls the Python API, writes the output and maps
:class:`~newsseg.errors.NewssegError` to a one-line message and a non-zero exit code; shared
pieces are in :mod:`~newsseg.cli.common`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from newsseg import __version__
from newsseg.cli.check import check_command, info_command
from newsseg.cli.common import out
from newsseg.cli.evaluate import evaluate_command
from newsseg.cli.labelling import review_command, suggest_command
from newsseg.cli.predict import predict_command
from newsseg.cli.synth import synth_command
from newsseg.cli.train import train_command, tune_command

app = typer.Typer(
    name="newsseg",
    help="Split the OCR text of Chinese newspaper pages into articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
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


app.command("train")(train_command)
app.command("predict")(predict_command)
app.command("evaluate")(evaluate_command)
app.command("tune")(tune_command)
app.command("synth")(synth_command)
app.command("review")(review_command)
app.command("suggest")(suggest_command)
app.command("check")(check_command)
app.command("info")(info_command)


def main() -> None:
    """Entry point of the ``newsseg`` console script."""
    app()
