"""The ``newsseg`` command line: the Typer app (:mod:`newsseg.cli.app`) and one module per command family."""

from newsseg.cli.app import app, main

__all__ = ["app", "main"]
