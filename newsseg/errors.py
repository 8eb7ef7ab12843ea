"""Errors a user can cause, each with one message that names the file (and line).

The CLI prints ``str(error)`` on one line and exits non-zero; no traceback is shown for
any :class:`NewssegError`.
"""

from __future__ import annotations


class NewssegError(Exception):
    """Base class of every error caused by input, labels, model files or options.

    Parameters
    ----------
    message : str
        What is wrong, in words a user understands.
    path : str or None
        The file concerned, if any.
    line : int or None
        The 1-based line number in ``path``, if the problem is on one line.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return where + self.message

    def __reduce__(self) -> tuple:
        # Keep the path and line when an error comes back from a worker process.
        return (type(self), (self.message, self.path, self.line))


class InputError(NewssegError):
    """A page text that cannot be read: empty, binary, undecodable, too large."""


class LabelError(NewssegError):
    """A labelled page (TSV) that breaks the label format."""


class ModelFileError(NewssegError):
    """A model file that is corrupt, truncated, foreign or of a newer format."""


class CorpusError(NewssegError):
    """An article corpus (JSONL) line that is not valid JSON or lacks fields."""


class OutputError(NewssegError):
    """An output that cannot or must not be written: onto an input, over a file newsseg did not
    write, into a read-only or full file system."""


class UsageError(NewssegError):
    """Options or arguments that do not fit together."""


class InputWarning(UserWarning):
    """Something about an input that was read anyway, but the user should know (a line split).

    Issued with :func:`warnings.warn`; ``str(warning)`` is ``PATH:LINE: message`` like the
    errors, for the CLI to print on one line.

    Parameters
    ----------
    message : str
        What was done, in words a user understands.
    path : str or None
        The file concerned, if any.
    line : int or None
        The 1-based line number in ``path``, if the warning is about one line.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return where + self.message
