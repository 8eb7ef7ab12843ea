"""Rebuild the labelled pages of ``data/pages/`` from the shared data set, with article keys.

Each page of ``epaper/``, ``ocr-zoned/`` and ``ocr-raw/`` is the shared data set's ``NAME.tsv``
(``epaper-pages/``, ``ocr-pages-zoned/``, ``ocr-pages/``) with the article id of
``NAME.gold.json`` written on every ``B-`` line as ``B-ROLE@ID``: the runs of an article that
OCR broke apart carry one key.  The 晶報 (Jing bao) folds of ``jingbao-pages/trad/`` and
``jingbao-pages/simplified/`` are written the same way, to ``jingbao-trad/`` and
``jingbao-simplified/``, except the issues of :data:`JINGBAO_HELDOUT_DATES`, which go to
``jingbao-heldout-trad/`` and ``jingbao-heldout-simplified/``: pages the bundled model is never
trained on, held out by date so that no page of a training issue is tested (the two scripts of a
fold are twins and stay on one side).  Tags and text are the shared file's, unchanged; the script
checks that every line's tag agrees with the gold article (``O`` for no article, one article
per segment) and stops at the first page where it does not.

Run from the repository root where the shared data set is at ``../shared``::

    python data/pages/add_keys.py [SHARED]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KINDS = {
    "epaper-pages": "epaper",
    "ocr-pages-zoned": "ocr-zoned",
    "ocr-pages": "ocr-raw",
    "jingbao-pages/trad": "jingbao-trad",
    "jingbao-pages/simplified": "jingbao-simplified",
}
JINGBAO_HELDOUT_DATES = ("1920-04-09", "1920-04-18", "1920-04-27", "1930-04-09", "1930-04-18", "1930-04-27")
"""Issues of 晶報 held out of training: three of each year, spread over the month."""
HERE = Path(__file__).resolve().parent


def keyed_rows(tsv: str, gold: dict, name: str) -> list[str]:
    """The rows of ``tsv`` with ``@ID`` on each ``B-`` tag; raise if a tag and the gold disagree."""
    rows = tsv.split("\n")
    if rows and rows[-1] == "":
        rows.pop()
    lines = gold["lines"]
    if len(rows) != len(lines):
        raise SystemExit(f"{name}: {len(rows)} rows but {len(lines)} gold lines")
    keyed = []
    open_article = None
    for number, (row, line) in enumerate(zip(rows, lines, strict=True), start=1):
        tag, _, text = row.partition("\t")
        article = line["article"]
        if tag.startswith("B-"):
            if article is None or article == open_article:
                raise SystemExit(f"{name}:{number}: {tag} but gold article {article}")
            open_article = article
            tag = f"{tag}@{article}"
        elif tag.startswith("I-") and article != open_article:
            raise SystemExit(f"{name}:{number}: {tag} in article {open_article} but gold article {article}")
        elif tag in ("O", "") and article is not None:
            raise SystemExit(f"{name}:{number}: {tag!r} but gold article {article}")
        keyed.append(f"{tag}\t{text}\n")
    return keyed


def main(shared: Path) -> None:
    counts: dict[str, int] = {}
    for source, folder in KINDS.items():
        for gold_path in sorted((shared / source).glob("*.gold.json")):
            name = gold_path.name.removesuffix(".gold.json")
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            tsv = (shared / source / f"{name}.tsv").read_text(encoding="utf-8")
            rows = keyed_rows(tsv, gold, name)
            target = folder
            if folder.startswith("jingbao-") and any(date in name for date in JINGBAO_HELDOUT_DATES):
                target = folder.replace("jingbao-", "jingbao-heldout-")
            counts[target] = counts.get(target, 0) + 1
            (HERE / target).mkdir(exist_ok=True)
            (HERE / target / f"{name}.tsv").write_text("".join(rows), encoding="utf-8")
    for folder, count in counts.items():
        print(f"{folder}: {count} pages")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[1] / ".." / "shared")
