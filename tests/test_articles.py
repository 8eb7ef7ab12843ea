"""Article structure on hand-made tagged pages: headline parts, bylines, paragraphs, captions, noise."""

from __future__ import annotations

import json
import math

import pytest

from newsseg.articles.records import DEFAULT_REVIEW_THRESHOLD, Article, PageResult, build_articles
from newsseg.io.labels import labelled_page_from_text

RMRB_PAGE = """\
O\t人民日报 2019年2月14日 星期四 第5版
\t
B-kicker\t守护一方平安——
I-title\t春运返程
I-title\t高峰到来
I-subtitle\t——铁路部门加开列车
\t
I-byline\t本报北京2月13日电 （记者
I-byline\t王某、李某） 春节假期结束，各地迎
I-body\t来返程高峰，铁路部门加开列车，
I-body\t民航增加航班，公路客运也加密
\t
I-body\t了班次，交通运输部门全力保障
I-body\t旅客平安有序出行。
I-body\t记者在北京西站看到，旅客
I-body\t有序进站，秩序井然，车站工作
I-body\t人员忙着引导旅客上车。
\t
I-caption\t图为旅客在北京西站候车。
I-caption\t本报记者 张三摄
B-column\t人民时评
I-title\t民警的除夕夜
I-byline\t本报记者 杜  勇
I-body\t除夕夜，派出所里灯火通明，
I-body\t民警们坚守岗位，守护着万家
I-body\t团圆，辖区治安平稳有序。
"""

ZJGRRB_PAGE = """\
B-title\t从“心”振作
\t
I-subtitle\t台州椒江区总工会为困难职工家庭疏压
\t
I-byline\t本报讯 通讯员陈雪萍、何
I-byline\t依妮 记者潘仙德报道 扶贫先
I-body\t扶志，为排解困难职工家庭内
I-body\t心压力，激发其内生动力，助力
I-body\t其早日解困脱困，保障共富路
I-body\t上一个也不掉队。
B-title\t谈出好薪情 建德举行首届集体协商竞赛
I-byline\t本报讯 记者曾晨路 通
I-body\t讯员陈芳报道 近日，建德市
I-body\t首届集体协商竞赛举行，提高
I-body\t大家谈的方法和技巧。
"""


def articles_of(text: str, name: str = "page.tsv") -> list[Article]:
    labelled = labelled_page_from_text(text, name)
    return build_articles(labelled.page, labelled.tags).articles


def test_headline_parts_are_joined_and_titles_broken_over_lines_run_on():
    first, second = articles_of(RMRB_PAGE)
    assert first.kicker == "守护一方平安——"
    assert first.title == "春运返程高峰到来"
    assert first.subtitle == "——铁路部门加开列车"
    assert first.column == ""
    assert second.column == "人民时评"
    assert second.title == "民警的除夕夜"


def test_dateline_byline_split_over_two_lines_is_cut_off_the_body_it_shares_a_line_with():
    first = articles_of(RMRB_PAGE)[0]
    byline = first.byline
    assert byline is not None
    assert byline.text == "本报北京2月13日电 （记者王某、李某）"
    assert (byline.source, byline.place, byline.date) == ("本报", "北京", "2月13日")
    assert byline.reporters == ("王某", "李某")
    assert byline.lines == (8, 9)
    assert first.paragraphs[0].text.startswith("春节假期结束，各地迎来返程高峰，")
    assert first.paragraphs[0].start_line == 9


def test_a_blank_line_inside_a_sentence_does_not_split_the_paragraph():
    first = articles_of(RMRB_PAGE)[0]
    assert [p.text for p in first.paragraphs] == [
        "春节假期结束，各地迎来返程高峰，铁路部门加开列车，民航增加航班，公路客运也加密了班次，"
        "交通运输部门全力保障旅客平安有序出行。",
        "记者在北京西站看到，旅客有序进站，秩序井然，车站工作人员忙着引导旅客上车。",
    ]
    assert [(p.start_line, p.end_line) for p in first.paragraphs] == [(9, 14), (15, 17)]


def test_captions_keep_their_credit_apart():
    (caption,) = articles_of(RMRB_PAGE)[0].captions
    assert caption.text == "图为旅客在北京西站候车。"
    assert caption.credit == "本报记者 张三摄"
    assert caption.photographers == ("张三",)
    assert caption.lines == (19, 20)


def test_staff_byline_with_a_spaced_name():
    byline = articles_of(RMRB_PAGE)[1].byline
    assert byline is not None and byline.source == "本报" and byline.reporters == ("杜勇",)


def test_news_flash_byline_split_over_two_lines_with_body_on_its_last_line():
    first, _ = articles_of(ZJGRRB_PAGE)
    byline = first.byline
    assert byline is not None
    assert byline.text == "本报讯 通讯员陈雪萍、何依妮 记者潘仙德报道"
    assert byline.source == "本报讯"
    assert byline.correspondents == ("陈雪萍", "何依妮")
    assert byline.reporters == ("潘仙德",)
    assert (
        first.paragraphs[0].text
        == "扶贫先扶志，为排解困难职工家庭内心压力，激发其内生动力，助力其早日解困脱困，保障共富路上一个也不掉队。"
    )
    assert first.subtitle == "台州椒江区总工会为困难职工家庭疏压"


def test_a_byline_cut_short_borrows_the_rest_from_the_next_line():
    second = articles_of(ZJGRRB_PAGE)[1]
    byline = second.byline
    assert byline is not None
    assert byline.text == "本报讯 记者曾晨路 通讯员陈芳报道"
    assert byline.reporters == ("曾晨路",) and byline.correspondents == ("陈芳",)
    assert byline.lines == (12, 13)
    assert second.paragraphs[0].text == "近日，建德市首届集体协商竞赛举行，提高大家谈的方法和技巧。"


def test_a_dateline_tagged_as_body_still_becomes_the_byline():
    (article,) = articles_of(
        "B-title\t国务院任免国家工作人员\nI-body\t新华社北京1月4日电 国务院任免\nI-body\t国家工作人员。\n"
    )
    assert article.byline is not None
    assert (article.byline.text, article.byline.source, article.byline.date) == (
        "新华社北京1月4日电",
        "新华社",
        "1月4日",
    )
    assert [p.text for p in article.paragraphs] == ["国务院任免国家工作人员。"]


def test_author_line_of_a_commentary():
    (article,) = articles_of(
        "B-column\t理论天地\nI-title\t汲聚“红色”动能 助推“蓝领”共富\n"
        "I-byline\t省委党校进修三班 朱剑梁\nI-body\t共同富裕是社会主义的本质要求。\n"
    )
    assert article.column == "理论天地"
    assert article.title == "汲聚“红色”动能 助推“蓝领”共富"
    assert article.byline is not None
    assert article.byline.authors == ("朱剑梁",)
    assert article.byline.affiliation == "省委党校进修三班"


def test_a_subtitle_tagged_as_byline_does_not_hide_the_real_byline():
    (article,) = articles_of(
        "B-title\t聘请16位女职工职情信息员\nI-byline\t从女职工视角了解 新就业形态劳动者\n"
        "I-byline\t本报讯 记者程雪报道\nI-body\t安吉县总工会在户外劳动者驿站内举行活动。\n"
    )
    assert article.byline is not None
    assert article.byline.source == "本报讯" and article.byline.reporters == ("程雪",)


def test_title_lines_set_off_by_a_dash_are_kicker_and_subtitle():
    (article,) = articles_of(
        "B-title\t重庆派出医疗队员援助湖北——\nI-title\t“看不到你样子，但记着你声音”\n"
        "I-title\t——记一线医护人员\nI-body\t正文。\n"
    )
    assert article.kicker == "重庆派出医疗队员援助湖北——"
    assert article.title == "“看不到你样子，但记着你声音”"
    assert article.subtitle == "——记一线医护人员"
    assert [line.role for line in article.lines][:3] == ["title", "title", "title"]


def test_a_dash_between_two_numbers_of_a_title_broken_over_lines_is_a_range_not_a_kicker():
    (article,) = articles_of(
        "B-title\t中美经贸高级别磋\nI-title\t商将于2月14—\nI-title\t15日在京举行\nI-body\t正文。\n"
    )
    assert article.title == "中美经贸高级别磋商将于2月14—15日在京举行" and article.kicker == ""


def test_an_author_line_read_as_the_title_is_the_byline_and_the_kicker_the_title():
    (article,) = articles_of(
        "B-title\t省委党校习近平新时代中国特色社会主义思想进修三班 朱剑梁\nI-kicker\t汲聚“红色”动能 助推“蓝领”共富\n"
        "I-column\t理论天地\nI-body\t共同富裕是社会主义的本质要求。\n"
    )
    assert article.title == "汲聚“红色”动能 助推“蓝领”共富" and article.kicker == ""
    assert article.byline is not None and article.byline.authors == ("朱剑梁",)
    assert article.byline.affiliation == "省委党校习近平新时代中国特色社会主义思想进修三班"
    (titled,) = articles_of("B-title\t港口忙 贸易旺\nI-body\t正文。\n")
    assert titled.title == "港口忙 贸易旺" and titled.byline is None, "a title of two phrases is no author line"


DUPLICATED = """\
B-title\t让爱不“滞留”
I-body\t货车司机长期往返不同的城市，具有较
I-body\t高的感染风险，辖区社区逐一进行登记，
I-body\t切实做到底数清、情况明。”横河工业
I-body\t社区工会联合会相关负责人介绍，通过
I-body\t建群交流，工会能及时掌握货车司机的
I-body\t需求，让爱不“滞留”。
\t
I-body\t明。”横河工业社区工会联合
I-body\t会相关负责人介绍，通过建群
I-body\t交流，工会能及时掌握货车司
I-body\t机的需求，让爱不“滞留”。
\t
I-noise\t切实做到底数清、情况
"""


def test_duplicated_passages_and_noise_are_left_out_of_the_text_and_listed():
    (article,) = articles_of(DUPLICATED)
    text = article.body_text
    assert text.count("让爱不“滞留”") == 1
    assert text.endswith("工会能及时掌握货车司机的需求，让爱不“滞留”。")
    reasons = [(passage.why, passage.lines) for passage in article.noise]
    assert reasons == [("duplicate", (9, 10, 11, 12)), ("noise", (14,))]
    assert article.noise[0].text.startswith("明。”横河工业社区")


def test_lines_and_span_are_kept_as_tagged_and_the_record_has_every_part():
    labelled = labelled_page_from_text(RMRB_PAGE, "p.tsv")
    result = build_articles(labelled.page, labelled.tags, [0.9] * len(labelled.tags))
    first = result.articles[0]
    assert (first.start_line, first.end_line) == (3, 20)
    assert [line.number for line in first.lines] == [n for n in range(3, 21) if labelled.tags[n - 1]]
    record = json.loads(json.dumps(first.to_dict("p.tsv"), ensure_ascii=False))
    for key in ("page", "index", "start_line", "end_line", "title", "confidence", "lines"):
        assert key in record
    for key in ("review", "kicker", "subtitle", "column", "byline", "paragraphs", "captions", "noise"):
        assert key in record
    assert record["lines"][0] == {"n": 3, "text": "守护一方平安——", "role": "kicker"}
    assert record["byline"]["reporters"] == ["王某", "李某"]
    assert record["paragraphs"][0]["start_line"] == 9
    assert record["captions"][0]["credit"] == "本报记者 张三摄"


def test_review_flag_follows_the_threshold():
    labelled = labelled_page_from_text(RMRB_PAGE, "p.tsv")
    confidences = [0.0] * len(labelled.tags)
    confidences[2], confidences[20] = 0.55, 0.95
    result = build_articles(labelled.page, labelled.tags, confidences)
    assert DEFAULT_REVIEW_THRESHOLD == 0.8
    assert [a.review for a in result.articles] == [True, False]
    assert [a.review for a in result.flag_for_review(0.5).articles] == [False, False]
    assert [a.review for a in result.flag_for_review(0.99).articles] == [True, True]


def test_uncertain_lines_are_unsure_starts_and_near_starts():
    labelled = labelled_page_from_text(RMRB_PAGE, "p.tsv")
    starts = [0.0] * len(labelled.tags)
    starts[2], starts[20], starts[14] = 0.6, 0.97, 0.3
    result = build_articles(labelled.page, labelled.tags, starts)
    assert result.uncertain_lines(0.8) == [3, 15]
    assert result.uncertain_lines(0.5) == []


def test_mean_log_probability_is_per_tagged_line():
    labelled = labelled_page_from_text(RMRB_PAGE, "p.tsv")
    result = build_articles(labelled.page, labelled.tags, probability=0.5)
    assert result.mean_log_probability == pytest.approx(math.log(0.5) / len(labelled.page.content_indices))
    assert PageResult(labelled.page, list(labelled.tags), [], probability=0.0).mean_log_probability == -math.inf
    assert build_articles(labelled.page, labelled.tags).mean_log_probability is None


BROKEN_APART = """\
O\t人民日报 2019年2月14日 星期四 第5版
B-title@A\t春运返程高峰到来
I-byline\t本报北京2月13日电 （记者王某）
I-body\t春节假期结束，各地迎来返
I-body\t程高峰，铁路部门加开夜间列车
I-body\t，民航增加航班，公路客运也加
\t
B-title@B\t民警的除夕夜
I-body\t除夕夜，派出所里灯火通明，民
I-body\t警们坚守岗位，守护着万家团圆。
\t
B-body@A\t密了班次，交通运输部门全力保
I-body\t障旅客平安有序出行。
O\t广告
I-body\t记者在北京西站看到，旅客
I-body\t有序进站，秩序井然。
"""
"""Article A, broken apart by OCR: article B comes between its two spans, mid-sentence."""

CUT_PARAGRAPH = (
    "春节假期结束，各地迎来返程高峰，铁路部门加开夜间列车，民航增加航班，公路客运也加密了班次，"
    "交通运输部门全力保障旅客平安有序出行。"
)


def keyed_result(text: str = BROKEN_APART, name: str = "page.tsv") -> PageResult:
    """The page's result with the articles its keys give, and a start confidence on every line."""
    labelled = labelled_page_from_text(text, name)
    confidences = [0.95 if tag.startswith("B-") else 0.01 for tag in labelled.tags]
    return build_articles(labelled.page, labelled.tags, confidences, articles=labelled.articles)


def test_segments_with_one_key_make_one_article_with_a_span_each():
    first, second = keyed_result().articles
    assert (first.index, first.title, first.spans) == (0, "春运返程高峰到来", [(2, 6), (12, 16)])
    assert (first.start_line, first.end_line) == (2, 16)
    assert (second.index, second.title, second.spans) == (1, "民警的除夕夜", [(8, 10)])
    assert [line.number for line in first.lines] == [2, 3, 4, 5, 6, 12, 13, 15, 16]
    assert first.span_confidences == [0.95, 0.95] and first.confidence == 0.95


def test_a_paragraph_cut_where_another_article_comes_between_is_joined_again():
    article = keyed_result().articles[0]
    assert [p.text for p in article.paragraphs] == [CUT_PARAGRAPH, "记者在北京西站看到，旅客有序进站，秩序井然。"]
    assert [p.lines for p in article.paragraphs] == [(4, 5, 6, 12, 13), (15, 16)]
    assert article.byline is not None and article.byline.reporters == ("王某",)


def test_without_keys_every_segment_stays_an_article_of_one_span():
    labelled = labelled_page_from_text(BROKEN_APART, "page.tsv")
    articles = build_articles(labelled.page, labelled.tags).articles
    assert [a.spans for a in articles] == [[(2, 6)], [(8, 10)], [(12, 16)]]
    assert [a.paragraphs[0].lines for a in (articles[0], articles[2])] == [(4, 5, 6), (12, 13)]
    assert [a.spans for a in articles_of(RMRB_PAGE)] == [[(3, 20)], [(21, 26)]]


def test_articles_are_ordered_by_their_first_line_whatever_their_keys():
    labelled = labelled_page_from_text(BROKEN_APART.replace("@A", "@z9").replace("@B", "@a1"), "page.tsv")
    articles = build_articles(labelled.page, labelled.tags, articles=labelled.articles).articles
    assert [(a.index, a.start_line) for a in articles] == [(0, 2), (1, 8)]


def test_back_to_back_segments_of_one_article_are_one_span():
    labelled = labelled_page_from_text("B-title\t标题\nI-body\t正文一。\nB-body\t正文二。\nI-body\t正文三。\n", "p.tsv")
    starts = [0.9, 0.05, 0.9, 0.05]
    result = build_articles(labelled.page, labelled.tags, starts, articles=["1"] * 4)
    (article,) = result.articles
    assert article.spans == [(1, 4)] and article.span_confidences == [0.9]
    assert result.uncertain_lines() == []


def test_a_segment_whose_lines_change_article_is_cut_there():
    labelled = labelled_page_from_text(
        "B-title\t甲标题\nI-body\t甲正文。\n\t\nI-body\t乙正文。\nI-body\t乙续。\n", "p.tsv"
    )
    result = build_articles(labelled.page, labelled.tags, articles=["1", "1", None, "2", "2"])
    assert [article.spans for article in result.articles] == [[(1, 2)], [(4, 5)]]
    assert [line.role for line in result.articles[1].lines] == ["body", "body"]


def test_article_keys_must_fit_the_segments():
    labelled = labelled_page_from_text("B-title\t标题\nI-body\t正文。\nO\t广告\n", "p.tsv")
    with pytest.raises(ValueError, match="2 article keys for 3 lines"):
        build_articles(labelled.page, labelled.tags, articles=["1", "1"])
    with pytest.raises(ValueError, match="line 2 is in an article segment but has no article key"):
        build_articles(labelled.page, labelled.tags, articles=["1", None, None])
    with pytest.raises(ValueError, match="line 3 is in no article segment"):
        build_articles(labelled.page, labelled.tags, articles=["1", "1", "1"])


def test_the_record_lists_the_spans():
    record = json.loads(json.dumps(keyed_result().articles[0].to_dict("page.tsv"), ensure_ascii=False))
    assert record["spans"] == [[2, 6], [12, 16]]
    assert (record["start_line"], record["end_line"]) == (2, 16)
    assert [line["n"] for line in record["lines"]] == [2, 3, 4, 5, 6, 12, 13, 15, 16]
    assert record["paragraphs"][0] == {"text": CUT_PARAGRAPH, "role": "body", "start_line": 4, "end_line": 13}
