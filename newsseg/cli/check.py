"""``newsseg check`` and ``newsseg info``: labelled files against the format, a model's manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsseg.cli.common import EXIT_INPUT, LabelledArgument, err, load_segmenter, out, report_error, user_errors
from newsseg.errors import NewssegError
from newsseg.io.labels import iter_label_problems, parse_labelled_text
from newsseg.io.page import decode_page_bytes
from newsseg.segmenter import default_model_path
from newsseg.train.dataset import find_labelled_files


def check_command(
    data: LabelledArgument,
) -> None:
    """Check labelled pages against the label format and list every problem."""
    with user_errors():
        files = find_labelled_files(data)
        problems = 0
        for file in files:
            try:
                text = decode_page_bytes(file.read_bytes(), str(file))
            except NewssegError as error:
                report_error(error)
                problems += 1
                continue
            for problem in iter_label_problems(parse_labelled_text(text, str(file)), str(file)):
                report_error(problem)
                problems += 1
        err.print(f"{len(files)} files checked, {problems} problems")
        if problems:
            raise typer.Exit(EXIT_INPUT)


def info_command(
    model: Annotated[Path | None, typer.Argument(help="A model file; the bundled default model if not given.")] = None,
) -> None:
    """Show a model's manifest: versions, labels, feature settings, training data, held-out scores."""
    with user_errors():
        segmenter = load_segmenter(model)
        manifest = dict(segmenter.manifest)
        manifest["path"] = str(model or default_model_path())
        out.print_json(json.dumps(manifest, ensure_ascii=False))
