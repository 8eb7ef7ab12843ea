"""Structure quality of newsseg's articles on labelled pages held out from training.

For each kind of text (e-paper, zoned OCR, raw OCR, the real page) and over all, it measures:

* **titles** — the share of gold articles with a title whose predicted article (the one holding
  the gold article's first title line) has exactly the gold title: the labelled title lines
  joined (``title``), and the headline as printed (``printed``, from ``data/gold/articles.jsonl``;
  bounded by OCR errors on OCR text);
* **bylines** — the share of hand-annotated bylines (``data/gold/bylines.tsv``) whose predicted
  article (the one holding the gold article's first byline line) has the gold ``source``, the
  gold set of ``reporters``, and the byline ``text`` (white space and bracket shapes aside: this
  checks where the byline was cut from the body);
* **paragraphs** — boundary precision, recall and F1 over every pair of consecutive body lines of
  a gold article (pairs around a subhead and lines OCR garbled beyond alignment left out): the
  gold says whether a paragraph of the corpus article ends between them
  (``data/gold/articles.jsonl``), the prediction whether a predicted paragraph ends at the first;
* **review flags** (with a model) — the share of predicted article starts flagged ``review``
  (start confidence below the default threshold) and the share of wrong starts (not a labelled
  segment start) that are flagged.

By default a model is trained on three quarters of the page groups (twins together; seed 0, the
split of ``tests/test_quality.py``) and scored on the pages of the other quarter and on the real
page, which is never trained on.  ``--tags gold`` scores structure parsing alone on the labelled
tags and article keys of the same held-out pages (an article OCR broke apart is read as one,
across its spans); ``--model`` scores a given model's CRF (it must not have seen them) with its
assembly and headline stages trained again on the split's training pages and the 晶報 training
pages, as ``make train`` trains them on all labelled pages (``--as-is`` keeps them as they are).

Usage (from the repository root)::

    .venv/bin/python bench/structure_eval.py                 # train on the split, then score
    .venv/bin/python bench/structure_eval.py --tags gold     # parsing alone, labelled tags
    .venv/bin/python bench/structure_eval.py --json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from newsseg.articles.joining import compact, join_headline
from newsseg.articles.records import Article, PageResult, build_articles
from newsseg.io.labels import LabelledPage, tag_role
from newsseg.model.decode import decode_segments
from newsseg.segmenter import Segmenter, source_kind
from newsseg.train.dataset import group_key, group_labels, holdout_split, read_labelled_pages

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "data" / "pages"
GOLD = ROOT / "data" / "gold"
KINDS = ("epaper", "ocr-zoned", "ocr-raw")
ALL = "all"


@dataclass
class Tally:
    """Counts for one kind of text."""

    pages: int = 0
    titles: int = 0
    title_exact: int = 0
    printed_titles: int = 0
    printed_exact: int = 0
    bylines: int = 0
    source_right: int = 0
    reporters_right: int = 0
    byline_text_right: int = 0
    pairs: int = 0
    true_breaks: int = 0
    found_breaks: int = 0
    right_breaks: int = 0
    starts: int = 0
    wrong_starts: int = 0
    flagged: int = 0
    wrong_flagged: int = 0

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)

    def summary(self) -> dict:
        def share(right: int, total: int) -> float | None:
            return round(right / total, 3) if total else None

        precision = share(self.right_breaks, self.found_breaks)
        recall = share(self.right_breaks, self.true_breaks)
        f1 = (
            round(2 * self.right_breaks / (self.found_breaks + self.true_breaks), 3)
            if self.found_breaks + self.true_breaks
            else None
        )
        return {
            "pages": self.pages,
            "titles": self.titles,
            "title_exact": share(self.title_exact, self.titles),
            "title_printed_exact": share(self.printed_exact, self.printed_titles),
            "bylines": self.bylines,
            "byline_source": share(self.source_right, self.bylines),
            "byline_reporters": share(self.reporters_right, self.bylines),
            "byline_text_exact": share(self.byline_text_right, self.bylines),
            "paragraph_pairs": self.pairs,
            "paragraph_precision": precision,
            "paragraph_recall": recall,
            "paragraph_f1": f1,
            "starts": self.starts,
            "starts_flagged": share(self.flagged, self.starts),
            "wrong_starts_flagged": share(self.wrong_flagged, self.wrong_starts),
        }


@dataclass(frozen=True)
class GoldArticle:
    """One article of a labelled page: its lines, printed title and paragraph gold."""

    key: str
    lines: tuple[int, ...]
    printed_title: str | None = None
    paragraph_ends: frozenset[int] = frozenset()
    unaligned: frozenset[int] = frozenset()
    paragraph_gold: bool = False


def load_gold_articles() -> dict[str, list[GoldArticle]]:
    """The articles of every labelled rmrb page, from data/gold/articles.jsonl, by page name."""
    pages: dict[str, list[GoldArticle]] = {}
    with (GOLD / "articles.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            pages[record["page"]] = [
                GoldArticle(
                    str(article["id"]),
                    tuple(article["lines"]),
                    article["title"],
                    frozenset(article["paragraph_ends"]),
                    frozenset(article["unaligned"]),
                    paragraph_gold=article["source"] is not None,
                )
                for article in record["articles"]
            ]
    return pages


def labelled_articles(labelled: LabelledPage) -> list[GoldArticle]:
    """Gold articles of a page with no gold file (the real page): its labelled articles, all
    segments of one key together, numbered from 0 by first line (as ``data/gold/bylines.tsv``)."""
    lines: dict[str, list[int]] = defaultdict(list)
    for number, key in enumerate(labelled.articles, start=1):
        if key is not None:
            lines[key].append(number)
    return [GoldArticle(str(index), tuple(numbers)) for index, numbers in enumerate(lines.values())]


def load_gold_bylines() -> dict[tuple[str, str], dict]:
    """Hand-annotated bylines, by (page group, article id)."""
    with (GOLD / "bylines.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {(row["page"], row["article"]): row for row in rows}


_BRACKETS = str.maketrans("(〈<【[)〉>】]", "（（（（（）））））")


def _normal(text: str) -> str:
    """Text for comparing a byline's extent: no white space, brackets of one kind."""
    return compact(text).translate(_BRACKETS)


def _names(cell: str) -> frozenset[str]:
    return frozenset(name for name in cell.split("、") if name)


def score_page(
    labelled: LabelledPage,
    result: PageResult,
    gold_articles: Sequence[GoldArticle],
    gold_bylines: dict[tuple[str, str], dict],
) -> Tally:
    """Score one page's predicted structure against its gold."""
    tally = Tally(pages=1)
    role_of = {i + 1: tag_role(tag) for i, tag in enumerate(labelled.tags)}
    predicted: dict[int, Article] = {line.number: article for article in result.articles for line in article.lines}
    paragraph_ends = {
        paragraph.end_line
        for article in result.articles
        for paragraph in article.paragraphs
        if paragraph.role == "body"
    }
    group = group_key(labelled.name)
    true_starts = {segment.start_line for segment in decode_segments(labelled.tags)}
    for article in result.articles:
        if article.confidence is None:
            continue
        wrong = article.start_line not in true_starts
        tally.starts += 1
        tally.wrong_starts += wrong
        tally.flagged += article.review
        tally.wrong_flagged += wrong and article.review
    for gold in gold_articles:
        title_lines = [n for n in gold.lines if role_of[n] == "title"]
        if title_lines:
            found = predicted.get(title_lines[0])
            tally.titles += 1
            gold_title = join_headline(labelled.page.lines[n - 1] for n in title_lines)
            tally.title_exact += found is not None and found.title == gold_title
            if gold.printed_title is not None:
                tally.printed_titles += 1
                tally.printed_exact += found is not None and found.title == gold.printed_title
        byline_gold = gold_bylines.get((group, gold.key))
        if byline_gold is not None:
            anchor = next((n for n in gold.lines if role_of[n] == "byline"), gold.lines[0])
            found = predicted.get(anchor)
            byline = None if found is None else found.byline
            tally.bylines += 1
            if byline is not None:
                tally.source_right += (byline.source or "") == byline_gold["source"]
                tally.reporters_right += frozenset(byline.reporters) == _names(byline_gold["reporters"])
                tally.byline_text_right += _normal(byline.text) == _normal(byline_gold["text"])
        body = [n for n in gold.lines if role_of[n] in ("body", "subhead")] if gold.paragraph_gold else []
        for first, second in pairwise(body):
            if role_of[first] != "body" or role_of[second] != "body" or first in gold.unaligned:
                continue
            tally.pairs += 1
            truth = first in gold.paragraph_ends
            guess = first in paragraph_ends
            tally.true_breaks += truth
            tally.found_breaks += guess
            tally.right_breaks += truth and guess
    return tally


def evaluate(
    pages: Sequence[LabelledPage],
    predict: Callable[[LabelledPage], PageResult],
) -> dict[str, Tally]:
    """Tallies per kind of text and over all."""
    gold_articles = load_gold_articles()
    gold_bylines = load_gold_bylines()
    tallies: dict[str, Tally] = defaultdict(Tally)
    for labelled in pages:
        name = Path(labelled.name).name.removesuffix(".tsv")
        articles = gold_articles.get(name) or labelled_articles(labelled)
        tally = score_page(labelled, predict(labelled), articles, gold_bylines)
        tallies[source_kind(labelled.name)].add(tally)
        tallies[ALL].add(tally)
    return dict(tallies)


def split_pages(seed: int, holdout: float) -> tuple[list[LabelledPage], list[LabelledPage], list[LabelledPage]]:
    """Training pages, held-out pages (twins together) and the real page(s)."""
    pages = read_labelled_pages([PAGES / kind for kind in KINDS])
    train, test = holdout_split(group_labels(pages), holdout, seed=seed)
    real = read_labelled_pages([PAGES / "real"])
    return [pages[i] for i in train], [pages[i] for i in test], real


def markdown_table(tallies: dict[str, Tally]) -> str:
    """The figures as a Markdown table, one row per kind of text."""
    columns = [
        ("pages", "pages"),
        ("titles", "titles"),
        ("title exact", "title_exact"),
        ("as printed", "title_printed_exact"),
        ("bylines", "bylines"),
        ("source", "byline_source"),
        ("reporters", "byline_reporters"),
        ("byline text", "byline_text_exact"),
        ("para pairs", "paragraph_pairs"),
        ("para P", "paragraph_precision"),
        ("para R", "paragraph_recall"),
        ("para F1", "paragraph_f1"),
        ("starts", "starts"),
        ("flagged", "starts_flagged"),
        ("wrong flagged", "wrong_starts_flagged"),
    ]
    order = sorted(tallies, key=lambda kind: (kind == ALL, kind))
    lines = [
        "| text | " + " | ".join(title for title, _ in columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for kind in order:
        summary = tallies[kind].summary()
        cells = ["—" if summary[key] is None else str(summary[key]) for _, key in columns]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", choices=("model", "gold"), default="model", help="whose tags to read structure from")
    parser.add_argument("--model", type=Path, help="score this model instead of training one on the split")
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="with --model, score it as it is (its assembly and headline stages may have seen the held-out pages)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the held-out split")
    parser.add_argument("--holdout", type=float, default=0.25, help="share of page groups held out")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    args = parser.parse_args(argv)
    train, test, real = split_pages(args.seed, args.holdout)
    if args.tags == "gold":

        def predict(labelled: LabelledPage) -> PageResult:
            return build_articles(labelled.page, labelled.tags, articles=labelled.articles)

        label = "labelled tags"
    else:
        if args.model is not None:
            segmenter = Segmenter.load(args.model)
            label = f"model {args.model}"
            if not args.as_is and (segmenter.assembler is not None or segmenter.headlines is not None):
                later = train + read_labelled_pages([PAGES / "jingbao-trad", PAGES / "jingbao-simplified"])
                print(f"training the model's later stages again on {len(later)} pages ...", file=sys.stderr)
                refit = segmenter.without_assembly().without_headlines()
                if segmenter.assembler is not None:
                    refit.fit_assembly(later)
                if segmenter.headlines is not None:
                    refit.fit_headlines(later)
                segmenter = refit
                label += f" (its CRF; its later stages trained again on the split's {len(train)} pages and 晶報's)"
        else:
            print(f"training on {len(train)} pages ...", file=sys.stderr)
            segmenter = Segmenter().fit(train)
            label = f"a model trained on {len(train)} pages"

        def predict(labelled: LabelledPage) -> PageResult:
            return segmenter.predict(labelled.page)

    tallies = evaluate(test + real, predict)
    if args.json:
        print(json.dumps({kind: tally.summary() for kind, tally in tallies.items()}, indent=2))
    else:
        print(f"structure of {len(test)} held-out pages and the real page, read from {label}\n")
        print(markdown_table(tallies))
    return 0


if __name__ == "__main__":
    sys.exit(main())
