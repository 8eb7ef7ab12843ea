"""Synthetic labelled pages from article corpora: the engine behind ``newsseg synth``.

Hand-labelled pages are scarce, articles are plentiful.  A :class:`Synthesiser` turns corpus
pages (see :mod:`newsseg.synth.corpus` for the JSONL format) into labelled pages in the three
kinds of text users bring (e-paper text, OCR in article order, OCR in raw reading order) and the
conventions of two papers (人民日报, 浙江工人日报), with every phenomenon a splitter meets: 2-8
articles with different column widths, kickers, titles over several lines, column labels,
subtitles with ——, bylines and datelines of many forms, photo captions and credits, subheads,
page furniture and banners, blank lines in several regimes, OCR damage, duplicated passages,
interleaved column blocks and frame debris.

>>> from newsseg.synth.corpus import read_corpus
>>> from newsseg.synth.generate import Synthesiser
>>> synth = Synthesiser(read_corpus(["data/corpus/rmrb-subset.jsonl.gz"]), seed=0)
>>> page = synth.page(0)            # a SynthPage: .labelled (LabelledPage) and .record()

Page ``i`` of seed ``s`` depends only on ``s``, ``i``, the corpus and the settings: the same
inputs give the same pages byte for byte, in any order and in any number of processes.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from newsseg import __version__
from newsseg.errors import CorpusError, UsageError
from newsseg.io.fileio import write_text_atomic
from newsseg.io.fingerprints import file_sha256
from newsseg.io.labels import labelled_text
from newsseg.synth.article import ArticleSource, Tally, prepare_article
from newsseg.synth.corpus import CorpusPage
from newsseg.synth.page import PageMaterial, SynthPage, build_page, draw_page
from newsseg.synth.settings import BYLINE_FORMS, PHENOMENA, SynthSettings

FILE_PREFIX = "synth-"
MANIFEST_NAME = "manifest.json"
RECORDS_NAME = "pages.jsonl"
MAX_ATTEMPTS = 20


def page_file_name(index: int) -> str:
    """The file name of synthetic page ``index`` (0-based): ``synth-000001.tsv``."""
    return f"{FILE_PREFIX}{index + 1:06d}.tsv"


class Synthesiser:
    """Make synthetic labelled pages from corpus pages.

    Parameters
    ----------
    corpus : sequence of CorpusPage
        The pages to take articles from (already without excluded pages).
    settings : SynthSettings, optional
        Rates of every phenomenon, the style and the mix of kinds of text.
    seed : int
        The seed; page ``i`` uses its own generator seeded from (seed, i).

    Raises
    ------
    CorpusError
        If no corpus page has an article with text to print.
    """

    def __init__(self, corpus: Sequence[CorpusPage], settings: SynthSettings | None = None, seed: int = 0) -> None:
        self.corpus = list(corpus)
        self.settings = settings or SynthSettings()
        self.seed = seed
        self._sources_of: list[list[ArticleSource]] = [
            [source for source in map(prepare_article, page.articles) if source is not None] for page in self.corpus
        ]
        self._days: dict[tuple[str, str], list[int]] = {}
        for index, page in enumerate(self.corpus):
            self._days.setdefault((page.paper, page.date), []).append(index)
        self._usable = [i for i, sources in enumerate(self._sources_of) if sources]
        if not self._usable:
            raise CorpusError("no article of the corpus has text to print")

    def _material(self, rng: random.Random, count: int) -> PageMaterial:
        """A run of ``count`` consecutive articles: one corpus page, topped up from the same day's next pages."""
        first = self._usable[rng.randrange(len(self._usable))]
        page = self.corpus[first]
        sources = self._sources_of[first]
        offset = rng.randint(0, max(0, len(sources) - count))
        chosen: list[tuple[int, ArticleSource]] = [(first, s) for s in sources[offset : offset + count]]
        day = self._days[(page.paper, page.date)]
        position = day.index(first)
        following = day[position + 1 :] + day[:position]
        for other in following:
            if len(chosen) >= count:
                break
            chosen.extend((other, s) for s in self._sources_of[other][: count - len(chosen)])
        while len(chosen) < count and len(chosen) < 2:
            other = self._usable[rng.randrange(len(self._usable))]
            chosen.extend((other, s) for s in self._sources_of[other][: count - len(chosen)])
        used_titles = {s.title for _, s in chosen}
        themes = [
            s.title for i in day for s in self._sources_of[i] if s.title not in used_titles and len(s.title) <= 27
        ]
        by_page: dict[int, list[int]] = {}
        for index, source in chosen:
            by_page.setdefault(index, []).append(source.order)
        records = [
            {
                "paper": self.corpus[i].paper,
                "date": self.corpus[i].date,
                "page": self.corpus[i].page,
                "orders": orders,
            }
            for i, orders in by_page.items()
        ]
        return PageMaterial(
            [source for _, source in chosen],
            records,
            page.paper,
            page.date,
            page.page,
            rng.choice(themes) if themes else "",
        )

    def page(self, index: int) -> SynthPage:
        """Synthetic page number ``index`` (0-based) of this seed."""
        rng = random.Random(f"newsseg-synth:{self.seed}:{index}")
        for _ in range(MAX_ATTEMPTS):
            tally = Tally()
            draws = draw_page(rng, self.settings, tally)
            material = self._material(rng, draws.articles)
            made = build_page(material, draws, page_file_name(index), rng, self.settings, tally)
            if made is not None:
                return made
        raise CorpusError(f"could not make page {index + 1}: the corpus articles have too little text")

    def pages(self, count: int, start: int = 0) -> Iterator[SynthPage]:
        """Pages ``start`` .. ``start + count - 1``, in order."""
        for index in range(start, start + count):
            yield self.page(index)


def prepare_output_dir(directory: Path, force: bool) -> None:
    """Create the output folder, or clear an earlier synthetic set from it when ``force`` is given.

    Raises
    ------
    UsageError
        If the folder already holds files and ``force`` is not given, or is not a folder.
    """
    if directory.exists() and not directory.is_dir():
        raise UsageError("the output path exists and is not a folder", str(directory))
    if directory.is_dir() and any(directory.iterdir()):
        if not force:
            raise UsageError("the output folder is not empty (pass --force to replace a synthetic set)", str(directory))
        for old in directory.iterdir():
            synthetic = old.name.startswith(FILE_PREFIX) and old.suffix == ".tsv"
            if old.is_file() and (synthetic or old.name in (MANIFEST_NAME, RECORDS_NAME)):
                old.unlink()
    directory.mkdir(parents=True, exist_ok=True)


def write_synthetic_set(
    synthesiser: Synthesiser,
    count: int,
    directory: str | Path,
    corpus_files: Sequence[str | Path] = (),
    excluded: dict | None = None,
    force: bool = False,
    on_page: Callable[[int, int], None] | None = None,
) -> dict:
    """Write ``count`` synthetic pages, their records and a manifest into ``directory``.

    Each page is ``synth-NNNNNN.tsv`` (labelled-page format), written atomically; ``pages.jsonl``
    holds one record per page (kind, style, corpus sources, drawn values, phenomena counts);
    ``manifest.json``, written last, holds the seed, settings, corpus checksums and totals.

    Parameters
    ----------
    synthesiser : Synthesiser
        The generator (corpus, settings, seed).
    count : int
        How many pages.
    directory : str or Path
        The output folder (created if missing).
    corpus_files : sequence of path
        The corpus files the pages come from, recorded with their SHA-256.
    excluded : dict, optional
        What was left out of the corpus (recorded as given).
    force : bool
        Replace an earlier synthetic set in the folder.
    on_page : callable, optional
        Progress callback ``(done, total)``.

    Returns
    -------
    dict
        The manifest.
    """
    if count < 1:
        raise UsageError(f"the number of pages must be at least 1, not {count}")
    folder = Path(directory)
    prepare_output_dir(folder, force)
    kinds: Counter = Counter()
    styles: Counter = Counter()
    totals = Tally()
    lines = articles = 0
    records = []
    for done, page in enumerate(synthesiser.pages(count), start=1):
        write_text_atomic(folder / page.labelled.name, labelled_text(page.labelled))
        kinds[page.draws.kind] += 1
        styles[page.draws.style] += 1
        totals.merge(page.tally)
        lines += len(page.labelled.tags)
        articles += page.draws.articles
        records.append(json.dumps(page.record(), ensure_ascii=False, sort_keys=True))
        if on_page is not None:
            on_page(done, count)
    write_text_atomic(folder / RECORDS_NAME, "\n".join(records) + "\n")
    manifest = {
        "generator": "newsseg synth",
        "newsseg_version": __version__,
        "seed": synthesiser.seed,
        "pages": count,
        "files": f"{page_file_name(0)} … {page_file_name(count - 1)}",
        "records": RECORDS_NAME,
        "settings": synthesiser.settings.to_dict(),
        "byline_forms": {style: dict(forms) for style, forms in BYLINE_FORMS.items()},
        "corpus": [{"path": str(path), "sha256": file_sha256(path)} for path in corpus_files],
        "corpus_pages": len(synthesiser.corpus),
        "excluded": excluded or {},
        "kinds": dict(sorted(kinds.items())),
        "styles": dict(sorted(styles.items())),
        "lines": lines,
        "articles": articles,
        "phenomena": {
            name: {
                "events": events,
                "chances": chances,
                "rate": round(events / chances, 5) if chances else None,
                "setting": PHENOMENA.get(name),
            }
            for name, (events, chances) in totals.to_dict().items()
        },
    }
    write_text_atomic(folder / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest
