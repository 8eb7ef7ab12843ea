"""Files in and out: reading with one-line errors, and writing so that nothing is ever half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from newsseg.errors import NewssegError, UsageError


def read_file_bytes(
    path: str | Path, error: type[NewssegError], noun: str = "file", max_bytes: int | None = None
) -> bytes:
    """Read a whole file, turning the usual failures into one-line errors naming it.

    Parameters
    ----------
    path : str or Path
        The file.
    error : NewssegError subclass
        The kind of error to raise (InputError for pages, ModelFileError for models ...).
    noun : str
        What the file should be, for messages: ``no such model file``, ``is a directory, not a
        model file``.
    max_bytes : int, optional
        Refuse larger files before reading them.
    """
    name = str(path)
    file_path = Path(path)
    try:
        if file_path.is_dir():
            raise error(f"is a directory, not a {noun}", name)
        if max_bytes is not None and (size := file_path.stat().st_size) > max_bytes:
            raise error(f"the file is {size:,} bytes; at most {max_bytes:,} are accepted", name)
        return file_path.read_bytes()
    except FileNotFoundError:
        raise error(f"no such {noun}", name) from None
    except PermissionError:
        raise error("permission denied", name) from None
    except OSError as os_error:
        raise error(f"cannot be read ({os_error.strerror or os_error})", name) from None


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
