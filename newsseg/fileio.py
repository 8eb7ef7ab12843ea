"""Writing files so that nothing is ever half-written: a temporary file, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from newsseg.errors import UsageError


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    Parameters
    ----------
    path : str or Path
        The file to (re)write.
    mode : {"w", "wb"}
        Text (UTF-8, LF line ends) or binary.

    Yields
    ------
    file object
        Write the whole content to it.  If the block raises, the temporary file is removed and
        ``path`` is left as it was.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError("the output folder does not exist", str(directory))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        if "b" in mode:
            handle: IO = os.fdopen(fd, mode)
        else:
            handle = os.fdopen(fd, mode, encoding="utf-8", newline="\n")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write a whole text file atomically (UTF-8, LF line ends)."""
    with atomic_writer(path) as handle:
        handle.write(text)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write a whole binary file atomically."""
    with atomic_writer(path, "wb") as handle:
        handle.write(data)
