"""Reading each article's headline as a block, after the CRF and the assembly stage.

:mod:`~newsseg.headlines.features` describes an article's lines and neighbouring pairs of them;
:class:`~newsseg.headlines.model.HeadlineReader` learns from labelled pages which lines make an
article's title and rewrites the headline roles around it.
"""

from newsseg.headlines.model import HeadlineExample, HeadlineReader

__all__ = ["HeadlineExample", "HeadlineReader"]
