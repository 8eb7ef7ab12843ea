"""newsseg's benchmarks: quality of every system on held-out pages, speed of predict, cost of training.

One run on this machine prints, and writes to ``bench/RESULTS.md``:

1. **Quality on held-out pages.**  The labelled pages of ``data/pages`` are split once, whole page
   groups at a time (a page and its twins on one side; fraction 0.25, seed 0, the split of
   ``tests/test_quality.py``).  A CRF with the bundled model's settings and the line-classifier
   baseline are trained on the training side; they, the rules baseline and the bundled model
   are scored on the held-out pages (e-paper, zoned and raw-order OCR separately) and on the real
   page ``data/pages/real/zjgrrb-page.tsv``, which nothing is trained on.  The bundled model is
   scored only on pages its manifest shows it never saw (all of them, since ``make train`` trains
   its CRF on synthetic and 晶報 pages alone).
   Then (unless ``--cv 0``) a K-fold cross-validation of the CRF over all labelled pages gives
   mean ± std per kind of text.  Beside the bundled model, the table scores its CRF alone and its
   CRF with an assembly stage trained on the split's training pages.
1b. **The assembly stage** (``--only assembly``): K-fold cross-validation of the assembly stage
   behind the bundled CRF over all 240 labelled pages (every page scored once, by a stage that
   never saw it), against the CRF alone, and its cost per page beside ``Segmenter.predict``.
1c. **晶報 (Jing bao)** (``--only jingbao``): the bundled model (trained on the 晶報 folds of 14
   issues) on the folds of the 6 issues held out by date, in traditional and in simplified
   characters, beside the rules baseline; and predict's time per page in each script.
2. **Speed of predict** over N distinct pages (default 2,000; ``--speed-pages``) made from the 241
   labelled pages (copy 0 is the page, later copies have one Chinese character of every non-blank
   line replaced, so no line repeats): ``newsseg predict`` with ``-j 1``, ``-j 2`` and on a local
   Dask cluster (2 worker processes, started by the bench), against ``jieba.lcut`` over the same
   lines (wall time, pages/s, lines/s, peak memory; the outputs must be equal byte for byte);
   start-up (bare Python, importing ``newsseg.cli``, jieba's dictionary, one page end to end);
   one long page against 20 distinct copies of it as one page (linear time); in-process
   throughput of the CRF and of the rules baseline; and where predict spends its time
   (``bench/profile.py``), beside the same profile at 500f4ba (``bench/PROFILE-before.md``, measured
   once, not in the run).
3. **Cost of training** on 100 and 1,000 pages (``newsseg train`` in a fresh process: wall time
   and peak resident memory).  The 1,000 pages are the 240 labelled pages plus perturbed copies
   of them (articles shuffled within the page, 2 % of Chinese characters replaced).  Then what
   ``make train`` runs for the bundled model (``newsseg synth`` of 5,000 pages, ``newsseg train
   --jobs 2``; ``--bundled-pages``), into the working folder: time and peak memory of each step.

Usage (from the repository root)::

    .venv/bin/python bench/run.py            # everything
    .venv/bin/python bench/run.py --quick    # no cross-validation, no 1,000-page or bundled training, 300 speed pages
    .venv/bin/python bench/run.py --cv 0 --train-sizes 100 --output /tmp/results.md
    .venv/bin/python bench/run.py --only speed,training --speed-pages 60 --bundled-pages 100 --output /tmp/r.md
    .venv/bin/python bench/run.py --write-pages DIR --speed-pages 250   # the distinct pages only (for profile.py)
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from structure_eval import Tally
from structure_eval import evaluate as structure_tallies

from newsseg.batch import local_dask_cluster
from newsseg.evaluation.baselines import CRFTagger, LineClassifier, RulesTagger
from newsseg.evaluation.metrics import (
    BODY_FIRST,
    BOUNDARY_KIND_HEADINGS,
    CONTINUATION,
    HEADLINE_FIGURES,
    Report,
    kind_count_key,
    kind_recall_key,
)
from newsseg.evaluation.report import compare_systems, comparison_reports
from newsseg.evaluation.scoring import ALL
from newsseg.features import FeatureSettings
from newsseg.io.fileio import write_text_atomic
from newsseg.io.labels import LabelledPage, labelled_text
from newsseg.io.page import Page
from newsseg.io.tables import markdown_table
from newsseg.segmenter import Segmenter, source_kind
from newsseg.train.cv import cross_validate
from newsseg.train.dataset import group_labels, holdout_split, read_labelled_pages
from newsseg.train.trainer import pages_seen_in_training, shared_groups

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "data" / "pages"
LABELLED_DIRS = [PAGES / "epaper", PAGES / "ocr-zoned", PAGES / "ocr-raw"]
REAL_DIR = PAGES / "real"
HOLDOUT_FRACTION = 0.25
SEED = 0
JINGBAO_TRAINING_DIRS = [PAGES / "jingbao-trad", PAGES / "jingbao-simplified"]
JINGBAO_HELDOUT_DIRS = [PAGES / "jingbao-heldout-trad", PAGES / "jingbao-heldout-simplified"]
KINDS = ("epaper", "ocr-zoned", "ocr-raw", "real", "jingbao-trad", "jingbao-simplified")
PACKAGES = ("newsseg", "python-crfsuite", "scikit-learn", "jieba", "numpy", "joblib", "typer", "rich")


def log(message: str) -> None:
    """A progress line on standard error, with the time since the bench started."""
    print(f"[{time.perf_counter() - STARTED:6.0f} s] {message}", file=sys.stderr, flush=True)


STARTED = time.perf_counter()


# -- machine ----------------------------------------------------------------------------------


def machine_description() -> list[tuple[str, str]]:
    """CPU, cores, memory, OS, Python and package versions, and the code's git revision."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    try:
        revision = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        revision = "unknown"
    return [
        ("CPU", cpu),
        ("cores", f"{os.cpu_count()} ({usable} usable by this process)"),
        ("memory", memory),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("packages", ", ".join(versions)),
        ("code", f"git {revision}"),
        ("load average at start", " ".join(f"{load:.2f}" for load in os.getloadavg())),
        ("date", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]


# -- tables -----------------------------------------------------------------------------------


BOUNDARY_KINDS_SHOWN = (CONTINUATION, BODY_FIRST)
"""The kinds of boundary whose recall the quality tables show beside the headline figures."""

KIND_RECALL_HEADINGS = [f"{BOUNDARY_KIND_HEADINGS[kind]} R" for kind in BOUNDARY_KINDS_SHOWN]


def kind_recall_cell(recall: float | None, count: int) -> str:
    """A recall with the number of boundaries it is over, ``—`` where there is none: ``0.625 (8)``."""
    return f"{'—' if recall is None else f'{recall:.3f}'} ({count})"


def quality_table(results: dict[str, dict[str, Report]]) -> str:
    """Rows per kind of text and system (a system not scored on a kind has no row for it)."""
    header = ["text", "system", "pages", "boundaries", *(name for name, _ in HEADLINE_FIGURES), *KIND_RECALL_HEADINGS]
    rows = []
    for kind in KINDS:
        for system, reports in results.items():
            report = reports.get(kind)
            if report is None:
                continue
            s = report.summary()
            rows.append(
                [
                    kind,
                    system,
                    str(s["pages"]),
                    str(s["boundaries"]),
                    *(f"{s[key]:.3f}" for _, key in HEADLINE_FIGURES),
                    *(
                        kind_recall_cell(s[kind_recall_key(boundary)], s[kind_count_key(boundary)])
                        for boundary in BOUNDARY_KINDS_SHOWN
                    ),
                ]
            )
    return markdown_table(header, rows, right_from=2)


def mean_std_cell(mean: float, std: float) -> str:
    """A figure's mean ± std over folds, ``—`` where no fold defines it (NaN)."""
    return "—" if math.isnan(mean) else f"{mean:.3f} ± {std:.3f}"


# -- 1. quality -------------------------------------------------------------------------------


@dataclass
class QualityResult:
    """Scores of every system, how the split was made, and training times on it."""

    results: dict[str, dict[str, Report]]
    train_pages: int
    test_pages: int
    train_seconds: dict[str, float]
    bundled_training: str
    bundled_scope: str


def bundled_settings(bundled: Segmenter) -> tuple[FeatureSettings, dict]:
    """The bundled model's feature settings and CRF parameters, to train a like model on the split."""
    crf = bundled.manifest.get("crf", {})
    params = {key: crf[key] for key in ("c1", "c2", "max_iterations") if key in crf}
    return bundled.settings, params


def run_quality(jobs: int) -> QualityResult:
    """Train on the fixed group split and score every system on held-out and real pages."""
    pages = read_labelled_pages(LABELLED_DIRS)
    real = read_labelled_pages([REAL_DIR])
    train_idx, test_idx = holdout_split(group_labels(pages), HOLDOUT_FRACTION, SEED)
    train_pages = [pages[i] for i in train_idx]
    test_pages = [pages[i] for i in test_idx]
    if shared_groups(train_pages, test_pages + real):
        raise RuntimeError("the split leaks a page group")
    bundled = Segmenter.load()
    bundled_kinds = bundled.manifest.get("training", {}).get("kinds", {})
    settings, params = bundled_settings(bundled)
    seconds: dict[str, float] = {}

    log(f"training a CRF on {len(train_pages)} pages (bundled model's settings: {params})")
    started = time.perf_counter()
    split_crf = Segmenter(settings, **params).fit(train_pages, n_jobs=jobs)
    seconds["crf (trained on the split)"] = time.perf_counter() - started
    log(f"training the line-classifier on {len(train_pages)} pages")
    started = time.perf_counter()
    line_classifier = LineClassifier(settings).fit(train_pages)
    seconds["line-classifier"] = time.perf_counter() - started

    scored = test_pages + real
    bundled_crf = bundled.without_assembly().without_headlines()
    log(f"training the assembly and headline stages for the bundled CRF on the split's {len(train_pages)} pages")
    started = time.perf_counter()
    split_assembly = bundled_crf.without_assembly().fit_assembly(train_pages).fit_headlines(train_pages)
    seconds["assembly and headlines (bundled CRF, trained on the split)"] = time.perf_counter() - started
    systems = {
        "crf (bundled model)": CRFTagger(bundled),
        "bundled CRF alone": CRFTagger(bundled_crf),
        "bundled CRF + assembly + headlines trained on the split": CRFTagger(split_assembly),
        "crf (trained on the split)": CRFTagger(split_crf),
        "rules": RulesTagger(),
        "line-classifier": line_classifier,
    }
    # A page is unseen by the bundled model if it lies under none of the model's training sources
    # and no page of its kind was trained on (a source that does not resolve here cannot be checked).
    seen = set(pages_seen_in_training(bundled, scored))
    unseen = [p for p in scored if p.name not in seen and source_kind(p.name) not in bundled_kinds]
    log(f"scoring {', '.join(systems)} on {len(scored)} pages (the bundled model on the {len(unseen)} it never saw)")
    comparisons = compare_systems(systems, scored)
    unseen_names = {p.name for p in unseen}
    results: dict[str, dict[str, Report]] = {}
    for name, pages_compared in comparisons.items():
        if name == "crf (bundled model)" and bundled.assembler is None:
            reports = comparison_reports([c for c in pages_compared if c.name in unseen_names]) if unseen else {}
            reports.pop(ALL, None)
        elif name == "crf (bundled model)":
            reports = comparison_reports([c for c in pages_compared if c.name not in seen]) if scored else {}
            reports.pop(ALL, None)
        else:
            reports = comparison_reports(pages_compared)
        results[name] = reports
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(bundled_kinds.items()))
    bundled_training = f"{bundled.manifest.get('training', {}).get('pages', '?')} pages ({kinds})"
    scope = f"{len(unseen)} of the {len(scored)} scored pages"
    return QualityResult(results, len(train_pages), len(test_pages), seconds, bundled_training, scope)


def _kind_order(kind: str) -> tuple[int, str]:
    return (KINDS.index(kind) if kind in KINDS else len(KINDS) + (kind == ALL), kind)


def run_cv(folds: int, jobs: int) -> tuple[str, float]:
    """K-fold cross-validation of the CRF (bundled settings) over all labelled pages: a table and its time."""
    pages = read_labelled_pages(LABELLED_DIRS)
    settings, params = bundled_settings(Segmenter.load())
    log(f"{folds}-fold cross-validation of the CRF on {len(pages)} pages, {jobs} fold(s) at a time")
    started = time.perf_counter()
    result = cross_validate(pages, folds, settings, seed=SEED, n_jobs=jobs, **params)
    elapsed = time.perf_counter() - started
    header = ["text", "folds", "pages", *(name for name, _ in HEADLINE_FIGURES), *KIND_RECALL_HEADINGS]
    keys = [key for _, key in HEADLINE_FIGURES] + [kind_recall_key(kind) for kind in BOUNDARY_KINDS_SHOWN]
    rows = [
        [kind, str(int(scores["folds"][0])), str(int(scores["pages"][0]))]
        + [mean_std_cell(*scores[key]) for key in keys]
        for kind, scores in sorted(result.scores().items(), key=lambda item: _kind_order(item[0]))
    ]
    return markdown_table(header, rows), elapsed


def run_assembly(folds: int) -> str:
    """K-fold cross-validation of the assembly stage over the labelled pages, behind the bundled CRF.

    The bundled CRF never saw a labelled ``rmrb-ocr`` page, so its tags of every such page are out
    of sample; each fold's assembly stage is trained on the other folds' pages (page groups whole)
    and the 晶報 training folds, as ``make train`` trains the bundled one, and scored on its own
    fold, against the CRF alone on the same pages.  The real page is scored by the bundled
    model's own assembly stage, which never saw it.  Then the cost: the assembly stage's time
    per page beside the whole of ``Segmenter.predict``, in this process.
    """
    pages = read_labelled_pages(LABELLED_DIRS)
    real = read_labelled_pages([REAL_DIR])
    always_trained_on = read_labelled_pages(JINGBAO_TRAINING_DIRS)
    bundled = Segmenter.load()
    crf_alone = bundled.without_assembly().without_headlines()
    groups = group_labels(pages)
    fold_of = {group: i % folds for i, group in enumerate(sorted(set(groups)))}
    comparisons: dict[str, list] = {"bundled CRF alone": [], "bundled CRF + assembly + headlines (CV)": []}
    structure: dict[str, dict[str, Tally]] = {"without": {}, "with": {}}

    def add_structure(side: str, segmenter: Segmenter, scored: Sequence[LabelledPage]) -> None:
        for kind, tally in structure_tallies(scored, lambda labelled: segmenter.predict(labelled.page)).items():
            structure[side].setdefault(kind, Tally()).add(tally)

    log(f"{folds}-fold cross-validation of the assembly and headline stages on {len(pages)} pages")
    for fold in range(folds):
        train = [page for page, group in zip(pages, groups, strict=True) if fold_of[group] != fold]
        test = [page for page, group in zip(pages, groups, strict=True) if fold_of[group] == fold]
        assembled = crf_alone.without_assembly().fit_assembly(train + always_trained_on)
        add_structure("without", assembled, test)
        assembled.fit_headlines(train + always_trained_on)
        add_structure("with", assembled, test)
        compared = compare_systems({"alone": CRFTagger(crf_alone), "assembled": CRFTagger(assembled)}, test)
        comparisons["bundled CRF alone"] += compared["alone"]
        comparisons["bundled CRF + assembly + headlines (CV)"] += compared["assembled"]
    if bundled.assembler is not None:
        compared = compare_systems({"alone": CRFTagger(crf_alone), "assembled": CRFTagger(bundled)}, real)
        comparisons["bundled CRF alone"] += compared["alone"]
        comparisons["bundled CRF + assembly + headlines (CV)"] += compared["assembled"]
    never_seen = [*real, *read_labelled_pages(JINGBAO_HELDOUT_DIRS)]
    add_structure("without", bundled.without_headlines(), never_seen)
    add_structure("with", bundled, never_seen)
    results = {name: comparison_reports(compared) for name, compared in comparisons.items()}
    table = quality_table(results)
    structure_table = headline_table(structure["without"], structure["with"])

    timed = [labelled.page for labelled in [*pages, *real]]
    assembler = bundled.assembler
    cost = ""
    if assembler is not None:
        started = time.perf_counter()
        for page in timed:
            bundled.predict(page)
        predict_seconds = time.perf_counter() - started
        started = time.perf_counter()
        readings = [crf_alone._crf_reading(page) for page in timed]
        tagging_seconds = time.perf_counter() - started
        started = time.perf_counter()
        assigned = [
            assembler.assign(page.lines, reading[0], reading[1]) for page, reading in zip(timed, readings, strict=True)
        ]
        assembly_seconds = time.perf_counter() - started
        count = len(timed)
        cost = (
            f"Cost on the {count} labelled and real pages, in this process: `Segmenter.predict` "
            f"{1000 * predict_seconds / count:.1f} ms/page end to end, of which the assembly stage "
            f"{1000 * assembly_seconds / count:.1f} ms/page ({assembly_seconds / predict_seconds:.0%}); "
            f"features and CRF tagging {1000 * tagging_seconds / count:.1f} ms/page."
        )
        if bundled.headlines is not None:
            started = time.perf_counter()
            for page, reading, articles in zip(timed, readings, assigned, strict=True):
                bundled.headlines.read(page.lines, reading[0], reading[3], articles)
            headline_seconds = time.perf_counter() - started
            cost += (
                f" The headline stage {1000 * headline_seconds / count:.1f} ms/page "
                f"({headline_seconds / predict_seconds:.0%})."
            )
    return "\n".join(
        [
            f"The bundled CRF (trained on synthetic pages and 晶報 pages, never on these) tags every labelled "
            f"page; {folds}-fold cross-validation over page groups (twins in one fold, groups dealt to folds in "
            "sorted order) trains the assembly stage on the other folds' pages and the 28 晶報 training pages "
            "(as `make train` trains the bundled one) and scores it on the fold's own. The real page is scored "
            "with the bundled model's assembly stage (trained on all 240 labelled pages and the 晶報 training "
            "pages, never on it). Figures as in the table above.",
            "",
            table,
            "",
            "Structure end to end (`bench/structure_eval.py`'s measures, in the same cross-validation): "
            "each fold's assembly stage read with and without a headline stage trained on the same pages; "
            "the real page and the 12 held-out 晶報 pages (which no stage ever saw) read by the bundled "
            "model with and without its headline stage. *title* is the share of reference articles with a "
            "title whose predicted article (the one holding the title's first line) has exactly that title.",
            "",
            structure_table,
            "",
            cost,
        ]
    )


def headline_table(without: dict[str, Tally], with_stage: dict[str, Tally]) -> str:
    """Title match, byline source and paragraph F1 per kind of text, without and with the headline stage."""
    header = ["text", "titles", "title (no headline stage)", "title (headline stage)", "byline source", "para F1"]
    rows = []
    for kind in sorted(without, key=_kind_order):
        before, after = without[kind].summary(), with_stage[kind].summary()

        def pair(key: str, before: dict = before, after: dict = after) -> str:
            if before[key] is None:
                return "—"
            return f"{before[key]:.3f} → {after[key]:.3f}"

        rows.append(
            [
                kind,
                str(after["titles"]),
                f"{before['title_exact']:.3f}",
                f"{after['title_exact']:.3f}",
                pair("byline_source"),
                pair("paragraph_f1"),
            ]
        )
    return markdown_table(header, rows)


# -- 1c. 晶報 ----------------------------------------------------------------------------------


SCRIPT_SPEED_RUNS = 3
"""Fresh processes per script in the traditional-against-simplified timing (the scripts take turns)."""


def issue_date(name: str) -> str:
    """The issue date in a 晶報 fold's file name (``jb-jb_0129_1920-04-03_0002-0003.tsv``)."""
    return Path(name).stem.split("_")[2]


def run_jingbao(workdir: Path) -> str:
    """The bundled model on the held-out 晶報 issues, in both scripts; traditional against simplified speed.

    The bundled model is trained on the other issues' folds (``make train``); the held-out issues
    are checked to share no date with them and to be outside the model's training sources.
    """
    training = read_labelled_pages(JINGBAO_TRAINING_DIRS)
    held_out = read_labelled_pages(JINGBAO_HELDOUT_DIRS)
    training_dates = {issue_date(page.name) for page in training}
    held_out_dates = sorted({issue_date(page.name) for page in held_out})
    if training_dates & set(held_out_dates) or shared_groups(training, held_out):
        raise RuntimeError("a held-out 晶報 issue has pages on the training side")
    bundled = Segmenter.load()
    seen = pages_seen_in_training(bundled, held_out)
    if seen:
        raise RuntimeError(f"the bundled model was trained on held-out 晶報 pages: {', '.join(seen[:3])}")
    systems = {
        "bundled model (CRF + assembly + headlines)": CRFTagger(bundled),
        "bundled CRF alone": CRFTagger(bundled.without_assembly().without_headlines()),
        "rules": RulesTagger(),
    }
    log(f"scoring {', '.join(systems)} on {len(held_out)} held-out 晶報 pages")
    results = {name: comparison_reports(compared) for name, compared in compare_systems(systems, held_out).items()}
    table = quality_table(results)

    folders = {}
    for script in ("trad", "simplified"):
        folders[script] = workdir / f"jingbao-{script}"
        kind = f"jingbao-{script}"
        write_page_texts([page for page in training + held_out if source_kind(page.name) == kind], folders[script])
    per_page: dict[str, list[float]] = {script: [] for script in folders}
    for run in range(SCRIPT_SPEED_RUNS):
        for script, folder in folders.items():
            log(f"predict speed on 晶報 pages in {script} characters, run {run + 1} of {SCRIPT_SPEED_RUNS}")
            _, measured = run_measured(["speed", "crf", str(folder)], workdir)
            per_page[script].append(1000 * measured["seconds"] / measured["pages"])
    medians = {script: statistics.median(times) for script, times in per_page.items()}
    speed_rows = [
        [script, f"{medians[script]:.1f}", ", ".join(f"{t:.1f}" for t in times)] for script, times in per_page.items()
    ]
    return "\n".join(
        [
            f"The bundled model was trained on the folds of {len(training_dates)} issues of 晶報 (with the synthetic "
            f"pages); these {len(held_out)} pages are the folds of the {len(held_out_dates)} other issues "
            f"({', '.join(held_out_dates)}), each in traditional characters as transcribed and converted to "
            "simplified (twins: the same fold). Held out by date, so no page of a training issue is scored. "
            "Figures as in the quality table.",
            "",
            table,
            "",
            f"Speed by script: `newsseg.Segmenter.predict` over all 20 folds in each script, each in a fresh process "
            f"(`bench/measure.py speed`, the first page apart), {SCRIPT_SPEED_RUNS} runs taking turns; ms per page, "
            f"wall time. Traditional / simplified: {medians['trad'] / medians['simplified']:.2f}.",
            "",
            markdown_table(["script", "median ms/page", "runs"], speed_rows, right_from=1),
        ]
    )


# -- 2. speed ---------------------------------------------------------------------------------


def write_page_texts(pages: Sequence[LabelledPage], folder: Path) -> tuple[int, int]:
    """Write each labelled page's text as ``NAME.txt``; returns (lines, non-blank lines)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = content = 0
    for labelled in pages:
        stem = Path(labelled.name).stem
        (folder / f"{stem}.txt").write_text("\n".join(labelled.page.lines) + "\n", encoding="utf-8")
        lines += len(labelled.page.lines)
        content += len(labelled.page.content_indices)
    return lines, content


MEASURE = Path(__file__).resolve().parent / "measure.py"


def run_measured(arguments: Sequence[str], workdir: Path) -> tuple[float, dict]:
    """Run ``bench/measure.py ARGUMENTS`` in a fresh process: (wall seconds, its JSON report).

    The wall time includes starting Python and importing newsseg, as a user's command does.
    """
    report = workdir / "measure.json"
    report.unlink(missing_ok=True)
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, str(MEASURE), str(report), *arguments], cwd=ROOT, capture_output=True, check=False
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0 or not report.exists():
        tail = completed.stderr.decode("utf-8", "replace")[-2000:]
        raise RuntimeError(f"measure.py {' '.join(arguments)} failed ({completed.returncode}): {tail}")
    return elapsed, json.loads(report.read_text(encoding="utf-8"))


def run_in_process(workdir: Path) -> str:
    """In-process throughput, model load time and peak memory of the CRF and the rules baseline, labelled pages."""
    pages = read_labelled_pages([*LABELLED_DIRS, REAL_DIR])
    folder = workdir / "labelled-pages"
    write_page_texts(pages, folder)
    measured = {}
    for system in ("crf", "rules"):
        log(f"in-process predict speed of {system} over the {len(pages)} labelled pages")
        _, measured[system] = run_measured(["speed", system, str(folder)], workdir)
    crf, rules = measured["crf"], measured["rules"]
    ratio = (rules["pages"] / rules["seconds"]) / (crf["pages"] / crf["seconds"])
    rows = []
    for name, m in (("crf (bundled model)", crf), ("rules", rules)):
        rows.append(
            [
                name,
                f"{m['import_seconds']:.2f} s",
                f"{m['load_seconds'] * 1000:.0f} ms",
                f"{m['first_page_seconds'] * 1000:.0f} ms",
                str(m["pages"]),
                f"{m['pages'] / m['seconds']:.1f}",
                f"{m['lines'] / m['seconds']:,.0f}",
                f"{m['seconds'] / m['pages'] * 1000:.1f} ms",
                f"{m['peak_mib']:.0f}",
            ]
        )
    return "\n".join(
        [
            f"Each system in a fresh process (`bench/measure.py speed`) over the {len(pages)} labelled pages "
            "themselves: importing newsseg, loading the model, the first page (which loads jieba's dictionary for "
            "the CRF's lexical features), then every other page (`read_page` excluded; predict builds the articles "
            "as `newsseg predict` does).",
            "",
            markdown_table(
                ["system", "import", "load", "first page", "pages", "pages/s", "lines/s", "per page", "peak MiB"], rows
            ),
            "",
            f"The rules baseline tags pages {ratio:.0f}× as fast as the CRF in the same run.",
        ]
    )


SPEED_PAGES = 2000
QUICK_SPEED_PAGES = 300
STARTUP_RUNS = 5
REPEATS = 20
LINEAR_LIMIT = 25
DASK_WORKERS = 2
PROFILE = Path(__file__).resolve().parent / "profile.py"
PROFILE_BEFORE = Path(__file__).resolve().parent / "PROFILE-before.md"
BEFORE_PAGES = 250
"""Pages of ``bench/PROFILE-before.md``: ``bench/run.py --write-pages DIR --speed-pages 250``."""
NEWSSEG = Path(sys.executable).with_name("newsseg")


def is_cjk(char: str) -> bool:
    """Whether a character is a CJK unified ideograph of the basic block (U+4E00..U+9FFF)."""
    return "\u4e00" <= char <= "\u9fff"


def distinct_copy(page: Page, rng: np.random.Generator, seen: set[str], name: str, tries: int = 20) -> Page:
    """The page with, on every non-blank line, one Chinese character replaced by another of the same page.

    The position and the new character are drawn from ``rng``, again (up to ``tries`` times)
    while the new line is in ``seen``; every new line is added to ``seen``.  Blank lines, and lines
    without a Chinese character, stay as they are.
    """
    alphabet = sorted({char for line in page.lines for char in line if is_cjk(char)})
    rank = {char: number for number, char in enumerate(alphabet)}
    new_lines = []
    for line in page.lines:
        positions = [i for i, char in enumerate(line) if is_cjk(char)]
        if not line.strip() or not positions or len(alphabet) < 2:
            new_lines.append(line)
            continue
        for _ in range(tries):
            position = positions[rng.integers(len(positions))]
            number = int(rng.integers(len(alphabet) - 1))
            number += number >= rank[line[position]]
            candidate = line[:position] + alphabet[number] + line[position + 1 :]
            if candidate not in seen:
                break
        seen.add(candidate)
        new_lines.append(candidate)
    return Page(tuple(new_lines), name)


@dataclass
class SpeedPages:
    """The distinct pages of the speed runs, written as text files under ``folder``."""

    folder: Path
    pages: int
    lines: int
    content: int
    distinct: int
    originals: int


def write_distinct_pages(count: int, folder: Path) -> SpeedPages:
    """Write ``count`` distinct pages as ``copy-KK/NAME.txt``, made from the 241 labelled pages.

    Page ``i`` is copy ``k = i // 241`` of labelled page ``i % 241``: copy 0 is the page itself,
    a later copy is :func:`distinct_copy` of it (numpy Generator seeded 0), so that no line of a
    copy repeats a line seen before and newsseg's per-line caches get no free hits.
    """
    pages = read_labelled_pages([*LABELLED_DIRS, REAL_DIR])
    rng = np.random.default_rng(SEED)
    seen = {line for labelled in pages for line in labelled.page.lines}
    lines = content = 0
    content_lines: set[str] = set()
    for number in range(count):
        copy, index = divmod(number, len(pages))
        labelled = pages[index]
        stem = Path(labelled.name).stem
        page = labelled.page if copy == 0 else distinct_copy(labelled.page, rng, seen, f"{stem}-copy{copy}")
        path = folder / f"copy-{copy:02d}" / f"{stem}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(page.lines) + "\n", encoding="utf-8")
        lines += len(page.lines)
        content += len(page.content_indices)
        content_lines.update(page.lines[i] for i in page.content_indices)
    return SpeedPages(folder, count, lines, content, len(content_lines), min(count, len(pages)))


def worker_peak_mib() -> float:
    """The ``VmHWM`` of the process it runs in, in MiB (sent to each Dask worker by ``client.run``)."""
    from pathlib import Path

    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def dask_worker_peaks(address: str) -> dict[str, float]:
    """Each worker's peak resident memory so far, in MiB, by worker address."""
    import distributed

    with distributed.Client(address, timeout=60) as client:
        return client.run(worker_peak_mib)


def run_batches(speed_pages: SpeedPages, workdir: Path) -> str:
    """``newsseg predict`` over the distinct pages with -j 1, -j 2 and a local Dask cluster, and jieba.lcut alone."""
    folder = speed_pages.folder
    outputs: dict[str, Path] = {}
    runs: list[tuple[str, float, dict, float]] = []  # label, seconds, report, peak MiB
    notes: list[str] = []
    for jobs in (1, 2):
        log(f"newsseg predict over {speed_pages.pages:,} pages with -j {jobs}")
        outputs[f"-j {jobs}"] = output = workdir / f"out-j{jobs}.jsonl"
        arguments = ["cli", "predict", str(folder), "-o", str(output), "-j", str(jobs)]
        seconds, report = run_measured(arguments, workdir)
        peak = report["peak_mib"] + report["children_rusage_mib"]
        label = "`newsseg predict DIR -o out.jsonl -j 1`" if jobs == 1 else f"`... -j {jobs}`"
        runs.append((label, seconds, report, peak))
        if jobs > 1:
            notes.append(
                f"`-j {jobs}`: {report['peak_mib']:.0f} MiB the command's process + "
                f"{report['children_rusage_mib']:.0f} MiB its largest worker by `ru_maxrss` (the workers' own "
                "`VmHWM`, sampled every 0.2 s: largest "
                f"{report['children_sampled_mib']:.0f} MiB, {report['children_seen']} child processes seen)"
            )
    if importlib.util.find_spec("distributed") is None:
        notes.append("The Dask row is missing: `distributed` is not installed (`pip install -e '.[dask]'`).")
        cluster_note = ""
    else:
        with local_dask_cluster(workdir / "dask", DASK_WORKERS) as (address, ready_seconds):
            log(f"newsseg predict over {speed_pages.pages:,} pages on a local Dask cluster at {address}")
            outputs["--cluster"] = output = workdir / "out-dask.jsonl"
            seconds, report = run_measured(
                ["cli", "predict", str(folder), "-o", str(output), "--cluster", address], workdir
            )
            workers = dask_worker_peaks(address)
        largest = max(workers.values())
        runs.append(("`... --cluster tcp://127.0.0.1:PORT`", seconds, report, report["peak_mib"] + largest))
        notes.append(
            f"`--cluster`: {report['peak_mib']:.0f} MiB the command's process (the Dask client) + {largest:.0f} MiB "
            f"the largest worker's `VmHWM` (asked with `client.run` after the run; the workers: "
            + ", ".join(f"{peak:.0f}" for peak in sorted(workers.values()))
            + " MiB)"
        )
        cluster_note = (
            f" The cluster — `dask scheduler` on 127.0.0.1 (PORT chosen by the system) and {DASK_WORKERS} "
            f"`dask worker --nthreads 1` processes, as `tests/test_cluster.py` starts them — was started by the "
            f"bench before the command ({ready_seconds:.1f} s until its workers were ready, not in the row); the "
            "workers load the model and jieba's dictionary during the run, as the `-j 2` workers do."
        )
    log(f"jieba.lcut over every line of the {speed_pages.pages:,} pages")
    _, jieba_report = run_measured(["jieba", str(folder)], workdir)
    reference = jieba_report["seconds"]

    expected = outputs["-j 1"].read_bytes()
    for name, path in outputs.items():
        if path.read_bytes() != expected:
            raise RuntimeError(f"newsseg predict {name} wrote other bytes than -j 1 ({path} vs {outputs['-j 1']})")
    articles = expected.count(b"\n")
    rows = []
    for label, seconds, _, peak in runs:
        rows.append(
            [
                label,
                f"{speed_pages.pages:,}",
                f"{seconds:.1f}",
                f"{speed_pages.pages / seconds:.1f}",
                f"{speed_pages.lines / seconds:,.0f}",
                f"{peak:.0f}",
                f"{seconds / reference:.1f}×",
            ]
        )
    rows.append(
        [
            "`jieba.lcut` on every line, one process",
            f"{jieba_report['pages']:,}",
            f"{reference:.1f}",
            f"{jieba_report['pages'] / reference:.1f}",
            f"{jieba_report['lines'] / reference:,.0f}",
            f"{jieba_report['peak_mib']:.0f}",
            "1.0×",
        ]
    )
    compared = ", ".join(f"`{name}`" for name in outputs if name != "-j 1")
    return "\n".join(
        [
            f"{speed_pages.pages:,} distinct pages ({speed_pages.lines:,} lines, {speed_pages.content:,} non-blank, "
            f"{speed_pages.distinct:,} of them distinct), {articles:,} articles predicted. Page `i` is copy "
            f"`i // 241` of labelled page `i % 241` (the 240 labelled pages and the real page): copy 0 is the page "
            "itself, a later copy has, on every non-blank line, one Chinese character (U+4E00..U+9FFF) replaced by "
            f"another of the same page (numpy, seed {SEED}; drawn again while the line was seen before), so newsseg's "
            "per-line caches get no free hits; the non-blank lines that repeat are those of twin pages in copy 0 "
            "and the few without a Chinese character. They lie in subfolders of DIR, as `.txt` files.",
            "",
            markdown_table(["run", "pages", "seconds", "pages/s", "lines/s", "peak MiB", "× jieba.lcut"], rows),
            "",
            "Seconds are wall time of a fresh process, start-up included (`bench/measure.py cli`, which runs the "
            "command in-process); for `jieba.lcut` only reading the files and the `lcut` calls are timed, after "
            "its dictionary is loaded. The last column is the row's seconds over jieba.lcut's. Peak MiB is the "
            "largest resident set: of the command's process (`VmHWM`) plus, for `-j 2`, the largest of its "
            "worker processes' peaks (`getrusage(RUSAGE_CHILDREN).ru_maxrss` after they ended — the largest "
            "child's, not the sum of the two; on Linux it counts a child's image from before its `exec`, so at "
            "least the parent's size when it started the worker) and, for `--cluster`, the largest Dask "
            "worker's `VmHWM`; so with 2 workers the whole run held up to about one more worker's memory than "
            "shown. " + "; ".join(notes) + "." + cluster_note,
            "",
            f"The outputs of {compared} equal the `-j 1` output byte for byte ({len(expected):,} bytes).",
        ]
    )


def median_walls(commands: dict[str, list[str]], runs: int, cwd: Path) -> dict[str, float]:
    """The median wall time of each command in a fresh process, the commands taking turns ``runs`` times."""
    walls: dict[str, list[float]] = {key: [] for key in commands}
    for _ in range(runs):
        for key, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            walls[key].append(time.perf_counter() - started)
    return {key: statistics.median(values) for key, values in walls.items()}


def run_startup(page_file: Path, workdir: Path) -> str:
    """Start-up: bare Python, importing newsseg.cli, jieba's dictionary, and ``newsseg predict`` of one page."""
    python = sys.executable
    commands = {
        "pass": [python, "-c", "pass"],
        "cli": [python, "-c", "import newsseg.cli"],
        "jieba": [python, "-c", "import jieba"],
        "initialize": [python, "-c", "import jieba; jieba.initialize()"],
        "predict": [str(NEWSSEG), "predict", str(page_file)],
    }
    log(f"start-up: {len(commands)} commands, median of {STARTUP_RUNS} each")
    median = median_walls(commands, STARTUP_RUNS, workdir)
    lines = page_file.read_text(encoding="utf-8").splitlines()
    shown = {
        "pass": "`python -c pass`",
        "cli": '`python -c "import newsseg.cli"`',
        "jieba": '`python -c "import jieba"`',
        "initialize": '`python -c "import jieba; jieba.initialize()"`',
        "predict": "`newsseg predict PAGE.txt > /dev/null`",
    }
    rows = [[shown[key], f"{median[key]:.2f}"] for key in commands]
    return "\n".join(
        [
            f"Each command in a fresh process, median wall time of {STARTUP_RUNS} runs (the commands taking turns); "
            f"PAGE.txt is `{page_file.relative_to(workdir)}` ({len(lines)} lines, written to standard output, "
            "which is discarded).",
            "",
            markdown_table(["command", "seconds"], rows),
            "",
            f"Start-up beyond Python's own, including the first page: {median['predict'] - median['pass']:.2f} s "
            f"(`newsseg predict PAGE.txt` − `python -c pass`). Of it, importing `newsseg.cli` takes "
            f"{median['cli'] - median['pass']:.2f} s (`import newsseg.cli` − `pass`), and jieba loading its dictionary "
            f"{median['initialize'] - median['jieba']:.2f} s (`jieba.initialize()` − `import jieba`; from jieba's "
            "cache file, as newsseg loads it from its own).",
        ]
    )


SINGLE_RUNS = 5
"""Distinct copies of the one page timed on their own; their median is the one page's time."""


def write_scale_pages(folder: Path, repeats: int = REPEATS) -> tuple[Path, Path, list[Path]]:
    """A warm-up page, ``repeats`` distinct copies of the longest labelled page as one page, and more copies alone."""
    pages = read_labelled_pages([*LABELLED_DIRS, REAL_DIR])
    longest = max(pages, key=lambda labelled: len(labelled.page.content_indices))
    warmup = next(labelled for labelled in pages if labelled is not longest)
    rng = np.random.default_rng(SEED)
    seen = set(longest.page.lines)
    stem = Path(longest.name).stem
    copies = [distinct_copy(longest.page, rng, seen, f"{stem}-copy{k}") for k in range(1, repeats + SINGLE_RUNS + 1)]
    folder.mkdir(parents=True, exist_ok=True)
    warmup_path, long_path = folder / "warm-up.txt", folder / f"{stem}-x{repeats}.txt"
    warmup_path.write_text("\n".join(warmup.page.lines) + "\n", encoding="utf-8")
    long_path.write_text("\n".join(line for copy in copies[:repeats] for line in copy.lines) + "\n", encoding="utf-8")
    singles = []
    for number, copy in enumerate(copies[repeats:], start=1):
        path = folder / f"{stem}-single{number}.txt"
        path.write_text("\n".join(copy.lines) + "\n", encoding="utf-8")
        singles.append(path)
    return warmup_path, long_path, singles


def run_scale(workdir: Path) -> str:
    """Distinct copies of one long page alone, then ``REPEATS`` other copies as one page, in one process."""
    warmup, long_page, singles = write_scale_pages(workdir / "scale")
    stem = long_page.stem.rsplit("-x", 1)[0]
    log(f"predict of {stem} ({SINGLE_RUNS} distinct copies, each alone) and of {REPEATS} other copies as one page")
    _, report = run_measured(["scale", str(warmup), str(long_page), *map(str, singles)], workdir)
    one, many = report["page"], report["long"]
    ratio = many["seconds"] / one["seconds"]
    verdict = f"linear (at most {LINEAR_LIMIT}×)" if ratio <= LINEAR_LIMIT else f"NOT linear: more than {LINEAR_LIMIT}×"
    if ratio > LINEAR_LIMIT:
        log(f"warning: the page × {REPEATS} took {ratio:.1f}× the page's time")
    return "\n".join(
        [
            f"In one process (`bench/measure.py scale`), after a warm-up page (so jieba's dictionary is loaded): "
            f"predict of the longest labelled page, `{stem}` ({one['lines']} lines, {one['content_lines']} "
            f"non-blank), as {SINGLE_RUNS} distinct copies each on its own (made as above, so no line repeats and "
            f"the caches do not help): median {one['seconds'] * 1000:.0f} ms (from "
            f"{min(one['all_seconds']) * 1000:.0f} to {max(one['all_seconds']) * 1000:.0f} ms); then {REPEATS} "
            f"other copies of it as one page of {many['lines']:,} lines: {many['seconds'] * 1000:.0f} ms, "
            f"{ratio:.1f}× the median of the one page — {verdict}. Peak {report['peak_mib']:.0f} MiB.",
        ]
    )


def profile_before() -> tuple[str, float | None]:
    """The body of ``bench/PROFILE-before.md`` (its title line left out) or why it is missing, and its total ms/page."""
    if not PROFILE_BEFORE.exists():
        return f"(`{PROFILE_BEFORE.relative_to(ROOT)}` is missing.)", None
    lines = PROFILE_BEFORE.read_text(encoding="utf-8").strip().splitlines()
    total = next((line.split("|")[2] for line in lines if line.startswith("| total predict |")), None)
    body = "\n".join(lines[1:] if lines and lines[0].startswith("#") else lines).strip()
    return body, float(total) if total else None


def profile_report(folder: Path, pages: int, report_file: Path) -> dict:
    """Run ``bench/profile.py FOLDER --pages PAGES`` in a fresh process; its JSON report."""
    command = [sys.executable, str(PROFILE), str(folder), "--pages", str(pages), "--json", str(report_file)]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    if completed.returncode != 0:
        tail = completed.stderr.decode("utf-8", "replace")[-2000:]
        raise RuntimeError(f"bench/profile.py failed ({completed.returncode}): {tail}")
    return json.loads(report_file.read_text(encoding="utf-8"))


def run_profile(speed_pages: SpeedPages, workdir: Path, pages: int) -> str:
    """``bench/profile.py`` over (the first ``pages`` of) the distinct pages in a fresh process; the before table.

    The code of this run is also profiled on the pages of the before table (the first
    ``BEFORE_PAGES`` distinct pages, written afresh) for a like-for-like total.
    """
    count = min(pages, speed_pages.pages) if pages else speed_pages.pages
    log(f"profile of predict over {count:,} pages")
    report = profile_report(speed_pages.folder, count, workdir / "profile.json")
    log(f"profile of predict over the {BEFORE_PAGES} pages of the before table")
    before_pages = write_distinct_pages(BEFORE_PAGES, workdir / "before-pages")
    like = profile_report(before_pages.folder, 0, workdir / "profile-before.json")
    before, before_total = profile_before()
    skipped = ", ".join(f"`{name}`" for name in report["skipped"]) or "none"
    compared = (
        f" ({before_total / like['ms_per_page']:.1f}× as fast as the {before_total:.1f} ms of the before table)"
        if before_total
        else ""
    )
    return "\n".join(
        [
            f"`python bench/profile.py DIR --pages {count}` in a fresh process: `Segmenter.predict` of the bundled "
            f"model over the first {report['pages']:,} of the distinct pages above (sorted by path; read "
            "beforehand, after a warm-up page), each stage wrapped by a timer wherever it is looked up. Times are "
            "inclusive and nested by call (a row sits under the stage that called it), in ms per page; "
            "`jieba.lcut` is jieba's segmenter and `jieba.posseg.lcut` its POS tagger, which `tagged_words` "
            "called up to 500f4ba.",
            "",
            f"**After** (this run, code at {report['revision']}): {report['ms_per_page']:.1f} ms per page; the "
            f"{report['timed_calls']:,} timed calls cost about {report['timer_cost_ms_per_page']:.2f} ms per page "
            f"themselves; stages not in this code: {skipped}. On the {like['pages']} pages of the before table "
            f"(`bench/run.py --write-pages DIR --speed-pages {BEFORE_PAGES}`: the {before_pages.originals} labelled "
            f"pages, whose twins share lines, and first copies of {before_pages.pages - before_pages.originals} of "
            f"them), the same code takes {like['ms_per_page']:.1f} ms per page{compared}.",
            "",
            report["table"],
            "",
            "**Before** (measured at 500f4ba, not in this run; `bench/PROFILE-before.md`):",
            "",
            before,
        ]
    )


def run_speed(workdir: Path, count: int, profile_pages: int) -> str:
    """The speed section: batches of distinct pages, start-up, one page × 20, in-process throughput, profile."""
    log(f"writing {count:,} distinct pages")
    speed_pages = write_distinct_pages(count, workdir / "speed-pages")
    first_page = next(iter(sorted((speed_pages.folder / "copy-00").glob("*.txt"))))
    parts = [
        ("Batches of distinct pages", run_batches(speed_pages, workdir)),
        ("Start-up", run_startup(first_page, workdir)),
        (f"One page and the same page × {REPEATS}", run_scale(workdir)),
        ("In-process throughput", run_in_process(workdir)),
        ("Where the time goes", run_profile(speed_pages, workdir, profile_pages)),
    ]
    return "\n\n".join(f"### {title}\n\n{text}" for title, text in parts)


# -- 3. training ------------------------------------------------------------------------------


def perturbed_copy(labelled: LabelledPage, rng: np.random.Generator, name: str, noise: float = 0.02) -> LabelledPage:
    """A variant of a labelled page: its article segments in a shuffled order, some characters replaced.

    Lines before the first segment (the page header) stay on top; each segment keeps its lines,
    tags and blank lines; a share ``noise`` of the Chinese characters are replaced by others of
    the same page, as OCR would.  The tags stay right.
    """
    tags, lines = labelled.tags, labelled.page.lines
    starts = [i for i, tag in enumerate(tags) if tag.startswith("B-")]
    if not starts:
        order = list(range(len(lines)))
    else:
        blocks = [list(range(s, e)) for s, e in zip(starts, [*starts[1:], len(lines)], strict=True)]
        order = list(range(starts[0])) + [i for b in rng.permutation(len(blocks)) for i in blocks[b]]
    alphabet = sorted({c for line in lines for c in line if "\u4e00" <= c <= "\u9fff"}) or ["字"]
    new_lines = []
    for i in order:
        chars = list(lines[i])
        for j, char in enumerate(chars):
            if "\u4e00" <= char <= "\u9fff" and rng.random() < noise:
                chars[j] = alphabet[rng.integers(len(alphabet))]
        new_lines.append("".join(chars))
    return LabelledPage(Page(tuple(new_lines), name), tuple(tags[i] for i in order))


def training_set(size: int, folder: Path) -> str:
    """Write ``size`` labelled pages to ``folder``: labelled pages first, then perturbed copies; describe them."""
    pages = read_labelled_pages(LABELLED_DIRS)
    rng = np.random.default_rng(SEED)
    folder.mkdir(parents=True, exist_ok=True)
    if size <= len(pages):
        chosen = [pages[i] for i in sorted(rng.permutation(len(pages))[:size])]
        description = f"{size} of the labelled pages (seeded choice)"
    else:
        chosen = list(pages)
        for copy in range(size - len(pages)):
            source = pages[copy % len(pages)]
            name = f"perturbed-{copy:04d}-{Path(source.name).name}"
            chosen.append(perturbed_copy(source, rng, name))
        description = f"the {len(pages)} labelled pages + {size - len(pages)} perturbed copies"
    for labelled in chosen:
        (folder / Path(labelled.name).name).write_text(labelled_text(labelled), encoding="utf-8")
    return description


def run_training(sizes: Sequence[int], workdir: Path, jobs: int) -> str:
    """``newsseg train`` on each number of pages in a fresh process: wall time and peak memory."""
    rows = []
    for size in sizes:
        folder = workdir / f"train-{size}"
        description = training_set(size, folder)
        lines = sum(
            sum(1 for line in path.open(encoding="utf-8") if line.split("\t", 1)[-1].strip())
            for path in folder.glob("*.tsv")
        )
        log(f"newsseg train on {size} pages ({description})")
        model = workdir / f"model-{size}.nsm"
        seconds, report = run_measured(["cli", "train", str(folder), "-o", str(model), "--jobs", str(jobs)], workdir)
        peak = report["peak_mib"]
        rows.append(
            [
                str(size),
                description,
                f"{lines:,}",
                f"{seconds:.0f}",
                f"{peak:.0f}",
                f"{model.stat().st_size / 1024:.0f} KiB",
            ]
        )
    return markdown_table(["pages", "what", "non-blank lines", "seconds", "peak MiB", "model file"], rows, right_from=2)


BUNDLED_PAGES = 5000
CORPUS = ROOT / "data" / "corpus" / "rmrb-subset.jsonl.gz"


def run_bundled_training(pages: int, workdir: Path) -> str:
    """What ``make train`` runs (synth, then train with 2 processes), into the workdir: time and peak memory of each."""
    synth, model = workdir / "bundled-synth", workdir / "bundled.nsm"
    tests = [
        argument for folder in [*LABELLED_DIRS, REAL_DIR] for argument in ("--test", str(folder.relative_to(ROOT)))
    ]
    steps = [
        ("synth", ["synth", str(CORPUS.relative_to(ROOT)), "-n", str(pages), "--seed", str(SEED), "-o", str(synth)]),
        ("train", ["train", str(synth), *tests, "--seed", str(SEED), "--jobs", "2", "-o", str(model)]),
    ]
    rows = []
    for name, arguments in steps:
        log(f"bundled model: newsseg {name} ({pages:,} pages)")
        seconds, report = run_measured(["cli", *arguments, "--force"], workdir)
        shown = " ".join(arguments).replace(str(synth), "SYNTH").replace(str(model), "MODEL")
        rows.append(
            [
                f"`newsseg {shown} --force`",
                f"{seconds:.0f}",
                f"{report['peak_mib']:.0f}",
                f"{report['children_rusage_mib']:.0f}",
                f"{report['children_sampled_mib']:.0f}",
                f"{report['peak_mib'] + report['children_rusage_mib']:.0f}",
            ]
        )
    return "\n".join(
        [
            f"What `make train` runs, with {pages:,} synthetic pages (the Makefile's `SYNTH_PAGES` is 5,000), each "
            "step in a fresh process (`bench/measure.py cli`), into the bench's working folder (SYNTH, MODEL) "
            "instead of `build/synth` and `newsseg/model/default.nsm`, and without `--crfsuite-copy`. Peak MiB is "
            "the process's `VmHWM` plus its largest child's `ru_maxrss` (the `--jobs 2` feature workers; the "
            "largest, not the sum, and on Linux counting the child's image from before its `exec`); the workers' "
            "own `VmHWM`, sampled every 0.2 s, is given beside it. The held-out scores the train step prints are "
            "not reported here (see the quality section).",
            "",
            markdown_table(
                ["command", "seconds", "process MiB", "largest child MiB", "child VmHWM MiB", "peak MiB"], rows
            ),
        ]
    )


# -- main -------------------------------------------------------------------------------------


PARTS = ("quality", "cv", "assembly", "jingbao", "speed", "training")


def quality_sections(
    quality: QualityResult | None, cv_text: tuple[str, float] | None, folds: int, jobs: int
) -> list[str]:
    """The quality section and the cross-validation's, of those that were run."""
    sections = ["## Quality on pages no system was trained on", ""]
    if quality is not None:
        sections += held_out_text(quality)
    if cv_text is not None:
        table, seconds = cv_text
        sections += [
            f"### {folds}-fold cross-validation of the CRF",
            "",
            f"GroupKFold over page groups (twins in one fold), seed {SEED}, all 240 labelled pages, bundled "
            f"model's settings; mean ± standard deviation over the folds ({seconds:.0f} s with {jobs} "
            f"processes). Same as `newsseg train {' '.join(str(d.relative_to(ROOT)) for d in LABELLED_DIRS)} "
            f"--cv {folds} -j {jobs}`.",
            "",
            table,
            "",
        ]
    return sections


def held_out_text(quality: QualityResult) -> list[str]:
    """The held-out comparison: how the split was made, the table, the training times."""
    return [
        f"Split of the 240 labelled pages by page group (twins together; fraction {HOLDOUT_FRACTION}, seed "
        f"{SEED}): {quality.train_pages} training pages, {quality.test_pages} held-out pages, plus the real "
        "page (`data/pages/real/zjgrrb-page.tsv`), which nothing is trained on. The CRF trained on the split "
        "uses the bundled model's feature settings and CRF parameters; the line-classifier sees the same features "
        "(one LogisticRegression decision per line, no transitions). The bundled model was trained on "
        f"{quality.bundled_training} and is scored on the pages it never saw ({quality.bundled_scope}). "
        "Boundaries are changes of article between consecutive lines the reference puts in an article (the "
        "first start of a page is none; reference O lines are skipped; a line predicted O is an article of its "
        "own); Pk and WindowDiff use k = half the mean reference segment length per page (lower is better); "
        "pair F1: pairs of lines in one article, all runs of an article being one; cont. R and body-first R: "
        "exact recall of the boundaries where an article resumes, and where an article starts before its "
        "headline, with their number; seg F1: articles with the exact span; exact: pages with every boundary "
        "right; micro figures (all pages pooled).",
        "",
        quality_table(quality.results),
        "",
        "Training time on the split: "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in quality.train_seconds.items())
        + ".",
        "",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"no cross-validation, no 1,000-page training, {QUICK_SPEED_PAGES} speed pages, no bundled training",
    )
    parser.add_argument("--cv", type=int, default=5, help="folds of the cross-validation (0: skip); default 5")
    parser.add_argument(
        "--train-sizes", default="100,1000", help="comma-separated page counts to time training on; default 100,1000"
    )
    parser.add_argument("--jobs", type=int, default=2, help="processes for folds and features; default 2")
    parser.add_argument(
        "--speed-pages",
        type=int,
        help=f"distinct pages of the speed runs; default {SPEED_PAGES:,} ({QUICK_SPEED_PAGES} with --quick)",
    )
    parser.add_argument(
        "--profile-pages",
        type=int,
        default=0,
        help="profile predict on the first N speed pages only (0: all); default 0",
    )
    parser.add_argument(
        "--bundled-training",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="time what `make train` runs (default: on, off with --quick)",
    )
    parser.add_argument(
        "--bundled-pages",
        type=int,
        default=BUNDLED_PAGES,
        help=f"synthetic pages of the bundled training; default {BUNDLED_PAGES:,}",
    )
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"comma-separated parts to run, of {','.join(PARTS)}; default all"
    )
    parser.add_argument(
        "--write-pages",
        type=Path,
        metavar="DIR",
        help="only write the distinct speed pages into DIR (a new folder), and stop",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md", help="results file")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.train_sizes.split(",") if size.strip()]
    parts = {part.strip() for part in args.only.split(",") if part.strip()}
    if parts - set(PARTS):
        parser.error(f"unknown parts in --only: {', '.join(sorted(parts - set(PARTS)))} (known: {', '.join(PARTS)})")
    speed_count = args.speed_pages or (QUICK_SPEED_PAGES if args.quick else SPEED_PAGES)
    if speed_count < 1 or args.profile_pages < 0 or args.bundled_pages < 1:
        parser.error("--speed-pages and --bundled-pages must be at least 1, --profile-pages at least 0")
    if args.write_pages is not None:
        if args.write_pages.exists():
            parser.error(f"{args.write_pages} exists already")
        written = write_distinct_pages(speed_count, args.write_pages)
        log(f"wrote {written.pages:,} distinct pages ({written.lines:,} lines) into {args.write_pages}")
        return 0
    folds = 0 if args.quick or "cv" not in parts else args.cv
    bundled = (not args.quick) if args.bundled_training is None else args.bundled_training
    if args.quick:
        sizes = [size for size in sizes if size <= 100] or [100]
    if not args.output.parent.is_dir():
        parser.error(f"the output folder does not exist: {args.output.parent}")
    options = " ".join(sys.argv[1:] if argv is None else argv)
    command = f"python bench/run.py {options}".rstrip() if options else "make bench"

    workdir = Path(tempfile.mkdtemp(prefix="newsseg-bench-"))
    quality = cv_text = speed = training = bundled_text = assembly_text = jingbao_text = None
    try:
        machine = machine_description()
        if "quality" in parts:
            quality = run_quality(args.jobs)
        if folds:
            cv_text = run_cv(folds, args.jobs)
        if "assembly" in parts:
            assembly_text = run_assembly(args.cv or 5)
        if "jingbao" in parts:
            jingbao_text = run_jingbao(workdir)
        if "speed" in parts:
            speed = run_speed(workdir, speed_count, args.profile_pages)
        if "training" in parts:
            training = run_training(sizes, workdir, 1)
            if bundled:
                bundled_text = run_bundled_training(args.bundled_pages, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    total = time.perf_counter() - STARTED
    machine.append(("load average at end", " ".join(f"{load:.2f}" for load in os.getloadavg())))

    sections = [
        "# newsseg benchmarks",
        "",
        f"Produced by `{command}` in {total / 60:.1f} minutes on the machine below; every figure here "
        "was measured in that run"
        + ("" if parts == set(PARTS) else f" (parts run: {', '.join(p for p in PARTS if p in parts)})")
        + ". Re-run it to check them.",
        "",
        markdown_table(["", ""], [[f"**{key}**", value] for key, value in machine]),
        "",
    ]
    if quality is not None or cv_text is not None:
        sections += quality_sections(quality, cv_text, folds, args.jobs)
    if assembly_text is not None:
        sections += ["## The assembly stage: blocks put together into articles", "", assembly_text, ""]
    if jingbao_text is not None:
        sections += ["## 晶報 (Jing bao): real pages of a Republican-era paper, held out by date", "", jingbao_text, ""]
    if speed is not None:
        sections += [
            "## Speed of predict",
            "",
            "Wall-clock figures depend on what else the machine is doing (see the load averages above); they "
            "are from this run only.",
            "",
            speed,
            "",
        ]
    if training is not None:
        sections += [
            "## Training",
            "",
            "`newsseg train FOLDER -o model.nsm --jobs 1` in a fresh process (features and L-BFGS in one "
            "process, so the peak memory is that of training itself); CRF parameters are the defaults. The "
            "1,000 pages are not new data: beyond the 240 labelled pages they are perturbed copies of them (the "
            "article segments of a page in a shuffled order, the header kept on top, 2 % of the Chinese characters "
            "replaced by others of the same page); copies carry fewer distinct features than new pages would.",
            "",
            training,
            "",
        ]
        if bundled_text is not None:
            sections += ["### The bundled model (`make train`)", "", bundled_text, ""]
    text = "\n".join(sections)
    write_text_atomic(args.output, text)
    print(text)
    log(f"wrote {args.output} in {total / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
