"""Article corpora: reading JSONL (plain or gzipped), errors that name file and line, page keys, the bundled subset."""

from __future__ import annotations

import gzip
import json

import pytest
from typer.testing import CliRunner

from newsseg.cli import app
from newsseg.errors import CorpusError
from newsseg.synth.corpus import (
    CorpusArticle,
    CorpusPage,
    page_key,
    read_corpus,
    read_page_keys,
    sample_days,
    truncate_page,
    write_corpus,
)

from .conftest import DATA

CORPUS = DATA / "corpus" / "rmrb-subset.jsonl.gz"
SOURCES = DATA / "corpus" / "labelled-sources.tsv"

PAGE = {
    "paper": "人民日报",
    "date": "2019-02-01",
    "page": "01",
    "articles": [
        {
            "order": 1,
            "kicker": "",
            "title": "春运返程高峰到来（新春走基层）",
            "subtitle": "",
            "paragraphs": ["本报北京1月31日电 （记者王某）春节假期结束。", "铁路部门加开列车。"],
        }
    ],
}


def write_lines(path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_reads_plain_and_gzipped_files_and_skips_blank_lines(tmp_path):
    plain = tmp_path / "c.jsonl"
    write_lines(plain, [json.dumps(PAGE, ensure_ascii=False), "", json.dumps({**PAGE, "page": 2}, ensure_ascii=False)])
    packed = tmp_path / "c.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    for path in (plain, packed):
        pages = read_corpus([path])
        assert [p.page for p in pages] == ["01", "2"]
        article = pages[0].articles[0]
        assert article.title == "春运返程高峰到来（新春走基层）" and article.paragraphs[1] == "铁路部门加开列车。"
        assert pages[1].origin == f"{path}:3"


def test_optional_fields_default_to_empty():
    from newsseg.synth.corpus import parse_corpus_line

    page = parse_corpus_line(json.dumps({**PAGE, "articles": [{"title": "标题", "paragraphs": ["正文。"]}]}), "c", 1)
    assert page.articles[0] == CorpusArticle(1, "标题", "", "", ("正文。",))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", r"c\.jsonl:2: not valid JSON"),
        ('["a list"]', r"c\.jsonl:2: expected a JSON object for a page, not list"),
        (json.dumps({k: v for k, v in PAGE.items() if k != "articles"}), r'c\.jsonl:2: the page has no "articles"'),
        (json.dumps({**PAGE, "date": 20190201}), r'c\.jsonl:2: "date" must be a string, not int'),
        (json.dumps({**PAGE, "articles": {"title": "x"}}), r'c\.jsonl:2: "articles" must be a list'),
        (json.dumps({**PAGE, "articles": ["x"]}), r"c\.jsonl:2: article 1 must be a JSON object"),
        (json.dumps({**PAGE, "articles": [{"paragraphs": []}]}), r'c\.jsonl:2: article 1 has no "title"'),
        (json.dumps({**PAGE, "articles": [{"title": "t"}]}), r'c\.jsonl:2: article 1 has no "paragraphs"'),
        (
            json.dumps({**PAGE, "articles": [{"title": "t", "paragraphs": "text"}]}),
            r'c\.jsonl:2: article 1: "paragraphs" must be a list of strings',
        ),
        (
            json.dumps({**PAGE, "articles": [{"title": "t", "paragraphs": ["a", 3]}]}),
            r"c\.jsonl:2: article 1: paragraph 2 must be a string, not int",
        ),
        (json.dumps({**PAGE, "articles": [{"title": 5, "paragraphs": []}]}), r'c\.jsonl:2: article 1: "title" must'),
        (json.dumps({**PAGE, "articles": [{"title": "t", "paragraphs": [], "order": "1"}]}), r'"order" must be an'),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "c.jsonl"
    write_lines(path, [json.dumps(PAGE, ensure_ascii=False), line])
    with pytest.raises(CorpusError, match=message):
        read_corpus([path])


def test_unreadable_files_are_named(tmp_path):
    with pytest.raises(CorpusError, match=r"missing\.jsonl: no such corpus file"):
        read_corpus([tmp_path / "missing.jsonl"])
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(b'{"paper": 1}\n' * 50)[:30])
    with pytest.raises(CorpusError, match=r"broken\.jsonl\.gz: the gzip data is corrupt or truncated"):
        read_corpus([broken])
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes(json.dumps(PAGE).encode() + b"\n" + '{"paper": "é"}'.encode("latin-1") + b"\n")
    with pytest.raises(CorpusError, match=r"latin1\.jsonl:2: the line is not valid UTF-8"):
        read_corpus([latin1])
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="holds no page"):
        read_corpus([empty])


def test_page_keys_ignore_leading_zeros_and_comments(tmp_path):
    keys_file = tmp_path / "keys.tsv"
    keys_file.write_text("# paper date page\n人民日报\t2019-02-01\t1\trmrb-ocr-999\n\n", encoding="utf-8")
    keys = read_page_keys(keys_file)
    assert keys == [page_key("人民日报", "2019-02-01", "01")]
    path = tmp_path / "c.jsonl"
    write_lines(path, [json.dumps(PAGE, ensure_ascii=False), json.dumps({**PAGE, "page": "02"}, ensure_ascii=False)])
    assert [p.page for p in read_corpus([path], exclude=keys)] == ["02"]
    keys_file.write_text("人民日报\t2019-02-01\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"keys\.tsv:1: expected PAPER<TAB>DATE<TAB>PAGE"):
        read_page_keys(keys_file)


def test_write_corpus_round_trips_with_reproducible_bytes(tmp_path):
    pages = [
        CorpusPage("人民日报", "2019-02-01", "01", (CorpusArticle(1, "标题", "引题", "", ("一段。", "二段。")),)),
    ]
    first, second = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    write_corpus(pages, first)
    write_corpus(pages, second)
    assert first.read_bytes() == second.read_bytes()
    back = read_corpus([first])
    assert back[0].articles == pages[0].articles and back[0].key == pages[0].key


def test_truncate_keeps_whole_paragraphs_up_to_the_limit():
    article = CorpusArticle(1, "t", "", "", ("一" * 10, "二" * 10, "三" * 10))
    page = truncate_page(CorpusPage("p", "d", "1", (article,)), 15)
    assert page.articles[0].paragraphs == ("一" * 10, "二" * 10)


def test_sample_days_keeps_whole_issues_in_corpus_order():
    pages = [CorpusPage("p", f"2019-02-0{day}", str(n), ()) for day in (1, 2, 3) for n in (1, 2)]
    chosen = sample_days(pages, 2, seed=3)
    assert len(chosen) == 4 and chosen == sorted(chosen, key=pages.index)
    assert len({p.date for p in chosen}) == 2
    assert chosen == sample_days(pages, 2, seed=3)


def test_bundled_subset_reads_and_leaves_out_every_labelled_source():
    sources = read_page_keys(SOURCES)
    names = {line.split("\t")[3] for line in SOURCES.read_text(encoding="utf-8").splitlines() if "\t" in line}
    assert len(names) == 80 and len(sources) >= 80
    pages = read_corpus([CORPUS])
    assert len(pages) > 500
    assert not {page.key for page in pages} & set(sources)


def test_synth_command_reports_a_corpus_error_without_traceback_or_output(tmp_path):
    bad = tmp_path / "bad.jsonl"
    write_lines(bad, [json.dumps(PAGE, ensure_ascii=False), '{"paper": "人民日报", "date": "2019-02-01"}'])
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["synth", str(bad), "-n", "3", "-o", str(out)])
    assert result.exit_code == 1
    assert f'{bad}:2: the page has no "page"' in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()
