"""LineCRF: a linear-chain CRF over the lines of a page, on python-crfsuite.

Estimator-style: :meth:`LineCRF.fit` takes feature sequences and tag sequences,
:meth:`LineCRF.tag` and :meth:`LineCRF.marginals` take one feature sequence.  The trained model
is held as CRFsuite's own bytes (:attr:`LineCRF.model_bytes`) and opened in memory, so no file
or pickle is involved.  Training is L-BFGS with elastic-net regularisation (``c1`` L1, ``c2``
L2) and is deterministic for the same input.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pycrfsuite

from newsseg.features.layout import Features

DEFAULT_C1 = 0.1
DEFAULT_C2 = 1.0
DEFAULT_MAX_ITERATIONS = 150

IterationCallback = Callable[[int, float], None]
"""Called after each L-BFGS iteration with (iteration number, loss)."""


class _ReportingTrainer(pycrfsuite.Trainer):
    """A CRFsuite trainer that reports each iteration to a callback instead of printing."""

    def __init__(self, callback: IterationCallback | None) -> None:
        super().__init__(verbose=False)
        self.callback = callback

    def on_iteration(self, log: str, info: dict) -> None:
        if self.callback is not None:
            self.callback(int(info.get("num", 0)), float(info.get("loss", 0.0)))


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
        self.model_bytes: bytes | None = None
        self._tagger: pycrfsuite.Tagger | None = None

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
        X: Sequence[Sequence[Features]],
        y: Sequence[Sequence[str]],
        on_iteration: IterationCallback | None = None,
    ) -> LineCRF:
        """Train on feature sequences ``X`` (one per page) and their tag sequences ``y``.

        Returns
        -------
        LineCRF
            ``self``, trained.
        """
        if len(X) != len(y):
            raise ValueError(f"{len(X)} feature sequences but {len(y)} tag sequences")
        trainer = _ReportingTrainer(on_iteration)
        for xseq, yseq in zip(X, y, strict=True):
            if len(xseq) != len(yseq):
                raise ValueError("a page has different numbers of feature dicts and tags")
            if xseq:
                trainer.append(pycrfsuite.ItemSequence(list(xseq)), list(yseq))
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
            self.model_bytes = path.read_bytes()
        self._tagger = None
        return self

    @classmethod
    def from_bytes(cls, data: bytes, params: dict | None = None) -> LineCRF:
        """Open a CRF from CRFsuite model bytes (raises ValueError if they are not a model)."""
        params = params or {}
        crf = cls(
            c1=params.get("c1", DEFAULT_C1),
            c2=params.get("c2", DEFAULT_C2),
            max_iterations=params.get("max_iterations", DEFAULT_MAX_ITERATIONS),
            all_transitions=params.get("all_transitions", False),
        )
        crf.model_bytes = data
        crf._open()
        return crf

    def _open(self) -> pycrfsuite.Tagger:
        if self._tagger is None:
            if self.model_bytes is None:
                raise RuntimeError("the CRF is not trained")
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(self.model_bytes)
            self._tagger = tagger
        return self._tagger

    @property
    def labels(self) -> list[str]:
        """The tags the model knows."""
        return list(self._open().labels())

    def tag(self, xseq: Sequence[Features]) -> list[str]:
        """The most likely tag of each line (Viterbi)."""
        if not xseq:
            return []
        return list(self._open().tag(pycrfsuite.ItemSequence(list(xseq))))

    def tag_with_marginals(self, xseq: Sequence[Features]) -> tuple[list[str], list[dict[str, float]], float]:
        """Viterbi tags, each line's marginal probability of every tag, and the sequence's probability."""
        if not xseq:
            return [], [], 1.0
        tagger = self._open()
        tagger.set(pycrfsuite.ItemSequence(list(xseq)))
        tags = list(tagger.tag())
        labels = tagger.labels()
        marginals = [{label: tagger.marginal(label, i) for label in labels} for i in range(len(tags))]
        return tags, marginals, tagger.probability(tags)

    def top_features(self, n: int = 20) -> list[tuple[str, str, float]]:
        """The ``n`` state features with the largest absolute weights: (feature, tag, weight)."""
        info = self._open().info()
        items = sorted(info.state_features.items(), key=lambda kv: -abs(kv[1]))[:n]
        return [(feature, tag, weight) for (feature, tag), weight in items]
