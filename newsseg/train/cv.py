"""Cross-validation and parameter search for the CRF, with folds that never split a page group.

:func:`cross_validate` trains and scores the CRF on K folds made by scikit-learn's
``GroupKFold`` over page groups (a page and its twins always fall in the same fold), or over
sources (:func:`source_key`, whole newspapers or data sets at a time); :func:`tune` does the
same for every point of a ``ParameterGrid`` over ``c1``, ``c2`` and the feature window, and
ranks the points.  Folds run in parallel with joblib.

Each worker process computes the line features of all pages once per feature setting and keeps
them for the folds it runs (:func:`_features_of`), so only the pages' text crosses processes.
Results do not depend on the number of processes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from newsseg.errors import UsageError
from newsseg.evaluation.metrics import LOWER_IS_BETTER, Report
from newsseg.evaluation.scoring import ALL, reports_by_kind
from newsseg.features import FeatureSettings, page_features
from newsseg.features.layout import Features
from newsseg.io.fileio import write_text_atomic
from newsseg.io.labels import LabelledPage
from newsseg.io.tables import markdown_table
from newsseg.model.crf import DEFAULT_C1, DEFAULT_C2, DEFAULT_MAX_ITERATIONS, LineCRF
from newsseg.train.dataset import group_labels

GROUP_BY: tuple[str, ...] = ("page", "source")
"""How folds are made: whole page groups (twins together), or whole sources."""

FoldCallback = Callable[[int, int], None]
"""Called as folds finish, with (folds done, folds in all)."""

_TRAILING_NUMBER = re.compile(r"[-_.\s]*\d+$")


def source_key(group: str) -> str:
    """The source of a page group: its name without the trailing number (``rmrb-ocr-007`` → ``rmrb-ocr``)."""
    return _TRAILING_NUMBER.sub("", group) or group


def cv_groups(pages: Sequence[LabelledPage], group_by: str = "page") -> list[str]:
    """The group of each page for the folds: its page group, or its source.

    Raises
    ------
    UsageError
        If ``group_by`` is not one of :data:`GROUP_BY`.
    """
    if group_by not in GROUP_BY:
        raise UsageError(f"unknown grouping {group_by!r} (choose from {', '.join(GROUP_BY)})")
    groups = group_labels(pages)
    return groups if group_by == "page" else [source_key(group) for group in groups]


def fold_indices(
    pages: Sequence[LabelledPage], n_splits: int, group_by: str = "page", seed: int = 0
) -> list[tuple[list[int], list[int]]]:
    """(train, test) page indices of each fold; no group is on both sides of a fold.

    Parameters
    ----------
    pages : sequence of LabelledPage
        All labelled pages.
    n_splits : int
        Number of folds, at least 2 and at most the number of groups.
    group_by : {"page", "source"}
        What a group is (see :func:`cv_groups`).
    seed : int
        Seed of the shuffle of groups into folds.

    Raises
    ------
    UsageError
        If there are fewer groups than folds, or fewer than 2 folds.
    """
    if n_splits < 2:
        raise UsageError(f"cross-validation needs at least 2 folds, not {n_splits}")
    groups = cv_groups(pages, group_by)
    distinct = len(set(groups))
    if distinct < n_splits:
        what = "page groups" if group_by == "page" else "sources"
        raise UsageError(f"{n_splits} folds need at least {n_splits} {what}; the data has {distinct}")
    from sklearn.model_selection import GroupKFold

    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    placeholder = np.zeros(len(pages))
    return [
        (sorted(train.tolist()), sorted(test.tolist())) for train, test in splitter.split(placeholder, groups=groups)
    ]


# -- one fold -------------------------------------------------------------------------------

_FEATURE_CACHE: OrderedDict[tuple[str, FeatureSettings], list[list[Features]]] = OrderedDict()
_FEATURE_CACHE_SIZE = 2


def data_fingerprint(pages: Sequence[LabelledPage]) -> str:
    """A digest of the pages' names and text, to recognise the same data in a worker process."""
    digest = hashlib.sha256()
    for labelled in pages:
        digest.update(labelled.name.encode("utf-8", "surrogatepass") + b"\0")
        digest.update("\n".join(labelled.page.lines).encode("utf-8", "surrogatepass") + b"\1")
    return digest.hexdigest()


def _features_of(pages: Sequence[LabelledPage], fingerprint: str, settings: FeatureSettings) -> list[list[Features]]:
    """The features of every page under ``settings``, computed once per process and kept."""
    key = (fingerprint, settings)
    if key in _FEATURE_CACHE:
        _FEATURE_CACHE.move_to_end(key)
        return _FEATURE_CACHE[key]
    features = [page_features(labelled.page, settings) for labelled in pages]
    _FEATURE_CACHE[key] = features
    while len(_FEATURE_CACHE) > _FEATURE_CACHE_SIZE:
        _FEATURE_CACHE.popitem(last=False)
    return features


@dataclass
class FoldResult:
    """The scores of one fold for one parameter setting."""

    params: dict
    fold: int
    train_pages: int
    test_pages: int
    reports: dict[str, Report]
    fit_seconds: float


def run_fold(
    pages: Sequence[LabelledPage],
    fingerprint: str,
    train_idx: Sequence[int],
    test_idx: Sequence[int],
    settings: FeatureSettings,
    params: dict,
    fold: int,
) -> FoldResult:
    """Train a CRF on ``train_idx`` and score it on ``test_idx``.

    Parameters
    ----------
    pages : sequence of LabelledPage
        All pages.
    fingerprint : str
        :func:`data_fingerprint` of ``pages``.
    train_idx, test_idx : sequence of int
        The fold's pages.
    settings : FeatureSettings
        The line features; ``params["window"]`` replaces their window.
    params : dict
        ``c1``, ``c2``, ``max_iterations`` and ``window``.
    fold : int
        The fold's number, kept in the result.
    """
    features = _features_of(pages, fingerprint, replace(settings, window=params["window"]))
    crf = LineCRF(c1=params["c1"], c2=params["c2"], max_iterations=params["max_iterations"])
    started = time.perf_counter()
    crf.fit([features[i] for i in train_idx], [pages[i].content_tags for i in train_idx])
    fit_seconds = time.perf_counter() - started
    test = [pages[i] for i in test_idx]
    predictions = [crf.tag(features[i]) for i in test_idx]
    reports = reports_by_kind(
        [p.name for p in test], [p.content_tags for p in test], predictions, [p.content_articles for p in test]
    )
    return FoldResult(dict(params), fold, len(train_idx), len(test_idx), reports, fit_seconds)


def _run_task(task: tuple[int, int], *args) -> tuple[tuple[int, int], FoldResult]:
    return task, run_fold(*args)


def _run_all(
    pages: Sequence[LabelledPage],
    settings: FeatureSettings,
    points: Sequence[dict],
    folds: Sequence[tuple[list[int], list[int]]],
    n_jobs: int,
    on_fold: FoldCallback | None,
) -> list[FoldResult]:
    """Run every (parameter point, fold) pair, in parallel; results in (point, fold) order."""
    fingerprint = data_fingerprint(pages)
    tasks = [(p, f) for p in range(len(points)) for f in range(len(folds))]
    # Points of one window together, so that each worker's feature cache is reused.
    tasks.sort(key=lambda task: (points[task[0]]["window"], task))
    arguments = [
        (task, pages, fingerprint, folds[task[1]][0], folds[task[1]][1], settings, points[task[0]], task[1])
        for task in tasks
    ]
    if n_jobs == 1:
        outputs: Iterable[tuple[tuple[int, int], FoldResult]] = (_run_task(*args) for args in arguments)
    else:
        from joblib import Parallel, delayed  # only here: importing joblib takes a tenth of a second

        outputs = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
            delayed(_run_task)(*args) for args in arguments
        )
    results: dict[tuple[int, int], FoldResult] = {}
    for done, (task, result) in enumerate(outputs, start=1):
        results[task] = result
        if on_fold is not None:
            on_fold(done, len(tasks))
    return [results[(p, f)] for p in range(len(points)) for f in range(len(folds))]


# -- aggregating ----------------------------------------------------------------------------

MEAN_METRICS: tuple[str, ...] = (
    "boundary_precision",
    "boundary_recall",
    "boundary_f1",
    "boundary_f1_within_1",
    "continuation_recall",
    "body_first_recall",
    "pk",
    "windowdiff",
    "pairwise_f1",
    "segment_f1",
    "role_accuracy",
    "role_macro_f1",
    "page_accuracy",
    "macro_boundary_f1",
    "macro_pk",
    "macro_windowdiff",
    "macro_pairwise_f1",
    "macro_segment_f1",
)
"""The figures averaged over folds.

A fold whose pages have no boundary of a kind has no recall of that kind
(:meth:`~newsseg.evaluation.metrics.Report.summary`) and is left out of its mean; where no fold
has one, mean and std are NaN (None in :meth:`CVResult.to_dict` and :meth:`TuneResult.rows`).
"""


def mean_and_std(values: Sequence[float | None]) -> tuple[float, float]:
    """Mean and population standard deviation of the defined values (None left out); NaN for none."""
    defined = [value for value in values if value is not None]
    if not defined:
        return math.nan, math.nan
    return float(np.mean(defined)), float(np.std(defined))


def rounded_figure(value: float, digits: int) -> float | None:
    """A figure rounded for JSON and tables; None for NaN (an undefined figure)."""
    return None if math.isnan(value) else round(value, digits)


@dataclass
class CVResult:
    """The folds of one parameter setting and their mean ± standard deviation.

    Attributes
    ----------
    params : dict
        The CRF and feature parameters.
    folds : list of FoldResult
        One per fold, in fold order.
    """

    params: dict
    folds: list[FoldResult] = field(default_factory=list)

    def scores(self) -> dict[str, dict[str, tuple[float, float]]]:
        """``{kind: {metric: (mean, std)}}`` over the folds that hold pages of that kind.

        The standard deviation is the population one (``ddof=0``), as scikit-learn reports it.
        A recall of a kind of boundary is averaged over the folds that have such boundaries
        (NaN where none has, see :data:`MEAN_METRICS`).
        """
        kinds = sorted({kind for fold in self.folds for kind in fold.reports}, key=lambda k: (k == ALL, k))
        table: dict[str, dict[str, tuple[float, float]]] = {}
        for kind in kinds:
            summaries = [fold.reports[kind].summary() for fold in self.folds if kind in fold.reports]
            table[kind] = {metric: mean_and_std([s[metric] for s in summaries]) for metric in MEAN_METRICS}
            table[kind]["folds"] = (float(len(summaries)), 0.0)
            table[kind]["pages"] = (float(sum(s["pages"] for s in summaries)), 0.0)
        return table

    @property
    def fit_seconds(self) -> float:
        """Mean training time of a fold."""
        return float(np.mean([fold.fit_seconds for fold in self.folds])) if self.folds else 0.0

    def to_dict(self, digits: int = 4) -> dict:
        """Parameters, per-kind mean and std, and per-fold headline figures, JSON-ready."""
        scores = {
            kind: {
                metric: {"mean": rounded_figure(mean, digits), "std": rounded_figure(std, digits)}
                for metric, (mean, std) in metrics.items()
                if metric not in ("folds", "pages")
            }
            | {"folds": int(metrics["folds"][0]), "pages": int(metrics["pages"][0])}
            for kind, metrics in self.scores().items()
        }
        folds = []
        for fold in self.folds:
            summary = fold.reports[ALL].summary()
            folds.append(
                {
                    "fold": fold.fold,
                    "train_pages": fold.train_pages,
                    "test_pages": fold.test_pages,
                    "fit_seconds": round(fold.fit_seconds, 2),
                    "boundary_f1": round(summary["boundary_f1"], digits),
                    "pairwise_f1": round(summary["pairwise_f1"], digits),
                }
            )
        return {"params": self.params, "scores": scores, "folds": folds}


def _crf_point(c1: float, c2: float, window: int, max_iterations: int) -> dict:
    return {"c1": float(c1), "c2": float(c2), "window": int(window), "max_iterations": int(max_iterations)}


def cross_validate(
    pages: Sequence[LabelledPage],
    n_splits: int = 5,
    settings: FeatureSettings | None = None,
    c1: float = DEFAULT_C1,
    c2: float = DEFAULT_C2,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    group_by: str = "page",
    seed: int = 0,
    n_jobs: int = 1,
    on_fold: FoldCallback | None = None,
) -> CVResult:
    """K-fold cross-validation of the CRF, whole page groups (or sources) per fold.

    Parameters
    ----------
    pages : sequence of LabelledPage
        All labelled pages.
    n_splits : int
        Number of folds K.
    settings : FeatureSettings, optional
        The line features (the defaults when not given).
    c1, c2, max_iterations
        CRF regularisation and L-BFGS iteration limit.
    group_by : {"page", "source"}
        Keep page groups (twins) or whole sources together (see :func:`cv_groups`).
    seed : int
        Seed of the assignment of groups to folds.
    n_jobs : int
        Folds run at the same time (joblib processes).
    on_fold : callable, optional
        Progress callback ``(done, total)``.

    Returns
    -------
    CVResult
    """
    settings = settings or FeatureSettings()
    folds = fold_indices(pages, n_splits, group_by, seed)
    point = _crf_point(c1, c2, settings.window, max_iterations)
    return CVResult(point, _run_all(pages, settings, [point], folds, n_jobs, on_fold))


@dataclass
class TuneResult:
    """Every point of a parameter search, ranked best first by ``metric`` (mean over folds, all pages)."""

    metric: str
    n_splits: int
    group_by: str
    seed: int
    results: list[CVResult]

    def rows(self) -> list[dict]:
        """One flat row per point, best first: rank, parameters, mean and std of each figure."""
        rows = []
        for rank, result in enumerate(self.results, start=1):
            scores = result.scores()[ALL]
            row: dict = {"rank": rank, **result.params}
            for metric in MEAN_METRICS:
                mean, std = scores[metric]
                row[metric] = rounded_figure(mean, 4)
                row[metric + "_std"] = rounded_figure(std, 4)
            row["fit_seconds"] = round(result.fit_seconds, 2)
            rows.append(row)
        return rows

    @property
    def best(self) -> CVResult:
        return self.results[0]


def tune(
    pages: Sequence[LabelledPage],
    grid: dict[str, Sequence],
    n_splits: int = 5,
    settings: FeatureSettings | None = None,
    metric: str = "boundary_f1",
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    group_by: str = "page",
    seed: int = 0,
    n_jobs: int = 1,
    on_fold: FoldCallback | None = None,
) -> TuneResult:
    """Cross-validate every point of a parameter grid and rank the points.

    Parameters
    ----------
    pages : sequence of LabelledPage
        All labelled pages.
    grid : dict
        Lists of values for ``c1``, ``c2`` and ``window`` (a missing key takes the default,
        or the window of ``settings``), expanded with scikit-learn's ``ParameterGrid``.
    settings : FeatureSettings, optional
        The line features besides the window (the defaults when not given).
    n_splits, group_by, seed, n_jobs, on_fold, max_iterations
        As for :func:`cross_validate`; all points share the same folds.
    metric : str
        The figure (over all pages, mean over folds) that ranks the points; Pk and WindowDiff
        rank lowest first, the others highest first.

    Returns
    -------
    TuneResult
        The points, best first (ties keep grid order; points where the metric is undefined
        last).

    Raises
    ------
    UsageError
        For an unknown metric or grid key, or an empty list of values.
    """
    if metric not in MEAN_METRICS:
        raise UsageError(f"unknown metric {metric!r} (choose from {', '.join(MEAN_METRICS)})")
    unknown = set(grid) - {"c1", "c2", "window"}
    if unknown:
        raise UsageError(f"cannot search over {', '.join(sorted(unknown))} (only c1, c2, window)")
    settings = settings or FeatureSettings()
    full = {"c1": [DEFAULT_C1], "c2": [DEFAULT_C2], "window": [settings.window]}
    for key, values in grid.items():
        if not list(values):
            raise UsageError(f"no value to try for {key}")
        full[key] = list(values)
    from sklearn.model_selection import ParameterGrid

    points = [_crf_point(p["c1"], p["c2"], p["window"], max_iterations) for p in ParameterGrid(full)]
    folds = fold_indices(pages, n_splits, group_by, seed)
    fold_results = _run_all(pages, settings, points, folds, n_jobs, on_fold)
    per_point = [CVResult(point, fold_results[i * len(folds) : (i + 1) * len(folds)]) for i, point in enumerate(points)]
    sign = 1.0 if metric in LOWER_IS_BETTER else -1.0

    def rank_key(result: CVResult) -> tuple[bool, float]:
        mean = result.scores()[ALL][metric][0]
        return math.isnan(mean), 0.0 if math.isnan(mean) else sign * mean

    ranked = sorted(per_point, key=rank_key)
    return TuneResult(metric, n_splits, group_by, seed, ranked)


TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".json", ".md")
"""Files :func:`write_tune_table` can write, by suffix."""


def tune_table_text(result: TuneResult, suffix: str) -> str:
    """The ranked table of a search as CSV, JSON or Markdown text."""
    rows = result.rows()
    if suffix == ".json":
        meta = {"metric": result.metric, "folds": result.n_splits, "group_by": result.group_by, "seed": result.seed}
        return json.dumps({**meta, "rows": rows}, indent=2) + "\n"
    columns = list(rows[0]) if rows else []
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    if suffix == ".md":
        shown = ["rank", "c1", "c2", "window"]
        metrics = [m for m in MEAN_METRICS if not m.startswith("macro_")]
        header = [*shown, *metrics, "fit s"]
        cells = [
            [
                *(str(row[c]) for c in shown),
                *("—" if row[m] is None else f"{row[m]:.3f} ± {row[m + '_std']:.3f}" for m in metrics),
                f"{row['fit_seconds']:.1f}",
            ]
            for row in rows
        ]
        intro = (
            f"Ranked by mean {result.metric} over {result.n_splits} folds (groups: {result.group_by}, "
            f"seed {result.seed}); mean ± std over folds, all pages."
        )
        return intro + "\n\n" + markdown_table(header, cells, right_from=len(header)) + "\n"
    raise UsageError(f"cannot write a table as {suffix or 'a file without suffix'}")


def write_tune_table(result: TuneResult, path: str | Path) -> None:
    """Write the ranked table of a search, atomically, in the format its suffix names."""
    suffix = Path(path).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise UsageError(
            f"cannot write a table as {suffix or 'a file without suffix'} (use {', '.join(TABLE_SUFFIXES)})", str(path)
        )
    write_text_atomic(path, tune_table_text(result, suffix))
