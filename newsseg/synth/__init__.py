"""Synthetic labelled pages: the article corpus reader (:mod:`~newsseg.synth.corpus`) and the
page synthesiser (:mod:`~newsseg.synth.generate`, composing :mod:`~newsseg.synth.article`,
:mod:`~newsseg.synth.page`, :mod:`~newsseg.synth.ocr`, :mod:`~newsseg.synth.text`, with its
settings in :mod:`~newsseg.synth.settings` and statistics in :mod:`~newsseg.synth.stats`)."""

from newsseg.synth.corpus import read_corpus
from newsseg.synth.generate import Synthesiser, write_synthetic_set
from newsseg.synth.settings import SynthSettings

__all__ = ["SynthSettings", "Synthesiser", "read_corpus", "write_synthetic_set"]
