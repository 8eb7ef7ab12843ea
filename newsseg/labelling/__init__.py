"""The labelling loop: the HTML review report (:mod:`~newsseg.labelling.review`) and the pages
to label next (:mod:`~newsseg.labelling.suggest`)."""

from newsseg.labelling.review import review_html
from newsseg.labelling.suggest import least_sure

__all__ = ["least_sure", "review_html"]
