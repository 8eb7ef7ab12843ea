"""Assembling a page's blocks into articles, after the line CRF.

The CRF sees lines; OCR breaks articles apart into column blocks, prints one article's block
inside another's and loses the headlines of some.  This stage looks at the page as a whole:
:mod:`~newsseg.assembly.blocks` cuts the tagged page into blocks, :mod:`~newsseg.assembly.pairs`
describes how well a block continues each article still open, and
:class:`~newsseg.assembly.model.Assembler` learns from keyed labelled pages which block
continues which article and decodes a page in page order.
"""

from newsseg.assembly.model import Assembler, AssemblyExample

__all__ = ["Assembler", "AssemblyExample"]
