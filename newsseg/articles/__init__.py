"""What the tags mean to a reader: articles and their parts.

:mod:`~newsseg.articles.records` holds :class:`Article` and :class:`PageResult` and builds them
from a page's tags; the parts are read by :mod:`~newsseg.articles.structure` (headline fields),
:mod:`~newsseg.articles.bylines`, :mod:`~newsseg.articles.paragraphs`,
:mod:`~newsseg.articles.duplicates` (passages OCR printed twice) and
:mod:`~newsseg.articles.joining` (lines joined into text).
"""

from newsseg.articles.bylines import Byline
from newsseg.articles.paragraphs import Paragraph
from newsseg.articles.records import DEFAULT_REVIEW_THRESHOLD, Article, ArticleLine, PageResult, build_articles

__all__ = ["DEFAULT_REVIEW_THRESHOLD", "Article", "ArticleLine", "Byline", "PageResult", "Paragraph", "build_articles"]
