"""newsseg's benchmarks: quality of every system on held-out pages, speed of predict, cost of training.

One run on this machine prints, and writes to ``bench/RESULTS.md``:

1. **Quality on held-out pages.**  The labelled pages of ``data/pages`` are split once, whole page
   groups at a time (a page and its twins on one side; fraction 0.25, seed 0, the split of
   ``tests/test_quality.py``).  A CRF with the bundled model's settings and the line-classifier
   baseline are trained on the training side; they, the rules baseline and the bundled model
   are scored on the held-out pages (e-paper, zoned and raw-order OCR separately) and on the real
   page ``data/pages/real/zjgrrb-page.tsv``, which nothing is trained on.  The bundled model is
   scored only on pages its manifest shows it never saw (all of them, since ``make train`` trains
   it on synthetic pages alone).
   Then (unless ``--cv 0``) a K-fold cross-validation of the CRF over all labelled pages gives
   mean ± std per kind of text.
2. **Speed of predict** over a folder of pages (the text of the 241 labelled pages): the
   ``newsseg predict`` command end to end, and in-process throughput, model load time and peak
   memory of the CRF and, as the reference, of the rules baseline, each in a fresh process.
3. **Cost of training** on 100 and 1,000 pages (``newsseg train`` in a fresh process: wall time
   and peak resident memory).  The 1,000 pages are the 240 labelled pages plus perturbed copies
   of them (articles shuffled within the page, 2 % of Chinese characters replaced).

Usage (from the repository root)::

    .venv/bin/python bench/run.py            # everything (about 6 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick    # no cross-validation, no 1,000-page training
    .venv/bin/python bench/run.py --cv 0 --train-sizes 100 --output /tmp/results.md
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsseg.evaluation.baselines import CRFTagger, LineClassifier, RulesTagger
from newsseg.evaluation.metrics import HEADLINE_FIGURES, Report
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
KINDS = ("epaper", "ocr-zoned", "ocr-raw", "real")
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


def quality_table(results: dict[str, dict[str, Report]]) -> str:
    """Rows per kind of text and system (a system not scored on a kind has no row for it)."""
    header = ["text", "system", "pages", "boundaries", *(name for name, _ in HEADLINE_FIGURES)]
    rows = []
    for kind in KINDS:
        for system, reports in results.items():
            report = reports.get(kind)
            if report is None:
                continue
            s = report.summary()
            rows.append(
                [kind, system, str(s["pages"]), str(s["boundaries"]), *(f"{s[key]:.3f}" for _, key in HEADLINE_FIGURES)]
            )
    return markdown_table(header, rows, right_from=2)


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
    systems = {
        "crf (bundled model)": CRFTagger(bundled),
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
        if name == "crf (bundled model)":
            reports = comparison_reports([c for c in pages_compared if c.name in unseen_names]) if unseen else {}
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
    header = ["text", "folds", "pages", *(name for name, _ in HEADLINE_FIGURES)]
    rows = [
        [kind, str(int(scores["folds"][0])), str(int(scores["pages"][0]))]
        + [f"{scores[key][0]:.3f} ± {scores[key][1]:.3f}" for _, key in HEADLINE_FIGURES]
        for kind, scores in sorted(result.scores().items(), key=lambda item: _kind_order(item[0]))
    ]
    return markdown_table(header, rows), elapsed


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


def run_speed(workdir: Path) -> str:
    """predict over the folder of all labelled pages' text: the command, then CRF and rules in-process."""
    pages = read_labelled_pages([*LABELLED_DIRS, REAL_DIR])
    folder = workdir / "pages"
    lines, content = write_page_texts(pages, folder)
    log(f"newsseg predict over {len(pages)} pages ({lines:,} lines)")
    output = workdir / "articles.jsonl"
    seconds, command_report = run_measured(["cli", "predict", str(folder), "-o", str(output)], workdir)
    peak = command_report["peak_mib"]
    articles = sum(1 for _ in output.open(encoding="utf-8"))
    measured = {}
    for system in ("crf", "rules"):
        log(f"in-process predict speed of {system}")
        _, measured[system] = run_measured(["speed", system, str(folder)], workdir)
    crf, rules = measured["crf"], measured["rules"]
    ratio = (rules["pages"] / rules["seconds"]) / (crf["pages"] / crf["seconds"])
    command_rows = [
        [
            "`newsseg predict DIR -o articles.jsonl` (bundled CRF, end to end)",
            str(len(pages)),
            f"{seconds:.1f}",
            f"{len(pages) / seconds:.1f}",
            f"{lines / seconds:,.0f}",
            f"{peak:.0f}",
        ]
    ]
    text = [
        f"{len(pages)} pages, {lines:,} lines ({content:,} non-blank), {articles:,} articles predicted.",
        "",
        markdown_table(["run", "pages", "seconds", "pages/s", "lines/s", "peak MiB"], command_rows),
        "",
        "In-process, each system in a fresh process (`bench/measure.py speed`): importing newsseg, loading the "
        "model, the first page (which loads jieba's dictionary for the CRF's lexical features), then every other "
        "page (`read_page` excluded; predict builds the articles as `newsseg predict` does).",
        "",
    ]
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
    text.append(
        markdown_table(
            ["system", "import", "load", "first page", "pages", "pages/s", "lines/s", "per page", "peak MiB"], rows
        )
    )
    text += ["", f"The rules baseline tags pages {ratio:.0f}× as fast as the CRF in the same run."]
    return "\n".join(text)


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


# -- main -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip cross-validation and the 1,000-page training")
    parser.add_argument("--cv", type=int, default=5, help="folds of the cross-validation (0: skip); default 5")
    parser.add_argument(
        "--train-sizes", default="100,1000", help="comma-separated page counts to time training on; default 100,1000"
    )
    parser.add_argument("--jobs", type=int, default=2, help="processes for folds and features; default 2")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md", help="results file")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.train_sizes.split(",") if size.strip()]
    folds = 0 if args.quick else args.cv
    if args.quick:
        sizes = [size for size in sizes if size <= 100] or [100]
    if not args.output.parent.is_dir():
        parser.error(f"the output folder does not exist: {args.output.parent}")
    options = " ".join(sys.argv[1:] if argv is None else argv)
    command = f"python bench/run.py {options}".rstrip() if options else "make bench"

    workdir = Path(tempfile.mkdtemp(prefix="newsseg-bench-"))
    try:
        machine = machine_description()
        quality = run_quality(args.jobs)
        cv_text = run_cv(folds, args.jobs) if folds else None
        speed = run_speed(workdir)
        training = run_training(sizes, workdir, 1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    total = time.perf_counter() - STARTED
    machine.append(("load average at end", " ".join(f"{load:.2f}" for load in os.getloadavg())))

    sections = [
        "# newsseg benchmarks",
        "",
        f"Produced by `{command}` in {total / 60:.1f} minutes on the machine below; every figure here "
        "was measured in that run. Re-run it to check them.",
        "",
        markdown_table(["", ""], [[f"**{key}**", value] for key, value in machine]),
        "",
        "## Quality on pages no system was trained on",
        "",
        f"Split of the 240 labelled pages by page group (twins together; fraction {HOLDOUT_FRACTION}, seed "
        f"{SEED}): {quality.train_pages} training pages, {quality.test_pages} held-out pages, plus the real "
        "page (`data/pages/real/zjgrrb-page.tsv`), which nothing is trained on. The CRF trained on the split "
        "uses the bundled model's feature settings and CRF parameters; the line-classifier sees the same features "
        "(one LogisticRegression decision per line, no transitions). The bundled model was trained on "
        f"{quality.bundled_training} and is scored on the pages it never saw ({quality.bundled_scope}). "
        "Boundaries are over non-blank "
        "lines; Pk and WindowDiff use k = half the mean reference segment length per page (lower is better); "
        "micro figures (all pages pooled).",
        "",
        quality_table(quality.results),
        "",
        "Training time on the split: "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in quality.train_seconds.items())
        + ".",
    ]
    if cv_text is not None:
        table, seconds = cv_text
        sections += [
            "",
            f"### {folds}-fold cross-validation of the CRF",
            "",
            f"GroupKFold over page groups (twins in one fold), seed {SEED}, all 240 labelled pages, bundled "
            f"model's settings; mean ± standard deviation over the folds ({seconds:.0f} s with {args.jobs} "
            f"processes). Same as `newsseg train {' '.join(str(d.relative_to(ROOT)) for d in LABELLED_DIRS)} "
            f"--cv {folds} -j {args.jobs}`.",
            "",
            table,
        ]
    sections += [
        "",
        "## Speed of predict",
        "",
        "Wall-clock figures depend on what else the machine is doing (see the load averages above); they "
        "are from this run only.",
        "",
        speed,
        "",
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
    text = "\n".join(sections)
    write_text_atomic(args.output, text)
    print(text)
    log(f"wrote {args.output} in {total / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
