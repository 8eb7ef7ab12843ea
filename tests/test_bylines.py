"""Byline parsing: each printed byline style, the byline cut off the body, photo credits."""

from __future__ import annotations

import pytest

from newsseg.articles.bylines import (
    Byline,
    is_incomplete,
    merge_bylines,
    opens_byline,
    parse_byline,
    parse_photo_credit,
    split_byline,
)


def read(text: str) -> tuple[Byline, str]:
    byline, rest = split_byline(text)
    return parse_byline(byline), rest


def test_news_flash_with_reporter_and_correspondent_and_body_on_the_same_line():
    byline, rest = read("本报讯 记者张浩呈 通讯员陈芳报道 在今年的宁波市两会上")
    assert byline.text == "本报讯 记者张浩呈 通讯员陈芳报道"
    assert rest == "在今年的宁波市两会上"
    assert byline.source == "本报讯"
    assert byline.reporters == ("张浩呈",)
    assert byline.correspondents == ("陈芳",)
    assert (byline.place, byline.date) == (None, None)


def test_news_flash_with_correspondents_first_and_no_space_before_the_body():
    byline, rest = read("本报讯 通讯员陈雪萍、何依妮 记者潘仙德报道扶贫先扶志")
    assert byline.correspondents == ("陈雪萍", "何依妮")
    assert byline.reporters == ("潘仙德",)
    assert rest == "扶贫先扶志"


def test_a_word_after_the_names_is_not_taken_for_a_name():
    byline, rest = read("本报讯 记者程雪 近日，安吉县总工会")
    assert byline.reporters == ("程雪",)
    assert rest == "近日，安吉县总工会"


def test_dateline_with_bracketed_reporters():
    byline, rest = read("本报北京5月3日电 （记者 张三、李四） 国家移民管理局近日公布")
    assert byline.text == "本报北京5月3日电 （记者 张三、李四）"
    assert (byline.source, byline.place, byline.date) == ("本报", "北京", "5月3日")
    assert byline.reporters == ("张三", "李四")
    assert rest == "国家移民管理局近日公布"


def test_bracketed_names_without_a_role_word_are_reporters():
    byline, _ = read("本报贵阳1月22日电 （汪志球、喻麒瑞） 随着")
    assert byline.reporters == ("汪志球", "喻麒瑞")


def test_a_body_starting_with_a_role_word_after_the_brackets_stays_body():
    byline, rest = read("本报北京1月21日电 （记者张璁） 记者从国家移民管理局获悉：")
    assert byline.reporters == ("张璁",)
    assert rest == "记者从国家移民管理局获悉："


@pytest.mark.parametrize(
    ("text", "source", "place", "date", "rest"),
    [
        ("新华社北京5月3日电", "新华社", "北京", "5月3日", ""),
        ("新华社云南怒江1月5日电 国务院扶贫开发领导小组", "新华社", "云南怒江", "1月5日", "国务院扶贫开发领导小组"),
        ("据新华社东京2月13日电 （记者华义） 日本", "新华社", "东京", "2月13日", "日本"),
        ("本报杭州5月3日讯 近日", "本报", "杭州", "5月3日", "近日"),
        ("本报电 “烧一锅水", "本报", None, None, "“烧一锅水"),
    ],
)
def test_agency_and_paper_datelines(text, source, place, date, rest):
    byline, remainder = read(text)
    assert (byline.source, byline.place, byline.date, remainder) == (source, place, date, rest)


def test_ocr_mangled_brackets_are_read_as_brackets():
    assert read("本报北京1月28日电 人记者王远) 国家主席")[0].reporters == ("王远",)
    assert read("本报北京1月24日电《记者曲哲涵) 近日")[0].reporters == ("曲哲涵",)
    byline, rest = read("本报北京2月21日电李昌禹、王令瑶) 2019年")
    assert byline.reporters == ("李昌禹", "王令瑶")
    assert rest == "2019年"


@pytest.mark.parametrize(
    ("text", "reporters"),
    [
        ("本报记者 王昊男", ("王昊男",)),
        ("本报记者 杜  勇", ("杜勇",)),
        ("本报记者 常 钦 郁静娴", ("常钦", "郁静娴")),
        ("本报特约记者 王小明", ("王小明",)),
    ],
)
def test_staff_bylines_rejoin_spaced_names(text, reporters):
    byline, rest = read(text)
    assert byline.source == "本报"
    assert byline.reporters == reporters
    assert rest == ""


@pytest.mark.parametrize(
    ("text", "authors", "affiliation", "source"),
    [
        ("沈霞瑞", ("沈霞瑞",), None, None),
        ("王  荣", ("王荣",), None, None),
        (
            "省委党校习近平新时代中国特色社会主义思想进修三班 朱剑梁",
            ("朱剑梁",),
            "省委党校习近平新时代中国特色社会主义思想进修三班",
            None,
        ),
        ("四川绵阳市 夏季伟", ("夏季伟",), "四川绵阳市", None),
        ("本报评论员", ("本报评论员",), None, "本报"),
        ("作者：王五", ("王五",), None, None),
        ("文/赵六", ("赵六",), None, None),
    ],
)
def test_commentary_author_lines(text, authors, affiliation, source):
    byline, _ = read(text)
    assert (byline.authors, byline.affiliation, byline.source) == (authors, affiliation, source)
    assert byline.reporters == ()


@pytest.mark.parametrize(
    ("text", "photographers"),
    [
        ("记者张三 摄", ("张三",)),
        ("本报记者 李四 摄影报道", ("李四",)),
        ("记者王五摄", ("王五",)),
    ],
)
def test_photo_bylines(text, photographers):
    byline, _ = read(text)
    assert byline.photographers == photographers
    assert byline.reporters == ()


@pytest.mark.parametrize(
    ("caption", "text", "credit", "photographers"),
    [
        ("图为一天到晚机器轰鸣。　新华社记者 萧斌欣摄", "图为一天到晚机器轰鸣。", "新华社记者 萧斌欣摄", ("萧斌欣",)),
        ("图为市郊的七水洋。　曹怡磊摄（人民视觉）", "图为市郊的七水洋。", "曹怡磊摄（人民视觉）", ("曹怡磊",)),
        ("图为发布会现场。本报记者 万 震摄", "图为发布会现场。", "本报记者 万 震摄", ("万震",)),
        ("（人民视觉）", "", "（人民视觉）", ()),
        ("职工志愿者为货运司机送物资。", "职工志愿者为货运司机送物资。", None, ()),
    ],
)
def test_photo_credits_come_off_captions(caption, text, credit, photographers):
    assert parse_photo_credit(caption) == (text, credit, photographers)


def test_unrecognised_text_is_kept_whole_as_the_byline():
    byline, rest = read("某某某某某某某某某某某某")
    assert byline.text == "某某某某某某某某某某某某" and rest == ""
    assert byline.source is None and byline.reporters == () and byline.authors == ()


def test_incomplete_bylines_are_recognised():
    assert is_incomplete("本报北京5月3日电 （记者")
    assert is_incomplete("本报杭州")
    assert not is_incomplete("本报评论员")
    assert not is_incomplete("本报北京5月3日电 （记者张三）")


def test_opens_byline():
    assert opens_byline("本报讯 记者程雪报道")
    assert opens_byline("记者张三 摄")
    assert opens_byline("新华社北京5月3日电")
    assert not opens_byline("从女职工视角了解 新就业形态劳动者")


def test_merged_bylines_keep_the_first_source_and_all_names():
    head = parse_byline("本报北京5月3日电 （记者张三）", [4])
    tail = parse_byline("本报记者 李四", [40])
    merged = merge_bylines([head, tail])
    assert merged is not None
    assert merged.source == "本报" and merged.place == "北京"
    assert merged.reporters == ("张三", "李四")
    assert merged.lines == (4, 40)
    assert merge_bylines([]) is None


def test_to_dict_has_every_field():
    record = parse_byline("本报北京5月3日电 （记者张三）", [7, 8]).to_dict()
    assert record["start_line"] == 7 and record["end_line"] == 8
    assert set(record) >= {"text", "source", "place", "date", "reporters", "correspondents", "photographers", "authors"}
