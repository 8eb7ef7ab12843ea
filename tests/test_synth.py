"""Synthetic pages: determinism, valid labels, every phenomenon at its configured rate, the synth command."""

from __future__ import annotations

import itertools
import json
import math
import random
import re
from collections import Counter

import pytest
from typer.testing import CliRunner

from newsseg.cli import app
from newsseg.errors import UsageError
from newsseg.io.labels import labelled_page_from_text, labelled_text, read_labelled, tag_role
from newsseg.synth.article import Tally
from newsseg.synth.corpus import read_corpus
from newsseg.synth.data import FRAME_DEBRIS, JUNK_TOKENS, LABEL_JUNK, STRAY_LATIN
from newsseg.synth.generate import Synthesiser, page_file_name, write_synthetic_set
from newsseg.synth.ocr import garbled_label
from newsseg.synth.settings import PHENOMENA, SynthSettings, parse_kinds
from newsseg.synth.stats import comparison_table, page_set_stats
from newsseg.synth.text import CLOSING_PUNCTUATION, text_width, wrap

from .conftest import DATA

CORPUS = DATA / "corpus" / "rmrb-subset.jsonl.gz"
SAMPLE_PAGES = 700
runner = CliRunner()


@pytest.fixture(scope="module")
def corpus():
    return read_corpus([CORPUS])


@pytest.fixture(scope="module")
def sample(corpus):
    """A large seeded sample with the default settings."""
    return list(Synthesiser(corpus, SynthSettings(), seed=11).pages(SAMPLE_PAGES))


def lines_of(page, role=None, kinds=None):
    """(tag, text) of a synthetic page's non-blank lines, optionally of one role."""
    labelled = page.labelled
    return [
        (tag, text)
        for tag, text in zip(labelled.tags, labelled.page.lines, strict=True)
        if tag and (role is None or tag_role(tag) == role or (role == "O" and tag == "O"))
    ]


def tolerance(rate: float, chances: int) -> float:
    return 5 * math.sqrt(max(rate * (1 - rate), 1e-4) / chances) + 0.01


# -- determinism and validity --------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_pages(corpus, tmp_path):
    first, second, third = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_synthetic_set(Synthesiser(corpus, seed=5), 30, first, corpus_files=[CORPUS])
    write_synthetic_set(Synthesiser(corpus, seed=5), 30, second, corpus_files=[CORPUS])
    write_synthetic_set(Synthesiser(corpus, seed=6), 30, third, corpus_files=[CORPUS])
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert len(names) == 32 and "manifest.json" in names and "pages.jsonl" in names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / page_file_name(0)).read_bytes() != (third / page_file_name(0)).read_bytes()


def test_a_page_depends_only_on_seed_and_index(corpus):
    synthesiser = Synthesiser(corpus, seed=3)
    in_order = [labelled_text(p.labelled) for p in synthesiser.pages(8)]
    alone = labelled_text(Synthesiser(corpus, seed=3).page(6).labelled)
    assert alone == in_order[6]


def test_every_page_passes_the_label_validator(sample):
    for page in sample:
        text = labelled_text(page.labelled)
        back = labelled_page_from_text(text, page.labelled.name)
        assert back.tags == page.labelled.tags
        assert "\t" not in "".join(page.labelled.page.lines)
        assert any(tag.startswith("B-") for tag in back.tags)


def test_written_files_read_back_and_manifest_describes_them(corpus, tmp_path):
    manifest = write_synthetic_set(Synthesiser(corpus, seed=2), 12, tmp_path / "set", corpus_files=[CORPUS])
    files = sorted((tmp_path / "set").glob("synth-*.tsv"))
    assert [f.name for f in files] == [page_file_name(i) for i in range(12)]
    for file in files:
        read_labelled(file)
    assert manifest["pages"] == 12 and sum(manifest["kinds"].values()) == 12
    assert manifest["settings"] == SynthSettings().to_dict()
    assert len(manifest["corpus"][0]["sha256"]) == 64
    records = [json.loads(line) for line in (tmp_path / "set" / "pages.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["name"] for r in records] == [f.name for f in files]
    assert all(r["sources"] and r["kind"] in ("epaper", "ocr-zoned", "ocr-raw") for r in records)


# -- phenomena at their configured rates ---------------------------------------------------------------


def test_every_counted_phenomenon_occurs_at_its_configured_rate(sample):
    settings = SynthSettings()
    totals = Tally()
    for page in sample:
        totals.merge(page.tally)
    counts = totals.to_dict()
    missing = set(PHENOMENA) - set(counts)
    assert not missing, f"phenomena that never had a chance: {missing}"
    for name, (events, chances) in counts.items():
        configured = getattr(settings, PHENOMENA[name])
        observed = events / chances
        if name == "garbage_lines":
            assert abs(observed - configured) <= 5 * math.sqrt(configured / chances) + 0.02, name
        elif name == "substitution":
            assert abs(observed - configured) <= 0.3 * configured, (name, observed, configured)
        else:
            assert chances >= 20, f"{name}: only {chances} chances in the sample"
            assert abs(observed - configured) <= tolerance(configured, chances), (name, observed, configured)


def test_kinds_and_styles_follow_the_mix(sample):
    kinds = Counter(page.draws.kind for page in sample)
    for kind in ("epaper", "ocr-zoned", "ocr-raw"):
        assert abs(kinds[kind] / len(sample) - 1 / 3) <= tolerance(1 / 3, len(sample))
    styles = Counter(page.draws.style for page in sample)
    assert abs(styles["zjgrrb"] / len(sample) - SynthSettings().zjgrrb_share) <= tolerance(0.3, len(sample))


def test_pages_have_two_to_eight_articles_one_segment_each_in_article_order(sample):
    for page in sample:
        assert 2 <= page.draws.articles <= 8 or page.draws.cut_start or page.draws.cut_end
        segments = sum(tag.startswith("B-") for tag in page.labelled.tags)
        if page.draws.kind != "ocr-raw":
            assert segments == page.draws.articles, page.labelled.name


def test_raw_pages_interleave_moved_column_blocks(sample):
    raw = [p for p in sample if p.draws.kind == "ocr-raw"]
    moved = sum(p.tally.events.get("moved_block", 0) for p in raw)
    extra = sum(sum(tag.startswith("B-") for tag in p.labelled.tags) - p.draws.articles for p in raw)
    assert moved > 50
    assert 0.9 * moved <= extra <= 2 * moved


def test_every_segment_names_its_article_so_a_moved_block_says_which_it_resumes(sample):
    resumed = 0
    for page in sample:
        labelled = page.labelled
        begins = [key for tag, key in zip(labelled.tags, labelled.keys, strict=True) if tag.startswith("B-")]
        assert None not in begins, labelled.name
        assert len(set(begins)) == len({a for a in labelled.articles if a is not None})
        if page.draws.kind != "ocr-raw":
            assert len(begins) == len(set(begins)), "only raw OCR resumes an article"
        resumed += len(begins) - len(set(begins))
    moved = sum(p.tally.events.get("moved_block", 0) for p in sample if p.draws.kind == "ocr-raw")
    assert moved <= resumed <= 2 * moved


def test_ocr_never_reads_a_lone_closing_mark_and_e_paper_text_keeps_it(sample):
    def lone_marks(kind):
        return sum(
            1
            for page in sample
            if page.draws.kind == kind
            for _, text in lines_of(page)
            if set(text.strip()) <= CLOSING_PUNCTUATION
        )

    assert lone_marks("epaper") > 20, "e-paper text wraps a paragraph's last 。 onto a line of its own"
    assert lone_marks("ocr-zoned") == lone_marks("ocr-raw") == 0


def test_ocr_pages_put_a_blank_line_between_articles_almost_always(sample):
    changes = blanks = 0
    for page in sample:
        if page.draws.kind == "epaper" or page.draws.blank_regime != "tesseract":
            continue
        labelled = page.labelled
        content = [i for i, tag in enumerate(labelled.tags) if tag]
        for before, after in itertools.pairwise(content):
            first, second = labelled.articles[before], labelled.articles[after]
            if first is not None and second is not None and first != second:
                changes += 1
                blanks += after - before > 1
    assert changes > 500
    assert abs(blanks / changes - SynthSettings().article_blank_rate) < tolerance(0.99, changes) + 0.02


def test_line_widths_stay_within_10_to_16_and_vary_between_articles(sample):
    epaper = [p for p in sample if p.draws.kind == "epaper"]
    for page in epaper:
        assert all(10 <= width <= 16 for width in page.draws.widths)
        for _, text in lines_of(page, "body"):
            assert text_width(text) <= 16 + 2, text
    varied = sum(len(set(p.draws.widths)) > 1 for p in epaper if len(p.draws.widths) > 2)
    assert varied / len(epaper) > 0.4


def test_lines_start_with_punctuation_only_without_hanging_punctuation(sample):
    def share(pages):
        body = [text for p in pages for _, text in lines_of(p, "body")]
        return sum(text[0] in CLOSING_PUNCTUATION for text in body) / len(body)

    epaper = [p for p in sample if p.draws.kind == "epaper"]
    assert share([p for p in epaper if not p.draws.hanging]) > 0.05
    assert share([p for p in epaper if p.draws.hanging]) < 0.01


def test_headlines_come_in_every_combination(sample):
    title_runs = Counter()
    subtitles = dashed = columns = kickers = 0
    for page in sample:
        if page.draws.kind != "epaper":
            continue
        tags = [tag_role(tag) or "O" for tag, _ in lines_of(page)]
        run = 0
        for role in [*tags, "end"]:
            if role == "title":
                run += 1
            elif run:
                title_runs[min(run, 3)] += 1
                run = 0
        subtitle_lines = [text for _, text in lines_of(page, "subtitle")]
        subtitles += bool(subtitle_lines)
        dashed += any(text.startswith("——") for text in subtitle_lines)
        columns += bool(lines_of(page, "column"))
        kickers += bool(lines_of(page, "kicker"))
    assert title_runs[1] and title_runs[2] > 20 and title_runs[3] > 3
    assert dashed > 10 and subtitles > dashed and columns > 50 and kickers > 50


def test_bylines_in_every_style(sample):
    bylines = [text for page in sample for _, text in lines_of(page, "byline")]
    patterns = {
        "本报讯 记者X 通讯员Y报道": r"^本报讯 (记者|通讯员)\S+.*报道",
        "本报讯（记者X": r"^本报讯[（(]记者",
        "本报北京5月3日电": r"^(据)?本报\S{1,8}\d{1,2}月\d{1,2}日电",
        "新华社北京5月3日电": r"^(据)?新华社\S{1,8}\d{1,2}月\d{1,2}日电",
        "本报记者 X": r"^本报记者 ",
        "author line": r"^\S+(大学|党校|工会|研究院|社科院|中心|协会|部|局) \S{2,4}$",
    }
    for what, pattern in patterns.items():
        assert any(re.search(pattern, text) for text in bylines), what
    run_on = [t for t in bylines if re.search(r"报道 \S", t)]
    assert run_on, "本报讯 … 报道 with the body on the same line"
    split = 0
    for page in sample:
        tags = [tag for tag, _ in lines_of(page)]
        split += any(tag_role(a) == tag_role(b) == "byline" for a, b in itertools.pairwise(tags))
    assert split > 50


def test_captions_credits_subheads_noise_and_furniture(sample):
    captions = [text for page in sample for _, text in lines_of(page, "caption")]
    assert sum(text.startswith("图为") for text in captions) > 30
    assert sum(bool(re.search(r"摄(影报道)?$", text)) for text in captions) > 30
    assert sum(bool(lines_of(page, "subhead")) for page in sample) > 100
    # duplicated passages (frame debris is noise too, of the article above it)
    noise_pages = sum(any(text not in FRAME_DEBRIS for _, text in lines_of(page, "noise")) for page in sample)
    noise_events = sum(page.tally.events.get("noise", 0) for page in sample)
    assert 0.6 * noise_events <= noise_pages <= noise_events
    headers = [page for page in sample if page.draws.header]
    assert all(lines_of(page)[0][0] == "O" for page in headers)
    footers = [page for page in sample if page.draws.footer]
    assert sum(lines_of(page)[-1][0] == "O" for page in footers) >= 0.9 * len(footers)


def test_blank_line_regimes_and_punctuation(sample):
    ocr = [page for page in sample if page.draws.kind != "epaper"]
    no_blank = [page for page in ocr if page.draws.blank_regime == "none"]
    assert no_blank and all("" not in page.labelled.tags for page in no_blank)
    assert all("" in page.labelled.tags for page in sample if page.draws.kind == "epaper")
    ascii_pages = [page for page in ocr if page.draws.ocr.comma == "ascii"]
    assert ascii_pages
    for page in ascii_pages:
        body = "".join(text for _, text in lines_of(page, "body"))
        assert "," in body and "，" not in body
    full_pages = [page for page in ocr if page.draws.ocr.comma == "full"]
    full_text = "".join(text for page in full_pages for _, text in lines_of(page, "body"))
    assert full_text.count(",") < 0.01 * full_text.count("，")
    ocr_text = "".join(text for page in ocr for _, text in lines_of(page))
    assert ocr_text.count(":") > 10 * ocr_text.count("：")
    epaper_text = "".join(text for page in sample if page.draws.kind == "epaper" for _, text in lines_of(page))
    assert epaper_text.count("：") > 10 * epaper_text.count(":") and "——" in epaper_text


def test_ocr_damage_is_visible(sample):
    ocr = [page for page in sample if page.draws.kind != "epaper"]
    debris = [text for page in ocr for role in ("noise", "O") for _, text in lines_of(page, role)]
    assert sum(text in FRAME_DEBRIS for text in debris) >= 0.5 * sum(
        p.tally.events.get("garbage_lines", 0) for p in ocr
    )
    # O is page furniture only: debris below an article's text is that article's noise
    outside = [text for page in ocr for _, text in lines_of(page, "O")]
    noise = [text for page in ocr for _, text in lines_of(page, "noise")]
    assert sum(text in FRAME_DEBRIS for text in noise) > 3 * sum(text in FRAME_DEBRIS for text in outside)
    junk = [text for page in ocr for _, text in lines_of(page, "body") if text in JUNK_TOKENS]
    assert len(junk) >= 0.5 * sum(p.tally.events.get("junk_line", 0) for p in ocr)
    assert not set(FRAME_DEBRIS) & set(JUNK_TOKENS), "debris (O) and junk (body) must not look alike"
    latin = sum(bool(re.search(r"[A-Za-z]", text)) for page in ocr for _, text in lines_of(page, "body"))
    assert latin >= sum(page.tally.events.get("latin", 0) for page in ocr)
    assert any("一一" in text for page in ocr for _, text in lines_of(page))
    wide = sum(bool(re.search(r"\S {3,}\S", text)) for page in ocr for _, text in lines_of(page))
    assert wide >= sum(page.tally.events.get("gutter_merge", 0) for page in ocr)


# -- settings ----------------------------------------------------------------------------------------


def test_settings_overrides_and_errors():
    settings = SynthSettings().with_overrides(["noise_rate=0.5", "articles_max=4", "kinds=ocr-raw"])
    assert settings.noise_rate == 0.5 and settings.articles_max == 4 and settings.kinds == (("ocr-raw", 1.0),)
    assert SynthSettings.from_dict(settings.to_dict()) == settings
    for bad, message in [
        (["nosie_rate=0.5"], "unknown synth setting 'nosie_rate'"),
        (["noise_rate=lots"], "noise_rate must be a number"),
        (["noise_rate=1.5"], "noise_rate must be between 0 and 1"),
        (["articles_min=9"], "articles_min must not exceed articles_max"),
        (["style=nyt"], "style must be one of"),
        (["noise_rate"], "--set expects NAME=VALUE"),
    ]:
        with pytest.raises(UsageError, match=message):
            SynthSettings().with_overrides(bad)
    with pytest.raises(UsageError, match="unknown kind of text 'scan'"):
        parse_kinds("scan=1")


def test_one_kind_and_one_style_only(corpus):
    settings = SynthSettings(style="zjgrrb", kinds=(("ocr-zoned", 1.0),))
    pages = list(Synthesiser(corpus, settings, seed=1).pages(30))
    assert {(p.draws.kind, p.draws.style) for p in pages} == {("ocr-zoned", "zjgrrb")}
    assert any(text.startswith("本报讯") for p in pages for _, text in lines_of(p, "byline"))


def test_wrap_hangs_closing_punctuation_or_starts_lines_with_it():
    text = "一二三四五六七八九十，一二三四五六七八九十。"
    hanging = [line for _, line in wrap(text, 10, hanging=True)]
    plain = [line for _, line in wrap(text, 10, hanging=False)]
    assert hanging[0].endswith("，") and not any(line[0] in CLOSING_PUNCTUATION for line in hanging)
    assert plain[1].startswith("，") and "".join(plain) == text == "".join(hanging)


# -- statistics ----------------------------------------------------------------------------------------


def test_stats_of_a_page_set(two_articles):
    stats = page_set_stats([two_articles], articles=[2])
    assert stats["pages"] == 1 and stats["segments/page"] == 2 and stats["articles/page"] == 2
    assert stats["O/page"] == 1 and stats["title/page"] == 2 and stats["byline/page"] == 2
    assert stats["blank share"] == pytest.approx(2 / 12)
    assert stats["ASCII comma share"] == 0.0
    table = comparison_table({"a": stats, "b": {"pages": 3}})
    assert table.splitlines()[0] == "| statistic | a | b |" and "| pages | 1 | 3 |" in table


# -- the command ---------------------------------------------------------------------------------------


def test_synth_command_writes_a_set_and_refuses_to_overwrite_it(tmp_path):
    out = tmp_path / "synth"
    args = ["synth", str(CORPUS), "-n", "6", "-o", str(out), "--seed", "4", "--kinds", "epaper=1,ocr-raw=1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "wrote 6 pages" in result.stderr
    assert len(list(out.glob("synth-*.tsv"))) == 6
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 4 and set(manifest["kinds"]) <= {"epaper", "ocr-raw"}
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "not empty" in again.stderr and "Traceback" not in again.stderr
    forced = runner.invoke(app, [*args[:2], "-n", "3", *args[4:], "--force"])
    assert forced.exit_code == 0 and len(list(out.glob("synth-*.tsv"))) == 3
    check = runner.invoke(app, ["check", str(out)])
    assert check.exit_code == 0 and "0 problems" in check.stderr


def test_synth_command_excludes_pages_and_reports_bad_settings(tmp_path):
    keys = tmp_path / "keys.tsv"
    first = read_corpus([CORPUS])[0]
    keys.write_text(f"{first.paper}\t{first.date}\t{first.page}\n", encoding="utf-8")
    out = tmp_path / "synth"
    result = runner.invoke(app, ["synth", str(CORPUS), "-n", "2", "-o", str(out), "--exclude", str(keys)])
    assert result.exit_code == 0, result.stderr
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["excluded"]["pages_left_out"] == 1
    bad = runner.invoke(app, ["synth", str(CORPUS), "-n", "2", "-o", str(tmp_path / "x"), "--set", "noise_rate=2"])
    assert bad.exit_code == 1 and "noise_rate must be between 0 and 1" in bad.stderr
    assert not (tmp_path / "x").exists()
    listing = runner.invoke(app, ["synth", "--list-settings"])
    assert listing.exit_code == 0 and "moved_block_rate" in listing.stdout


def test_a_garbled_column_label_is_a_few_characters_of_the_label_or_specks():
    label = "新春走基层"
    rng = random.Random(0)
    reads = [garbled_label(label, rng) for _ in range(300)]
    junk_chars = set("".join(LABEL_JUNK)) | set("".join(STRAY_LATIN)) | {" "}
    assert all(read.strip() for read in reads)
    assert all(set(read) <= set(label) | junk_chars for read in reads)
    assert any(set(read) <= set(label) for read in reads) and any(not set(read) & set(label) for read in reads)
    assert label not in reads
