"""``newsseg synth``: labelled synthetic pages from article corpora."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from newsseg.cli.common import err, out, progress_bar, user_errors
from newsseg.errors import UsageError


def list_synth_settings(value: bool) -> None:
    if value:
        from newsseg.synth.settings import settings_help

        table = Table(title="synth settings (change with --set NAME=VALUE)")
        for column in ("name", "default", "what"):
            table.add_column(column)
        for name, default, what in settings_help():
            table.add_row(name, default, what)
        out.print(table)
        raise typer.Exit()


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
    from newsseg.synth.corpus import exclude_pages, read_corpus, read_page_keys
    from newsseg.synth.generate import Synthesiser, write_synthetic_set
    from newsseg.synth.settings import SynthSettings, parse_kinds

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
