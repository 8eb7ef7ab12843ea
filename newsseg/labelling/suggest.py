"""Which pages to label next: the ones the model is least sure of.

The model's probability of its own tagging of a page (the CRF's sequence probability) falls
with every line it hesitates on — and with every line, so a long page looks unsure merely for
being long.  Pages are therefore ranked by the log-probability per tagged line (the geometric
mean of the per-line probabilities): the lowest first.  Ranking by the whole page's
probability instead (``by="page"``) favours long pages, which hold more to correct per page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from newsseg.articles.records import PageResult

RANKINGS: tuple[str, ...] = ("line", "page")
"""``line``: log-probability per tagged line (default); ``page``: the page's log-probability."""


@dataclass(frozen=True)
class Suggestion:
    """One page to label, with how unsure the model is of it."""

    name: str
    mean_log_probability: float
    log_probability: float
    lines: int
    articles: int
    to_review: int

    def to_dict(self) -> dict:
        def number(value: float) -> float | None:
            return None if math.isinf(value) else round(value, 4)

        return {
            "page": self.name,
            "mean_log_probability": number(self.mean_log_probability),
            "log_probability": number(self.log_probability),
            "lines": self.lines,
            "articles": self.articles,
            "to_review": self.to_review,
        }


def suggestion(result: PageResult) -> Suggestion:
    """How unsure the model is of one page (raises ValueError without a sequence probability)."""
    log_probability, mean_log_probability = result.log_probability, result.mean_log_probability
    if log_probability is None or mean_log_probability is None:
        raise ValueError(f"{result.page.name}: the result has no sequence probability")
    return Suggestion(
        name=result.page.name,
        mean_log_probability=mean_log_probability,
        log_probability=log_probability,
        lines=len(result.page.content_indices),
        articles=len(result.articles),
        to_review=sum(article.review for article in result.articles),
    )


def least_sure(results: Sequence[PageResult], count: int, by: str = "line") -> list[Suggestion]:
    """The ``count`` pages the model is least sure of, least sure first.

    Parameters
    ----------
    results : sequence of PageResult
        The model's output for each candidate page.
    count : int
        How many pages to return (all if there are fewer).
    by : {"line", "page"}
        Rank by log-probability per tagged line, or by the whole page's log-probability.

    Returns
    -------
    list of Suggestion
        Sorted from least sure; ties keep the input order.
    """
    if by not in RANKINGS:
        raise ValueError(f"unknown ranking {by!r}; choose one of {', '.join(RANKINGS)}")
    scored = [suggestion(result) for result in results]
    key = (lambda s: s.mean_log_probability) if by == "line" else (lambda s: s.log_probability)
    return sorted(scored, key=key)[: max(0, count)]
