"""Measure one newsseg run from inside a fresh process, for bench/run.py; prints one JSON object.

Four modes::

    python bench/measure.py REPORT speed SYSTEM FOLDER         # import, model load, first page, other pages
    python bench/measure.py REPORT cli ARG...                  # run `newsseg ARG...` in this process
    python bench/measure.py REPORT jieba FOLDER                # jieba.lcut over every line of the pages
    python bench/measure.py REPORT scale WARMUP LONG PAGE...   # each page alone (median), then a long page

The JSON object is written to the file REPORT, so that the run's own output is left alone.

Peak memory is the process's own high-water resident set (``VmHWM`` of ``/proc/self/status``),
which starts afresh at ``exec``; ``getrusage``'s ``ru_maxrss`` would carry over the size of the
(large) benchmark process that forked this one.  Elsewhere than Linux it falls back to
``ru_maxrss``.

In ``cli`` mode the children (the worker processes of ``-j N`` or ``--jobs N``) are measured
twice, after they have ended: ``getrusage(RUSAGE_CHILDREN).ru_maxrss``, the largest of the
children's peaks (not their sum) — which on Linux counts, for each child, the process image it
was started from until its ``exec`` (so at least this process's size when it started the
worker) — and, sampled every 0.2 s while they run, the largest ``VmHWM`` any descendant showed
(its own peak only; growth in its last 0.2 s can be missed).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402


def status_peak_mib(status: Path) -> float | None:
    """The ``VmHWM`` of a ``/proc/PID/status`` file in MiB; None if it cannot be read."""
    try:
        for line in status.read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def peak_mib() -> float:
    """The peak resident memory of this process so far, in MiB."""
    own = status_peak_mib(Path("/proc/self/status"))
    return own if own is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_rusage_mib() -> float:
    """``ru_maxrss`` of the ended and waited-for children: the largest child's peak, in MiB (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


class DescendantPeaks:
    """Sample the ``VmHWM`` of every descendant process while a run goes on (Linux only).

    Parameters
    ----------
    interval : float
        Seconds between samples.

    Attributes
    ----------
    peaks : dict of int to float
        Per descendant's process id, the largest ``VmHWM`` seen, in MiB.
    """

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, daemon=True)

    def __enter__(self) -> DescendantPeaks:
        if Path("/proc/self/task").is_dir():
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    @staticmethod
    def descendants(pid: int) -> list[int]:
        """The process ids of the children of ``pid``, their children and so on (``/proc/PID/task/*/children``)."""
        found, todo = [], [pid]
        while todo:
            parent = todo.pop()
            try:
                tasks = list(Path(f"/proc/{parent}/task").iterdir())
            except OSError:
                continue
            for task in tasks:
                try:
                    children = [int(child) for child in (task / "children").read_text().split()]
                except (OSError, ValueError):
                    continue
                found += children
                todo += children
        return found

    def sample(self) -> None:
        """Read the ``VmHWM`` of every descendant now."""
        for pid in self.descendants(os.getpid()):
            peak = status_peak_mib(Path(f"/proc/{pid}/status"))
            if peak is not None:
                self.peaks[pid] = max(peak, self.peaks.get(pid, 0.0))

    def _sample_until_stopped(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    @property
    def largest_mib(self) -> float:
        """The largest peak of any one descendant seen (0 if none was)."""
        return max(self.peaks.values(), default=0.0)


def speed(system: str, folder: str) -> dict:
    """Time predict over every ``*.txt`` page of a folder: the first page apart, then the others."""
    from newsseg.articles.records import build_articles
    from newsseg.evaluation.baselines import RulesTagger
    from newsseg.io.page import Page, read_page
    from newsseg.segmenter import Segmenter

    import_seconds = time.perf_counter() - STARTED
    started = time.perf_counter()
    if system == "crf":
        segmenter = Segmenter.load()

        def predict(page: Page) -> int:
            return len(segmenter.predict(page).articles)

    elif system == "rules":
        rules = RulesTagger()

        def predict(page: Page) -> int:
            return len(build_articles(page, rules.tag(page)).articles)

    else:
        raise SystemExit(f"unknown system {system!r}")
    load_seconds = time.perf_counter() - started
    pages = [read_page(path) for path in sorted(Path(folder).glob("*.txt"))]
    started = time.perf_counter()
    predict(pages[0])
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    articles = sum(predict(page) for page in pages[1:])
    seconds = time.perf_counter() - started
    return {
        "system": system,
        "import_seconds": import_seconds,
        "load_seconds": load_seconds,
        "first_page_seconds": first_seconds,
        "pages": len(pages) - 1,
        "lines": sum(len(page.lines) for page in pages[1:]),
        "articles": articles,
        "seconds": seconds,
        "peak_mib": peak_mib(),
    }


def _join_loky_workers() -> None:
    """End joblib's reusable worker processes, if any, so that ``RUSAGE_CHILDREN`` counts them."""
    loky = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(loky, "_executor", None)
    if executor is not None:
        executor.shutdown(wait=True)


def cli(arguments: list[str]) -> dict:
    """Run the newsseg command in this process; its exit code, this process's peak memory and its children's."""
    from newsseg.cli import app

    with DescendantPeaks() as descendants:
        try:
            app(arguments, prog_name="newsseg")
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        seconds = time.perf_counter() - STARTED
        _join_loky_workers()
    return {
        "exit_code": code,
        "seconds": seconds,
        "peak_mib": peak_mib(),
        "children_rusage_mib": children_rusage_mib(),
        "children_sampled_mib": descendants.largest_mib,
        "children_seen": len(descendants.peaks),
    }


def jieba_speed(folder: str) -> dict:
    """``jieba.lcut`` on every line of every ``*.txt`` page under a folder, after its dictionary is loaded.

    Only reading the files and the ``lcut`` calls are timed.
    """
    import jieba

    started = time.perf_counter()
    jieba.initialize()
    load_seconds = time.perf_counter() - started
    paths = sorted(Path(folder).rglob("*.txt"))
    started = time.perf_counter()
    lines = words = 0
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            words += len(jieba.lcut(line))
            lines += 1
    seconds = time.perf_counter() - started
    return {
        "pages": len(paths),
        "lines": lines,
        "words": words,
        "load_seconds": load_seconds,
        "seconds": seconds,
        "peak_mib": peak_mib(),
    }


def scale(warmup: str, long_page: str, *pages: str) -> dict:
    """Predict a warm-up page (loads jieba), then time each of ``pages`` once, then the long page once."""
    import statistics

    from newsseg.io.page import read_page
    from newsseg.segmenter import Segmenter

    segmenter = Segmenter.load()
    segmenter.predict(read_page(warmup))

    def timed(path: str) -> tuple[dict, float]:
        loaded = read_page(path)
        started = time.perf_counter()
        articles = len(segmenter.predict(loaded).articles)
        seconds = time.perf_counter() - started
        return {"lines": len(loaded.lines), "content_lines": len(loaded.content_indices), "articles": articles}, seconds

    singles = [timed(path) for path in pages]
    page = dict(singles[0][0])
    page["all_seconds"] = [seconds for _, seconds in singles]
    page["seconds"] = statistics.median(page["all_seconds"])
    long_info, long_seconds = timed(long_page)
    return {"page": page, "long": {**long_info, "seconds": long_seconds}, "peak_mib": peak_mib()}


def main() -> int:
    report, mode, *rest = sys.argv[1:]
    modes = {"speed": speed, "jieba": jieba_speed, "scale": scale}
    result = modes[mode](*rest) if mode in modes else cli(rest)
    Path(report).write_text(json.dumps(result) + "\n", encoding="utf-8")
    return 0 if result.get("exit_code", 0) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
