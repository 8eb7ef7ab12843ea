"""Line features: a page in, one dict of named features per non-blank line out.

:func:`page_features` composes the families: :mod:`~newsseg.features.layout` (length,
blank lines, position, punctuation), :mod:`~newsseg.features.cues` (bylines, datelines,
captions, column labels, furniture), :mod:`~newsseg.features.lexical` (jieba words, cohesion,
continuity, repeats) and :mod:`~newsseg.features.context` (the same key features of the
neighbours).  Cues and words read traditional characters as simplified ones
(:mod:`~newsseg.features.script`).  Nothing here knows about the CRF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields

from newsseg.features.context import CUE_PREFIX, LineAttributes, add_context, line_attributes
from newsseg.features.cues import BYLINE_CUES, CUES, line_cues
from newsseg.features.layout import Features, layout_features
from newsseg.features.lexical import block_cohesion_features, char_bigrams, lexical_features
from newsseg.features.script import to_simplified
from newsseg.features.structure import headline_blocks, structure_features
from newsseg.io.page import Page

FEATURES_VERSION = 6
"""Bumped whenever a feature changes meaning; a model records the version it was trained with."""


@dataclass(frozen=True)
class FeatureSettings:
    """What :func:`page_features` computes; saved in every model file.

    Parameters
    ----------
    window : int
        Neighbour lines on each side whose key features are copied (``-2:``..``+2:``).
    cohesion_window : int
        Lines on each side compared by the lexical cohesion score.
    lexical : bool
        Compute the jieba features (POS, names, cohesion, continuity).
    words : bool
        Add the first and last words themselves; memorises vocabulary, off by default.
    version : int
        The feature code's version these settings were made with.
    """

    window: int = 2
    cohesion_window: int = 10
    lexical: bool = True
    words: bool = False
    version: int = FEATURES_VERSION

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: object) -> FeatureSettings:
        """Settings from :meth:`to_dict`'s output, checked field by field (they may come from an untrusted file).

        Raises
        ------
        TypeError, ValueError
            If ``data`` is not a dict of known fields, each of the right type and in range.
        """
        if not isinstance(data, dict):
            raise TypeError("the feature settings are not an object")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown feature settings: {', '.join(sorted(map(str, unknown))[:5])}")
        for name, value in data.items():
            if name in _FLAG_SETTINGS:
                if not isinstance(value, bool):
                    raise TypeError(f"{name} must be true or false, not {value!r:.40}")
            else:
                low, high = _SETTING_RANGES[name]
                if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                    raise ValueError(f"{name} must be a whole number from {low} to {high}, not {value!r:.40}")
        return cls(**data)


_FLAG_SETTINGS = frozenset({"lexical", "words"})
_SETTING_RANGES = {"window": (0, 10), "cohesion_window": (0, 100), "version": (0, 1_000_000)}
"""Accepted values of the numeric settings; a window beyond these is no setting anyone trains."""


def cue_features(text: str) -> Features:
    """``cue:NAME`` flags for each newspaper convention found in the line."""
    cues = line_cues(text)
    # In CUES order, not set order: the order of a line's features decides CRFsuite's attribute
    # numbering, and with it the trained model's bytes.
    features: Features = {CUE_PREFIX + name: 1.0 for name in CUES if name in cues}
    if cues & BYLINE_CUES:
        features[CUE_PREFIX + "any_byline"] = 1.0
    return features


def byline_distance(cue_sets: Sequence[Features], limit: int = 5) -> list[str]:
    """For each line, how many lines down the next byline cue is (``1``..``5``, or ``none``)."""
    marker = CUE_PREFIX + "any_byline"
    result = []
    for i in range(len(cue_sets)):
        distance = next((d for d in range(1, limit + 1) if i + d < len(cue_sets) and marker in cue_sets[i + d]), None)
        result.append(str(distance) if distance else "none")
    return result


def own_line_features(page: Page, settings: FeatureSettings) -> list[Features]:
    """Each non-blank line's own features, before its neighbours' are copied in."""
    content = page.content_indices
    # Cues and words are read in simplified characters; layout reads the page as it is.
    texts = [to_simplified(page.lines[i]) for i in content]
    own = layout_features(page.lines, content)
    cues = [cue_features(text) for text in texts]
    for features, line_cue, distance in zip(own, cues, byline_distance(cues), strict=True):
        features.update(line_cue)
        features["byline_ahead"] = distance
    byline_flags = [CUE_PREFIX + "any_byline" in line_cue for line_cue in cues]
    for features, structure in zip(own, structure_features(own, byline_flags), strict=True):
        features.update(structure)
    if settings.lexical and texts:
        bigram_bags = [char_bigrams(text) for text in texts]
        for features, lexical in zip(
            own, lexical_features(texts, settings.cohesion_window, settings.words, bigram_bags), strict=True
        ):
            features.update(lexical)
        for start, block in block_cohesion_features(texts, headline_blocks(own, byline_flags), bigram_bags).items():
            own[start].update(block)
    for features in own:
        features["bias"] = 1.0
    return own


def page_features(page: Page, settings: FeatureSettings | None = None) -> list[Features]:
    """One dict of named features per non-blank line of a page.

    Parameters
    ----------
    page : Page
        The page.
    settings : FeatureSettings, optional
        Which features to compute; the defaults when not given.

    Returns
    -------
    list of dict
        ``len(page.content_indices)`` dicts, string values for categories and 1.0 for flags,
        ready for python-crfsuite.
    """
    settings = settings or FeatureSettings()
    return add_context(own_line_features(page, settings), settings.window)


def page_attributes(page: Page, settings: FeatureSettings | None = None) -> LineAttributes:
    """The features of :func:`page_features` (same arguments) as attribute names, neighbours' left to the model.

    Returns
    -------
    LineAttributes
        Per non-blank line, its own attribute names and those its neighbours copy;
        :meth:`newsseg.model.weights.CRFWeights.attribute_scores` scores them exactly as
        :meth:`~newsseg.model.weights.CRFWeights.state_scores` scores :func:`page_features`.
    """
    settings = settings or FeatureSettings()
    return line_attributes(own_line_features(page, settings), settings.window)
