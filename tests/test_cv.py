"""Cross-validation and parameter search: folds that never split a page group, mean ± std, ranking."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from newsseg.cli import app
from newsseg.errors import UsageError
from newsseg.evaluation.metrics import CONTINUATION
from newsseg.train.cv import (
    cross_validate,
    cv_groups,
    fold_indices,
    mean_and_std,
    source_key,
    tune,
    tune_table_text,
    write_tune_table,
)
from newsseg.train.dataset import group_labels, read_labelled_pages

from .conftest import PAGES

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def cv_result(small_training_set):
    return cross_validate(small_training_set, n_splits=2, max_iterations=10)


def test_folds_keep_twins_together_and_test_every_page_once(small_training_set):
    groups = group_labels(small_training_set)
    folds = fold_indices(small_training_set, 4)
    assert len(folds) == 4
    tested = sorted(i for _, test in folds for i in test)
    assert tested == list(range(len(small_training_set)))
    for train, test in folds:
        assert not {groups[i] for i in train} & {groups[i] for i in test}
        assert sorted(train + test) == list(range(len(small_training_set)))
        assert len({groups[i] for i in test}) == 1  # 4 groups, 4 folds: one group (three twins) per fold


def test_folds_are_seeded(small_training_set):
    assert fold_indices(small_training_set, 2, seed=3) == fold_indices(small_training_set, 2, seed=3)
    assert any(
        fold_indices(small_training_set, 2, seed=0) != fold_indices(small_training_set, 2, seed=seed)
        for seed in range(1, 6)
    )


def test_fold_count_must_fit_the_groups(small_training_set):
    with pytest.raises(UsageError, match="5 folds need at least 5 page groups; the data has 4"):
        fold_indices(small_training_set, 5)
    with pytest.raises(UsageError, match="at least 2 folds"):
        fold_indices(small_training_set, 1)
    with pytest.raises(UsageError, match="unknown grouping"):
        cv_groups(small_training_set, "paper")


def test_grouping_by_source_holds_out_whole_sources(small_training_set):
    assert source_key("rmrb-ocr-007") == "rmrb-ocr" and source_key("zjgrrb-page") == "zjgrrb-page"
    pages = [*small_training_set, *read_labelled_pages([PAGES / "real"])]
    assert set(cv_groups(pages, "source")) == {"rmrb-ocr", "zjgrrb-page"}
    folds = fold_indices(pages, 2, group_by="source")
    assert sorted(len(test) for _, test in folds) == [1, 12]
    with pytest.raises(UsageError, match="3 folds need at least 3 sources; the data has 2"):
        fold_indices(pages, 3, group_by="source")


def test_cross_validation_reports_mean_and_std_of_the_folds(cv_result, small_training_set):
    assert len(cv_result.folds) == 2
    assert sum(fold.test_pages for fold in cv_result.folds) == len(small_training_set)
    scores = cv_result.scores()
    assert list(scores) == ["epaper", "ocr-raw", "ocr-zoned", "all"]
    per_fold = [fold.reports["all"].summary()["boundary_f1"] for fold in cv_result.folds]
    mean, std = scores["all"]["boundary_f1"]
    assert mean == pytest.approx(np.mean(per_fold)) and std == pytest.approx(np.std(per_fold))
    assert scores["all"]["pages"][0] == len(small_training_set) and scores["epaper"]["folds"][0] == 2
    data = json.loads(json.dumps(cv_result.to_dict()))
    assert data["params"] == {"c1": 0.1, "c2": 1.0, "window": 2, "max_iterations": 10}
    assert data["scores"]["all"]["boundary_f1"]["mean"] == round(mean, 4)
    assert [fold["fold"] for fold in data["folds"]] == [0, 1]


def test_folds_are_scored_with_the_reference_articles(cv_result, small_training_set):
    # The raw-order OCR pages of the set have 4 + 1 resumed articles (rmrb-ocr-002 and -003):
    # the folds see them only if the reference keys reach their reports.
    raw = [fold.reports["ocr-raw"] for fold in cv_result.folds if "ocr-raw" in fold.reports]
    assert sum(report.kind_counts()[0][CONTINUATION] for report in raw) == 5
    scores = cv_result.scores()
    assert 0.0 <= scores["ocr-raw"]["continuation_recall"][0] <= 1.0
    assert 0.0 <= scores["all"]["pairwise_f1"][0] <= 1.0
    # E-paper pages have none: no fold has a continuation recall there, and JSON says null.
    assert math.isnan(scores["epaper"]["continuation_recall"][0])
    assert cv_result.to_dict()["scores"]["epaper"]["continuation_recall"] == {"mean": None, "std": None}


def test_means_leave_out_undefined_figures():
    assert mean_and_std([None, 0.5, 1.0]) == (0.75, 0.25)
    assert all(math.isnan(value) for value in mean_and_std([None, None]))


def test_parallel_folds_give_the_same_scores(cv_result, small_training_set):
    parallel = cross_validate(small_training_set, n_splits=2, max_iterations=10, n_jobs=2)
    assert parallel.scores() == cv_result.scores()


def test_tune_ranks_the_grid_points(small_training_set):
    result = tune(small_training_set, {"c1": [0.0, 0.5], "c2": [1.0]}, n_splits=2, max_iterations=10)
    assert [r.params["c1"] for r in result.results] != [] and len(result.results) == 2
    means = [r.scores()["all"]["boundary_f1"][0] for r in result.results]
    assert means == sorted(means, reverse=True)
    by_pk = tune(small_training_set, {"c1": [0.0, 0.5]}, n_splits=2, max_iterations=10, metric="pk")
    pks = [r.scores()["all"]["pk"][0] for r in by_pk.results]
    assert pks == sorted(pks)
    rows = result.rows()
    assert [row["rank"] for row in rows] == [1, 2] and {row["c1"] for row in rows} == {0.0, 0.5}
    assert rows[0]["boundary_f1"] == round(means[0], 4)


def test_tune_refuses_unknown_metrics_and_parameters(small_training_set):
    with pytest.raises(UsageError, match="unknown metric"):
        tune(small_training_set, {"c1": [0.1]}, n_splits=2, metric="accuracy")
    with pytest.raises(UsageError, match="only c1, c2, window"):
        tune(small_training_set, {"epochs": [1]}, n_splits=2)
    with pytest.raises(UsageError, match="no value to try for c2"):
        tune(small_training_set, {"c2": []}, n_splits=2)


def test_tune_tables_in_three_formats(small_training_set, tmp_path):
    result = tune(small_training_set, {"c1": [0.0, 0.5]}, n_splits=2, max_iterations=5)
    write_tune_table(result, tmp_path / "t.csv")
    rows = list(csv.DictReader((tmp_path / "t.csv").open(encoding="utf-8")))
    assert [row["rank"] for row in rows] == ["1", "2"] and "boundary_f1_std" in rows[0]
    write_tune_table(result, tmp_path / "t.json")
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["metric"] == "boundary_f1"
    markdown = tune_table_text(result, ".md")
    assert markdown.count("\n| ") == 3 and "±" in markdown
    with pytest.raises(UsageError, match=r"cannot write a table as \.txt"):
        write_tune_table(result, tmp_path / "t.txt")
    assert not (tmp_path / "t.txt").exists()


# -- the commands --------------------------------------------------------------------------

DATA = [str(PAGES / "epaper" / f"rmrb-ocr-00{n}-clean.tsv") for n in range(1, 5)]


def test_train_cv_prints_mean_and_std_and_saves_when_asked(tmp_path):
    result = invoke("train", *DATA, "--cv", "2", "--max-iterations", "5", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["scores"]["all"]["pages"] == 4 and "std" in data["scores"]["all"]["boundary_f1"]
    table = invoke("train", *DATA, "--cv", "2", "--max-iterations", "5")
    assert "2-fold cross-validation" in table.stdout and "±" in table.stdout
    model = tmp_path / "m.nsm"
    saved = invoke("train", *DATA, "--cv", "2", "--max-iterations", "5", "-o", model, "--json")
    assert saved.exit_code == 0, saved.stderr
    info = json.loads(invoke("info", model).stdout)
    assert info["cv"]["group_by"] == "page" and info["training"]["pages"] == 4


def test_train_cv_option_errors(tmp_path):
    both = invoke("train", *DATA, "--cv", "2", "--holdout", "0.5", "-o", tmp_path / "m.nsm")
    assert both.exit_code == 1 and "do not go together" in both.stderr
    neither = invoke("train", *DATA)
    assert neither.exit_code == 1 and "--output/-o is required" in neither.stderr
    too_many = invoke("train", *DATA, "--cv", "5")
    assert too_many.exit_code == 1 and "5 folds need at least 5 page groups" in too_many.stderr


def test_tune_command_writes_the_table(tmp_path):
    table = tmp_path / "tune.csv"
    result = invoke("tune", *DATA, "--cv", "2", "--c1", "0,0.5", "--c2", "1", "--max-iterations", "5", "-o", table)
    assert result.exit_code == 0, result.stderr
    assert "rank" in result.stdout and "±" in result.stdout
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert len(rows) == 2 and {row["c1"] for row in rows} == {"0.0", "0.5"}


def test_tune_command_errors(tmp_path):
    bad_number = invoke("tune", *DATA, "--c1", "0.1,abc")
    assert bad_number.exit_code == 1 and "--c1: 'abc' is not a number" in bad_number.stderr
    bad_suffix = invoke("tune", *DATA, "-o", tmp_path / "table.txt")
    assert bad_suffix.exit_code == 1 and "cannot write the table as .txt" in bad_suffix.stderr
    missing = invoke("tune", *DATA, "-o", tmp_path / "nowhere" / "t.csv")
    assert missing.exit_code == 1 and "the output folder does not exist" in missing.stderr
    assert not (tmp_path / "table.txt").exists()
