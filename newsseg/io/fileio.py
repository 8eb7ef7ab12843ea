"""Files in and out: reading with one-line errors, and writing so that nothing is ever half-written.

Reading (:func:`read_file_bytes`) accepts regular files only, never blocks on a FIFO or device,
bounds the bytes read, and turns every ``OSError`` into one line naming the file, shown by
:func:`display_path` (file names of any bytes are printable).

Writing (:func:`atomic_writer`) goes through a temporary file renamed over the target, so a
file is either its old self or wholly new; write errors become one-line :class:`OutputError`
messages, and temporary files of killed runs are cleared by the next write into their folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from newsseg.errors import NewssegError, OutputError, UsageError

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


TEMP_SUFFIX = ".tmp"
"""Suffix of the temporary files :func:`atomic_writer` writes beside their target."""

_TEMP_NAME = re.compile(r"^\..+\.newsseg-(\d+)-[A-Za-z0-9_]+\.tmp$")

_WRITE_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.EISDIR: "is a directory",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EFBIG: "the file is too large for the file system",
}

_cleaned_folders: set[str] = set()


def write_reason(os_error: OSError) -> str:
    """An ``OSError`` met while writing, in words: ``no space left on the device`` ..."""
    return _WRITE_REASONS.get(os_error.errno or 0, f"cannot be written ({os_error.strerror or os_error})")


def temp_name_pid(name: str) -> int | None:
    """The process id in the name of one of :func:`atomic_writer`'s temporary files, else None."""
    match = _TEMP_NAME.match(name)
    return int(match.group(1)) if match else None


def _process_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temp_files(folder: str | Path) -> list[str]:
    """Remove the temporary files a killed newsseg process left in ``folder``.

    A temporary file of :func:`atomic_writer` carries its writer's process id; it is stale when
    that process no longer runs.  Only regular files of this user whose process is gone are
    removed, so another run writing into the same folder is left alone.

    Returns
    -------
    list of str
        The names removed.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        pid = temp_name_pid(entry.name)
        if pid is None or pid == os.getpid() or _process_is_alive(pid):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
                os.unlink(entry.path)
                removed.append(entry.name)
    return removed


@contextlib.contextmanager
def atomic_writer(
    path: str | Path, mode: str = "w", before_replace: Callable[[str], None] | None = None
) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    The temporary file is named ``.NAME.newsseg-PID-RANDOM.tmp``; it is removed if the block
    raises (``KeyboardInterrupt`` and the CLI's SIGTERM exception included), and the first write
    into a folder removes the ones a killed process left there (:func:`remove_stale_temp_files`).

    Parameters
    ----------
    path : str or Path
        The file to (re)write.
    mode : {"w", "wb"}
        Text (UTF-8, LF line ends) or binary.
    before_replace : callable, optional
        Called with the temporary file's path once it is complete and synced, just before the
        rename (the output guard records the file in its ledger there).

    Yields
    ------
    file object
        Write the whole content to it.  If the block raises, the temporary file is removed and
        ``path`` is left as it was.

    Raises
    ------
    UsageError
        If the folder of ``path`` does not exist.
    OutputError
        If the file system refuses (permission, read-only, full ...): ``PATH: reason``.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError("the output folder does not exist", display_path(directory))
    folder_key = os.path.abspath(directory)
    if folder_key not in _cleaned_folders:
        _cleaned_folders.add(folder_key)
        remove_stale_temp_files(directory)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.newsseg-{os.getpid()}-", suffix=TEMP_SUFFIX, dir=directory
        )
    except OSError as os_error:
        raise OutputError(write_reason(os_error), display_path(target)) from None
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
        if before_replace is not None:
            before_replace(tmp_name)
        os.replace(tmp_name, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(error, OSError):
            raise OutputError(write_reason(error), display_path(target)) from None
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write a whole text file atomically (UTF-8, LF line ends)."""
    with atomic_writer(path) as handle:
        handle.write(text)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write a whole binary file atomically."""
    with atomic_writer(path, "wb") as handle:
        handle.write(data)
