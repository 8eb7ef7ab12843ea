"""Finding labelled pages, grouping twins, and splitting them for honest evaluation.

The same page can come in several kinds of text (e-paper, zoned OCR, raw-order OCR):
``rmrb-ocr-007-clean``, ``rmrb-ocr-007-zoned`` and ``rmrb-ocr-007`` are twins.  Twins share
their words, so a split that puts one in training and another in testing would measure memory,
not generalisation: every split here keeps a group on one side.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from newsseg.errors import InputError, UsageError
from newsseg.io.fileio import display_path
from newsseg.io.labels import LabelledPage, read_labelled

LABELLED_SUFFIX = ".tsv"
_TWIN_SUFFIX = re.compile(r"-(clean|zoned|raw|epaper)$")


def find_labelled_files(specs: Iterable[str | Path]) -> list[Path]:
    """Expand files, directories (searched recursively for ``*.tsv``) and glob patterns.

    Returns
    -------
    list of Path
        Unique files in sorted order.

    Raises
    ------
    InputError
        If a path does not exist, a directory holds no labelled page or a pattern matches nothing.
    """
    found: set[Path] = set()
    for spec in specs:
        text = str(spec)
        path = Path(text)
        if path.is_dir():
            files = [p for p in path.rglob(f"*{LABELLED_SUFFIX}") if p.is_file()]
            if not files:
                raise InputError(f"the directory holds no *{LABELLED_SUFFIX} labelled page", display_path(text))
            found.update(files)
        elif path.exists():
            found.add(path)  # a FIFO or device is refused, with its kind, when read
        elif glob.has_magic(text):
            matches = [Path(m) for m in glob.glob(text, recursive=True)]
            files = [m for m in matches if m.is_file()]
            for directory in (m for m in matches if m.is_dir()):
                files.extend(p for p in directory.rglob(f"*{LABELLED_SUFFIX}") if p.is_file())
            if not files:
                raise InputError("the pattern matches no file", display_path(text))
            found.update(files)
        else:
            raise InputError("no such file or directory", display_path(text))
    return sorted(found)


def read_labelled_pages(specs: Iterable[str | Path]) -> list[LabelledPage]:
    """Read every labelled page that ``specs`` name (see :func:`find_labelled_files`)."""
    files = find_labelled_files(specs)
    if not files:
        raise UsageError("no labelled pages (*.tsv) found")
    return [read_labelled(path) for path in files]


def group_key(name: str) -> str:
    """The group of a page: its file name without folder, extension and twin suffix."""
    stem = Path(name).name
    if stem.endswith(LABELLED_SUFFIX):
        stem = stem[: -len(LABELLED_SUFFIX)]
    return _TWIN_SUFFIX.sub("", stem)


def group_labels(pages: Sequence[LabelledPage]) -> list[str]:
    """The group key of each page, for scikit-learn's group splitters."""
    return [group_key(page.name) for page in pages]


def holdout_split(groups: Sequence[str], fraction: float, seed: int = 0) -> tuple[list[int], list[int]]:
    """Split indices into (train, test), whole groups at a time, about ``fraction`` of groups tested.

    Parameters
    ----------
    groups : sequence of str
        The group of each item.
    fraction : float
        Share of groups to hold out, strictly between 0 and 1.
    seed : int
        Seed of the shuffle; the same seed gives the same split.
    """
    if not 0 < fraction < 1:
        raise UsageError(f"the held-out fraction must be between 0 and 1, not {fraction}")
    unique = sorted(set(groups))
    if len(unique) < 2:
        raise UsageError("a held-out split needs pages of at least two different groups")
    rng = np.random.default_rng(seed)
    order = [unique[i] for i in rng.permutation(len(unique))]
    n_test = min(len(unique) - 1, max(1, round(fraction * len(unique))))
    test_groups = set(order[:n_test])
    train = [i for i, g in enumerate(groups) if g not in test_groups]
    test = [i for i, g in enumerate(groups) if g in test_groups]
    return train, test
