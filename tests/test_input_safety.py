"""Nothing trusted on the way in: every bad input a one-line error, never a hang, a traceback or mojibake.

Special files and OS failures, file names of any bytes, lone surrogates, encodings detected or
refused, codec names, page limits, long lines, jieba's cache, arbitrary bytes to the readers,
and labelled pages given as text.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import newsseg.io.fileio as fileio
import newsseg.io.page as page_module
from newsseg.articles.paragraphs import WIDTH_WINDOW, BodyLine, build_paragraphs, column_widths
from newsseg.cli import app
from newsseg.errors import InputError, InputWarning, LabelError, NewssegError
from newsseg.features.layout import ends_sentence
from newsseg.formats import to_jsonl
from newsseg.io.fileio import display_path, read_file_bytes
from newsseg.io.labels import labelled_page_from_bytes, labelled_page_from_text, looks_labelled, read_labelled
from newsseg.io.page import (
    MAX_LINE_CHARS,
    Page,
    as_page,
    check_encoding,
    decode_page,
    read_page,
    read_page_bytes,
    split_long_line,
)
from newsseg.segmenter import Segmenter

from .conftest import PAGES, SAMPLE

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

TRADITIONAL = """\
臺灣省政府今日發表聲明，對於經濟發展與國際貿易問題
表示高度關注，並將邀請專家學者舉行座談會。
本報訊　記者陳國華報導
行政院長昨日在立法院答詢時指出，政府將繼續推動
產業轉型，協助中小企業開拓海外市場，增加就業機會。
他說：「我們必須面對現實，讓經濟穩定成長。」
香港特別行政區政府宣佈，將於下月舉辦國際電影節，
預計吸引超過十萬名觀眾參與，為本地帶來可觀收入。
颱風過境　南部農業損失慘重
中央氣象局表示，颱風中心已於昨晚進入臺灣海峽，
高雄、屏東等縣市雨量驚人，部分地區發生土石流。
農委會統計，農作物損失估計達新臺幣五億元以上。
教育部長強調，學校應該重視學生的心理健康，
並且加強與家長之間的溝通，營造溫暖的學習環境。
讀者來函：對於近來物價上漲，許多民眾感到憂慮。
"""

JAPANESE = """\
東京都は今日、新しい経済政策を発表しました。
これにより、中小企業の支援が強化されます。
記者：山田太郎
政府は来年度の予算案について、国会で説明する予定です。
"""


def invoke(*args: str | Path, input: str | bytes | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


def shipped_texts() -> list[tuple[str, str]]:
    """(name, text) of every shipped page: the text column of data/pages, and the real sample."""
    texts = []
    for path in sorted(PAGES.glob("*/*.tsv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        texts.append((path.name, "".join(line.split("\t", 1)[-1] + "\n" for line in lines)))
    texts.append((SAMPLE.name, SAMPLE.read_text(encoding="utf-8")))
    return texts


# 1. Regular files only, never blocking; sizes bounded; every OSError one line.


def test_a_fifo_without_writer_is_refused_at_once_through_the_cli(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text("春运返程高峰到来\n本报北京2月13日电 （记者王某）\n春节假期结束。\n", encoding="utf-8")
    command = [sys.executable, "-m", "newsseg", "predict", str(fifo), str(good)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 1
    assert "pipe.txt: is not a regular file (a FIFO)" in result.stderr
    assert "Traceback" not in result.stderr
    assert any(json.loads(line)["page"].endswith("good.txt") for line in result.stdout.splitlines())


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused():
    with pytest.raises(InputError, match=r"^/dev/zero: is not a regular file \(a character device\)"):
        read_page("/dev/zero")


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(InputError, match=r"s\.sock: is not a regular file \(a socket\)"):
            read_page(path)
    finally:
        server.close()


def test_model_files_are_read_the_same_way(tmp_path):
    fifo = tmp_path / "model.nsm"
    os.mkfifo(fifo)
    with pytest.raises(NewssegError, match=r"model\.nsm: is not a regular file \(a FIFO\), not a model file"):
        read_file_bytes(fifo, NewssegError, "model file", 100)


def test_size_cap_names_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(page_module, "MAX_PAGE_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("字" * 50, encoding="utf-8")
    with pytest.raises(InputError, match=r"big\.txt: the file is 150 bytes; at most 100 are accepted"):
        read_page(path)


def test_a_file_that_grows_after_fstat_is_still_bounded(tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 1000)
    real_fstat = os.fstat

    def fstat_before_growth(fd: int) -> os.stat_result:
        info = list(real_fstat(fd))
        info[6] = 10  # st_size: what the file was when it was checked
        return os.stat_result(info)

    monkeypatch.setattr(fileio.os, "fstat", fstat_before_growth)
    with pytest.raises(InputError, match=r"growing\.txt: the file grew past 100 bytes"):
        read_file_bytes(path, InputError, max_bytes=100)


def test_os_errors_are_one_line_naming_the_path(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    too_long = tmp_path / ("x" * 300 + ".txt")
    cases = {
        loop: "cannot be read (Too many levels of symbolic links)",
        too_long: "cannot be read (File name too long)",
        tmp_path: "is a directory",
        tmp_path / "missing.txt": "no such file",
        tmp_path / "file.txt" / "below": "cannot be read (Not a directory)",
    }
    (tmp_path / "file.txt").write_text("字\n", encoding="utf-8")
    for path, message in cases.items():
        with pytest.raises(InputError) as caught:
            read_page(path)
        assert str(caught.value) == f"{path}: {message}"
        assert "\n" not in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_is_one_line(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("字\n", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(InputError, match=r"secret\.txt: permission denied$"):
        read_page(path)


# 2. File names of any bytes.


def test_undecodable_file_names_are_escaped_in_names_and_messages(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9-\xff.txt"
    with open(raw, "wb") as handle:
        handle.write("春运返程高峰到来\n".encode())
    page = read_page(os.fsdecode(raw))
    assert page.name.endswith("/caf\\xe9-\\xff.txt")
    page.name.encode("utf-8")
    assert read_page(raw).name == page.name
    with pytest.raises(InputError) as caught:
        read_page(os.fsdecode(os.fsencode(tmp_path) + b"/missing-\xfe\n.txt"))
    assert str(caught.value).endswith("/missing-\\xfe\\n.txt: no such file")


def test_display_path_leaves_ordinary_names_alone():
    assert display_path("报纸/第5版.txt") == "报纸/第5版.txt"
    assert display_path(Path("a b/c.txt")) == "a b/c.txt"
    assert display_path(b"\xe6\x8a\xa5.txt") == "报.txt"


# 3. Lone surrogates become U+FFFD.


def test_lone_surrogates_become_replacement_characters_and_outputs_are_utf8(small_model):
    page = Page.from_text("\ud800春运返程高峰到来\n本报讯\udcff 记者王某\n")
    assert page.lines == ("\ufffd春运返程高峰到来", "本报讯\ufffd 记者王某")
    assert Page(("a\udc80",)).lines == ("a\ufffd",)
    assert Page.from_lines(["\udfff"]).lines == ("\ufffd",)
    result = Segmenter.load(small_model).predict("\ud800春运返程高峰到来\n春节假期结束，各地迎来返程\udcff高峰。\n")
    to_jsonl(result).encode("utf-8")


# 4. Encodings detected or refused.


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def test_shipped_pages_in_gb18030_and_gbk_are_read_as_gb18030():
    gbk_pages = 0
    for name, text in shipped_texts():
        # GB18030 encodes every character; GBK lacks some of the 晶報 pages' (◘, 𣏌).
        for encoding in ("gb18030", "gbk") if _encodable(text, "gbk") else ("gb18030",):
            gbk_pages += encoding == "gbk"
            decoded, codec = decode_page(text.encode(encoding), name)
            assert codec == "gb18030", (name, encoding)
            assert decoded == text, (name, encoding)
    assert gbk_pages >= 241


@pytest.mark.parametrize("encoding", ["big5", "cp950", "big5hkscs"])
def test_big5_pages_are_read_as_big5(tmp_path, encoding):
    path = tmp_path / "taiwan.txt"
    path.write_bytes(TRADITIONAL.encode(encoding))
    page = read_page(path)
    assert page.lines == tuple(TRADITIONAL.splitlines())
    assert page.encoding == "big5hkscs"
    for line in TRADITIONAL.splitlines():
        assert decode_page(line.encode(encoding), "line.txt")[0] == line


def test_gb18030_pages_record_their_encoding(tmp_path):
    path = tmp_path / "gb.txt"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    assert read_page(path).encoding == "gb18030"
    assert read_page(SAMPLE).encoding == "utf-8"


def test_shift_jis_is_refused_naming_it(tmp_path):
    path = tmp_path / "tokyo.txt"
    path.write_bytes(JAPANESE.encode("shift_jis"))
    result = invoke("predict", path)
    assert result.exit_code == 1
    assert "tokyo.txt: looks like Shift-JIS (Japanese) text" in result.stderr
    assert "--encoding" in result.stderr and "Traceback" not in result.stderr
    assert read_page(path, encoding="shift_jis").lines[0] == JAPANESE.splitlines()[0]


def test_detection_is_fast():
    data = SAMPLE.read_text(encoding="utf-8").encode("gb18030") * 20
    start = time.perf_counter()
    decode_page(data, "big.txt")
    assert time.perf_counter() - start < 2.0


# 5. Only text codecs.


@pytest.mark.parametrize("name", ["rot13", "rot_13", "base64", "zlib", "hex", "bz2", "uu", "quopri"])
def test_non_text_codecs_are_refused(tmp_path, name):
    path = tmp_path / "page.txt"
    path.write_text("春运\n", encoding="utf-8")
    with pytest.raises(InputError, match="is not a text encoding"):
        check_encoding(name)
    with pytest.raises(InputError, match=r"page\.txt: .* is not a text encoding"):
        read_page(path, encoding=name)


def test_text_codecs_are_accepted_by_their_canonical_name():
    assert check_encoding("GBK") == "gbk"
    assert check_encoding("utf_8") == "utf-8"
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        check_encoding("klingon")


def test_cli_refuses_rot13_on_one_line(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("春运\n", encoding="utf-8")
    result = invoke("predict", path, "--encoding", "rot13")
    assert result.exit_code == 1
    assert "'rot13' is not a text encoding" in result.stderr and "Traceback" not in result.stderr


# 6. Linear paragraphs, page limits.


def naive_column_widths(lines: list[BodyLine]) -> list[float]:
    """The definition: the median width of the running body lines within the window."""
    running = [i for i, line in enumerate(lines) if line.role == "body" and not ends_sentence(line.text)]
    fallback = [line.width for line in lines if line.role == "body"] or [line.width for line in lines]
    overall = statistics.median(lines[i].width for i in running) if running else max(fallback)
    widths = []
    for index in range(len(lines)):
        near = [lines[i].width for i in running if abs(i - index) <= WIDTH_WINDOW]
        widths.append(statistics.median(near) if len(near) >= 3 else overall)
    return widths


def random_body(rng: random.Random, n: int) -> list[BodyLine]:
    return [
        BodyLine(
            i + 1,
            "正文" * 5 + rng.choice("，。的"),
            rng.choice(("body", "body", "body", "subhead")),
            rng.choice((12.0, 13.5, 14.0, 14.0)),
        )
        for i in range(n)
    ]


def test_column_widths_match_their_definition():
    rng = random.Random(0)
    for n in (1, 2, 5, 30, 300):
        lines = random_body(rng, n)
        assert column_widths(lines) == naive_column_widths(lines)


def test_paragraphs_of_a_long_article_take_linear_time():
    rng = random.Random(1)
    small, large = random_body(rng, 2_000), random_body(rng, 40_000)
    start = time.perf_counter()
    build_paragraphs(small)
    small_time = time.perf_counter() - start
    start = time.perf_counter()
    build_paragraphs(large)
    large_time = time.perf_counter() - start
    assert large_time < 40 * small_time + 0.5


def test_too_many_lines_are_refused_before_any_features(tmp_path, monkeypatch, small_model):
    monkeypatch.setattr(page_module, "MAX_PAGE_LINES", 10)
    path = tmp_path / "long.txt"
    path.write_text("正文一行。\n\n" * 11, encoding="utf-8")
    with pytest.raises(InputError, match=r"long\.txt: the page has 11 non-blank lines; at most 10 are accepted"):
        read_page(path)
    segmenter = Segmenter.load(small_model)
    monkeypatch.setattr(segmenter, "features", lambda *args, **kwargs: pytest.fail("features computed"))
    with pytest.raises(InputError, match="11 non-blank lines"):
        segmenter.predict(Page.from_text("正文一行。\n" * 11))
    assert len(read_page_bytes("正文一行。\n\n".encode() * 10, "ok.txt")) == 20


# 7. Long lines split into sentences.


def test_a_page_without_line_breaks_is_split_into_sentences_with_a_warning(tmp_path):
    sentences = ["春节假期结束，各地迎来返程高峰。", "铁路部门加开列车！", "他说：“我们准备好了。”", "记者王某"]
    article = "".join(sentences[i % 4] for i in range(400))
    path = tmp_path / "database.txt"
    path.write_text(article, encoding="utf-8")
    with pytest.warns(InputWarning) as caught:
        page = read_page(path)
    assert [str(w.message) for w in caught] == [
        f"{path}:1: the line is {len(article):,} characters; split into {len(page.lines):,} sentence lines"
    ]
    assert "".join(page.lines) == article
    assert all(0 < len(line) <= MAX_LINE_CHARS for line in page.lines)
    assert page.lines[:3] == ("春节假期结束，各地迎来返程高峰。", "铁路部门加开列车！", "他说：“我们准备好了。”")


def test_a_line_without_sentence_ends_is_cut_at_the_limit():
    line = "字" * (2 * MAX_LINE_CHARS + 5)
    assert [len(piece) for piece in split_long_line(line)] == [MAX_LINE_CHARS, MAX_LINE_CHARS, 5]


@pytest.mark.filterwarnings("ignore::newsseg.errors.InputWarning")
def test_the_cli_segments_a_one_line_article(tmp_path):
    path = tmp_path / "one-line.txt"
    path.write_text("春节假期结束，各地迎来返程高峰。" * 200, encoding="utf-8")
    result = invoke("predict", path)
    assert result.exit_code == 0
    assert "Traceback" not in result.stderr
    assert result.stdout.strip()


def test_normal_pages_are_not_split():
    for name, text in shipped_texts():
        assert as_page(text, name).lines == tuple(text.splitlines()), name


# 8. jieba's cache.


def test_jieba_cache_goes_to_the_users_cache_folder(tmp_path):
    cache = tmp_path / "cache"
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "TMPDIR": str(temp)}
    code = "from newsseg.features.lexical import tagged_words; print(tagged_words('今天天气很好'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert (cache / "newsseg" / "jieba.cache").is_file()
    assert (cache / "newsseg").stat().st_mode & 0o777 == 0o700
    assert not list(temp.iterdir())


def test_jieba_cache_falls_back_to_a_private_folder(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(blocker), "TMPDIR": str(temp)}
    code = "import jieba, newsseg.features.lexical as lx; print(jieba.dt.tmp_dir); print(lx.tagged_words('今天'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    private = Path(result.stdout.splitlines()[0])
    assert private.parent == temp and private.name.startswith("newsseg-jieba-")
    assert not private.exists()  # removed at exit


# 9. Arbitrary bytes to the readers.

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHINESE_BYTES = st.sampled_from(
    [b"\n", b"\r\n", b"\t", b"O\t", b"B-title\t", b"I-body\t", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"\xa1"]
    + [s.encode(e, "ignore") for s in ("春运", "臺灣", "。", "です") for e in ("utf-8", "gb18030", "big5", "shift_jis")]
)
ANY_BYTES = st.one_of(
    st.binary(max_size=300), st.lists(st.one_of(CHINESE_BYTES, st.binary(max_size=4)), max_size=60).map(b"".join)
)


@FUZZ
@given(ANY_BYTES)
def test_page_reader_gives_a_page_or_a_newsseg_error(data):
    try:
        page = read_page_bytes(data, "fuzz.txt")
    except NewssegError as error:
        assert "\n" not in str(error)
        return
    assert isinstance(page, Page)
    for line in page.lines:
        line.encode("utf-8")


@FUZZ
@given(ANY_BYTES)
def test_labelled_reader_gives_a_page_or_a_newsseg_error(data):
    try:
        labelled = labelled_page_from_bytes(data, "fuzz.tsv")
    except NewssegError as error:
        assert "\n" not in str(error)
        return
    assert len(labelled.tags) == len(labelled.page.lines)


@FUZZ
@given(st.text(max_size=200))
def test_labelled_text_gives_a_page_or_a_label_error(text):
    with contextlib.suppress(LabelError):
        labelled_page_from_text(text, "fuzz.tsv")


LINE_TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n\f\ufeff"), max_size=30)


@FUZZ
@given(st.lists(LINE_TEXT, max_size=20), st.sampled_from(["\n", "\r\n", "\r"]))
def test_page_text_round_trips_its_lines(lines, ending):
    assert Page.from_text("".join(line + ending for line in lines)).lines == tuple(lines)


# 10. A labelled page given to predict.


def test_looks_labelled_tells_a_tsv_from_a_page():
    labelled = next(PAGES.glob("epaper/*.tsv"))
    assert looks_labelled(read_page(labelled))
    assert looks_labelled(read_labelled(labelled).page) is False
    assert not looks_labelled(read_page(SAMPLE))
    assert not looks_labelled(Page.from_text("a\tb\nc\td\n"))
    assert not looks_labelled(Page.from_text("\n\n"))
