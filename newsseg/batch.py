"""Batches of pages: read, split and flag each page, in order, in this process or in workers.

:func:`predict_many` is the one engine behind ``newsseg predict``, ``review``, ``suggest`` and
:meth:`Segmenter.predict_many <newsseg.segmenter.Segmenter.predict_many>`.  Each page gives a
:class:`PageOutcome`: its result, or the one-line error that made it unreadable, and the
warnings raised while reading it.  With ``n_jobs > 1`` the pages are spread over worker
processes (each loads the segmenter once); with ``client`` they go to the workers of a Dask
cluster (``distributed``), which read the pages where they are (a shared file system).  Either
way the model travels as the bytes of its model file and each worker loads it with the same
validation as :meth:`Segmenter.load <newsseg.segmenter.Segmenter.load>`; outcomes come back in
the order of the paths, so the output of a batch is the same, byte for byte, wherever it ran.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsseg.articles.records import DEFAULT_REVIEW_THRESHOLD, PageResult
from newsseg.errors import InputWarning, NewssegError, UsageError
from newsseg.io.labels import looks_labelled
from newsseg.io.page import check_encoding, read_page

if TYPE_CHECKING:
    from newsseg.segmenter import Segmenter

LABELLED_PAGE_WARNING = (
    "looks like a labelled page (TAG<TAB>TEXT); its tags are read as page text "
    "(to score a model on labelled pages, use newsseg evaluate)"
)


@dataclass
class PageOutcome:
    """What became of one page of a batch.

    Attributes
    ----------
    position : int
        The page's index in the batch's paths.
    path : str
        The path as given (``-`` for standard input).
    result : PageResult or None
        The articles, flagged for review; None when the page could not be read.
    error : NewssegError or None
        Why the page could not be read (one line naming it), else None.
    warnings : list of str
        Warnings about the page (a long line split, a labelled page given as text), one line each.
    """

    position: int
    path: str
    result: PageResult | None = None
    error: NewssegError | None = None
    warnings: list[str] = field(default_factory=list)


def predict_one(
    segmenter: Segmenter,
    path: str,
    encoding: str | None = None,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    position: int = 0,
) -> PageOutcome:
    """Read one page file, split it into articles and flag those to review.

    Returns
    -------
    PageOutcome
        With ``result`` set, or ``error`` when the page cannot be read; never raises a
        :class:`~newsseg.errors.NewssegError`.
    """
    outcome = PageOutcome(position, path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            page = read_page(path, encoding)
            if looks_labelled(page):
                warnings.warn(InputWarning(LABELLED_PAGE_WARNING, page.name), stacklevel=1)
            outcome.result = segmenter.predict(page).flag_for_review(review_threshold)
        except NewssegError as error:
            outcome.error = error
    for warning in caught:
        if issubclass(warning.category, InputWarning):
            outcome.warnings.append(str(warning.message))
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return outcome


_worker: dict = {}
_segmenters: dict[str, Segmenter] = {}


def segmenter_from_bytes(model_bytes: bytes) -> Segmenter:
    """The segmenter of a model file's bytes, loaded once per process (keyed by their SHA-256)."""
    from newsseg.segmenter import Segmenter

    key = hashlib.sha256(model_bytes).hexdigest()
    if key not in _segmenters:
        _segmenters.clear()
        _segmenters[key] = Segmenter.from_bytes(model_bytes, f"model {key[:12]}")
    return _segmenters[key]


def _start_worker(model_bytes: bytes, encoding: str | None, review_threshold: float) -> None:
    # Ctrl-C reaches the whole process group; the parent alone decides, and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker.update(segmenter=segmenter_from_bytes(model_bytes), encoding=encoding, review_threshold=review_threshold)


def _work(item: tuple[int, str]) -> PageOutcome:
    position, path = item
    return predict_one(_worker["segmenter"], path, _worker["encoding"], _worker["review_threshold"], position)


def cluster_work(
    item: tuple[int, str], model_bytes: bytes, encoding: str | None, review_threshold: float
) -> PageOutcome:
    """One page on a Dask worker: the model is loaded from its bytes once per worker process."""
    position, path = item
    return predict_one(segmenter_from_bytes(model_bytes), path, encoding, review_threshold, position)


def predict_many(
    segmenter: Segmenter,
    paths: Iterable[str],
    n_jobs: int = 1,
    encoding: str | None = None,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    chunksize: int = 4,
    client: Any = None,
) -> Iterator[PageOutcome]:
    """Split many page files into articles, in order, in ``n_jobs`` processes or on a Dask cluster.

    Parameters
    ----------
    segmenter : Segmenter
        A trained segmenter; with workers, its model file's bytes go to each worker once.
    paths : iterable of str
        Page files (``-`` for standard input, read in this process only).
    n_jobs : int
        Worker processes; 1 works in this process.  Workers are started afresh (``spawn``),
        so the caller's threads and open files are never forked.
    encoding : str, optional
        The pages' encoding; detected per page when not given.
    review_threshold : float
        Articles whose start confidence is below this are flagged for review.
    chunksize : int
        Pages handed to a worker process at a time.
    client : distributed.Client or str, optional
        A Dask client, or the address of a scheduler (``tcp://host:8786``): the pages are
        split on its workers (``n_jobs`` is then ignored).  Needs the ``distributed`` package.

    Yields
    ------
    PageOutcome
        One per path, in the order of ``paths``.

    Raises
    ------
    UsageError
        If ``n_jobs`` is below 1, standard input is among the paths of a parallel run, or the
        cluster cannot be reached.
    InputError
        If ``encoding`` is not a text encoding (before any page is read).
    """
    if n_jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {n_jobs}")
    if encoding is not None:
        check_encoding(encoding)
    items = list(enumerate(paths))
    parallel = client is not None or (n_jobs > 1 and len(items) > 1)
    if not parallel:
        for position, path in items:
            yield predict_one(segmenter, path, encoding, review_threshold, position)
        return
    if any(path == "-" for _, path in items):
        raise UsageError("standard input (-) cannot be read by worker processes; use --jobs 1 without --cluster")
    if client is not None:
        yield from _predict_on_cluster(segmenter, items, client, encoding, review_threshold)
        return
    context = multiprocessing.get_context("spawn")
    workers = min(n_jobs, len(items))
    initargs = (segmenter.to_bytes(), encoding, review_threshold)
    with context.Pool(workers, _start_worker, initargs) as pool:
        yield from pool.imap(_work, items, chunksize=max(1, chunksize))


def connect(address: str, timeout: float = 10) -> Any:
    """A Dask client of the scheduler at ``address``; a one-line error when it cannot be had.

    Raises
    ------
    UsageError
        If ``distributed`` is not installed or the scheduler does not answer within ``timeout`` seconds.
    """
    try:
        from distributed import Client
    except ImportError:
        raise UsageError(
            "--cluster needs Dask's distributed package: pip install 'newsseg[dask]' (on the workers too)"
        ) from None
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise UsageError(f"cannot reach the Dask scheduler at {address} ({error})") from None


def _predict_on_cluster(
    segmenter: Segmenter, items: list[tuple[int, str]], client: Any, encoding: str | None, review_threshold: float
) -> Iterator[PageOutcome]:
    """The pages on a Dask cluster, at most a few per worker thread in flight, results in order."""
    own = isinstance(client, str)
    dask_client = connect(client) if own else client
    try:
        model = dask_client.scatter(segmenter.to_bytes(), broadcast=True, hash=True)
        threads = max(1, sum(dask_client.nthreads().values()))
        window = 4 * threads
        pending: collections.deque = collections.deque()
        queue = iter(items)
        for item in queue:
            pending.append(dask_client.submit(cluster_work, item, model, encoding, review_threshold, pure=False))
            if len(pending) >= window:
                break
        while pending:
            future = pending.popleft()
            outcome = future.result()
            future.release()
            for item in queue:
                pending.append(dask_client.submit(cluster_work, item, model, encoding, review_threshold, pure=False))
                break
            yield outcome
    finally:
        if own:
            dask_client.close()


@contextlib.contextmanager
def local_dask_cluster(folder: Path, workers: int = 2) -> Iterator[tuple[str, float]]:
    """A Dask scheduler on 127.0.0.1 and ``workers`` worker processes of one thread each.

    Started as README tells users to start a cluster (``dask scheduler`` and ``dask worker``
    processes, no dashboard), with their logs and scratch space in ``folder``: for the tests and
    ``make bench``.  Yields the scheduler's address and the seconds until every worker was
    ready, and stops them all on leaving.  Needs the ``dask`` extra.
    """
    import dask
    import distributed

    folder.mkdir(parents=True, exist_ok=True)
    scratch_env = {**os.environ, "DASK_TEMPORARY_DIRECTORY": str(folder)}  # not /tmp/dask-scratch-space
    scheduler_file = folder / "scheduler.json"
    dask_command = str(Path(sys.executable).with_name("dask"))
    started = time.perf_counter()
    processes: list[subprocess.Popen] = []
    quiet = ["--no-dashboard"]

    def start(arguments: list[str], log_name: str) -> None:
        with (folder / log_name).open("wb") as log_file:
            processes.append(
                subprocess.Popen(
                    [dask_command, *arguments], stdout=log_file, stderr=subprocess.STDOUT, cwd=folder, env=scratch_env
                )
            )

    try:
        start(
            ["scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(scheduler_file), *quiet],
            "scheduler.log",
        )
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
        for number in range(workers):
            scratch = ["--local-directory", str(folder / f"worker{number}"), "--name", f"worker{number}"]
            start(
                ["worker", address, "--nthreads", "1", "--host", "127.0.0.1", *quiet, *scratch], f"worker{number}.log"
            )
        with dask.config.set({"temporary-directory": str(folder)}), distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=90)
        yield address, time.perf_counter() - started
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
