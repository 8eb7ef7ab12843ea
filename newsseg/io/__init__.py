"""Text in and out: page files (:mod:`~newsseg.io.page`), the labelled-page format
(:mod:`~newsseg.io.labels`) and files written so that nothing is half-written
(:mod:`~newsseg.io.fileio`)."""

from newsseg.io.labels import LabelledPage, read_labelled, write_labelled
from newsseg.io.page import Page, as_page, read_page

__all__ = ["LabelledPage", "Page", "as_page", "read_labelled", "read_page", "write_labelled"]
