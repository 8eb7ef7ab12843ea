"""Measuring segmenters: the metrics (:mod:`~newsseg.evaluation.metrics`), scoring a system on
labelled pages per kind of text (:mod:`~newsseg.evaluation.scoring`), the baselines
(:mod:`~newsseg.evaluation.baselines`, which need scikit-learn: import them from there) and error
reports (:mod:`~newsseg.evaluation.report`)."""

from newsseg.evaluation.metrics import Report, evaluate, score_page
from newsseg.evaluation.scoring import ArticleTagging, evaluate_pages, reports_by_kind

__all__ = ["ArticleTagging", "Report", "evaluate", "evaluate_pages", "reports_by_kind", "score_page"]
