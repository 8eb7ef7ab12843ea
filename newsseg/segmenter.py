"""Segmenter: the public estimator — fit on labelled pages, predict a page's articles, save, load.

>>> from newsseg import Segmenter
>>> seg = Segmenter.load()                      # the bundled default model
>>> result = seg.predict(open("page.txt", encoding="utf-8").read())
>>> [(a.start_line, a.end_line, a.title) for a in result.articles]

It composes the one-way flow of the package: :class:`~newsseg.io.page.Page` →
:func:`~newsseg.features.page_features` → :class:`~newsseg.model.crf.LineCRF` →
:class:`~newsseg.assembly.Assembler` (when the model has one: which blocks make one article) →
:class:`~newsseg.headlines.HeadlineReader` (when the model has one: which lines of each article
make its title) → :func:`~newsseg.articles.build_articles`, and keeps the model's manifest (label
set, feature settings, training summary, held-out scores, the later stages' models) with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from newsseg import __version__
from newsseg.articles.records import DEFAULT_REVIEW_THRESHOLD, PageResult, build_articles
from newsseg.assembly import Assembler, AssemblyExample
from newsseg.errors import ModelFileError
from newsseg.features import FEATURES_VERSION, FeatureSettings, page_attributes, page_features
from newsseg.features.layout import Features
from newsseg.headlines import HeadlineExample, HeadlineReader
from newsseg.headlines.features import PROBABILITY_ROLES, role_probabilities
from newsseg.io.fingerprints import page_fingerprint
from newsseg.io.labels import TAGS, LabelledPage, article_keys_of
from newsseg.io.page import Page, as_page
from newsseg.model.crf import (
    DEFAULT_C1,
    DEFAULT_C2,
    DEFAULT_MAX_ITERATIONS,
    IterationCallback,
    LineCRF,
    library_versions,
)
from newsseg.model.decode import repair_tags, spread_tags
from newsseg.model.modelfile import LoadedModel, load_model_file, model_file_bytes, read_model_bytes, save_model_file

if TYPE_CHECKING:
    from newsseg.batch import PageOutcome

DEFAULT_MODEL_RESOURCE = "default.nsm"
CHUNK_PAGES = 16
"""Pages per job when features are computed in parallel."""

PageCallback = Callable[[int, int], None]
"""Called as pages are prepared, with (pages done, pages in all)."""


def default_model_path() -> Path:
    """Where the bundled default model lies inside the installed package."""
    return Path(str(resources.files("newsseg.model").joinpath(DEFAULT_MODEL_RESOURCE)))


def _features_of_chunk(pages: Sequence[Page], settings: FeatureSettings) -> list[list[Features]]:
    return [page_features(page, settings) for page in pages]


def _training_items_of_chunk(pages: Sequence[Page], settings: FeatureSettings) -> list[list[list[str]]]:
    return [page_attributes(page, settings).expanded() for page in pages]


def _with_progress(pages: Sequence[LabelledPage], on_page: PageCallback | None) -> Iterator[LabelledPage]:
    """The pages one by one, calling ``on_page(done, total)`` after each."""
    for done, labelled in enumerate(pages, start=1):
        yield labelled
        if on_page is not None:
            on_page(done, len(pages))


def source_kind(name: str) -> str:
    """The kind of text a labelled page is, from its file name or folder (for summaries)."""
    lowered = name.replace("\\", "/").lower()
    if "jingbao" in lowered or "/jb-jb_" in lowered or lowered.startswith("jb-jb_"):
        return "jingbao-trad" if "trad" in lowered else "jingbao-simplified"
    for kind, markers in (
        ("epaper", ("epaper", "-clean")),
        ("ocr-zoned", ("zoned",)),
        ("synthetic", ("synth",)),
        ("real", ("/real/", "zjgrrb")),
        ("ocr-raw", ("ocr-raw", "ocr-pages", "rmrb-ocr")),
    ):
        if any(marker in lowered for marker in markers):
            return kind
    return "other"


class Segmenter:
    """Split the text of newspaper pages into articles with a line-level CRF.

    Parameters
    ----------
    settings : FeatureSettings, optional
        Which line features to compute.
    c1, c2 : float
        L1 and L2 regularisation of the CRF.
    max_iterations : int
        L-BFGS iteration limit.

    Attributes
    ----------
    manifest : dict
        The model's description: versions, labels, feature settings, CRF parameters, training
        summary and held-out scores (empty until fitted or loaded).
    training_pages : frozenset of str
        Fingerprints of the pages it was trained on (:func:`~newsseg.io.fingerprints.page_fingerprint`).
    """

    def __init__(
        self,
        settings: FeatureSettings | None = None,
        c1: float = DEFAULT_C1,
        c2: float = DEFAULT_C2,
        max_iterations: int = DEFAULT_MAX_ITERATIONS,
    ) -> None:
        self.settings = settings or FeatureSettings()
        self.crf = LineCRF(c1=c1, c2=c2, max_iterations=max_iterations)
        self.manifest: dict = {}
        self.training_pages: frozenset[str] = frozenset()
        self.assembler: Assembler | None = None
        self.assembly_pages: frozenset[str] = frozenset()
        self.headlines: HeadlineReader | None = None
        self.headline_pages: frozenset[str] = frozenset()

    # -- training ---------------------------------------------------------------------------

    def features(self, page: Page) -> list[Features]:
        """The feature dicts of a page's non-blank lines under this segmenter's settings."""
        return page_features(page, self.settings)

    def features_of_pages(
        self, pages: Sequence[Page], on_page: PageCallback | None = None, n_jobs: int = 1
    ) -> list[list[Features]]:
        """The feature dicts of many pages, in order, computed in ``n_jobs`` processes."""
        return list(self._per_page(_features_of_chunk, pages, on_page, n_jobs))

    def training_items(
        self, pages: Sequence[Page], on_page: PageCallback | None = None, n_jobs: int = 1
    ) -> Iterator[list[list[str]]]:
        """Each page's CRF attribute names per line (the features of :meth:`features`), one page at a time.

        A generator, in page order, computed in ``n_jobs`` processes a chunk at a time: the
        trainer copies each page into its own compact storage, so the attributes of thousands
        of pages are never all held at once.
        """
        return self._per_page(_training_items_of_chunk, pages, on_page, n_jobs)

    def _per_page(
        self,
        of_chunk: Callable[[Sequence[Page], FeatureSettings], list],
        pages: Sequence[Page],
        on_page: PageCallback | None,
        n_jobs: int,
    ) -> Iterator:
        chunks = [pages[i : i + CHUNK_PAGES] for i in range(0, len(pages), CHUNK_PAGES)]
        if n_jobs == 1 or len(pages) < 2 * CHUNK_PAGES:
            results = (of_chunk(chunk, self.settings) for chunk in chunks)
        else:
            from joblib import Parallel, delayed

            parallel = Parallel(n_jobs=n_jobs, return_as="generator")
            results = parallel(delayed(of_chunk)(chunk, self.settings) for chunk in chunks)
        done = 0
        for chunk in results:
            for page in chunk:
                done += 1
                yield page
                if on_page is not None:
                    on_page(done, len(pages))

    def fit(
        self,
        pages: Iterable[LabelledPage],
        on_page: PageCallback | None = None,
        on_iteration: IterationCallback | None = None,
        extra_summary: dict | None = None,
        n_jobs: int = 1,
    ) -> Segmenter:
        """Train on labelled pages.

        Parameters
        ----------
        pages : iterable of LabelledPage
            The training pages.
        on_page : callable, optional
            Progress callback while features are computed, ``(done, total)``.
        on_iteration : callable, optional
            Progress callback per L-BFGS iteration, ``(iteration, loss)``.
        extra_summary : dict, optional
            Added to the manifest's training summary (seed, data description ...).
        n_jobs : int
            Processes computing features (joblib); the result does not depend on it.

        Returns
        -------
        Segmenter
            ``self``, trained.
        """
        pages = list(pages)
        if not pages:
            raise ValueError("no labelled pages to train on")
        X = self.training_items([labelled.page for labelled in pages], on_page, n_jobs)
        y = [labelled.content_tags for labelled in pages]
        self.crf.fit(X, y, on_iteration=on_iteration)
        tag_counts = Counter(tag for tags in y for tag in tags)
        summary = {
            "pages": len(pages),
            "lines": sum(len(tags) for tags in y),
            "articles": sum(1 for tags in y for tag in tags if tag.startswith("B-")),
            "kinds": dict(sorted(Counter(source_kind(p.name) for p in pages).items())),
            "tags": dict(sorted(tag_counts.items())),
        }
        summary.update(extra_summary or {})
        self.training_pages = frozenset(page_fingerprint(labelled.page) for labelled in pages)
        self.assembler = None
        self.assembly_pages = frozenset()
        self.headlines = None
        self.headline_pages = frozenset()
        self.manifest = {
            "newsseg_version": __version__,
            "libraries": library_versions(),
            "labels": sorted(set(self.crf.labels) | {t for t in TAGS if t in tag_counts}),
            "features": self.settings.to_dict(),
            "crf": self.crf.params,
            "training": summary,
        }
        return self

    def fit_assembly(
        self, pages: Iterable[LabelledPage], threshold: float | None = None, on_page: PageCallback | None = None
    ) -> Segmenter:
        """Train the assembly stage on labelled pages, as this segmenter's CRF tags them.

        Parameters
        ----------
        pages : iterable of LabelledPage
            Pages whose segments carry article keys (``B-ROLE@KEY``; an unkeyed page makes each
            segment an article).  They should be pages the CRF was not trained on: on its own
            training pages the CRF is surer than it will be on new ones.
        threshold : float, optional
            The join probability of :class:`~newsseg.assembly.Assembler` (its default if None).
        on_page : callable, optional
            Progress callback while the pages are tagged, ``(done, total)``.

        Returns
        -------
        Segmenter
            ``self``, with :attr:`assembler` fitted and described in the manifest.
        """
        if self.crf.weights is None:
            raise RuntimeError("the segmenter is not trained")
        pages = list(pages)
        examples = []
        for labelled in _with_progress(pages, on_page):
            tags, starts, _ = self.tag_with_starts(labelled.page)
            examples.append(AssemblyExample(labelled.page.lines, tags, starts, labelled.articles))
        assembler = Assembler() if threshold is None else Assembler(threshold=threshold)
        self.assembler = assembler.fit(examples)
        self.manifest["assembly"] = self.assembler.to_dict()
        self.assembly_pages = frozenset(page_fingerprint(labelled.page) for labelled in pages)
        self.manifest["assembly"]["training_pages"] = sorted(self.assembly_pages)
        return self

    def fit_headlines(self, pages: Iterable[LabelledPage], on_page: PageCallback | None = None) -> Segmenter:
        """Train the headline stage on labelled pages, as this segmenter's CRF and assembly stage read them.

        Parameters
        ----------
        pages : iterable of LabelledPage
            Pages the CRF was not trained on (as for :meth:`fit_assembly`); their tags say which
            lines are titles, their keys (if any) which article each line belongs to.
        on_page : callable, optional
            Progress callback while the pages are read, ``(done, total)``.

        Returns
        -------
        Segmenter
            ``self``, with :attr:`headlines` fitted and described in the manifest.
        """
        if self.crf.weights is None:
            raise RuntimeError("the segmenter is not trained")
        pages = list(pages)
        examples = []
        for labelled in _with_progress(pages, on_page):
            tags, starts, _, probabilities = self._crf_reading(labelled.page)
            articles = self._assembled(labelled.page, tags, starts) or article_keys_of(tags)
            examples.append(
                HeadlineExample(labelled.page.lines, tags, probabilities, articles, labelled.tags, labelled.articles)
            )
        self.headlines = HeadlineReader().fit(examples)
        self.headline_pages = frozenset(page_fingerprint(labelled.page) for labelled in pages)
        self.manifest["headlines"] = self.headlines.to_dict()
        self.manifest["headlines"]["training_pages"] = sorted(self.headline_pages)
        return self

    def without_assembly(self) -> Segmenter:
        """A copy without the assembly stage: every CRF segment an article of its own (headlines still read)."""
        copy = self._copy_without("assembly")
        copy.headlines, copy.headline_pages = self.headlines, self.headline_pages
        return copy

    def without_headlines(self) -> Segmenter:
        """A copy without the headline stage: the CRF's roles as they are."""
        copy = self._copy_without("headlines")
        copy.assembler, copy.assembly_pages = self.assembler, self.assembly_pages
        return copy

    def _copy_without(self, stage: str) -> Segmenter:
        copy = Segmenter(self.settings)
        copy.crf = self.crf
        copy.manifest = {key: value for key, value in self.manifest.items() if key != stage}
        if "training" in copy.manifest:
            copy.manifest["training"] = {k: v for k, v in copy.manifest["training"].items() if k != stage}
        copy.training_pages = self.training_pages
        return copy

    @property
    def seen_pages(self) -> frozenset[str]:
        """Fingerprints of every page a stage of the model learnt from: the CRF's and the later stages'."""
        return self.training_pages | self.assembly_pages | self.headline_pages

    # -- files ------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The model file's bytes (a zip of the CRF and the manifest)."""
        if self.crf.weights is None:
            raise RuntimeError("the segmenter is not trained")
        return model_file_bytes(self.crf.weights, self.manifest, sorted(self.training_pages))

    def save(self, path: str | Path) -> None:
        """Write the model to one file, atomically."""
        if self.crf.weights is None:
            raise RuntimeError("the segmenter is not trained")
        save_model_file(path, self.crf.weights, self.manifest, sorted(self.training_pages))

    @classmethod
    def load(cls, path: str | Path | None = None) -> Segmenter:
        """Load a model file; the bundled default model when ``path`` is None.

        Raises
        ------
        ModelFileError
            If the file is missing, corrupt, truncated, foreign, or of a newer format or
            feature version.
        """
        model_path = default_model_path() if path is None else Path(path)
        return cls._from_loaded(load_model_file(model_path), str(model_path))

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<model>") -> Segmenter:
        """Load a model from the bytes of a model file (validated as :meth:`load` does).

        Raises
        ------
        ModelFileError
            As :meth:`load`, naming the model ``name``.
        """
        return cls._from_loaded(read_model_bytes(data, name), name)

    @classmethod
    def _from_loaded(cls, loaded: LoadedModel, name: str) -> Segmenter:
        manifest = loaded.manifest
        settings = FeatureSettings.from_dict(manifest["features"])
        if settings.version != FEATURES_VERSION:
            raise ModelFileError(
                f"the model was trained with features version {settings.version}, but this newsseg "
                f"computes version {FEATURES_VERSION}; retrain it with `newsseg train`",
                name,
            )
        crf = LineCRF.from_weights(loaded.weights, manifest.get("crf"))
        segmenter = cls(settings)
        segmenter.crf = crf
        segmenter.manifest = manifest
        segmenter.training_pages = loaded.training_pages
        if "assembly" in manifest:
            segmenter.assembly_pages = frozenset(manifest["assembly"].get("training_pages", []))
            segmenter.assembler = Assembler.from_dict(
                manifest["assembly"], lambda message: ModelFileError(message, name)
            )
        if "headlines" in manifest:
            segmenter.headline_pages = frozenset(manifest["headlines"].get("training_pages", []))
            segmenter.headlines = HeadlineReader.from_dict(
                manifest["headlines"], lambda message: ModelFileError(message, name)
            )
        return segmenter

    # -- prediction -------------------------------------------------------------------------

    def tag(self, page: Page | str | Sequence[str], features: Sequence[Features] | None = None) -> list[str]:
        """One tag per line of the page (``""`` for blank lines).

        ``features``, if given, are the page's feature dicts under this segmenter's settings,
        computed once by a caller that scores several systems on the same page.
        """
        page = as_page(page)
        content_tags = repair_tags(self.crf.tag(page_attributes(page, self.settings) if features is None else features))
        return spread_tags(content_tags, page.content_indices, len(page.lines))

    def predict(self, page: Page | str | Sequence[str], name: str = "<page>") -> PageResult:
        """Split a page into articles.

        Parameters
        ----------
        page : Page, str or sequence of str
            A page, its whole text, or its lines.
        name : str
            The page's name in the result when ``page`` is not a :class:`Page`.

        Returns
        -------
        PageResult
            Articles with 1-based start/end lines, each line's role, title and start confidence.
        """
        page = as_page(page, name)
        tags, starts, probability, articles = self._reading(page)
        return build_articles(page, tags, starts, probability, articles=articles)

    def _assembled(self, page: Page, tags: Sequence[str], starts: Sequence[float]) -> list[str | None] | None:
        """Each line's article by the assembly stage; None when the model has none."""
        return None if self.assembler is None else self.assembler.assign(page.lines, tags, starts)

    def _reading(
        self, page: Page, features: Sequence[Features] | None = None
    ) -> tuple[list[str], list[float], float, list[str | None] | None]:
        """Every stage on one page: tags (headline roles read), start probabilities, the path's
        probability, and each line's article (None when the model has no assembly stage)."""
        tags, starts, probability, probabilities = self._crf_reading(page, features)
        articles = self._assembled(page, tags, starts)
        if self.headlines is not None:
            tags = self.headlines.read(page.lines, tags, probabilities, articles or article_keys_of(tags))
        return tags, starts, probability, articles

    def tag_articles(
        self, page: Page, features: Sequence[Features] | None = None
    ) -> tuple[list[str], list[str | None]]:
        """One tag and one article key per line of the page.

        ``features``, if given, are the page's feature dicts under this segmenter's settings.

        Returns
        -------
        tags : list of str
            The CRF's tags (``""`` on blank lines).
        articles : list of str or None
            Per line, its article's key (None on blank and ``O`` lines): the assembly stage's
            when the model has one, else each segment an article.
        """
        tags, _, _, articles = self._reading(page, features)
        return tags, article_keys_of(tags) if articles is None else articles

    def predict_many(
        self,
        paths: Iterable[str | Path],
        n_jobs: int = 1,
        encoding: str | None = None,
        review_threshold: float | None = None,
        client: Any = None,
    ) -> Iterator[PageOutcome]:
        """Split many page files into articles, in order, in ``n_jobs`` worker processes or on a Dask cluster.

        Parameters
        ----------
        paths : iterable of str or Path
            Page files.
        n_jobs : int
            Worker processes (1: this process); the results are the same for any number.
        encoding : str, optional
            The pages' encoding; detected per page when not given.
        review_threshold : float, optional
            Flag articles whose start confidence is below this (the default threshold if None).
        client : distributed.Client or str, optional
            A Dask client or scheduler address (``tcp://host:8786``): the pages are split on its
            workers, which read them by path (a shared file system) and need newsseg installed.

        Yields
        ------
        PageOutcome
            One per path, in order: ``result`` (a :class:`PageResult`), or ``error`` (the
            one-line reason the page could not be read), and the page's ``warnings``.

        Examples
        --------
        >>> for outcome in Segmenter.load().predict_many(["a.txt", "b.txt"], n_jobs=2):  # doctest: +SKIP
        ...     print(outcome.path, outcome.error or len(outcome.result.articles))
        >>> from distributed import Client  # doctest: +SKIP
        >>> outcomes = Segmenter.load().predict_many(paths, client=Client("tcp://host:8786"))  # doctest: +SKIP
        """
        from newsseg.batch import predict_many

        threshold = DEFAULT_REVIEW_THRESHOLD if review_threshold is None else review_threshold
        return predict_many(self, [str(path) for path in paths], n_jobs, encoding, threshold, client=client)

    def tag_with_starts(
        self, page: Page, features: Sequence[Features] | None = None
    ) -> tuple[list[str], list[float], float]:
        """Tag a page with the model's confidence.

        Parameters
        ----------
        page : Page
            The page.
        features : sequence of dict, optional
            The page's feature dicts under this segmenter's settings, if already computed.

        Returns
        -------
        tags : list of str
            One tag per line of ``page`` (blank lines get ``""``).
        starts : list of float
            Per line, the probability that an article starts there (0 on blank lines).
        probability : float
            The probability of the whole tag sequence.
        """
        tags, starts, probability, _ = self._crf_reading(page, features)
        return tags, starts, probability

    def _crf_reading(
        self, page: Page, features: Sequence[Features] | None = None
    ) -> tuple[list[str], list[float], float, np.ndarray]:
        """:meth:`tag_with_starts`, and each line's role probabilities (zeros on blank lines)."""
        tags, marginals, probability = self.crf.tag_with_marginal_matrix(
            page_attributes(page, self.settings) if features is None else features
        )
        all_starts = [0.0] * len(page.lines)
        for index, start in zip(page.content_indices, self.crf.begin_probabilities(marginals).tolist(), strict=True):
            all_starts[index] = start
        probabilities = np.zeros((len(page.lines), len(PROBABILITY_ROLES)))
        if len(page.content_indices):
            probabilities[list(page.content_indices)] = role_probabilities(marginals, self.crf.labels)
        tags = spread_tags(repair_tags(tags), page.content_indices, len(page.lines))
        return tags, all_starts, probability, probabilities

    def __repr__(self) -> str:
        trained = self.manifest.get("training", {})
        return f"Segmenter(pages={trained.get('pages', 0)}, settings={self.settings})"
