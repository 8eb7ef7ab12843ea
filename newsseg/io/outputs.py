"""Where a command may write: never onto or into its inputs, never over a file it did not write.

A command that writes files makes one :class:`OutputGuard` from its inputs and checks every
target with it *before* any work (a refused ``-o`` costs nothing), then writes through it:

- a target that *is* an input (the same file, through any path or link) is refused;
- a target that the same arguments would read as an input next time (a ``*.txt`` result in
  a page folder given as input) is refused, and so is an output folder inside an input folder;
- an existing file is replaced only if newsseg wrote it: each folder newsseg writes into keeps
  a ledger, :data:`LEDGER_NAME`, of the files written there and their SHA-256; a file that is
  not in it, or was changed since, is refused unless ``force`` is given.

Per-page outputs mirror the input tree (:func:`mirrored_targets`), so ``x/page01.txt`` and
``y/page01.txt`` get two results.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from newsseg.errors import OutputError, UsageError
from newsseg.io.fileio import atomic_writer, display_path, write_reason
from newsseg.io.fingerprints import file_sha256

LEDGER_NAME = ".newsseg-outputs.jsonl"
"""The ledger of the files newsseg wrote into a folder: one JSON object per line,
``{"name": ..., "bytes": ..., "sha256": ...}``; the latest line of a name comes last."""

STDIN_NAME = "stdin"
"""The output name of the page read from standard input (``-``)."""


def read_ledger(folder: str | Path) -> dict[str, list[dict]]:
    """Every entry of a folder's ledger, by file name, oldest first; empty if there is none.

    Lines that are not ledger entries (a damaged ledger) are skipped: a file they would have
    vouched for is then simply not known as newsseg's, and is refused without ``force``.
    """
    entries: dict[str, list[dict]] = {}
    try:
        with open(Path(folder) / LEDGER_NAME, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                with contextlib.suppress(ValueError):
                    entry = json.loads(line)
                    if (
                        isinstance(entry, dict)
                        and isinstance(entry.get("name"), str)
                        and isinstance(entry.get("sha256"), str)
                        and isinstance(entry.get("bytes"), int)
                    ):
                        entries.setdefault(entry["name"], []).append(entry)
    except OSError:
        pass
    return entries


def written_by_newsseg(path: str | Path) -> bool:
    """Whether an existing file is, byte for byte, one newsseg wrote (per its folder's ledger)."""
    target = Path(path)
    recorded = read_ledger(target.parent).get(target.name, [])
    try:
        size = target.stat().st_size
    except OSError:
        return False
    candidates = {entry["sha256"] for entry in recorded if entry["bytes"] == size}
    if not candidates:
        return False
    try:
        return file_sha256(target) in candidates
    except OSError:
        return False


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class OutputGuard:
    """Checks and writes a command's outputs so that no input and no foreign file is lost.

    Parameters
    ----------
    input_files : iterable of str or Path
        The files the command reads (``-`` for standard input is ignored).
    input_folders : iterable of str or Path
        Folders given as inputs, whose files matching one of ``input_patterns`` the command reads.
    input_patterns : sequence of str
        File name patterns (``*.txt``; matched ignoring case) of the files read from ``input_folders``.
    force : bool
        Replace existing files newsseg did not write (never an input).
    """

    def __init__(
        self,
        input_files: Iterable[str | Path] = (),
        input_folders: Iterable[str | Path] = (),
        input_patterns: Sequence[str] = (),
        force: bool = False,
    ) -> None:
        self.force = force
        self.input_patterns = tuple(pattern.lower() for pattern in input_patterns)
        self.input_folders = [os.path.realpath(folder) for folder in input_folders]
        self._input_ids: set[tuple[int, int]] = set()
        for file in input_files:
            if str(file) == "-":
                continue
            with contextlib.suppress(OSError, ValueError):
                info = os.stat(file)
                self._input_ids.add((info.st_dev, info.st_ino))
        self._ledger_folders: set[str] = set()

    def is_input(self, path: str | Path) -> bool:
        """Whether ``path`` is one of the input files, or would be read as an input next time."""
        with contextlib.suppress(OSError, ValueError):
            info = os.stat(path)
            if (info.st_dev, info.st_ino) in self._input_ids:
                return True
        real = os.path.realpath(path)
        name = os.path.basename(real).lower()
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.input_patterns) and any(
            _inside(real, folder) for folder in self.input_folders
        )

    def check_folder(self, folder: str | Path) -> None:
        """Refuse an output folder that is, or is inside, an input folder.

        Raises
        ------
        OutputError
            ``FOLDER: is an input folder ...``.
        """
        real = os.path.realpath(folder)
        for input_folder in self.input_folders:
            if _inside(real, input_folder):
                what = "is an input folder" if real == input_folder else "is inside the input folder"
                extra = "" if real == input_folder else f" {display_path(input_folder)}"
                raise OutputError(f"{what}{extra}; write the results into a folder of their own", display_path(folder))

    def check(self, target: str | Path, new_folders: bool = False) -> None:
        """Refuse, before any work, a target that is an input or a file newsseg did not write.

        Parameters
        ----------
        target : str or Path
            The file to be written.
        new_folders : bool
            The target's folder may not exist yet (it is made before writing).

        Raises
        ------
        OutputError
            With the reason and what to do: another ``-o``, or ``--force``.
        UsageError
            If the target's folder does not exist.
        """
        path = Path(target)
        name = display_path(path)
        if path.name == LEDGER_NAME:
            raise OutputError("is the ledger of newsseg's outputs; choose another name", name)
        if self.is_input(path):
            raise OutputError("is one of the inputs; newsseg never writes over its inputs", name)
        folder = path.parent if str(path.parent) else Path(".")
        if not new_folders and not folder.is_dir():
            raise UsageError("the output folder does not exist", display_path(folder))
        if os.path.lexists(path):
            if path.is_dir():
                raise OutputError("is a directory, not a file to write", name)
            if not self.force and not written_by_newsseg(path):
                raise OutputError(
                    "exists and was not written by newsseg (or was changed since); "
                    "give --force to replace it, or another output",
                    name,
                )

    @contextlib.contextmanager
    def writer(
        self, target: str | Path, mode: str = "w", new_folders: bool = False, source: dict | None = None
    ) -> Iterator[IO]:
        """Check ``target``, write it atomically, and record it in its folder's ledger.

        With ``new_folders``, the target's missing folders are made first.  ``source`` (what
        the file was made from: input and model hashes) is kept in its ledger entry, for
        :meth:`is_up_to_date`.  The entry is written before the rename, so a file renamed into
        place is always known as newsseg's, even if the process is killed right after.

        Yields
        ------
        file object
            As :func:`~newsseg.io.fileio.atomic_writer`; the file appears, whole, when the block ends.
        """
        self.check(target, new_folders)
        path = Path(target)
        if new_folders:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as os_error:
                raise OutputError(write_reason(os_error), display_path(path.parent)) from None
        with atomic_writer(path, mode, before_replace=lambda temp: self.record(path, temp, source)) as handle:
            yield handle

    def write_text(self, target: str | Path, text: str, new_folders: bool = False, source: dict | None = None) -> None:
        """Write one whole text file through :meth:`writer`."""
        with self.writer(target, new_folders=new_folders, source=source) as handle:
            handle.write(text)

    def is_up_to_date(self, target: str | Path, source: dict) -> bool:
        """Whether ``target`` is a file newsseg wrote, unchanged since, from this same ``source``."""
        path = Path(target)
        try:
            size = path.stat().st_size
        except OSError:
            return False
        recorded = [
            entry
            for entry in read_ledger(path.parent).get(path.name, [])
            if entry.get("source") == source and entry["bytes"] == size
        ]
        if not recorded:
            return False
        try:
            return file_sha256(path) in {entry["sha256"] for entry in recorded}
        except OSError:
            return False

    def record(self, path: str | Path, content: str | Path | None = None, source: dict | None = None) -> None:
        """Add a file to its folder's ledger.

        Parameters
        ----------
        path : str or Path
            The file's final path.
        content : str or Path, optional
            Where its bytes are now (a temporary file about to be renamed to ``path``).
        source : dict, optional
            What it was made from, kept in the entry.
        """
        target = Path(path)
        folder = target.parent if str(target.parent) else Path(".")
        where = Path(content) if content is not None else target
        entry: dict = {"name": target.name, "bytes": where.stat().st_size, "sha256": file_sha256(where)}
        if source is not None:
            entry["source"] = source
        ledger = folder / LEDGER_NAME
        try:
            with open(ledger, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        except OSError as os_error:
            raise OutputError(write_reason(os_error), display_path(ledger)) from None
        self._ledger_folders.add(str(folder))

    def close(self) -> None:
        """Compact the ledgers written to: one entry per file that is still there as recorded."""
        for folder in sorted(self._ledger_folders):
            with contextlib.suppress(OSError, OutputError):
                compact_ledger(folder)
        self._ledger_folders.clear()

    def __enter__(self) -> OutputGuard:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def compact_ledger(folder: str | Path) -> None:
    """Rewrite a folder's ledger with one entry per file that newsseg wrote and is unchanged.

    Files newsseg wrote that have since been removed or changed are dropped from it (a changed
    file is no longer newsseg's to replace).
    """
    entries = read_ledger(folder)
    lines = sum(len(recorded) for recorded in entries.values())
    kept = []
    for name, recorded in sorted(entries.items()):
        path = Path(folder) / name
        if not path.is_file():
            continue
        if len(recorded) == 1 and recorded[0]["bytes"] == path.stat().st_size:
            kept.append(recorded[0])
            continue
        digest = file_sha256(path)
        match = [entry for entry in recorded if entry["sha256"] == digest]
        if match:
            kept.append(match[-1])
    if len(kept) == lines:
        return
    with atomic_writer(Path(folder) / LEDGER_NAME) as handle:
        handle.writelines(json.dumps(entry, ensure_ascii=False) + "\n" for entry in kept)


def mirrored_targets(files: Sequence[str], folder: str | Path, suffix: str) -> list[Path]:
    """One output path per input file under ``folder``, mirroring the inputs' tree.

    Paths are taken relative to the deepest folder holding every input, so a flat folder of
    pages gives flat results and ``x/page01.txt`` and ``y/page01.txt`` give ``x/page01.jsonl``
    and ``y/page01.jsonl``.  Standard input (``-``) is :data:`STDIN_NAME`.

    Parameters
    ----------
    files : sequence of str
        The input files, as they will be read.
    folder : str or Path
        The output folder.
    suffix : str
        The output suffix, replacing each input's (``.jsonl``).

    Returns
    -------
    list of Path
        In the order of ``files``.

    Raises
    ------
    UsageError
        If two inputs would still be written to the same path (``a.txt`` and ``a.md``).
    """
    absolute = [os.path.abspath(file) for file in files if file != "-"]
    common = os.path.commonpath([os.path.dirname(path) for path in absolute]) if absolute else ""
    targets: list[Path] = []
    seen: dict[Path, str] = {}
    for file in files:
        if file == "-":
            relative = Path(STDIN_NAME + suffix)
        else:
            relative = Path(os.path.relpath(os.path.abspath(file), common)).with_suffix(suffix)
        target = Path(folder) / relative
        if target in seen:
            raise UsageError(
                f"{display_path(seen[target])} and {display_path(file)} would both be written to "
                f"{display_path(target)}; give them in separate runs"
            )
        seen[target] = file
        targets.append(target)
    return targets
