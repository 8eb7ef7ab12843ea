"""Training segmenters on labelled pages, with honest held-out figures.

:func:`train` fits a :class:`~newsseg.segmenter.Segmenter`, optionally holding out a share of
the page groups (twins together) and scoring the model on them first (with
:func:`~newsseg.evaluation.scoring.evaluate_pages`, per kind of text).  Cross-validation and
parameter search are in :mod:`newsseg.train.cv`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsseg.errors import UsageError
from newsseg.evaluation.metrics import Report
from newsseg.evaluation.scoring import evaluate_pages, reports_summary
from newsseg.features import FeatureSettings
from newsseg.io.fingerprints import page_fingerprint
from newsseg.io.labels import LabelledPage
from newsseg.model.crf import DEFAULT_C1, DEFAULT_C2, DEFAULT_MAX_ITERATIONS, IterationCallback
from newsseg.segmenter import PageCallback, Segmenter
from newsseg.train.dataset import group_labels, holdout_split


def shared_groups(train_pages: Sequence[LabelledPage], test_pages: Sequence[LabelledPage]) -> list[str]:
    """The page groups (twins together) that appear on both sides, sorted: a leak if not empty."""
    return sorted(set(group_labels(train_pages)) & set(group_labels(test_pages)))


def pages_seen_in_training(segmenter: Segmenter, pages: Sequence[LabelledPage]) -> list[str]:
    """Names of the pages a model was trained on, as far as its file can tell.

    A page counts as seen when its fingerprint is among those the model file lists (whatever
    the file is called now), or when it lies in a file or folder the manifest names as a
    training source.  Models that list neither can say nothing, so an empty answer does not
    prove that the model never saw the pages.
    """
    training = segmenter.manifest.get("training", {})
    sources = []
    for source in [*training.get("sources", []), *training.get("train_only", []), *training.get("assembly", [])]:
        path = Path(source)
        if isinstance(source, str) and path.exists():
            sources.append(path.resolve())
    seen = []
    for labelled in pages:
        resolved = Path(labelled.name).resolve()
        if page_fingerprint(labelled.page) in segmenter.seen_pages or any(
            resolved == source or source in resolved.parents for source in sources
        ):
            seen.append(labelled.name)
    return seen


@dataclass
class TrainingResult:
    """What :func:`train` gives back: the model and, if a share was held out, its scores."""

    segmenter: Segmenter
    heldout: dict[str, Report] | None
    train_pages: int
    test_pages: int


def train(
    pages: Sequence[LabelledPage],
    settings: FeatureSettings | None = None,
    c1: float = DEFAULT_C1,
    c2: float = DEFAULT_C2,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    holdout: float | None = None,
    refit: bool = False,
    seed: int = 0,
    on_page: PageCallback | None = None,
    on_iteration: IterationCallback | None = None,
    on_stage: Callable[[str], None] | None = None,
    data_summary: dict | None = None,
    n_jobs: int = 1,
    extra_pages: Sequence[LabelledPage] = (),
    test_pages: Sequence[LabelledPage] = (),
    assembly_pages: Sequence[LabelledPage] = (),
) -> TrainingResult:
    """Train a segmenter, optionally scoring it first on held-out page groups.

    Parameters
    ----------
    pages : sequence of LabelledPage
        All labelled pages.
    settings, c1, c2, max_iterations
        Feature settings and CRF parameters.
    holdout : float, optional
        Share of page groups (twins together) to hold out and score the model on.
    refit : bool
        With ``holdout``: after scoring, train the returned model on all pages (its manifest
        keeps the held-out scores of the model trained without them).
    seed : int
        Seed of the held-out split.
    on_page, on_iteration, on_stage : callable, optional
        Progress callbacks: pages featurised, L-BFGS iterations, and a stage name.
    data_summary : dict, optional
        Description of the training data, stored in the manifest.
    n_jobs : int
        Processes computing features; the model does not depend on it.
    extra_pages : sequence of LabelledPage
        Pages always trained on and never held out or scored (synthetic pages, for instance),
        so the held-out split of ``pages`` does not depend on them.
    test_pages : sequence of LabelledPage
        Pages never trained on: the model is scored on them (instead of a held-out share; not
        together with ``holdout``) and the scores are kept in its manifest.
    assembly_pages : sequence of LabelledPage
        Pages with article keys to train the assembly stage and the headline stage on, as the
        trained CRF tags them (:meth:`~newsseg.segmenter.Segmenter.fit_assembly`,
        :meth:`~newsseg.segmenter.Segmenter.fit_headlines`); none of them may share a page
        group with the pages scored.

    Returns
    -------
    TrainingResult
    """
    stage = on_stage or (lambda name: None)
    summary = {"seed": seed, **(data_summary or {})}

    def new_segmenter() -> Segmenter:
        return Segmenter(settings, c1=c1, c2=c2, max_iterations=max_iterations)

    if holdout is not None and test_pages:
        raise UsageError("a held-out share and separate test pages do not go together: choose one")
    leaked = shared_groups([*pages, *extra_pages], test_pages)
    if leaked:
        raise UsageError(f"the test pages share page groups with the training pages: {', '.join(leaked[:5])}")
    everything = [*pages, *extra_pages]
    record: dict = {}

    def fitted(train_on: Sequence[LabelledPage]) -> Segmenter:
        segmenter = new_segmenter().fit(train_on, on_page, on_iteration, summary, n_jobs)
        if assembly_pages:
            stage(f"training the assembly stage on {len(assembly_pages)} pages")
            segmenter.fit_assembly(assembly_pages, on_page=on_page)
            stage(f"training the headline stage on {len(assembly_pages)} pages")
            segmenter.fit_headlines(assembly_pages, on_page=on_page)
        return segmenter

    if holdout is None:
        train_pages = everything
        stage("training")
    else:
        train_idx, test_idx = holdout_split(group_labels(pages), holdout, seed)
        train_pages = [pages[i] for i in train_idx] + list(extra_pages)
        test_pages = [pages[i] for i in test_idx]
        record = {"fraction": holdout, "seed": seed, "train_pages": len(train_pages)}
        stage(f"training on {len(train_pages)} pages, holding out {len(test_pages)}")
    leaked = shared_groups(assembly_pages, test_pages)
    if leaked:
        raise UsageError(f"the test pages share page groups with the assembly pages: {', '.join(leaked[:5])}")
    segmenter = fitted(train_pages)
    if not test_pages:
        return TrainingResult(segmenter, None, len(train_pages), 0)
    stage("scoring the held-out pages" if holdout is not None else f"scoring the {len(test_pages)} test pages")
    scores = evaluate_pages(segmenter, test_pages, on_page)
    record.update(
        test_pages=len(test_pages), test_names=sorted(p.name for p in test_pages), scores=reports_summary(scores)
    )
    if refit and holdout is not None:
        stage(f"refitting on all {len(everything)} pages")
        segmenter = fitted(everything)
        record["refit_on_all"] = True
    segmenter.manifest["heldout"] = record
    return TrainingResult(segmenter, scores, len(train_pages), len(test_pages))
