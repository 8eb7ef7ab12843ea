"""Reading page text: encodings, line ends, and refusing what is not a page."""

from __future__ import annotations

import pytest

from newsseg.errors import InputError, InputWarning
from newsseg.io.page import MAX_LINE_CHARS, Page, as_page, decode_page_bytes, read_page

TEXT = "本报讯 记者张三报道\n近日，某地举行活动。\n\n第二段落。\n"


def test_lf_crlf_and_cr_give_the_same_lines(tmp_path):
    pages = []
    for ending in ("\n", "\r\n", "\r"):
        path = tmp_path / f"page-{len(ending)}-{ord(ending[0])}.txt"
        path.write_bytes(TEXT.replace("\n", ending).encode("utf-8"))
        pages.append(read_page(path).lines)
    assert pages[0] == pages[1] == pages[2] == ("本报讯 记者张三报道", "近日，某地举行活动。", "", "第二段落。")


def test_utf8_bom_is_dropped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert read_page(path).lines[0] == "本报讯 记者张三报道"


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(TEXT.encode("utf-16"))
    assert read_page(path).lines[1] == "近日，某地举行活动。"


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gb18030_and_gbk_are_detected(tmp_path, encoding):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_page(path).lines[0] == "本报讯 记者张三报道"


def test_named_encoding_is_used(tmp_path):
    path = tmp_path / "named.txt"
    path.write_bytes(TEXT.encode("gbk"))
    assert read_page(path, encoding="gbk").lines[3] == "第二段落。"


def test_wrong_named_encoding_names_file_and_line(tmp_path):
    path = tmp_path / "wrong.txt"
    path.write_bytes("第一行\n".encode() + "第二行\n".encode("gbk"))
    with pytest.raises(InputError, match=r"wrong\.txt:2: the text is not valid utf-8"):
        read_page(path, encoding="utf-8")


def test_unknown_encoding_name_is_refused(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding 'no-such-codec'"):
        read_page(path, encoding="no-such-codec")


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", "\u3000\n".encode()])
def test_empty_file_is_refused(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"empty\.txt: the file is empty"):
        read_page(path)


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"image\.png: this is a binary file"):
        read_page(path)


def test_undecodable_text_names_the_line(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("第一行\n".encode() + b"\xff\xfe\xfa\xfb\xff\n")
    with pytest.raises(InputError, match=r"latin\.txt:2: the text is neither UTF-8 nor GB18030"):
        read_page(path)


def test_enormous_line_is_split_with_a_warning_naming_it(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("短行\n" + "字" * (MAX_LINE_CHARS + 1) + "\n", encoding="utf-8")
    with pytest.warns(InputWarning, match=r"huge\.txt:2: the line is 2,001 characters; split into 2 sentence lines"):
        page = read_page(path)
    assert page.lines == ("短行", "字" * MAX_LINE_CHARS, "字")


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_page(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_page(tmp_path)


def test_control_characters_mean_binary():
    data = ("文字" + "\x01\x02\x03\x04" * 20).encode()
    text = decode_page_bytes(data, "x.txt")
    with pytest.raises(InputError, match="binary"):
        as_page(text, "x.txt")


def test_content_indices_skip_blank_and_whitespace_lines():
    page = Page.from_text("一\n\n  \n\u3000\n二\n")
    assert page.content_indices == (0, 4)


def test_from_lines_refuses_embedded_line_breaks():
    with pytest.raises(InputError, match="line break"):
        Page.from_lines(["一", "二\n三"])


def test_trailing_form_feed_is_dropped():
    assert Page.from_text("一\n二\n\f").lines == ("一", "二")
