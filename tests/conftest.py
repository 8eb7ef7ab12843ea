"""Shared fixtures: paths into data/, small hand-made pages, and a small model trained once."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsseg.io.labels import LabelledPage, labelled_page_from_text
from newsseg.segmenter import Segmenter
from newsseg.train.dataset import read_labelled_pages

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PAGES = DATA / "pages"
SAMPLE = DATA / "samples" / "zjgrrb-page.txt"

TWO_ARTICLES = """\
O\t人民日报 2019年2月14日 星期四 第5版
\t
B-title\t春运返程高峰到来
I-byline\t本报北京2月13日电 （记者王某）
I-body\t春节假期结束，各地迎来返程
I-body\t高峰。铁路部门加开列车。
\t
B-kicker\t守护一方平安——
I-title\t民警的除夕夜
I-byline\t本报记者 张 三
I-body\t除夕夜，派出所里灯火通明，
I-body\t民警们坚守岗位。
"""


@pytest.fixture
def two_articles() -> LabelledPage:
    """A tiny labelled page with a header line and two articles."""
    return labelled_page_from_text(TWO_ARTICLES, "two-articles.tsv")


@pytest.fixture(scope="session")
def small_training_set() -> list[LabelledPage]:
    """Twelve labelled pages: four groups, each in its three kinds of text."""
    names = [f"rmrb-ocr-00{n}" for n in (1, 2, 3, 4)]
    files = []
    for name in names:
        files += [
            PAGES / "epaper" / f"{name}-clean.tsv",
            PAGES / "ocr-zoned" / f"{name}-zoned.tsv",
            PAGES / "ocr-raw" / f"{name}.tsv",
        ]
    return read_labelled_pages(files)


@pytest.fixture(scope="session")
def small_model(small_training_set: list[LabelledPage], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model file trained quickly on the small training set."""
    segmenter = Segmenter(max_iterations=40).fit(small_training_set)
    path = tmp_path_factory.mktemp("model") / "small.nsm"
    segmenter.save(path)
    return path


def copies_of_sample(folder: Path, count: int) -> Path:
    """Make ``folder`` with ``count`` copies of the real sample page (p000.txt ...), for batch runs."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        shutil.copy(SAMPLE, folder / f"p{n:03}.txt")
    return folder
