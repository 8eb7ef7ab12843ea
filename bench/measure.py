"""Measure one newsseg run from inside a fresh process, for bench/run.py; prints one JSON object.

Two modes::

    python bench/measure.py REPORT speed SYSTEM FOLDER   # import, model load, first page, other pages
    python bench/measure.py REPORT cli ARG...             # run `newsseg ARG...` in this process

The JSON object is written to the file REPORT, so that the run's own output is left alone.

Peak memory is the process's own high-water resident set (``VmHWM`` of ``/proc/self/status``),
which starts afresh at ``exec``; ``getrusage``'s ``ru_maxrss`` would carry over the size of the
(large) benchmark process that forked this one.  Elsewhere than Linux it falls back to
``ru_maxrss``.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def peak_mib() -> float:
    """The peak resident memory of this process so far, in MiB."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def cli(arguments: list[str]) -> dict:
    """Run the newsseg command in this process; its exit code and this process's peak memory."""
    from newsseg.cli import app

    try:
        app(arguments, prog_name="newsseg")
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    return {"exit_code": code, "seconds": time.perf_counter() - STARTED, "peak_mib": peak_mib()}


def main() -> int:
    report, mode, *rest = sys.argv[1:]
    result = speed(*rest) if mode == "speed" else cli(rest)
    Path(report).write_text(json.dumps(result) + "\n", encoding="utf-8")
    return 0 if result.get("exit_code", 0) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
