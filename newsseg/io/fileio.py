"""Files in and out: reading with one-line errors, and writing so that nothing is ever half-written.

Reading (:func:`read_file_bytes`) accepts regular files only, never blocks on a FIFO or device,
bounds the bytes read, and turns every ``OSError`` into one line naming the file, shown by
:func:`display_path` (file names of any bytes are printable).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from newsseg.errors import NewssegError, UsageError

_CONTROL_IN_NAME = re.compile(r"[\x00-\x1f\x7f]")

_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def display_path(path: str | os.PathLike) -> str:
    """A file name as it can be shown in a message or written in an output record.

    Bytes of the name that are not UTF-8 (which :func:`os.fsdecode` turns into lone surrogates
    such as ``'\\udcff'``) become backslash escapes (``\\xff``), and control characters
    (a line break in a name) become ``\\n``-style escapes, so the result is valid UTF-8 on one
    line.  Names that are valid UTF-8 without control characters are returned unchanged.

    Parameters
    ----------
    path : str or os.PathLike
        A file name, as given on the command line or found in a directory.

    Returns
    -------
    str
        The printable name.
    """
    name = os.fsencode(path).decode("utf-8", "backslashreplace")
    return _CONTROL_IN_NAME.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), name)


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words: ``a directory``, ``a FIFO`` ..."""
    return next((kind for test, kind in _FILE_KINDS if test(mode)), "not a regular file")


def read_file_bytes(
    path: str | os.PathLike, error: type[NewssegError], noun: str = "file", max_bytes: int | None = None
) -> bytes:
    """Read a whole regular file, turning every failure into a one-line error naming it.

    The file is opened without blocking and checked on the opened descriptor, so a FIFO with no
    writer, a device (``/dev/zero``) or a socket is refused at once rather than read forever.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    error : NewssegError subclass
        The kind of error to raise (InputError for pages, ModelFileError for models ...).
    noun : str
        What the file should be, for messages: ``no such model file``, ``is a directory, not a
        model file``.
    max_bytes : int, optional
        Refuse larger files: checked on the opened file's size before reading, and again while
        reading (at most ``max_bytes + 1`` bytes are read), so a file that grows is bounded too.

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    NewssegError
        Of type ``error``, ``PATH: message``, with the path shown by :func:`display_path`.
    """
    name = display_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"no such {noun}", name) from None
    except ValueError:
        raise error("the file name contains a NUL byte", name) from None
    except OSError as os_error:
        raise _open_error(path, name, os_error, error, noun) from None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                kind = file_kind(info.st_mode)
                if stat.S_ISDIR(info.st_mode):
                    raise error(f"is a directory, not a {noun}", name)
                raise error(f"is not a regular file ({kind}), not a {noun}", name)
            if max_bytes is not None and info.st_size > max_bytes:
                raise error(f"the file is {info.st_size:,} bytes; at most {max_bytes:,} are accepted", name)
            os.set_blocking(fd, True)
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except OSError as os_error:
        raise error(_os_reason(os_error), name) from None
    if max_bytes is not None and len(data) > max_bytes:
        raise error(f"the file grew past {max_bytes:,} bytes while read; at most {max_bytes:,} are accepted", name)
    return data


def _os_reason(os_error: OSError) -> str:
    if isinstance(os_error, PermissionError):
        return "permission denied"
    if isinstance(os_error, IsADirectoryError):
        return "is a directory"
    return f"cannot be read ({os_error.strerror or os_error})"


def _open_error(
    path: str | os.PathLike, name: str, os_error: OSError, error: type[NewssegError], noun: str
) -> NewssegError:
    """The error for a file that cannot be opened; a socket is named as one (open gives ENXIO)."""
    if os_error.errno == errno.ENXIO:
        with contextlib.suppress(OSError, ValueError):
            mode = os.stat(path).st_mode
            if not stat.S_ISREG(mode):
                return error(f"is not a regular file ({file_kind(mode)}), not a {noun}", name)
    return error(_os_reason(os_error), name)


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
