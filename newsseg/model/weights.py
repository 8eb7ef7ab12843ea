"""A trained linear-chain CRF as plain arrays, and tagging with it in numpy.

:class:`CRFWeights` holds what a first-order CRF is: its label names, its attribute names, a
state weight per (attribute, label) and a transition weight per (label, label).  Tagging is
Viterbi and forward–backward over those arrays, computed the way CRFsuite computes them (the
same attribute encoding, the same order of additions, the same tie-breaking), so the tags are
CRFsuite's and the marginals agree with CRFsuite's to rounding.  Nothing here reads bytes:
model files are parsed and checked in :mod:`newsseg.model.modelfile`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

from newsseg.features.context import BEYOND_PAGE, LineAttributes, attribute_name, context_prefix, with_neighbours
from newsseg.features.layout import Features


@dataclass
class CRFWeights:
    """A first-order linear-chain CRF.

    Parameters
    ----------
    labels : list of str
        Label names; label ``j`` is row and column ``j`` below.
    attributes : list of str
        Attribute names; attribute ``a`` is row ``a`` of ``state``.
    state : ndarray of shape (n_attributes, n_labels)
        Weight of each attribute for each label.
    transitions : ndarray of shape (n_labels, n_labels)
        Weight of going from label ``i`` (row) to label ``j`` (column).
    """

    labels: list[str]
    attributes: list[str]
    state: np.ndarray
    transitions: np.ndarray
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _prefixed: dict[str, dict[str, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n_labels, n_attributes = len(self.labels), len(self.attributes)
        self.state = np.ascontiguousarray(self.state, dtype=np.float64)
        self.transitions = np.ascontiguousarray(self.transitions, dtype=np.float64)
        if self.state.shape != (n_attributes, n_labels) or self.transitions.shape != (n_labels, n_labels):
            raise ValueError(
                f"weights of shape {self.state.shape} and {self.transitions.shape} do not fit "
                f"{n_attributes} attributes and {n_labels} labels"
            )
        self._index = {name: number for number, name in enumerate(self.attributes)}
        self._prefixed = {}

    def prefixed_index(self, prefix: str) -> dict[str, int]:
        """The numbers of the attributes whose names start with ``prefix``, keyed by the rest of the name."""
        table = self._prefixed.get(prefix)
        if table is None:
            table = {name[len(prefix) :]: number for name, number in self._index.items() if name.startswith(prefix)}
            self._prefixed[prefix] = table
        return table

    def state_scores(self, xseq: Sequence[Features]) -> np.ndarray:
        """The state score of every label on every line: shape ``(len(xseq), n_labels)``.

        A string feature ``{"key": "value"}`` is the attribute ``key:value`` with value 1; a
        number (or bool) is the attribute ``key`` with that value (python-crfsuite's encoding).
        Attributes the model does not know are ignored.  Contributions are added line by line
        in the order of each line's features, as CRFsuite adds them.

        Raises
        ------
        TypeError
            If a feature value is neither a string nor a number.
        """
        lookup = self._index.get
        columns: list[int] = []
        values: list[float] = []
        for features in xseq:
            columns.extend(map(lookup, (attribute_name(key, value) for key, value in features.items()), repeat(-1)))
            values.extend([1.0 if type(value) is str else value for value in features.values()])
            columns.append(-2)
            values.append(0.0)
        column_array = np.fromiter(columns, dtype=np.intp, count=len(columns))
        try:
            value_array = np.fromiter(values, dtype=np.float64, count=len(values))
        except (TypeError, ValueError):
            raise TypeError("a feature value is neither a string nor a number") from None
        line_ends = np.flatnonzero(column_array == -2)
        known = column_array >= 0
        known_before = np.concatenate(([0], np.cumsum(known)))
        starts = known_before[np.concatenate(([0], line_ends[:-1] + 1))]
        ends = known_before[line_ends]
        contributions = self.state[column_array[known]] * value_array[known][:, None]
        return _summed_by_line(contributions, starts, ends, len(self.labels))

    def attribute_scores(self, attributes: LineAttributes) -> np.ndarray:
        """The state scores of :meth:`state_scores` from a page's :class:`LineAttributes`.

        A line's attributes are its own, then those of each neighbour from ``-window`` to
        ``+window`` under the neighbour's offset prefix (or the offset's ``beyond_page`` flag),
        in the order :func:`~newsseg.features.context.add_context` writes them, so the scores
        are the same to the last bit.  A neighbour's names are looked up once per offset in a
        table of the attributes with that prefix, not rebuilt as strings per line.
        """
        index = self._index
        own_columns = [[index[name] for name in names if name in index] for names in attributes.own]
        neighbour_columns = []
        for offset in attributes.offsets():
            prefix = context_prefix(offset)
            table = self.prefixed_index(prefix)
            shared = [[table[name] for name in names if name in table] for names in attributes.shared]
            beyond = index.get(prefix + BEYOND_PAGE)
            neighbour_columns.append((offset, shared, [] if beyond is None else [beyond]))
        columns: list[int] = []
        line_starts: list[int] = []
        line_ends: list[int] = []
        for line in with_neighbours(own_columns, neighbour_columns):
            line_starts.append(len(columns))
            columns.extend(line)
            line_ends.append(len(columns))
        starts, ends = np.asarray(line_starts, dtype=np.intp), np.asarray(line_ends, dtype=np.intp)
        return _summed_by_line(self.state[np.asarray(columns, dtype=np.intp)], starts, ends, len(self.labels))

    def viterbi(self, scores: np.ndarray) -> tuple[list[int], float]:
        """The best label path through ``scores`` (from :meth:`state_scores`) and its score."""
        n_lines = scores.shape[0]
        if n_lines == 0:
            return [], 0.0
        back = np.zeros(scores.shape, dtype=np.intp)
        best = scores[0].copy()
        for t in range(1, n_lines):
            candidates = best[:, None] + self.transitions
            back[t] = np.argmax(candidates, axis=0)
            best = candidates.max(axis=0) + scores[t]
        path = [int(np.argmax(best))]
        for t in range(n_lines - 1, 0, -1):
            path.append(int(back[t, path[-1]]))
        path.reverse()
        return path, float(best[path[-1]])

    def log_partition_and_marginals(self, scores: np.ndarray) -> tuple[float, np.ndarray]:
        """Forward–backward: the log partition function and every line's label marginals.

        Computed with scaled probabilities (as CRFsuite does); if they underflow, as extreme
        weights can make them, in the log domain instead.
        """
        n_lines, n_labels = scores.shape
        if n_lines == 0:
            return 0.0, np.zeros((0, n_labels))
        with np.errstate(all="ignore"):
            result = self._scaled_forward_backward(scores)
        return result if result is not None else self._log_forward_backward(scores)

    def _scaled_forward_backward(self, scores: np.ndarray) -> tuple[float, np.ndarray] | None:
        n_lines = scores.shape[0]
        transition_shift = float(self.transitions.max())
        exp_transitions = np.exp(self.transitions - transition_shift)
        row_shift = scores.max(axis=1)
        exp_scores = np.exp(scores - row_shift[:, None])
        alpha = np.empty(scores.shape)
        scale = np.empty(n_lines)
        alpha[0] = exp_scores[0]
        for t in range(n_lines):
            if t:
                alpha[t] = (alpha[t - 1] @ exp_transitions) * exp_scores[t]
            scale[t] = alpha[t].sum()
            if not (scale[t] > 0.0 and np.isfinite(scale[t])):
                return None
            alpha[t] /= scale[t]
        beta = np.empty(scores.shape)
        beta[-1] = 1.0
        for t in range(n_lines - 2, -1, -1):
            beta[t] = exp_transitions @ (exp_scores[t + 1] * beta[t + 1]) / scale[t + 1]
        log_z = float(np.log(scale).sum() + row_shift.sum() + transition_shift * (n_lines - 1))
        marginals = alpha * beta
        if not np.all(np.isfinite(marginals)):
            return None
        return log_z, marginals

    def _log_forward_backward(self, scores: np.ndarray) -> tuple[float, np.ndarray]:
        n_lines = scores.shape[0]
        alpha = np.empty(scores.shape)
        beta = np.empty(scores.shape)
        alpha[0] = scores[0]
        for t in range(1, n_lines):
            alpha[t] = _log_sum_exp(alpha[t - 1][:, None] + self.transitions, axis=0) + scores[t]
        beta[-1] = 0.0
        for t in range(n_lines - 2, -1, -1):
            beta[t] = _log_sum_exp(self.transitions + (scores[t + 1] + beta[t + 1])[None, :], axis=1)
        log_z = float(_log_sum_exp(alpha[-1], axis=0))
        return log_z, np.exp(alpha + beta - log_z)

    def scores(self, xseq: Sequence[Features] | LineAttributes) -> np.ndarray:
        """The state scores of a page given as feature dicts or as :class:`LineAttributes`."""
        if isinstance(xseq, LineAttributes):
            return self.attribute_scores(xseq)
        return self.state_scores(xseq)

    def tag(self, xseq: Sequence[Features] | LineAttributes) -> list[str]:
        """The most likely label of each line (Viterbi)."""
        path, _ = self.viterbi(self.scores(xseq))
        return [self.labels[label] for label in path]

    def tag_with_marginals(self, xseq: Sequence[Features] | LineAttributes) -> tuple[list[str], np.ndarray, float]:
        """Viterbi labels, marginals of shape ``(len(xseq), n_labels)``, and the path's probability."""
        scores = self.scores(xseq)
        path, best = self.viterbi(scores)
        log_z, marginals = self.log_partition_and_marginals(scores)
        probability = float(np.exp(best - log_z)) if path else 1.0
        return [self.labels[label] for label in path], marginals, probability

    def top_state_features(self, n: int = 20) -> list[tuple[str, str, float]]:
        """The ``n`` state weights largest in absolute value: (attribute, label, weight)."""
        flat = np.abs(self.state).ravel()
        order = np.argsort(-flat, kind="stable")[:n]
        n_labels = len(self.labels)
        return [
            (self.attributes[i // n_labels], self.labels[i % n_labels], float(self.state.flat[i]))
            for i in order
            if flat[i] != 0.0
        ]


def _summed_by_line(contributions: np.ndarray, starts: np.ndarray, ends: np.ndarray, n_labels: int) -> np.ndarray:
    """Per line, the sum of its rows ``contributions[start:end]``: shape ``(len(ends), n_labels)``."""
    scores = np.zeros((len(ends), n_labels))
    filled = ends > starts
    if filled.any():
        # Rows are added in order along axis 0, as CRFsuite adds a line's attributes.
        scores[filled] = np.add.reduceat(contributions, starts[filled], axis=0)
    return scores


def _log_sum_exp(values: np.ndarray, axis: int) -> np.ndarray:
    peak = np.max(values, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    return np.squeeze(peak, axis=axis) + np.log(np.sum(np.exp(values - peak), axis=axis))
