"""Article corpora for ``newsseg synth``: reading, validating and writing JSONL (optionally gzipped).

A corpus file holds one printed newspaper page per line, as a JSON object::

    {"paper": "人民日报", "date": "2019-02-01", "page": "01",
     "articles": [{"order": 1, "kicker": "", "title": "…", "subtitle": "",
                   "paragraphs": ["本报北京1月31日电 （记者…）…", "…"]}, …]}

``paper``, ``date`` and ``page`` are strings (``page`` may also be an integer); ``articles`` is a
list, in page order, of objects with a string ``title`` and a list of strings ``paragraphs``;
``kicker`` and ``subtitle`` are optional strings (empty when the article has none) and ``order`` an
optional integer.  Other keys are ignored, blank lines are skipped.  A line that breaks these rules
raises a :class:`~newsseg.errors.CorpusError` naming ``FILE:LINE``.

Pages can be left out by key (paper, date, page), e.g. the corpus pages that labelled test pages
were made from; :func:`read_page_keys` reads such a list from a text file.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import zlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsseg.errors import CorpusError
from newsseg.io.fileio import read_file_bytes, write_bytes_atomic

PageKey = tuple[str, str, str]
"""(paper, date, page) of a corpus page, e.g. ``("人民日报", "2019-02-14", "20")``."""

GZIP_MAGIC = b"\x1f\x8b"


def page_key(paper: str, date: str, page: str) -> PageKey:
    """The key of a corpus page, page numbers compared without leading zeros (``"01"`` is ``"1"``)."""
    return (paper.strip(), date.strip(), page.strip().lstrip("0") or "0")


@dataclass(frozen=True)
class CorpusArticle:
    """One article of a corpus page.

    Parameters
    ----------
    order : int
        Its place on the printed page (1-based).
    title, kicker, subtitle : str
        Headline parts; kicker and subtitle are empty when the article has none.
    paragraphs : tuple of str
        The article's text, one paragraph per item (a dateline, if any, opens the first).
    """

    order: int
    title: str
    kicker: str
    subtitle: str
    paragraphs: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "order": self.order,
            "kicker": self.kicker,
            "title": self.title,
            "subtitle": self.subtitle,
            "paragraphs": list(self.paragraphs),
        }


@dataclass(frozen=True)
class CorpusPage:
    """One printed page of a corpus: where it came from and its articles in page order.

    Parameters
    ----------
    paper, date, page : str
        The newspaper, the issue date and the page number as given in the corpus.
    articles : tuple of CorpusArticle
        The page's articles.
    origin : str
        ``FILE:LINE`` of the page in its corpus file.
    """

    paper: str
    date: str
    page: str
    articles: tuple[CorpusArticle, ...]
    origin: str = ""

    @property
    def key(self) -> PageKey:
        return page_key(self.paper, self.date, self.page)

    def to_dict(self) -> dict:
        return {
            "paper": self.paper,
            "date": self.date,
            "page": self.page,
            "articles": [article.to_dict() for article in self.articles],
        }


def _require_str(value: object, what: str, path: str, line: int, allow_int: bool = False) -> str:
    if isinstance(value, str):
        return value
    if allow_int and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise CorpusError(f"{what} must be a string, not {type(value).__name__}", path, line)


def _parse_article(data: object, index: int, path: str, line: int) -> CorpusArticle:
    where = f"article {index + 1}"
    if not isinstance(data, dict):
        raise CorpusError(f"{where} must be a JSON object, not {type(data).__name__}", path, line)
    if "title" not in data:
        raise CorpusError(f'{where} has no "title"', path, line)
    if "paragraphs" not in data:
        raise CorpusError(f'{where} has no "paragraphs"', path, line)
    title = _require_str(data["title"], f'{where}: "title"', path, line)
    kicker = _require_str(data.get("kicker") or "", f'{where}: "kicker"', path, line)
    subtitle = _require_str(data.get("subtitle") or "", f'{where}: "subtitle"', path, line)
    paragraphs = data["paragraphs"]
    if not isinstance(paragraphs, list):
        raise CorpusError(f'{where}: "paragraphs" must be a list of strings', path, line)
    for number, paragraph in enumerate(paragraphs, start=1):
        if not isinstance(paragraph, str):
            raise CorpusError(
                f"{where}: paragraph {number} must be a string, not {type(paragraph).__name__}", path, line
            )
    order = data.get("order", index + 1)
    if not isinstance(order, int) or isinstance(order, bool):
        raise CorpusError(f'{where}: "order" must be an integer', path, line)
    return CorpusArticle(order, title, kicker, subtitle, tuple(paragraphs))


def parse_corpus_line(text: str, path: str, line: int) -> CorpusPage:
    """Parse and validate one line of a corpus file.

    Parameters
    ----------
    text : str
        The line (one JSON object).
    path : str
        The file's name, for messages.
    line : int
        The 1-based line number, for messages.

    Returns
    -------
    CorpusPage

    Raises
    ------
    CorpusError
        ``FILE:LINE: what is wrong`` for invalid JSON, a missing field or a field of the wrong type.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CorpusError(f"not valid JSON ({error.msg} at column {error.colno})", path, line) from None
    if not isinstance(data, dict):
        raise CorpusError(f"expected a JSON object for a page, not {type(data).__name__}", path, line)
    for field in ("paper", "date", "page", "articles"):
        if field not in data:
            raise CorpusError(f'the page has no "{field}"', path, line)
    paper = _require_str(data["paper"], '"paper"', path, line)
    date = _require_str(data["date"], '"date"', path, line)
    page = _require_str(data["page"], '"page"', path, line, allow_int=True)
    articles = data["articles"]
    if not isinstance(articles, list):
        raise CorpusError('"articles" must be a list of article objects', path, line)
    parsed = tuple(_parse_article(article, i, path, line) for i, article in enumerate(articles))
    return CorpusPage(paper, date, page, parsed, f"{path}:{line}")


def _open_lines(path: Path, noun: str = "corpus file") -> Iterator[tuple[int, str]]:
    """(line number, text) of each line of a plain or gzipped UTF-8 file (``noun`` names it in errors)."""
    name = str(path)
    raw = read_file_bytes(path, CorpusError, noun)
    if raw.startswith(GZIP_MAGIC):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise CorpusError(f"the gzip data is corrupt or truncated ({error})", name) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for number, line_bytes in enumerate(io.BytesIO(raw), start=1):
        try:
            yield number, line_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise CorpusError("the line is not valid UTF-8", name, number) from None


def iter_corpus_file(path: str | Path) -> Iterator[CorpusPage]:
    """Every page of one corpus file (JSONL, plain or gzipped), in file order; blank lines skipped."""
    file = Path(path)
    for number, text in _open_lines(file):
        if text.strip():
            yield parse_corpus_line(text, str(path), number)


def read_corpus(paths: Iterable[str | Path], exclude: Collection[PageKey] = ()) -> list[CorpusPage]:
    """Read corpus files, leaving out the pages whose key is in ``exclude``.

    Parameters
    ----------
    paths : iterable of str or Path
        Corpus files, read in the order given.
    exclude : collection of PageKey
        (paper, date, page) keys of pages to leave out.

    Returns
    -------
    list of CorpusPage
        The remaining pages, in file and line order.

    Raises
    ------
    CorpusError
        For a missing or unreadable file or an invalid line (naming file and line), or when no
        page is left.
    """
    pages: list[CorpusPage] = []
    names = []
    for path in paths:
        names.append(str(path))
        pages.extend(iter_corpus_file(path))
    pages, _ = exclude_pages(pages, exclude)
    if not pages:
        raise CorpusError("the corpus holds no page (after leaving out the excluded ones)", ", ".join(names) or None)
    return pages


def exclude_pages(pages: Sequence[CorpusPage], keys: Collection[PageKey]) -> tuple[list[CorpusPage], int]:
    """The pages whose key is not in ``keys``, and how many were left out."""
    wanted = {page_key(*key) for key in keys}
    kept = [page for page in pages if page.key not in wanted]
    return kept, len(pages) - len(kept)


def read_page_keys(path: str | Path) -> list[PageKey]:
    """Read a list of corpus page keys: one ``PAPER<TAB>DATE<TAB>PAGE`` per line.

    Further tab-separated fields (e.g. the labelled page made from it) are ignored, as are blank
    lines and lines starting with ``#``.

    Raises
    ------
    CorpusError
        If the file cannot be read or a line has fewer than three fields.
    """
    keys: list[PageKey] = []
    for number, text in _open_lines(Path(path), "list of page keys"):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = [field.strip() for field in text.rstrip("\r\n").split("\t")]
        if len(fields) < 3 or not all(fields[:3]):
            raise CorpusError("expected PAPER<TAB>DATE<TAB>PAGE", str(path), number)
        keys.append(page_key(fields[0], fields[1], fields[2]))
    return keys


def write_corpus(pages: Sequence[CorpusPage], path: str | Path) -> None:
    """Write pages as a corpus file, atomically; gzipped (reproducibly, no timestamp) if ``path`` ends in ``.gz``."""
    text = "".join(json.dumps(page.to_dict(), ensure_ascii=False) + "\n" for page in pages)
    data = text.encode("utf-8")
    if str(path).endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    write_bytes_atomic(path, data)


def truncate_page(page: CorpusPage, max_chars: int) -> CorpusPage:
    """The page with each article's paragraphs cut after the one that reaches ``max_chars`` characters.

    Synthesis prints at most ``article_chars_max`` characters of an article, so a corpus cut a
    little above that makes the same pages at a fraction of the size.
    """
    articles = []
    for article in page.articles:
        kept: list[str] = []
        used = 0
        for paragraph in article.paragraphs:
            if used >= max_chars:
                break
            kept.append(paragraph)
            used += len(paragraph)
        articles.append(CorpusArticle(article.order, article.title, article.kicker, article.subtitle, tuple(kept)))
    return CorpusPage(page.paper, page.date, page.page, tuple(articles), page.origin)


def sample_days(pages: Sequence[CorpusPage], days: int, seed: int = 0) -> list[CorpusPage]:
    """All pages of ``days`` issues (paper and date) drawn at random, in corpus order.

    Whole issues are kept so that a synthetic page can still be topped up with the next page of
    the same day.
    """
    issues = sorted({(page.paper, page.date) for page in pages})
    rng = random.Random(seed)
    chosen = set(rng.sample(issues, min(days, len(issues))))
    return [page for page in pages if (page.paper, page.date) in chosen]
