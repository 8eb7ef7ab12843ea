"""Quality on pages the model never saw: a held-out split of data/pages, twins kept together.

The model is trained on three quarters of the page groups (each group is one page in its three
kinds of text) and scored on the pages of the other quarter, separately for each kind of text.  The bundled
model is scored on the hand-labelled real page, which it was never trained on.
"""

from __future__ import annotations

import pytest

from newsseg.segmenter import Segmenter, source_kind
from newsseg.train.dataset import group_labels, holdout_split, read_labelled_pages
from newsseg.train.trainer import evaluate_pages, pages_under_training_sources

from .conftest import PAGES, ROOT

THRESHOLDS = {"epaper": 0.90, "ocr-zoned": 0.80, "ocr-raw": 0.65}


@pytest.fixture(scope="module")
def heldout_reports():
    pages = read_labelled_pages([PAGES / "epaper", PAGES / "ocr-zoned", PAGES / "ocr-raw"])
    train_idx, test_idx = holdout_split(group_labels(pages), 0.25, seed=0)
    test_groups = {group_labels([pages[i]])[0] for i in test_idx}
    assert not test_groups & {group_labels([pages[i]])[0] for i in train_idx}
    segmenter = Segmenter().fit([pages[i] for i in train_idx])
    return evaluate_pages(segmenter, [pages[i] for i in test_idx])


@pytest.mark.parametrize("kind", sorted(THRESHOLDS))
def test_heldout_boundary_f1(heldout_reports, kind):
    f1 = heldout_reports[kind].summary()["boundary_f1"]
    assert f1 >= THRESHOLDS[kind], f"{kind}: boundary F1 {f1:.3f} < {THRESHOLDS[kind]}"


def test_bundled_model_on_the_real_page_it_never_saw(monkeypatch):
    """The shipped model (labelled pages + synthetic pages, `make train`) on a paper it was not trained on."""
    monkeypatch.chdir(ROOT)  # the manifest names its training data relative to the repository
    segmenter = Segmenter.load()
    real = read_labelled_pages([PAGES / "real"])
    trained_on = read_labelled_pages([PAGES / "epaper" / "rmrb-ocr-001-clean.tsv"])
    assert source_kind(real[0].name) == "real"
    assert pages_under_training_sources(segmenter.manifest, trained_on) == [trained_on[0].name]
    assert pages_under_training_sources(segmenter.manifest, real) == []
    summary = evaluate_pages(segmenter, real)["real"].summary()
    assert summary["boundary_f1"] >= 0.85
    assert summary["pk"] <= 0.15
