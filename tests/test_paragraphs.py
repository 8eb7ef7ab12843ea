"""Paragraphs from column lines, joining lines into text, and duplicated passages."""

from __future__ import annotations

from dataclasses import replace

from newsseg.articles.duplicates import find_duplicates
from newsseg.articles.joining import close_letter_spacing, join_headline, join_lines, join_prose, printed_width
from newsseg.articles.paragraphs import BodyLine, build_paragraphs


def body(*rows: tuple[int, str] | tuple[int, str, str]) -> list[BodyLine]:
    """Body lines from (number, text[, role]); a gap in the numbers is a blank line."""
    lines = []
    previous = None
    for row in rows:
        number, text = row[0], row[1]
        role = row[2] if len(row) > 2 else "body"
        gap = previous is not None and number > previous + 1
        lines.append(BodyLine(number, text, role, printed_width(text), gap))
        previous = number
    return lines


def texts(lines: list[BodyLine]) -> list[str]:
    return [p.text for p in build_paragraphs(lines)]


def set_in_column(paragraphs: list[str], width: int = 14, indent: int = 2) -> list[str]:
    """Lines as a newspaper column prints the paragraphs: the first line indented, the last short."""
    lines = []
    for paragraph in paragraphs:
        room = width - indent
        rest = paragraph
        while rest:
            lines.append(rest[:room])
            rest = rest[room:]
            room = width
    return lines


PARAGRAPHS = [
    "春节假期结束，各地迎来返程高峰，铁路部门加开列车，民航增加航班，公路客运也加密了班次。",
    "记者在北京西站看到，旅客有序进站，秩序井然，车站工作人员忙着引导旅客上车，现场秩序良好。",
    "铁路部门提醒旅客合理安排出行时间，提前到站候车，注意防寒保暖，祝大家旅途平安。",
]


def test_paragraphs_set_in_a_column_come_back_as_printed():
    lines = set_in_column(PARAGRAPHS)
    paragraphs = build_paragraphs(body(*enumerate(lines, start=1)))
    assert [p.text for p in paragraphs] == PARAGRAPHS
    first_lines = [1 + len(set_in_column(PARAGRAPHS[:i])) for i in range(len(PARAGRAPHS))]
    assert [p.start_line for p in paragraphs] == first_lines


def test_a_full_last_line_is_still_an_end_when_the_next_line_is_indented():
    full = PARAGRAPHS[0][:37] + "班次。"
    lines = set_in_column([full, PARAGRAPHS[1]])
    assert len(lines[2]) == 14 and lines[2].endswith("。")
    assert texts(body(*enumerate(lines, start=1))) == [full, PARAGRAPHS[1]]


def test_a_full_line_ending_a_sentence_before_a_full_line_does_not_end_a_paragraph():
    text = "春节假期结束，各地迎来返程高峰，铁路部门加开了列车。民航增加航班，公路客运也加密了班次。"
    lines = set_in_column([text])
    assert lines[1].endswith("。")
    assert texts(body(*enumerate(lines, start=1))) == [text]


def test_a_blank_line_in_the_middle_of_a_sentence_is_a_column_break():
    lines = body(
        (1, "去年6月，界别对全市货车司"),
        (2, "机、网约车司机、快递员、外卖"),
        (3, "配送员等新就业群体开展调"),
        (5, "研，覆盖相关平台企业229家，"),
        (6, "涉及从业人员10万余名。"),
    )
    (paragraph,) = build_paragraphs(lines)
    assert paragraph.text == (
        "去年6月，界别对全市货车司机、网约车司机、快递员、外卖配送员等新就业群体开展调研，"
        "覆盖相关平台企业229家，涉及从业人员10万余名。"
    )
    assert paragraph.lines == (1, 2, 3, 5, 6)


def test_a_blank_line_with_an_indented_line_after_it_ends_a_paragraph_whose_stop_ocr_lost():
    lines = body(
        (1, "强化监督执纪问责，确保政策落"),
        (2, "地见效，推动工作全面落实到位"),
        (4, "各地要加强组织领导，压实"),
        (5, "责任，形成工作合力，确保取得"),
        (6, "实效。"),
    )
    assert len(texts(lines)) == 2


def test_subheads_are_paragraphs_of_their_own_in_place():
    lines = body(
        (1, "春节期间，各地推出丰富多彩"),
        (2, "的文化活动。"),
        (4, "减污，为长江减负", "subhead"),
        (6, "“确实不舍得，但对保护长江"),
        (7, "来说，这些牺牲值得。”"),
    )
    paragraphs = build_paragraphs(lines)
    assert [p.role for p in paragraphs] == ["body", "subhead", "body"]
    assert paragraphs[1].text == "减污，为长江减负"


def test_text_not_set_in_columns_breaks_at_each_sentence_end():
    long_line = "这是一段没有按报纸栏宽折行的文字，一整段写在一行里，读起来和普通文本一样，句子很长很长。"
    lines = body((1, long_line), (2, long_line), (3, long_line.replace("。", "，")), (4, long_line))
    assert len(texts(lines)) == 3


def test_text_not_set_in_columns_runs_on_where_the_article_resumes_after_another():
    long_line = "这是一段没有按报纸栏宽折行的文字，一整段写在一行里，读起来和普通文本一样，句子很长很长。"
    cut = long_line.replace("。", "，")
    after_blank = body((1, long_line), (2, cut), (4, long_line))
    resumed = [*after_blank[:2], replace(after_blank[2], resumed=True)]
    assert texts(after_blank) == [long_line, cut, long_line]
    assert texts(resumed) == [long_line, cut + long_line]
    assert [p.lines for p in build_paragraphs(resumed)] == [(1,), (2, 4)]


def resumed_after(lines: list[str], cut: int) -> list[BodyLine]:
    """Column lines whose article another article interrupts after the first ``cut`` lines."""
    column = body(*enumerate(lines[:cut], start=1), *enumerate(lines[cut:], start=cut + 10))
    return [replace(line, resumed=line.number == cut + 10) for line in column]


def test_column_text_runs_on_where_the_article_resumes_unless_the_next_line_is_indented():
    lines = set_in_column(PARAGRAPHS[:2])
    assert texts(resumed_after(lines, 2)) == PARAGRAPHS[:2]
    assert texts(resumed_after(lines, len(set_in_column(PARAGRAPHS[:1])))) == PARAGRAPHS[:2]


def test_join_prose_removes_spaces_between_chinese_but_not_between_words():
    assert join_prose(["目前属于“紧平衡” 的状", "态， 产能已经恢复。"]) == "目前属于“紧平衡”的状态，产能已经恢复。"
    assert join_prose(["使用 Hello", "world 与 5G 网络"]) == "使用Hello world与5G网络"
    assert join_prose(["这种需求是时代的进步。4", "0年改革开放"]) == "这种需求是时代的进步。40年改革开放"


def test_join_lines_keeps_a_space_only_between_latin_words_across_lines():
    assert join_lines(["Hello", "world"]) == "Hello world"
    assert join_lines(["据新华社北京10月1", "6日电"]) == "据新华社北京10月16日电"
    assert join_lines(["新就业形态", "", "劳动者"]) == "新就业形态劳动者"


def test_headlines_keep_a_printed_gap_and_close_up_letter_spacing():
    assert (
        join_headline(["补齐短板 落细职责", "为新就业形态劳动者“遮风挡雨”"])
        == "补齐短板 落细职责为新就业形态劳动者“遮风挡雨”"
    )
    assert join_headline(["新春走基层\u3000\u3000一起过大年"]) == "新春走基层\u3000一起过大年"
    assert join_headline(["主 旋 律 戏 剧"]) == "主旋律戏剧"
    assert close_letter_spacing("东阳市成立 网约送餐行业工会") == "东阳市成立 网约送餐行业工会"


def test_printed_width_counts_ocr_ascii_punctuation_as_full_width():
    assert printed_width("去年6月,界别") == 6.5
    assert printed_width("  abc ") == 1.5


def test_a_passage_repeated_right_after_its_original_is_a_duplicate():
    lines = [
        "货车司机长期往返不同的城市，",
        "具有较高的感染风险，辖区社区",
        "逐一进行登记，切实做到底数清、",
        "情况明。”横河工业社区工会联合",
        "会相关负责人介绍，更重要的是，",
        "通过建群交流工会能及时掌握货车",
        "司机的需求，让爱不“滞留”。",
        "明。”横河工业社区工会联合",
        "会相关负责人介绍，更重要的是",
        "，通过建群交流工会能及时掌",
        "握货车司机的需求，让爱不“滞留”。",
    ]
    assert find_duplicates(lines) == [[7, 8, 9, 10]]


def test_a_phrase_said_twice_on_purpose_is_not_a_duplicate():
    lines = [
        "“这两年多来，家里吃的、穿的、住的、用的，变化可大了。”",
        "周牡丹老人今年72岁，2019年，老伴因病去世。",
        "面对这样的境况，老人却说生活过得去，言谈中多了一份乐观与淡定。",
        "“这两年多来，家里吃的、穿的、",
        "住的、用的，变化可大了。”",
        "她笑着说。",
    ]
    assert find_duplicates(lines) == []
