"""Training and evaluating segmenters on labelled pages, with honest held-out figures.

:func:`train` fits a :class:`~newsseg.segmenter.Segmenter`, optionally holding out a share of
the page groups (twins together) and scoring the model on them first; :func:`evaluate_pages`
scores any model on labelled pages, separately for each kind of text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsseg.features import FeatureSettings
from newsseg.labels import LabelledPage
from newsseg.metrics import Report, evaluate
from newsseg.model.crf import DEFAULT_C1, DEFAULT_C2, DEFAULT_MAX_ITERATIONS, IterationCallback
from newsseg.segmenter import PageCallback, Segmenter, source_kind
from newsseg.train.dataset import group_labels, holdout_split

ALL = "all"


def predict_content_tags(segmenter: Segmenter, labelled: LabelledPage) -> list[str]:
    """The segmenter's tags for the non-blank lines of a labelled page."""
    tags = segmenter.tag(labelled.page)
    return [tags[i] for i in labelled.page.content_indices]


def evaluate_pages(
    segmenter: Segmenter,
    pages: Sequence[LabelledPage],
    on_page: PageCallback | None = None,
    tagger: Callable[[LabelledPage], list[str]] | None = None,
) -> dict[str, Report]:
    """Score a segmenter on labelled pages, per kind of text and over all.

    Parameters
    ----------
    segmenter : Segmenter
        The model to score (ignored when ``tagger`` is given).
    pages : sequence of LabelledPage
        Reference pages.
    on_page : callable, optional
        Progress callback ``(done, total)``.
    tagger : callable, optional
        Another system's tagging function, page → tags of the non-blank lines.

    Returns
    -------
    dict
        ``{kind: Report}`` for each kind present (``epaper``, ``ocr-zoned``, ``ocr-raw``,
        ``real``, ...) and ``"all"``.
    """
    tag = tagger or (lambda labelled: predict_content_tags(segmenter, labelled))
    pairs_by_kind: dict[str, list] = {}
    names_by_kind: dict[str, list[str]] = {}
    for done, labelled in enumerate(pages, start=1):
        kind = source_kind(labelled.name)
        pair = (labelled.content_tags, tag(labelled))
        for key in (kind, ALL):
            pairs_by_kind.setdefault(key, []).append(pair)
            names_by_kind.setdefault(key, []).append(labelled.name)
        if on_page is not None:
            on_page(done, len(pages))
    return {kind: evaluate(pairs, names_by_kind[kind]) for kind, pairs in pairs_by_kind.items()}


def reports_summary(reports: dict[str, Report]) -> dict[str, dict]:
    """The headline figures of each report, rounded, JSON-ready."""
    return {
        kind: {k: round(v, 4) if isinstance(v, float) else v for k, v in r.summary().items()}
        for kind, r in reports.items()
    }


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

    Returns
    -------
    TrainingResult
    """
    stage = on_stage or (lambda name: None)
    summary = {"seed": seed, **(data_summary or {})}

    def new_segmenter() -> Segmenter:
        return Segmenter(settings, c1=c1, c2=c2, max_iterations=max_iterations)

    if holdout is None:
        stage("training")
        segmenter = new_segmenter().fit(pages, on_page, on_iteration, summary, n_jobs)
        return TrainingResult(segmenter, None, len(pages), 0)

    train_idx, test_idx = holdout_split(group_labels(pages), holdout, seed)
    train_pages = [pages[i] for i in train_idx]
    test_pages = [pages[i] for i in test_idx]
    stage(f"training on {len(train_pages)} pages, holding out {len(test_pages)}")
    segmenter = new_segmenter().fit(train_pages, on_page, on_iteration, summary, n_jobs)
    stage("scoring the held-out pages")
    heldout = evaluate_pages(segmenter, test_pages, on_page)
    heldout_record = {
        "fraction": holdout,
        "seed": seed,
        "train_pages": len(train_pages),
        "test_pages": len(test_pages),
        "test_names": sorted(p.name for p in test_pages),
        "scores": reports_summary(heldout),
    }
    if refit:
        stage(f"refitting on all {len(pages)} pages")
        segmenter = new_segmenter().fit(pages, on_page, on_iteration, summary, n_jobs)
        heldout_record["refit_on_all"] = True
    segmenter.manifest["heldout"] = heldout_record
    return TrainingResult(segmenter, heldout, len(train_pages), len(test_pages))
