"""Where predict spends its time: milliseconds per page of each stage of ``Segmenter.predict``, in one process.

Usage (from the repository root)::

    .venv/bin/python bench/profile.py FOLDER [--pages N] [--json REPORT] [--markdown FILE]
    PYTHONPATH=/path/to/older/checkout .venv/bin/python bench/profile.py FOLDER   # profile other code

The bundled model (of the code profiled) splits the ``*.txt`` pages under FOLDER (sorted, searched
recursively; the first N with ``--pages``), read beforehand.  Each stage of :data:`STAGES` (a
module path and a function, or ``Class.method``) is wrapped by a timer wherever it is looked up:
the class attribute of a method; for a function, every module attribute that is the same
function object, so ``from X import f`` is covered too.  A name that the code profiled lacks, or
whose module predict never imports, is skipped (and listed), so the same script profiles an
older checkout.

Times are inclusive and nested by call: a stage's row sits, indented, under the stage it was
called from (a function called from two stages has a row under each; a stage called from
itself is timed once, at the outermost call).  The first figure is the whole of
``Segmenter.predict``.  A two-line warm-up page is split before the timers are installed, so that
loading jieba's dictionary and the lazy imports are not counted.  The timers cost a little
themselves; their estimated cost is printed below the table.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's ``profile`` module: keep its folder off the
# import path, so that ``import profile`` anywhere (cProfile does) finds the standard one.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import datetime  # noqa: E402
import functools  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shlex  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from typing import Any  # noqa: E402

STAGES = (
    "newsseg.segmenter.Segmenter.predict",
    "newsseg.features.page_features",
    "newsseg.features.page_attributes",
    "newsseg.features.own_line_features",
    "newsseg.features.layout.layout_features",
    "newsseg.features.cue_features",
    "newsseg.features.cues.line_cues",
    "newsseg.features.byline_distance",
    "newsseg.features.structure.structure_features",
    "newsseg.features.structure.headline_blocks",
    "newsseg.features.lexical.lexical_features",
    "newsseg.features.lexical.tagged_words",
    "jieba.lcut",
    "jieba.posseg.lcut",
    "newsseg.features.lexical.cohesion_scores",
    "newsseg.features.lexical.repeat_shares",
    "newsseg.features.lexical.continuity",
    "newsseg.features.lexical.joins_into_word",
    "newsseg.features.lexical.block_cohesion_features",
    "newsseg.features.lexical.char_bigrams",
    "newsseg.features.context.add_context",
    "newsseg.features.context.line_attributes",
    "newsseg.model.crf.LineCRF.start_probabilities",
    "newsseg.model.crf.LineCRF.tag_with_marginal_matrix",
    "newsseg.model.weights.CRFWeights.state_scores",
    "newsseg.model.weights.CRFWeights.attribute_scores",
    "newsseg.model.weights.CRFWeights.viterbi",
    "newsseg.model.weights.CRFWeights.log_partition_and_marginals",
    "newsseg.model.decode.repair_tags",
    "newsseg.model.decode.spread_tags",
    "newsseg.assembly.model.Assembler.assign",
    "newsseg.headlines.model.HeadlineReader.read",
    "newsseg.articles.records.build_articles",
)
"""The stages timed.  ``tagged_words`` is the tagger of both codes: up to 500f4ba it called
``jieba.posseg.lcut``; from 6d63942 on, ``jieba.lcut`` with the dictionary's tags."""

ROOT_STAGE = STAGES[0]
WARM_UP = ("人民日报社论", "本报北京五月一日电 记者王明报道：今天上午，首都各界群众在天安门广场集会。")


class StageTimers:
    """Inclusive wall time and calls of wrapped functions, keyed by the chain of stages they were called in.

    Attributes
    ----------
    totals : dict of tuple of str to list
        Per call chain (outermost stage first), ``[seconds, calls, order of first call]``.
    """

    def __init__(self) -> None:
        self.totals: dict[tuple[str, ...], list] = {}
        self._stack: list[tuple[str, ...]] = [()]

    def wrap(self, name: str, function: Callable) -> Callable:
        """A function that calls ``function`` and adds its time to the stage ``name`` of the current chain."""
        stack, totals, clock = self._stack, self.totals, time.perf_counter

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            parent = stack[-1]
            if name in parent:
                return function(*args, **kwargs)
            key = (*parent, name)
            stack.append(key)
            started = clock()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = clock() - started
                stack.pop()
                entry = totals.get(key)
                if entry is None:
                    totals[key] = [elapsed, 1, len(totals)]
                else:
                    entry[0] += elapsed
                    entry[1] += 1

        for attribute in ("cache_info", "cache_clear"):  # functools.lru_cache's, if wrapped
            if hasattr(function, attribute):
                setattr(timed, attribute, getattr(function, attribute))
        return timed


def resolve(name: str) -> tuple[Any, str, Any] | str:
    """``(owner, attribute, function)`` for a dotted stage name, or why it is skipped.

    The owner is a module or a class; only modules already imported count (a module that
    predict never imports is not in its path).
    """
    parts = name.split(".")
    for split in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:split])
        module = sys.modules.get(module_name)
        if module is None:
            try:
                exists = importlib.util.find_spec(module_name) is not None
            except (ImportError, ValueError):
                exists = False
            if exists:
                return "its module is not imported by predict"
            continue
        owner: Any = module
        for part in parts[split:-1]:
            owner = getattr(owner, part, None)
            if owner is None:
                return "not in this code"
        function = owner.__dict__.get(parts[-1]) if isinstance(owner, type) else getattr(owner, parts[-1], None)
        if function is None:
            return "not in this code"
        if not callable(function):
            return f"not a plain function ({type(function).__name__})"
        return owner, parts[-1], function
    return "its module is not imported by predict"


def install(timers: StageTimers, names: Sequence[str]) -> dict[str, str]:
    """Wrap every stage that resolves; returns the skipped ones with the reason."""
    skipped = {}
    modules = [module for module in list(sys.modules.values()) if module is not None]
    for name in names:
        found = resolve(name)
        if isinstance(found, str):
            skipped[name] = found
            continue
        owner, attribute, function = found
        timed = timers.wrap(name, function)
        if isinstance(owner, type):
            setattr(owner, attribute, timed)
            continue
        for module in modules:
            namespace = getattr(module, "__dict__", None)
            if not isinstance(namespace, dict):
                continue
            for key, value in list(namespace.items()):
                if value is function:
                    setattr(module, key, timed)
    return skipped


def timer_cost_seconds(repeats: int = 200_000) -> float:
    """The estimated extra seconds one timed call costs, from a wrapped and a bare no-op."""

    def nothing() -> None:
        return None

    timed = StageTimers().wrap("nothing", nothing)
    best = []
    for function in (nothing, timed):
        started = time.perf_counter()
        for _ in range(repeats):
            function()
        best.append(time.perf_counter() - started)
    return max(0.0, (best[1] - best[0]) / repeats)


def stage_label(name: str) -> str:
    """How a stage is named in the table."""
    if name == ROOT_STAGE:
        return "total predict"
    return name.removeprefix("newsseg.")


def code_revision(package: Path) -> str:
    """``git describe`` of the checkout the profiled newsseg package lies in."""
    try:
        return subprocess.run(
            ["git", "-C", str(package), "describe", "--always", "--dirty", "--abbrev=7"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def profile(folder: Path, pages: int = 0) -> dict:
    """Profile ``Segmenter.predict`` over the pages of a folder; a JSON-ready report with a Markdown table.

    Parameters
    ----------
    folder : Path
        Where the ``*.txt`` pages lie (searched recursively, sorted).
    pages : int
        How many of them (0: all).

    Returns
    -------
    dict
        Pages, lines, the code profiled, the stages (call chain, seconds, calls, ms/page, share
        of the total), the skipped stage names and the table.
    """
    import newsseg
    from newsseg.io.page import Page, read_page
    from newsseg.io.tables import markdown_table
    from newsseg.segmenter import Segmenter

    paths = sorted(folder.rglob("*.txt"))
    if pages:
        paths = paths[:pages]
    if not paths:
        raise SystemExit(f"no *.txt pages under {folder}")
    loaded = [read_page(path) for path in paths]
    segmenter = Segmenter.load()
    segmenter.predict(Page.from_lines(WARM_UP, "warm-up"))
    timers = StageTimers()
    skipped = install(timers, STAGES)
    if ROOT_STAGE in skipped:
        raise SystemExit(f"cannot time {ROOT_STAGE}: {skipped[ROOT_STAGE]}")
    started = time.perf_counter()
    for page in loaded:
        segmenter.predict(page)
    wall = time.perf_counter() - started

    total = timers.totals[(ROOT_STAGE,)][0]
    calls = sum(entry[1] for entry in timers.totals.values())
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for key in sorted(timers.totals, key=lambda chain: timers.totals[chain][2]):
        children.setdefault(key[:-1], []).append(key)
    stages, rows = [], []

    def visit(key: tuple[str, ...]) -> None:
        seconds, count, _ = timers.totals[key]
        stage = {
            "stage": key[-1],
            "chain": list(key),
            "depth": len(key) - 1,
            "seconds": seconds,
            "calls": count,
            "ms_per_page": seconds / len(loaded) * 1000,
            "share": seconds / total,
        }
        stages.append(stage)
        label = "· " * stage["depth"] + stage_label(key[-1])
        rows.append([label, f"{stage['ms_per_page']:.2f}", f"{stage['share']:.1%}"])
        for child in children.get(key, []):
            visit(child)

    for root in children.get((), []):
        visit(root)
    cost = timer_cost_seconds()
    package = Path(newsseg.__file__).resolve().parent
    return {
        "pages": len(loaded),
        "lines": sum(len(page.lines) for page in loaded),
        "content_lines": sum(len(page.content_indices) for page in loaded),
        "code": str(package),
        "revision": code_revision(package),
        "newsseg_version": getattr(newsseg, "__version__", "?"),
        "seconds": wall,
        "ms_per_page": total / len(loaded) * 1000,
        "timed_calls": calls,
        "timer_cost_ms_per_page": cost * calls / len(loaded) * 1000,
        "skipped": skipped,
        "stages": stages,
        "table": markdown_table(["stage", "ms/page", "share of total"], rows),
    }


def markdown_report(report: dict, command: str, note: str = "") -> str:
    """A self-describing Markdown file of one profile: what was profiled, how (and ``note``), and the table."""
    skipped = ", ".join(f"`{name}`" for name in report["skipped"]) or "none"
    return "\n".join(
        [
            f"# Where the time goes in predict, at {report['revision']}",
            "",
            f"Measured with `{command}` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC} "
            f"(load average {' '.join(f'{load:.2f}' for load in os.getloadavg())} at the end): code at "
            f"{report['revision']} (newsseg {report['newsseg_version']}, its bundled model), "
            f"{report['pages']:,} pages ({report['lines']:,} lines, {report['content_lines']:,} non-blank). "
            f"{report['ms_per_page']:.1f} ms per page in all; inclusive times, nested by call; the "
            f"{report['timed_calls']:,} timed calls cost about {report['timer_cost_ms_per_page']:.2f} ms per "
            f"page themselves. Stages not in this code: {skipped}." + (f" {note}" if note else ""),
            "",
            report["table"],
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Profile, print the table, and write the JSON report or the Markdown file if asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder of *.txt pages (searched recursively)")
    parser.add_argument("--pages", type=int, default=0, help="profile the first N pages only (0: all); default 0")
    parser.add_argument("--json", type=Path, help="write the report as JSON to this file")
    parser.add_argument("--markdown", type=Path, help="write the table and what was measured to this Markdown file")
    parser.add_argument("--note", default="", help="a sentence added to the Markdown file's description")
    args = parser.parse_args(argv)
    report = profile(args.folder, args.pages)
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.markdown is not None:
        options = list(sys.argv[1:] if argv is None else argv)
        if "--note" in options:  # the note is in the description itself
            del options[options.index("--note") : options.index("--note") + 2]
        prefix = f"PYTHONPATH={os.environ['PYTHONPATH']} " if os.environ.get("PYTHONPATH") else ""
        command = f"{prefix}python bench/profile.py {shlex.join(options)}"
        args.markdown.write_text(markdown_report(report, command, args.note), encoding="utf-8")
    print(report["table"])
    print(
        f"\n{report['pages']} pages, {report['ms_per_page']:.1f} ms/page; timer cost ≈ "
        f"{report['timer_cost_ms_per_page']:.2f} ms/page; skipped: {', '.join(report['skipped']) or 'none'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
