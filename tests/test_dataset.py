"""Finding labelled pages, grouping twins and splitting without leaks."""

from __future__ import annotations

import pytest

from newsseg.errors import InputError, UsageError
from newsseg.train.dataset import find_labelled_files, group_key, holdout_split

from .conftest import PAGES


def test_twins_share_a_group():
    assert group_key("data/pages/epaper/rmrb-ocr-007-clean.tsv") == "rmrb-ocr-007"
    assert group_key("rmrb-ocr-007-zoned.tsv") == group_key("x/rmrb-ocr-007.tsv") == "rmrb-ocr-007"


def test_holdout_keeps_groups_together_and_is_seeded():
    groups = [f"g{i % 10}" for i in range(30)]
    train, test = holdout_split(groups, 0.3, seed=1)
    assert not {groups[i] for i in train} & {groups[i] for i in test}
    assert len({groups[i] for i in test}) == 3
    assert (train, test) == holdout_split(groups, 0.3, seed=1)
    assert (train, test) != holdout_split(groups, 0.3, seed=2)


def test_holdout_needs_two_groups_and_a_fraction():
    with pytest.raises(UsageError):
        holdout_split(["a", "a"], 0.5)
    with pytest.raises(UsageError):
        holdout_split(["a", "b"], 1.5)


def test_find_files_directories_and_patterns():
    assert len(find_labelled_files([PAGES / "epaper"])) == 80
    assert len(find_labelled_files([str(PAGES / "ocr-raw" / "rmrb-ocr-00?.tsv")])) == 9
    with pytest.raises(InputError, match="matches no file"):
        find_labelled_files([str(PAGES / "nothing-*.tsv")])
