"""Line features on hand-made lines: layout, cues, lexical signals, neighbours."""

from __future__ import annotations

import re

import pytest

from newsseg.features import FeatureSettings, page_features
from newsseg.features.context import add_context
from newsseg.features.cues import BYLINE_CUES, line_cues
from newsseg.features.layout import char_class, display_width, ends_sentence, text_features, typical_width
from newsseg.features.lexical import continuity, joins_into_word, repeat_shares
from newsseg.features.script import simplified_table, to_simplified
from newsseg.io.page import Page

from .conftest import SAMPLE


def test_width_counts_ascii_as_half():
    assert display_width("新闻") == 2
    assert display_width("2019年") == 3
    assert display_width("  标题  ") == 2


def test_character_classes():
    assert [char_class(c) for c in "中1a，。“”：—·"] == [
        "cjk", "digit", "latin", "comma", "final", "open", "close", "colon", "dash", "dot",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [("发展。", True), ("他说：“好！”", True), ("有待完善，", False), ("标题", False), ("……", True), ("说?", True)],
)
def test_sentence_end(text, expected):
    assert ends_sentence(text) is expected


def test_typical_width_ignores_short_lines():
    assert typical_width([14, 14, 13, 2, 3, 14]) == 14


def test_text_features_profile_a_headline_and_a_body_line():
    headline = text_features("补齐短板 落细职责")
    assert headline["punct"] == "none" and headline["inner_spaces"] == "1" and headline["ends_sentence"] == "no"
    body = text_features("，也为后续权益维护带来“不确定性”。")
    assert body["first_class"] == "comma" and body["ends_sentence"] == "yes" and body["quotes"] == "balanced"
    assert text_features("“四季无休、")["quotes"] == "opens"
    assert text_features("三餐不定”成了常态")["quotes"] == "closes"


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("本报讯 记者张浩呈报道 在", "benbao_xun"),
        ("本报讯 记者张浩呈报道 在", "reporter"),
        ("本报北京5月3日电 （记者杜一菲）", "dateline"),
        ("本报北京5月3日电 （记者杜一菲）", "paren_reporter"),
        ("新华社北京1月31日电", "dateline"),
        ("新华社北京1月31日电", "agency"),
        ("本报杭州", "dateline_head"),
        ("本报记者 韩  伟", "staff_byline"),
        ("本报讯 记者羊荣江报道", "reported_by"),
        ("记者李欣 摄", "photo_credit"),
        ("图为职工志愿者为货运司机送物资。", "caption_start"),
        ("理论天地", "column_label"),
        ("小康路上·绿色力量·关注生态补偿①", "column_label"),
        ("人民日报", "paper_name"),
        ("第20版", "page_number"),
        ("2019年2月14日 星期四", "calendar_date"),
        ("本版责编：何嘉强 陆路", "editor_credit"),
        ("——回访贵州遵义市播州区", "leading_dash"),
        ("解读中央纪委四次全会精神之一——", "trailing_dash"),
        ("一、发挥“劳动光荣、创造", "subhead_numbering"),
        ("（丹翁）", "bracketed_name"),
        ("（马二先生）", "any_byline"),
        ("第二版民国九年四月三日", "calendar_date"),
        ("庚申年二月十五日星期六", "calendar_date"),
        ("晶报", "paper_name"),
        ("此处招登广吿价格面议", "advert"),
        ("择善而从、古训也、既不能自立、又不能师人之长", "enumeration_commas_only"),
    ],
)
def test_newspaper_cues(text, cue):
    if cue == "any_byline":
        assert line_cues(text) & BYLINE_CUES
    else:
        assert cue in line_cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "（丹翁）说：吾友某某，皆嗜阿芙容如性命",
        "同时报道了新闻报道的申报材料",
        "我们在这里，很好、很好",
        "（资料图片） 记者 摄",
    ],
)
def test_republican_era_cues_stay_out_of_modern_lines(text):
    assert not line_cues(text) & {"bracketed_name", "enumeration_commas_only", "paper_name"}


@pytest.mark.parametrize("text", ["今年的宁波市两会上,宁波市政协", "研,覆盖相关平台企业229家,涉"])
def test_body_lines_have_no_byline_cues(text):
    assert not line_cues(text) & {"dateline", "benbao_xun", "staff_byline", "reported_by", "column_label"}


def test_sentence_continuity_across_the_break():
    assert continuity(None, "开头") == "first"
    assert continuity("发展。", "新的一段") == "after_sentence_end"
    assert continuity("价格上", "涨明显") == "joins_word"
    assert joins_into_word("劳动", "者") or joins_into_word("劳", "动者")
    assert continuity("问题,", "他们") == "after_comma"


def test_repeats_are_found_even_when_rewrapped():
    original = ["清、情况明。”横河工业社区", "工会联合会相关负责人介绍,", "更重要的是,通过建群交流工"]
    rewrapped = ["明。”横河工业社区工会联合", "会相关负责人介绍,更重要的是"]
    shares = repeat_shares([*original, "全新的一行文字内容在这里", *rewrapped])
    assert shares[3] == 0
    assert shares[4] > 0.8 and shares[5] > 0.8


def test_context_copies_neighbours_with_offsets():
    lines = [{"width": "1", "cue:dateline": 1.0, "own_only": "x"}, {"width": "2"}, {"width": "3"}]
    result = add_context(lines, window=1)
    assert result[1]["-1:width"] == "1" and result[1]["+1:width"] == "3"
    assert result[1]["-1:cue:dateline"] == 1.0
    assert "-1:own_only" not in result[1]
    assert result[0]["-1:beyond_page"] == 1.0 and result[2]["+1:beyond_page"] == 1.0


def _sample_page() -> Page:
    return Page.from_text(SAMPLE.read_text(encoding="utf-8"), "sample")


def test_one_feature_dict_per_non_blank_line_and_deterministic():
    page = _sample_page()
    first = page_features(page)
    assert len(first) == len(page.content_indices)
    assert first == page_features(page)


def test_default_features_do_not_memorise_text():
    """No feature name or value carries the page's own characters (only the words option does)."""
    han = re.compile(r"[\u4e00-\u9fff]")
    for features in page_features(_sample_page()):
        for name, value in features.items():
            assert not han.search(name), name
            assert not (isinstance(value, str) and han.search(value)), (name, value)


def test_words_option_adds_the_words_themselves():
    features = page_features(_sample_page(), FeatureSettings(words=True))
    assert any("first_word" in f for f in features)


def test_a_byline_two_lines_down_is_seen_from_the_title():
    page = Page.from_text("正文结束了。\n\n春运返程高峰到来\n\n本报北京2月13日电 （记者王某）\n春节假期结束。\n")
    features = page_features(page)
    title = features[1]
    assert title["byline_ahead"] == "1"
    assert title["+1:cue:dateline"] == 1.0
    assert title["-1:ends_sentence"] == "yes"
    assert title["blank_before"] == "1" and title["blank_after"] == "1"


def _traditional(text: str) -> str:
    """``text`` written in traditional characters: each simplified character OpenCC's table maps to, turned back."""
    back: dict[str, str] = {}
    for source, simplified in sorted(simplified_table().items()):
        back.setdefault(simplified, chr(source))
    return "".join(back.get(char, char) for char in text)


def test_traditional_characters_read_as_simplified_one_for_one():
    assert to_simplified("本報訊 記者張三報道：晶報發行於上海") == "本报讯 记者张三报道：晶报发行于上海"
    assert to_simplified("中国人民 2024年") == "中国人民 2024年"
    text = SAMPLE.read_text(encoding="utf-8")
    traditional = _traditional(text)
    assert traditional != text and len(traditional) == len(text)
    assert to_simplified(traditional) == to_simplified(text)


def test_a_traditional_page_gets_the_features_of_its_simplified_twin_and_keeps_its_text():
    from newsseg import Segmenter

    text = SAMPLE.read_text(encoding="utf-8")
    simplified, traditional = Page.from_text(text), Page.from_text(_traditional(text))
    assert page_features(traditional) == page_features(simplified)
    segmenter = Segmenter.load()
    simplified_result, traditional_result = segmenter.predict(simplified), segmenter.predict(traditional)
    assert [(a.start_line, a.end_line) for a in traditional_result.articles] == [
        (a.start_line, a.end_line) for a in simplified_result.articles
    ]
    printed = [(line.number, line.text) for article in traditional_result.articles for line in article.lines]
    assert all(line == traditional.lines[number - 1] for number, line in printed)
    assert any(line != simplified.lines[number - 1] for number, line in printed)
