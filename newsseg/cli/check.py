"""``newsseg check`` and ``newsseg info``: labelled files against the format, a model's manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsseg.cli.common import EXIT_INPUT, LabelledArgument, err, load_segmenter, out, report_error, user_errors
from newsseg.errors import InputError, NewssegError
from newsseg.io.fileio import display_path, read_file_bytes
from newsseg.io.labels import iter_convention_hints, iter_label_problems, looks_labelled, parse_labelled_text
from newsseg.io.page import MAX_PAGE_BYTES, Page, decode_page_bytes
from newsseg.segmenter import default_model_path
from newsseg.train.dataset import find_labelled_files

CHECK_LABELLED_SHARE = 0.2
"""A file with fewer tagged lines than this share is not a labelled page with errors but
something else (a page text): one line says so, instead of one line per untagged line."""


def check_command(
    data: LabelledArgument,
) -> None:
    """Check labelled pages against the label format and list every problem.

    Also hints, without failing, at a junk line tagged O inside an article (O is page furniture only).
    """
    with user_errors():
        files = find_labelled_files(data)
        problems = hints = 0
        for file in files:
            name = display_path(file)
            try:
                data_bytes = read_file_bytes(file, InputError, "labelled page", max_bytes=MAX_PAGE_BYTES)
                text = decode_page_bytes(data_bytes, name)
            except NewssegError as error:
                report_error(error)
                problems += 1
                continue
            if not looks_labelled(Page.from_text(text, name), share=CHECK_LABELLED_SHARE):
                report_error(
                    InputError(
                        "not a labelled page: few of its lines are TAG<TAB>TEXT (a page text? "
                        "make a labelled page of it with newsseg predict --format tsv)",
                        name,
                    )
                )
                problems += 1
                continue
            rows = parse_labelled_text(text, name)
            for problem in iter_label_problems(rows, name):
                report_error(problem)
                problems += 1
            for number, hint in iter_convention_hints(rows):
                err.print(f"{name}:{number}: hint: {hint}", markup=False, highlight=False, soft_wrap=True)
                hints += 1
        hinted = f", {hints} hint{'s' * (hints != 1)}" if hints else ""
        err.print(f"{len(files)} files checked, {problems} problems{hinted}")
        if problems:
            raise typer.Exit(EXIT_INPUT)


def info_command(
    model: Annotated[Path | None, typer.Argument(help="A model file; the bundled default model if not given.")] = None,
) -> None:
    """Show a model's manifest: versions, labels, feature settings, training data, held-out scores.

    With an assembly stage, ``assembly.strongest`` lists its pair model's ten heaviest features
    (weights of standardised features: positive joins a block to an article, negative keeps it apart);
    with a headline stage, ``headlines.strongest`` its title model's ten heaviest (positive: a title line).
    """
    with user_errors():
        segmenter = load_segmenter(model)
        manifest = dict(segmenter.manifest)
        manifest["path"] = display_path(model or default_model_path())
        for stage, model in (("assembly", segmenter.assembler), ("headlines", segmenter.headlines)):
            if model is not None:
                strongest = [
                    {"feature": name, "weight": round(weight, 3)} for name, weight in model.strongest_features()
                ]
                manifest[stage] = {"strongest": strongest, **manifest[stage]}
        out.print_json(json.dumps(manifest, ensure_ascii=False))
