"""Derive data/gold/articles.jsonl from the project's shared data set (run once; needs ../shared).

For each of the 240 labelled ``rmrb-ocr`` pages this records, per article of the page:

* ``id`` — the article id of the shared ``NAME.gold.json`` (the same id in a page's three twins);
* ``title`` — the headline as printed (from ``NAME.gold.json``);
* ``source`` — the corpus article it was made from (``date``, ``page``, ``order`` in
  ``rmrb-pages.jsonl.gz``), matched by title and, among equal titles, by shared text;
* ``lines`` — the 1-based numbers of the article's non-blank lines (all its segments);
* ``paragraph_ends`` — body lines after which a paragraph of the corpus article ends;
* ``unaligned`` — body lines too garbled by OCR to place in the corpus text (left out of scoring).

Paragraph ends come from aligning each line with the corpus article's ``paragraphs``: a line is
placed where most of its character trigrams occur in the article's text (punctuation and spaces
normalised); a line too short for that (``部。``) is placed right after the line before it when
its characters read there.  A line ends a paragraph when its placed end is within two
characters of the end of the paragraph it lies in and the next placed line of the article does
not begin in that paragraph too (``…刻不容缓`` then ``。``: only the ``。`` line ends it).
Nothing here looks at newsseg's own paragraph rules.

Usage (from the repository root)::

    .venv/bin/python data/gold/derive.py ../shared -o data/gold/articles.jsonl
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

FOLDERS = {"epaper-pages": "epaper", "ocr-pages-zoned": "ocr-zoned", "ocr-pages": "ocr-raw"}
SCORED_ROLES = ("body", "subhead", "byline")
"""Roles whose lines are placed in the corpus text (bylines open the first paragraph)."""
END_TOLERANCE = 2
_FOLD = str.maketrans(",:;?!()[]", "，：；？！（）【】")
_SPACE = re.compile(r"[\s\u3000]+")
_TRAILING_BRACKET = re.compile(r"[（(][^（()）]*[）)]$")


def normalise(text: str) -> str:
    """Text without white space, with ASCII punctuation folded to its full-width form."""
    return _SPACE.sub("", text).translate(_FOLD).replace("一一", "——")


def load_corpus(path: Path, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], list[dict]]:
    """The articles of the wanted (date, page) corpus pages."""
    pages: dict[tuple[str, str], list[dict]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            key = (record["date"], record["page"])
            if key in wanted:
                pages[key] = record["articles"]
    return pages


def trigrams(text: str) -> list[str]:
    return [text[i : i + 3] for i in range(len(text) - 2)]


def match_source(title: str, text: str, candidates: list[tuple[str, dict]]) -> tuple[str, dict] | None:
    """The corpus article with this printed title (and, among equals, the most shared trigrams)."""

    def bare(corpus_title: str) -> str:
        return normalise(_TRAILING_BRACKET.sub("", corpus_title))

    wanted = normalise(title)
    titled = [c for c in candidates if bare(c[1]["title"]) == wanted or normalise(c[1]["title"]) == wanted]
    pool = titled or candidates
    grams = set(trigrams(text))

    def overlap(candidate: tuple[str, dict]) -> int:
        return len(grams & set(trigrams(normalise("".join(candidate[1]["paragraphs"])))))

    best = max(pool, key=overlap, default=None)
    if best is None or (not titled and overlap(best) < 10):
        return None
    return best


class SourceText:
    """A corpus article's paragraphs as one normalised string with paragraph end offsets."""

    def __init__(self, paragraphs: list[str]) -> None:
        pieces = [normalise(p) for p in paragraphs]
        self.text = "".join(pieces)
        self.ends: list[int] = []
        offset = 0
        for piece in pieces:
            offset += len(piece)
            self.ends.append(offset)
        self.index: dict[str, list[int]] = defaultdict(list)
        for position, gram in enumerate(trigrams(self.text)):
            self.index[gram].append(position)

    def place(self, line: str, expected: int | None = None) -> int | None:
        """Where a line starts in the text: the start most of its trigrams vote for, or None.

        ``expected`` (where the line before ended) wins when it has at least half the votes of
        the best start: repeated phrases then stay in reading order.
        """
        grams = trigrams(line)
        if not grams:
            return None
        votes: Counter[int] = Counter()
        for offset, gram in enumerate(grams):
            for position in self.index.get(gram, ()):
                votes[position - offset] += 1
        if not votes:
            return None
        smoothed = {s: votes[s] + 0.5 * (votes[s - 1] + votes[s + 1]) for s in votes}
        start = max(smoothed, key=lambda s: (smoothed[s], -s))
        if expected is not None:
            near = max((s for s in smoothed if abs(s - expected) <= 1), key=smoothed.get, default=None)
            if near is not None and 2 * smoothed[near] >= smoothed[start]:
                start = near
        if votes[start] + votes[start - 1] + votes[start + 1] < max(2, 0.3 * len(grams)):
            return None
        return start

    def continues(self, position: int, line: str) -> bool:
        """Whether a line too short to place by trigrams reads as the text at ``position``."""
        window = self.text[position : position + len(line)]
        shared = sum((Counter(window) & Counter(line)).values())
        return bool(line) and shared * 2 >= len(line) + (len(line) == 1)

    def paragraph_of(self, start: int) -> int:
        """The index of the paragraph in which a line placed at ``start`` begins."""
        return bisect.bisect_right(self.ends, start)

    def ends_paragraph(self, start: int, length: int) -> bool:
        """Whether a line placed at ``start`` ends within tolerance of its paragraph's end."""
        paragraph = self.paragraph_of(start)
        if paragraph >= len(self.ends):
            return False
        return abs(self.ends[paragraph] - (start + length)) <= END_TOLERANCE


def derive_page(gold: dict, source: dict, tsv_tags: list[str], corpus: dict) -> dict:
    """The gold record of one page; ``source`` is the ``source`` of its raw-OCR twin's gold file."""
    by_article: dict[int, list[dict]] = defaultdict(list)
    for line in gold["lines"]:
        if line.get("article") is not None:
            by_article[line["article"]].append(line)
    candidates = [(page, article) for page in source["src_pages"] for article in corpus[(source["date"], page)]]
    articles = []
    for article in gold["articles"]:
        lines = by_article[article["id"]]
        body_text = normalise("".join(line["text"] for line in lines if line["role"] == "body"))
        matched = match_source(article["title"], body_text, candidates)
        record = {
            "id": article["id"],
            "title": article["title"],
            "lines": [line["n"] for line in lines],
            "source": None,
            "paragraph_ends": [],
            "unaligned": [],
        }
        if matched is not None:
            page, corpus_article = matched
            record["source"] = {"date": source["date"], "page": page, "order": corpus_article["order"]}
            text = SourceText(corpus_article["paragraphs"])
            follows: int | None = None
            last_end: tuple[int, int] | None = None
            for line in lines:
                role = tsv_tags[line["n"] - 1][2:]
                if role not in SCORED_ROLES:
                    continue
                compact = normalise(line["text"])
                start = text.place(compact, follows)
                if start is None and follows is not None and text.continues(follows, compact):
                    start = follows
                follows = None if start is None else start + len(compact)
                if start is None:
                    if role == "body":
                        record["unaligned"].append(line["n"])
                    continue
                paragraph = text.paragraph_of(start)
                if last_end is not None and last_end[1] == paragraph:
                    record["paragraph_ends"].remove(last_end[0])
                last_end = None
                if role == "body" and text.ends_paragraph(start, len(compact)):
                    record["paragraph_ends"].append(line["n"])
                    last_end = (line["n"], paragraph)
        articles.append(record)
    return {
        "page": gold["page"],
        "source": {"date": source["date"], "pages": source["src_pages"]},
        "articles": articles,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", type=Path, help="the shared data set (holds corpus/ and the page folders)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--pages", type=Path, default=Path("data/pages"), help="newsseg's labelled pages")
    args = parser.parse_args()
    golds = []
    for folder, kind in FOLDERS.items():
        for path in sorted((args.shared / folder).glob("*.gold.json")):
            golds.append((kind, json.loads(path.read_text(encoding="utf-8"))))
    sources = {g["page"]: g["source"] for kind, g in golds if kind == "ocr-raw"}

    def source_of(page: str) -> dict:
        return sources[re.sub(r"-(clean|zoned)$", "", page)]

    wanted = {(source_of(g["page"])["date"], p) for _, g in golds for p in source_of(g["page"])["src_pages"]}
    corpus = load_corpus(args.shared / "corpus" / "rmrb-pages.jsonl.gz", wanted)
    records = []
    for kind, gold in golds:
        tsv = args.pages / kind / f"{gold['page']}.tsv"
        rows = tsv.read_text(encoding="utf-8").split("\n")[: len(gold["lines"])]
        tags = [row.split("\t", 1)[0] for row in rows]
        texts = [row.split("\t", 1)[1] if "\t" in row else "" for row in rows]
        if texts != [line["text"] for line in gold["lines"]]:
            raise SystemExit(f"{tsv}: the labelled page and {gold['page']}.gold.json differ")
        record = derive_page(gold, source_of(gold["page"]), tags, corpus)
        record["kind"] = kind
        records.append(record)
    with args.output.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    articles = [a for r in records for a in r["articles"]]
    print(
        f"{len(records)} pages, {len(articles)} articles ({sum(a['source'] is None for a in articles)} unmatched), "
        f"{sum(len(a['paragraph_ends']) for a in articles)} paragraph ends, "
        f"{sum(len(a['unaligned']) for a in articles)} unaligned body lines"
    )


if __name__ == "__main__":
    main()
