"""Quality on pages the model never saw: a held-out split of data/pages, twins kept together.

The model is trained on three quarters of the page groups (each group is one page in its three
kinds of text) and scored on the pages of the other quarter, separately for each kind of text,
and on the hand-labelled real page, which is never trained on.
"""

from __future__ import annotations

import pytest

from newsseg.segmenter import Segmenter, source_kind
from newsseg.train.dataset import group_labels, holdout_split, read_labelled_pages
from newsseg.train.trainer import evaluate_pages

from .conftest import PAGES

THRESHOLDS = {"epaper": 0.90, "ocr-zoned": 0.80, "ocr-raw": 0.65}


@pytest.fixture(scope="module")
def heldout_reports():
    pages = read_labelled_pages([PAGES / "epaper", PAGES / "ocr-zoned", PAGES / "ocr-raw"])
    train_idx, test_idx = holdout_split(group_labels(pages), 0.25, seed=0)
    test_groups = {group_labels([pages[i]])[0] for i in test_idx}
    assert not test_groups & {group_labels([pages[i]])[0] for i in train_idx}
    segmenter = Segmenter().fit([pages[i] for i in train_idx])
    real = read_labelled_pages([PAGES / "real"])
    return evaluate_pages(segmenter, [pages[i] for i in test_idx] + real)


@pytest.mark.parametrize("kind", sorted(THRESHOLDS))
def test_heldout_boundary_f1(heldout_reports, kind):
    f1 = heldout_reports[kind].summary()["boundary_f1"]
    assert f1 >= THRESHOLDS[kind], f"{kind}: boundary F1 {f1:.3f} < {THRESHOLDS[kind]}"


def test_real_page_is_scored_and_reasonable(heldout_reports):
    summary = heldout_reports["real"].summary()
    assert source_kind("data/pages/real/zjgrrb-page.tsv") == "real"
    assert summary["boundary_f1"] >= 0.7
