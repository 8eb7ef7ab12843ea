"""LineCRF: a linear-chain CRF over the lines of a page, trained by CRFsuite, applied in numpy.

Estimator-style: :meth:`LineCRF.fit` takes feature sequences and tag sequences,
:meth:`LineCRF.tag` and :meth:`LineCRF.tag_with_marginals` take one feature sequence (or a
page's :class:`~newsseg.features.context.LineAttributes`, which prediction uses).  Training
is CRFsuite's L-BFGS with elastic-net regularisation (``c1`` L1, ``c2`` L2), deterministic for
the same input.  The trained model is then read out of CRFsuite's bytes in Python
(:mod:`~newsseg.model.crfsuite_file`) and held as plain arrays (:attr:`LineCRF.weights`), which
is all a model file stores and all prediction uses: CRFsuite's C code never sees a model file.
"""

from __future__ import annotations

import platform
import tempfile
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from newsseg.features.context import LineAttributes
from newsseg.features.layout import Features
from newsseg.model.crfsuite_file import weights_from_crfsuite
from newsseg.model.weights import CRFWeights

DEFAULT_C1 = 0.1
DEFAULT_C2 = 1.0
DEFAULT_MAX_ITERATIONS = 150

IterationCallback = Callable[[int, float], None]
"""Called after each L-BFGS iteration with (iteration number, loss)."""


def library_versions() -> dict[str, str]:
    """Versions of Python and of the libraries that train a model and compute its features."""
    import pycrfsuite

    versions = {"python": platform.python_version(), "crfsuite": pycrfsuite.CRFSUITE_VERSION}
    for package in ("numpy", "jieba", "python-crfsuite", "scikit-learn"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _reporting_trainer(callback: IterationCallback | None) -> tuple[Any, Callable[..., Any]]:
    """A CRFsuite trainer that reports each iteration to ``callback`` and prints nothing.

    python-crfsuite calls its ``on_*`` hooks only when ``verbose`` is on, and then also prints
    the whole log; this one reads the log itself and passes on the iterations alone.  CRFsuite
    is imported here, so that prediction never loads it.
    """
    import pycrfsuite

    class ReportingTrainer(pycrfsuite.Trainer):
        def message(self, message: str) -> None:
            if self.logparser.feed(message) == "iteration" and callback is not None:
                info = self.logparser.last_iteration
                callback(int(info.get("num", 0)), float(info.get("loss", 0.0)))

    return ReportingTrainer(verbose=False), pycrfsuite.ItemSequence


class LineCRF:
    """A linear-chain CRF tagging each line of a page.

    Parameters
    ----------
    c1 : float
        L1 regularisation coefficient.
    c2 : float
        L2 regularisation coefficient.
    max_iterations : int
        Upper bound on L-BFGS iterations.
    all_transitions : bool
        Give weights to every label transition, also those absent from the training data.
    """

    def __init__(
        self,
        c1: float = DEFAULT_C1,
        c2: float = DEFAULT_C2,
        max_iterations: int = DEFAULT_MAX_ITERATIONS,
        all_transitions: bool = False,
    ) -> None:
        self.c1 = c1
        self.c2 = c2
        self.max_iterations = max_iterations
        self.all_transitions = all_transitions
        self.weights: CRFWeights | None = None
        self.crfsuite_model: bytes | None = None
        """CRFsuite's own file of the model :meth:`fit` trained, to check the numpy tagger against; never saved."""

    @property
    def params(self) -> dict:
        """The training parameters, as saved in the model file."""
        return {
            "algorithm": "lbfgs",
            "c1": self.c1,
            "c2": self.c2,
            "max_iterations": self.max_iterations,
            "all_transitions": self.all_transitions,
        }

    def fit(
        self,
        X: Iterable[Sequence[Features] | Sequence[Sequence[str]]],
        y: Sequence[Sequence[str]],
        on_iteration: IterationCallback | None = None,
    ) -> LineCRF:
        """Train on feature sequences ``X`` (one per page) and their tag sequences ``y``.

        Parameters
        ----------
        X : iterable of sequences
            Per page, one item per line: a feature dict, or the line's attribute names
            (:meth:`~newsseg.features.context.LineAttributes.expanded`, each of weight 1).  It is
            read once, in order, and each page is handed to CRFsuite as it comes, so a generator
            keeps only one page's features in memory.
        y : sequence of sequences of str
            Per page, one tag per line.
        on_iteration : callable, optional
            Called after each L-BFGS iteration with (iteration, loss).

        Returns
        -------
        LineCRF
            ``self``, trained.
        """
        trainer, item_sequence = _reporting_trainer(on_iteration)
        pages = 0
        for xseq in X:
            if pages == len(y):
                raise ValueError(f"more feature sequences than the {len(y)} tag sequences")
            yseq = y[pages]
            pages += 1
            if len(xseq) != len(yseq):
                raise ValueError("a page has different numbers of feature items and tags")
            if xseq:
                trainer.append(item_sequence(list(xseq)), list(yseq))
        if pages != len(y):
            raise ValueError(f"{pages} feature sequences but {len(y)} tag sequences")
        trainer.select("lbfgs")
        trainer.set_params(
            {
                "c1": self.c1,
                "c2": self.c2,
                "max_iterations": self.max_iterations,
                "feature.possible_transitions": self.all_transitions,
            }
        )
        with tempfile.TemporaryDirectory(prefix="newsseg-") as tmp:
            path = Path(tmp) / "model.crfsuite"
            trainer.train(str(path))
            self.crfsuite_model = path.read_bytes()
        self.weights = weights_from_crfsuite(self.crfsuite_model)
        return self

    @classmethod
    def from_weights(cls, weights: CRFWeights, params: dict | None = None) -> LineCRF:
        """A trained CRF from its weights and the training parameters saved with them."""
        params = params or {}
        crf = cls(
            c1=params.get("c1", DEFAULT_C1),
            c2=params.get("c2", DEFAULT_C2),
            max_iterations=params.get("max_iterations", DEFAULT_MAX_ITERATIONS),
            all_transitions=params.get("all_transitions", False),
        )
        crf.weights = weights
        return crf

    def _trained(self) -> CRFWeights:
        if self.weights is None:
            raise RuntimeError("the CRF is not trained")
        return self.weights

    @property
    def labels(self) -> list[str]:
        """The tags the model knows."""
        return list(self._trained().labels)

    def tag(self, xseq: Sequence[Features] | LineAttributes) -> list[str]:
        """The most likely tag of each line (Viterbi)."""
        if not xseq:
            return []
        return self._trained().tag(xseq)

    def tag_with_marginals(self, xseq: Sequence[Features]) -> tuple[list[str], list[dict[str, float]], float]:
        """Viterbi tags, each line's marginal probability of every tag, and the sequence's probability."""
        if not xseq:
            return [], [], 1.0
        weights = self._trained()
        tags, marginals, probability = weights.tag_with_marginals(xseq)
        labels = weights.labels
        return tags, [dict(zip(labels, row.tolist(), strict=True)) for row in marginals], probability

    def start_probabilities(self, xseq: Sequence[Features] | LineAttributes) -> tuple[list[str], np.ndarray, float]:
        """Viterbi tags, each line's probability of starting a segment (a ``B-`` tag), and the path's probability.

        ``xseq`` is a page's feature dicts (:func:`~newsseg.features.page_features`) or, faster,
        its :class:`~newsseg.features.context.LineAttributes` (:func:`~newsseg.features.page_attributes`).
        """
        tags, marginals, probability = self.tag_with_marginal_matrix(xseq)
        return tags, self.begin_probabilities(marginals), probability

    def begin_probabilities(self, marginals: np.ndarray) -> np.ndarray:
        """Each line's probability of starting a segment: its marginals of the ``B-`` tags summed."""
        begins = [number for number, label in enumerate(self.labels) if label.startswith("B-")]
        return marginals[:, begins].sum(axis=1)

    def tag_with_marginal_matrix(
        self, xseq: Sequence[Features] | LineAttributes
    ) -> tuple[list[str], np.ndarray, float]:
        """Viterbi tags, the marginal probability of every tag (columns in :attr:`labels`' order) on
        every line as one array, and the path's probability."""
        if not xseq:
            return [], np.zeros((0, len(self.labels))), 1.0
        return self._trained().tag_with_marginals(xseq)

    def top_features(self, n: int = 20) -> list[tuple[str, str, float]]:
        """The ``n`` state features with the largest absolute weights: (feature, tag, weight)."""
        return self._trained().top_state_features(n)
