"""newsseg: split the OCR text of Chinese newspaper pages into articles.

The public API::

    from newsseg import Segmenter, read_page
    seg = Segmenter.load()                 # bundled default model
    result = seg.predict(read_page("page.txt"))
    for article in result.articles:
        print(article.start_line, article.end_line, article.title)
        print(article.byline.reporters if article.byline else None)
        for paragraph in article.paragraphs:
            print(paragraph.text)
"""

from __future__ import annotations

__version__ = "0.1.0"

from newsseg.articles.bylines import Byline
from newsseg.articles.paragraphs import Paragraph
from newsseg.articles.records import Article, ArticleLine, PageResult
from newsseg.errors import NewssegError
from newsseg.io.labels import LabelledPage, read_labelled, write_labelled
from newsseg.io.page import Page, read_page
from newsseg.segmenter import Segmenter

__all__ = [
    "Article",
    "ArticleLine",
    "Byline",
    "LabelledPage",
    "NewssegError",
    "Page",
    "PageResult",
    "Paragraph",
    "Segmenter",
    "__version__",
    "read_labelled",
    "read_page",
    "write_labelled",
]
