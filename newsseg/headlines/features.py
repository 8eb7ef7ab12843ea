"""Features of an article's lines for reading its headline: which line is the title, which lines go with it.

Two kinds of named features, each a small pure function to a dict (numbers binned, as the CRF's):

* :func:`line_features` — one line of a predicted article: the CRF's marginal probability of each
  role, its tag, where it lies in the article and in its headline block (the run of lines the CRF
  gave headline roles), its length against the article's lines and the block's, punctuation, a
  leading dash, letter spacing, blank lines and how the text reads across it (a title OCR printed
  inside the body interrupts a sentence: the lines above and below it join, it joins neither);
* :func:`pair_features` — two neighbouring lines of an article: whether the second continues the
  first's title (lengths, roles, punctuation at the join, a dash, a colon).

:class:`ArticleView` holds what both need of one article: its lines in reading order with their
text, tag and role probabilities, and what is computed once per article (median length,
ranks by title probability, headline blocks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from newsseg.features.layout import char_class, ends_sentence
from newsseg.features.lexical import continuity
from newsseg.io.labels import ROLES, tag_role

HEADLINE_ROLES = frozenset({"kicker", "title", "subtitle", "column"})
"""The roles of a headline block's lines."""

PROBABILITY_ROLES: tuple[str, ...] = (*ROLES, "O")
"""The columns of :func:`role_probabilities`: each role, then outside every article."""

_TITLE = PROBABILITY_ROLES.index("title")
_HEADLINE_LIKE = [PROBABILITY_ROLES.index(role) for role in ("kicker", "title", "subtitle", "column", "subhead")]

CANDIDATE_FLOOR = 0.01
"""A line is a title candidate if the CRF gives it at least this probability of a headline or
subhead role, or if blank lines stand on both sides of it (where OCR prints a title inside the
body), unless the CRF tagged it byline; the title model reads no other line."""


def role_probabilities(marginals: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """Each line's probability of each role (``B-`` and ``I-`` summed), from the CRF's tag marginals.

    Parameters
    ----------
    marginals : numpy.ndarray, shape (lines, labels)
        The CRF's marginal probability of every tag on every line.
    labels : sequence of str
        The tags, in the columns' order.

    Returns
    -------
    numpy.ndarray, shape (lines, len(PROBABILITY_ROLES))
    """
    columns = np.zeros((len(labels), len(PROBABILITY_ROLES)))
    for index, label in enumerate(labels):
        role = tag_role(label) or "O"
        columns[index, PROBABILITY_ROLES.index(role if role in PROBABILITY_ROLES else "O")] = 1.0
    return marginals @ columns


def _bin(value: float, width: float, top: int) -> int:
    return min(int(value / width), top)


@dataclass
class ArticleView:
    """One predicted article, as the headline reader sees it.

    Parameters
    ----------
    indices : sequence of int
        0-based page indices of the article's non-blank lines, in page order.
    texts : sequence of str
        Their text.
    roles : sequence of str
        Their roles as the CRF tagged them.
    probabilities : numpy.ndarray, shape (len(indices), len(PROBABILITY_ROLES))
        Their role probabilities (:func:`role_probabilities`).
    begins : sequence of bool
        Whether the CRF starts a segment at each (a ``B-`` tag).
    blank_before, blank_after : sequence of bool
        Whether a blank page line lies just before / after each.
    """

    indices: Sequence[int]
    texts: Sequence[str]
    roles: Sequence[str]
    probabilities: np.ndarray
    begins: Sequence[bool]
    blank_before: Sequence[bool]
    blank_after: Sequence[bool]
    stripped: list[str] = field(init=False)
    median_length: float = field(init=False)
    title_ranks: np.ndarray = field(init=False)
    best_title_probability: float = field(init=False)
    headline_lines: int = field(init=False)
    candidates: list[int] = field(init=False)
    block_of: dict[int, int] = field(init=False)
    blocks: list[list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.stripped = [text.strip() for text in self.texts]
        self.median_length = max(float(np.median([len(text) for text in self.stripped])), 1.0)
        order = np.argsort(-self.probabilities[:, _TITLE], kind="stable")
        self.title_ranks = np.empty(len(order), dtype=int)
        self.title_ranks[order] = np.arange(len(order))
        self.best_title_probability = float(self.probabilities[:, _TITLE].max()) if len(order) else 0.0
        self.headline_lines = sum(role in HEADLINE_ROLES for role in self.roles)
        headline_like = self.probabilities[:, _HEADLINE_LIKE].sum(axis=1) >= CANDIDATE_FLOOR
        self.candidates = [
            position
            for position in range(len(self.indices))
            if self.roles[position] != "byline"
            and (headline_like[position] or (self.blank_before[position] and self.blank_after[position]))
        ]
        self.blocks, self.block_of = [], {}
        for position, role in enumerate(self.roles):
            if role not in HEADLINE_ROLES:
                continue
            if self.blocks and self.block_of.get(position - 1) == len(self.blocks) - 1:
                self.blocks[-1].append(position)
            else:
                self.blocks.append([position])
            self.block_of[position] = len(self.blocks) - 1

    def __len__(self) -> int:
        return len(self.indices)

    def title_probability(self, position: int) -> float:
        """The CRF's marginal probability that the line at ``position`` is a title line."""
        return float(self.probabilities[position, _TITLE])


def _ends_clause(text: str) -> bool:
    return bool(text) and (ends_sentence(text) or char_class(text[-1]) in ("comma", "colon"))


def line_features(view: ArticleView, position: int) -> dict[str, float]:
    """The features of one line of an article for the title model.

    Parameters
    ----------
    view : ArticleView
        The article.
    position : int
        The line's place in the article (0: its first non-blank line).

    Returns
    -------
    dict of str to float
    """
    text = view.stripped[position]
    length = len(text)
    features: dict[str, float] = {
        f"p_{role}": float(view.probabilities[position, column]) for column, role in enumerate(PROBABILITY_ROLES)
    }
    features[f"tag={view.roles[position]}"] = 1.0
    features["begins"] = float(view.begins[position])
    features[f"position={min(position, 8)}"] = 1.0
    features[f"length={_bin(length, 2, 12)}"] = 1.0
    features[f"relative_length={_bin(4 * length / view.median_length, 1, 8)}"] = 1.0
    features["ends_sentence"] = float(ends_sentence(text))
    features["inner_punctuation"] = float(any(char_class(char) in ("comma", "final", "colon") for char in text[:-1]))
    features["leading_dash"] = float(text[:1] in ("—", "－"))
    features["letter_spaced"] = float(" " in text)
    features[f"title_rank={min(int(view.title_ranks[position]), 4)}"] = 1.0
    features[f"headline_lines={min(view.headline_lines, 5)}"] = 1.0
    features["article_best_title_probability"] = view.best_title_probability
    previous = position - 1 if position > 0 else None
    following = position + 1 if position + 1 < len(view) else None
    for side, other in (("previous", previous), ("next", following)):
        features[f"{side}_tag={view.roles[other] if other is not None else 'none'}"] = 1.0
        features[f"{side}_title_probability"] = view.title_probability(other) if other is not None else 0.0
    index = view.indices[position]
    features["gap_before"] = float(previous is not None and view.indices[previous] != index - 1)
    features["gap_after"] = float(following is not None and view.indices[following] != index + 1)
    isolated = float(view.blank_before[position] and view.blank_after[position])
    features["blank_before"] = float(view.blank_before[position])
    features["blank_after"] = float(view.blank_after[position])
    features["isolated"] = isolated
    features["isolated_open"] = isolated * (1.0 - features["ends_sentence"])
    above = view.stripped[previous] if previous is not None else ""
    below = view.stripped[following] if following is not None else ""
    above_open = float(bool(above) and not _ends_clause(above))
    features["above_open"] = above_open
    features["isolated_above_open"] = isolated * above_open
    deviation = _bin(4 * abs(length - view.median_length) / view.median_length, 1, 8)
    features[f"deviation={deviation}"] = 1.0
    features[f"isolated_deviation={deviation}"] = isolated
    features[f"reads_from_above={continuity(above or None, text)}"] = 1.0
    features[f"reads_on_below={continuity(text, below) if below else 'none'}"] = 1.0
    bridge = continuity(above or None, below) if below else "none"
    features[f"bridge={bridge}"] = 1.0
    features[f"isolated_bridge={bridge}"] = isolated
    block = view.block_of.get(position)
    if block is None:
        features["no_headline_block"] = 1.0
    else:
        members = view.blocks[block]
        place = members.index(position)
        by_length = sorted(members, key=lambda member: (-len(view.stripped[member]), member))
        features[f"block_place={min(place, 3)}"] = 1.0
        features[f"block_place_from_end={min(len(members) - 1 - place, 3)}"] = 1.0
        features[f"block_size={min(len(members), 5)}"] = 1.0
        features[f"block_length_rank={min(by_length.index(position), 3)}"] = 1.0
        features["first_block"] = float(block == 0)
    return features


_PAIR_PROBABILITIES = ("title", "kicker", "subtitle", "subhead", "body", "column")


def pair_features(view: ArticleView, first: int, second: int) -> dict[str, float]:
    """The features of two lines of an article (``first`` above ``second``) for the title-join model.

    Parameters
    ----------
    view : ArticleView
        The article.
    first, second : int
        Places in the article of the two lines, ``first < second``.

    Returns
    -------
    dict of str to float
    """
    upper, lower = view.stripped[first], view.stripped[second]
    features: dict[str, float] = {}
    for role in _PAIR_PROBABILITIES:
        column = PROBABILITY_ROLES.index(role)
        features[f"first_p_{role}"] = float(view.probabilities[first, column])
        features[f"second_p_{role}"] = float(view.probabilities[second, column])
    for side, text in (("first", upper), ("second", lower)):
        features[f"{side}_ends_sentence"] = float(ends_sentence(text))
        features[f"{side}_leading_dash"] = float(text[:1] in ("—", "－"))
        features[f"{side}_letter_spaced"] = float(" " in text)
        features[f"{side}_length={_bin(len(text), 2, 12)}"] = 1.0
    features["adjacent"] = float(view.indices[second] == view.indices[first] + 1)
    features[f"length_ratio={_bin(4 * len(lower) / max(len(upper), 1), 1, 8)}"] = 1.0
    features["second_begins"] = float(view.begins[second])
    features["same_role"] = float(view.roles[first] == view.roles[second])
    features[f"roles={view.roles[first]}>{view.roles[second]}"] = 1.0
    features[f"reads_on={continuity(upper, lower)}"] = 1.0
    features["first_ends_with_dash"] = float(upper.endswith("—"))
    features["first_ends_with_colon"] = float(upper[-1:] in ("：", ":"))
    return features
