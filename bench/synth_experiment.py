"""Synthetic training data: the corpus subset, its statistics against real pages, and whether it helps.

Four sub-commands (run from the repository root; ``stats`` and ``run`` need only ``data/``)::

    python bench/synth_experiment.py sources ../shared/ocr-pages -o data/corpus/labelled-sources.tsv
    python bench/synth_experiment.py subset ../shared/corpus/rmrb-pages.jsonl.gz -o data/corpus/rmrb-subset.jsonl.gz
    python bench/synth_experiment.py stats          # synthetic vs labelled pages: statistics, phenomena (Markdown)
    python bench/synth_experiment.py run            # labelled only / + 500, 2,000, 5,000 synthetic / synthetic only

``run`` holds out a quarter of the labelled page groups (a page and its twins together, the split
of tests/test_quality.py), trains one CRF per training mix and scores each on the held-out pages,
per kind of text, and on the hand-labelled real page (never trained on).  Synthetic pages come
from corpus pages that are not the sources of any labelled page (``--exclude``), so no test
article is ever seen in training.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.model_selection import GroupKFold  # noqa: E402

from newsseg.evaluation.scoring import predict_content_tags, reports_by_kind  # noqa: E402
from newsseg.io.fileio import write_text_atomic  # noqa: E402
from newsseg.io.labels import OUTSIDE, ROLES, LabelledPage  # noqa: E402
from newsseg.io.tables import markdown_table  # noqa: E402
from newsseg.segmenter import Segmenter  # noqa: E402
from newsseg.synth.corpus import (  # noqa: E402
    exclude_pages,
    read_corpus,
    read_page_keys,
    sample_days,
    truncate_page,
    write_corpus,
)
from newsseg.synth.generate import Synthesiser  # noqa: E402
from newsseg.synth.settings import KINDS, SynthSettings  # noqa: E402
from newsseg.synth.stats import (  # noqa: E402
    PHENOMENA,
    compare_phenomena,
    comparison_table,
    format_figure,
    page_set_stats,
)
from newsseg.train.dataset import group_key, group_labels, holdout_split, read_labelled_pages  # noqa: E402
from newsseg.train.trainer import shared_groups  # noqa: E402

DATA = ROOT / "data"
PAGES = DATA / "pages"
DEFAULT_CORPUS = DATA / "corpus" / "rmrb-subset.jsonl.gz"
DEFAULT_EXCLUDE = DATA / "corpus" / "labelled-sources.tsv"
REPORTED = (*KINDS, "real")
ROLE_COLUMNS = (OUTSIDE, *ROLES)


# -- sources and subset ------------------------------------------------------------------------------


def sources_command(args: argparse.Namespace) -> None:
    """List the corpus pages each labelled page was made from (``source`` of its gold.json)."""
    rows = ["# corpus pages the 80 labelled rmrb-ocr pages were made from: PAPER<TAB>DATE<TAB>PAGE<TAB>LABELLED PAGE"]
    for gold in sorted(Path(args.gold_dir).glob("*.gold.json")):
        data = json.loads(gold.read_text(encoding="utf-8"))
        source = data["source"]
        for page in source.get("src_pages") or [source["page"]]:
            rows.append(f"{source['paper']}\t{source['date']}\t{page}\t{data['page']}")
    write_text_atomic(args.output, "\n".join(rows) + "\n")
    print(f"wrote {len(rows) - 1} source pages to {args.output}")


def subset_command(args: argparse.Namespace) -> None:
    """A corpus subset for data/: whole issues drawn at random, labelled pages' sources left out, articles cut."""
    pages, left_out = exclude_pages(read_corpus(args.corpus), read_page_keys(args.exclude))
    chosen = sample_days(pages, args.days, args.seed)
    write_corpus([truncate_page(page, args.max_chars) for page in chosen], args.output)
    articles = sum(len(page.articles) for page in chosen)
    size = Path(args.output).stat().st_size
    print(f"wrote {len(chosen)} pages ({articles} articles) of {args.days} issues to {args.output}, {size:,} bytes")
    print(f"left out {left_out} corpus pages that labelled pages were made from")


# -- statistics --------------------------------------------------------------------------------------


def synthetic_pages(corpus: Path, exclude: Path | None, count: int, seed: int) -> tuple[list, int]:
    keys = read_page_keys(exclude) if exclude else []
    pages, left_out = exclude_pages(read_corpus([corpus]), keys)
    return list(Synthesiser(pages, SynthSettings(), seed).pages(count)), left_out


def stats_command(args: argparse.Namespace) -> None:
    """Synthetic pages of each kind next to the labelled pages of that kind, and zjgrrb OCR next to the real page."""
    made, _ = synthetic_pages(args.corpus, args.exclude, args.pages, args.seed)
    columns = {}
    for kind in KINDS:
        columns[f"{kind} (80 labelled)"] = page_set_stats(read_labelled_pages([PAGES / kind]))
        same = [p for p in made if p.draws.kind == kind and p.draws.style == "rmrb"]
        columns[f"{kind} (synthetic rmrb)"] = page_set_stats(
            [p.labelled for p in same], [p.draws.articles for p in same]
        )
    columns["real zjgrrb page"] = page_set_stats(read_labelled_pages([PAGES / "real"]), [7])
    ocr = [p for p in made if p.draws.kind != "epaper" and p.draws.style == "zjgrrb"]
    columns["synthetic zjgrrb OCR"] = page_set_stats([p.labelled for p in ocr], [p.draws.articles for p in ocr])
    print(comparison_table(columns))
    print()
    print(phenomena_comparison(made))


TUNED_ROWS = {
    "one-line title, no byline": "staff_byline_rate 0.15→0.05, author_line_rate 0.4→0.3, title_split_rate 0.3→0.25",
    "bylines/article": "(the same three)",
    "blank at article change": "article_blank_rate (new, 0.99)",
    "junk lines/page": "garbage_lines 0.3→0.1; lone marks never read by OCR; JUNK_TOKENS without lone marks",
    "noise lines/page": "garbage_lines 0.3→0.1",
}
"""The rows the generator was tuned on (all on the 80 labelled pages of each kind) and what was changed."""


def phenomena_comparison(made: Sequence) -> str:
    """One table: every phenomenon, labelled against synthetic rmrb pages per kind, within tolerance or not."""
    columns = {}
    for kind in KINDS:
        same = [p.labelled for p in made if p.draws.kind == kind and p.draws.style == "rmrb"]
        columns[kind] = compare_phenomena(read_labelled_pages([PAGES / kind]), same)
    header = ["phenomenon", "tolerance"]
    for kind in KINDS:
        header += [f"{kind} labelled", "synthetic", "within"]
    header.append("tuned (settings changed)")
    lines = []
    for index, phenomenon in enumerate(PHENOMENA):
        tolerance = [f"±{phenomenon.absolute:g}"] if phenomenon.absolute else []
        tolerance += [f"±{phenomenon.relative:.0%}"] if phenomenon.relative else []
        cells = [phenomenon.name, " or ".join(tolerance)]
        for kind in KINDS:
            row = columns[kind][index]
            cells += [format_figure(row.reference), format_figure(row.other), row.verdict]
        cells.append(TUNED_ROWS.get(phenomenon.name, ""))
        lines.append(cells)
    within = {kind: sum(row.within is not False for row in rows) for kind, rows in columns.items()}
    summary = ", ".join(f"{kind} {count} of {len(PHENOMENA)}" for kind, count in within.items())
    return markdown_table(header, lines, right_from=2) + f"\n\nRows within tolerance: {summary}."


# -- the experiment ----------------------------------------------------------------------------------


def train_and_predict(
    train: Sequence[LabelledPage], test: Sequence[LabelledPage], jobs: int, max_iterations: int
) -> tuple[list[list[str]], float]:
    """Fit a default CRF on ``train`` (wall-clock timed: features and L-BFGS); its tags for ``test``."""
    segmenter = Segmenter(max_iterations=max_iterations)
    started = time.perf_counter()
    items = segmenter.training_items([labelled.page for labelled in train], n_jobs=jobs)
    segmenter.crf.fit(items, [labelled.content_tags for labelled in train])
    seconds = time.perf_counter() - started
    return [predict_content_tags(segmenter, labelled) for labelled in test], seconds


def results_tables(results: list[dict]) -> str:
    """Markdown: headline figures per mix and kind, then per-role F1 per mix and kind."""
    lines = [
        "| training data | pages | train time | text | boundary F1 | Pk | WindowDiff | segment F1 | role accuracy |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for kind in REPORTED:
            s = result["scores"].get(kind)
            if s is None:
                continue
            summary = s["summary"]
            lines.append(
                f"| {result['name']} | {result['pages']} | {result['seconds']:.0f} s | {kind} | "
                f"{summary['boundary_f1']:.3f} | {summary['pk']:.3f} | {summary['windowdiff']:.3f} | "
                f"{summary['segment_f1']:.3f} | {summary['role_accuracy']:.3f} |"
            )
    lines += ["", "Per-role F1 (lines):", ""]
    lines.append("| training data | text | " + " | ".join(ROLE_COLUMNS) + " |")
    lines.append("|---|---|" + "---:|" * len(ROLE_COLUMNS))
    for result in results:
        for kind in REPORTED:
            s = result["scores"].get(kind)
            if s is None:
                continue
            cells = []
            for role in ROLE_COLUMNS:
                role_scores = s["roles"].get(role)
                cells.append("—" if not role_scores or not role_scores["support"] else f"{role_scores['f1']:.2f}")
            lines.append(f"| {result['name']} | {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def splits(labelled: list[LabelledPage], args: argparse.Namespace) -> list[tuple[list, list, bool]]:
    """(training pages, test pages, score the real page too) for each split the options ask for.

    The default is one held-out split; ``--folds K`` gives K group folds (every labelled page is
    tested once); ``--dev`` splits the training pages of the held-out split again, for tuning
    without touching the test pages or the real page.
    """
    groups = group_labels(labelled)
    if args.folds:
        return [
            ([labelled[i] for i in train], [labelled[i] for i in test], True)
            for train, test in GroupKFold(n_splits=args.folds).split(labelled, groups=groups)
        ]
    train_idx, test_idx = holdout_split(groups, args.holdout, args.split_seed)
    train_pages, test_pages = [labelled[i] for i in train_idx], [labelled[i] for i in test_idx]
    if not args.dev:
        return [(train_pages, test_pages, True)]
    dev_train, dev_test = holdout_split(group_labels(train_pages), args.holdout, args.split_seed + 1)
    return [([train_pages[i] for i in dev_train], [train_pages[i] for i in dev_test], False)]


def check_sources_excluded(test_pages: Sequence[LabelledPage], exclude: Path) -> None:
    """Stop unless the corpus source of every test page is in the exclusion list."""
    excluded_names = {
        line.split("\t")[3].strip()
        for line in exclude.read_text(encoding="utf-8").splitlines()
        if line.count("\t") >= 3 and not line.startswith("#")
    }
    missing = sorted({group_key(p.name) for p in test_pages} - excluded_names)
    if missing:
        raise SystemExit(f"the corpus sources of test pages {missing} are not in {exclude}")


def run_command(args: argparse.Namespace) -> None:
    """Train on each mix of labelled and synthetic pages, score on held-out labelled pages and the real page."""
    labelled = read_labelled_pages([PAGES / kind for kind in KINDS])
    real = read_labelled_pages([PAGES / "real"])
    folds = splits(labelled, args)
    for train_pages, test_pages, _ in folds:
        assert not shared_groups(train_pages, test_pages), "a page group is on both sides of the split"
        check_sources_excluded(test_pages, args.exclude)
    corpus_pages, left_out = exclude_pages(read_corpus([args.corpus]), read_page_keys(args.exclude))
    largest = max([*args.sizes, args.synthetic_only])
    started = time.perf_counter()
    synthetic = [page.labelled for page in Synthesiser(corpus_pages, SynthSettings(), args.seed).pages(largest)]
    synth_seconds = time.perf_counter() - started
    train_pages, test_pages, with_real = folds[0]
    scored = f"{len(test_pages)} held-out pages" + (" + the real page" if with_real else " (development split)")
    print(
        f"{len(folds)} split(s), the first: {len(train_pages)} training pages, {scored}; "
        f"{largest} synthetic pages in {synth_seconds:.1f} s from {len(corpus_pages)} corpus pages "
        f"({left_out} sources of labelled pages left out)",
        file=sys.stderr,
    )
    mixes = [("labelled only", None, 0)]
    mixes += [(f"labelled + {n:,} synthetic", None, n) for n in args.sizes]
    mixes.append((f"synthetic only ({args.synthetic_only:,})", [], args.synthetic_only))
    results = []
    for name, fixed, count in mixes:
        names: list[str] = []
        references: list[list[str]] = []
        predictions: list[list[str]] = []
        seconds: list[float] = []
        pages = 0
        # A training set that does not depend on the split (synthetic only) is trained once.
        runs = folds if fixed is None else [(fixed, [p for _, test, _ in folds for p in test], folds[0][2])]
        for train_pages, test_pages, with_real in runs:
            training = train_pages + synthetic[:count]
            scored_pages = test_pages + (real if with_real else [])
            tags, elapsed = train_and_predict(training, scored_pages, args.jobs, args.max_iterations)
            names += [p.name for p in scored_pages]
            references += [p.content_tags for p in scored_pages]
            predictions += tags
            seconds.append(elapsed)
            pages = len(training)
        reports = reports_by_kind(names, references, predictions)
        scores = {kind: report.to_dict() for kind, report in reports.items()}
        mean_seconds = sum(seconds) / len(seconds)
        results.append({"name": name, "pages": pages, "seconds": mean_seconds, "folds": len(folds), "scores": scores})
        print(
            f"{name}: {pages} pages, {mean_seconds:.0f} s per model, boundary F1 "
            + ", ".join(f"{k} {scores[k]['summary']['boundary_f1']:.3f}" for k in REPORTED if k in scores),
            file=sys.stderr,
        )
        if args.json:
            write_text_atomic(args.json, json.dumps(results, ensure_ascii=False, indent=1))
    print(results_tables(results))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    sources = commands.add_parser("sources", help="list the corpus pages the labelled pages were made from")
    sources.add_argument("gold_dir", help="folder of the labelled pages' *.gold.json (../shared/ocr-pages)")
    sources.add_argument("-o", "--output", default=str(DEFAULT_EXCLUDE))
    sources.set_defaults(handler=sources_command)

    subset = commands.add_parser("subset", help="write the corpus subset kept in data/corpus/")
    subset.add_argument("corpus", nargs="+", help="the full corpus (../shared/corpus/rmrb-pages.jsonl.gz)")
    subset.add_argument("-o", "--output", default=str(DEFAULT_CORPUS))
    subset.add_argument("--exclude", default=str(DEFAULT_EXCLUDE))
    subset.add_argument("--days", type=int, default=48, help="issues (paper and date) to keep")
    subset.add_argument("--max-chars", type=int, default=1200, help="characters kept of each article")
    subset.add_argument("--seed", type=int, default=0)
    subset.set_defaults(handler=subset_command)

    stats = commands.add_parser("stats", help="synthetic pages next to the labelled pages (Markdown table)")
    stats.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    stats.add_argument("--exclude", type=Path, default=DEFAULT_EXCLUDE)
    stats.add_argument("--pages", type=int, default=1500, help="synthetic pages to measure")
    stats.add_argument("--seed", type=int, default=1)
    stats.set_defaults(handler=stats_command)

    run = commands.add_parser("run", help="the does-it-help experiment (Markdown tables on stdout)")
    run.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    run.add_argument("--exclude", type=Path, default=DEFAULT_EXCLUDE)
    run.add_argument("--sizes", type=lambda text: [int(n) for n in text.split(",") if n], default=[500, 2000, 5000])
    run.add_argument("--synthetic-only", type=int, default=5000, help="synthetic pages of the synthetic-only model")
    run.add_argument("--seed", type=int, default=0, help="seed of the synthetic pages")
    run.add_argument("--holdout", type=float, default=0.25, help="share of page groups held out")
    run.add_argument("--split-seed", type=int, default=0)
    run.add_argument("--jobs", type=int, default=2, help="processes computing features")
    run.add_argument("--max-iterations", type=int, default=150)
    run.add_argument("--json", help="also write every figure (per-role, confusion) to this JSON file")
    run.add_argument(
        "--dev", action="store_true", help="tune: score on a split of the training pages (test and real page unused)"
    )
    run.add_argument("--folds", type=int, default=0, help="K group folds instead of one held-out split")
    run.set_defaults(handler=run_command)

    args = parser.parse_args(argv)
    args.handler(args)


if __name__ == "__main__":
    main()
