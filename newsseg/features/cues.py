"""Conventions of Chinese newspapers, as data and regular expressions.

Bylines, datelines, photo credits, column labels, captions and page furniture are recognised
here and only here: the line features and the article parser both use these patterns, so a new
paper's conventions are added in one place.

Every pattern is written to survive OCR: ASCII or full-width punctuation and brackets, spaces
between characters, and a dateline that breaks over two lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable

CJK = r"\u3400-\u9fff\uf900-\ufaff"
"""Character ranges of Chinese characters (CJK unified ideographs and compatibility)."""

NEWS_AGENCIES: tuple[str, ...] = (
    "新华社",
    "中新社",
    "中新网",
    "人民网",
    "新华网",
    "央视网",
    "央视新闻",
    "光明网",
    "环球网",
    "中国新闻网",
    "法新社",
    "路透社",
    "美联社",
    "塔斯社",
    "共同社",
)
"""Agencies and outlets that appear at the head of a dateline or as a credit."""

COLUMN_LABELS: tuple[str, ...] = (
    "理论天地",
    "一线传真",
    "人民时评",
    "人民论坛",
    "今日谈",
    "新春走基层",
    "第一落点",
    "评论员观察",
    "思想纵横",
    "来信调查",
    "观点",
    "短评",
    "时评",
    "编者按",
    "新闻眼",
    "图片报道",
    "图说新闻",
    "经济聚焦",
    "纵横",
    "关注",
    "声音",
    "现场",
    "特写",
    "深读",
    "走基层",
    "民生视线",
    "调查研究",
    "综合消息",
    "读者来信",
    "聚焦",
    "专题",
    "快评",
    "论苑",
    "随笔",
    "副刊",
)
"""Common column (栏目) labels; the shape features catch the many not listed."""

PAPER_NAMES: tuple[str, ...] = (
    "人民日报",
    "浙江工人日报",
    "工人日报",
    "光明日报",
    "经济日报",
    "解放日报",
    "南方日报",
    "北京日报",
    "浙江日报",
    "新华每日电讯",
    # Papers of the Republican era (only names no modern sentence contains: not 申报, 时报, 晨报).
    "晶报",
    "大公报",
    "民国日报",
    "益世报",
    "中央日报",
    "时事新报",
)

_DIGITS = r"0-9０-９一二三四五六七八九十〇零两"
_SP = r"[\s\u3000]*"
_OPEN = r"[（(]"
_CLOSE = r"[）)]"

MONTH_DAY = rf"[{_DIGITS}]{{1,3}}{_SP}月{_SP}[{_DIGITS}]{{1,3}}{_SP}日"

DATELINE = re.compile(
    rf"^{_SP}(?:(?:据)?(?:本报|{'|'.join(NEWS_AGENCIES)})[{CJK}·]{{0,12}}?{_SP}{MONTH_DAY}{_SP}(?:电|讯|报道)?"
    rf"|[{CJK}]{{2,10}}{MONTH_DAY}{_SP}(?:电|讯))"
)
"""A dateline at the start of a line: 本报北京5月3日电, 新华社北京1月31日电, 据新华社..., X地X月X日电."""

DATELINE_HEAD = re.compile(
    rf"^{_SP}(?:据)?(?:本报|{'|'.join(NEWS_AGENCIES)})[{CJK}]{{1,12}}(?:[{_DIGITS}]{{1,2}}{_SP}月?)?{_SP}$"
)
"""The first half of a dateline broken over two lines: 本报杭州 / 新华社北京1."""

BENBAO_XUN = re.compile(rf"^{_SP}(?:本报讯|本刊讯|{_OPEN}?(?:记者|通讯员)[{CJK}\s、]{{2,12}}{_CLOSE}?\s*讯)")
"""本报讯 (the in-house news-flash byline)."""

STAFF_BYLINE = re.compile(
    rf"^{_SP}(?:本报|本刊)?(?:特约)?(?:记者|通讯员|评论员|特派记者|驻[{CJK}]{{1,6}}记者)"
    rf"{_SP}[{CJK}][{CJK}\s\u3000、]{{0,20}}$"
)
"""本报记者 韩 伟 / 本报评论员 / 记者张三 李四 — a whole line of reporters' names."""

REPORTER = re.compile(rf"(?:记者|通讯员|特约撰稿|实习生){_SP}[{CJK}]")
"""记者/通讯员 followed by a name anywhere in a line."""

REPORTED_BY = re.compile(rf"[{CJK}]{{2,4}}{_SP}(?:报道|采写|整理|撰文)$")
"""...张浩呈报道 at the end of a line."""

PAREN_REPORTER = re.compile(rf"{_OPEN}{_SP}(?:记者|通讯员|特约记者){_SP}[{CJK}]")
"""（记者杜一菲） inside a dateline."""

PHOTO_CREDIT = re.compile(
    rf"(?:摄影?{_SP}$|摄{_SP}{_OPEN}[^）)]*{_CLOSE}{_SP}$|摄影报道|供图|图/|图／|{_OPEN}资料图片{_CLOSE}|{_OPEN}人民视觉{_CLOSE}|视觉中国)"
)
"""Photo credits: 记者X 摄, 摄影报道, 供图, （资料图片）, （人民视觉）."""

CAPTION_START = re.compile(rf"^{_SP}(?:图为|上图|下图|左图|右图|图①|图②|图③|图片|题图|[①②③④⑤⑥⑦⑧⑨]{_SP}[{CJK}])")
"""Caption openings: 图为..., 上图: ..., ①..."""

AUTHOR_CUE = re.compile(rf"^{_SP}(?:作者|文/|文／|文\s*图|图\s*文|撰文|口述|整理)")
"""作者: / 文/ / 文图 at the start of a line."""

SUBHEAD_NUMBERING = re.compile(
    rf"^{_SP}(?:[一二三四五六七八九十]{{1,3}}[、．.]|{_OPEN}[一二三四五六七八九十]{{1,3}}{_CLOSE}|第[一二三四五六七八九十]{{1,3}}[，,、]|[0-9]{{1,2}}[、．.](?![0-9]))"
)
"""一、 / （一） / 1. numbering at the start of a line."""

SUBHEAD_WORDS = re.compile(
    r"^[\s\u3000]*(?:核心阅读|编者按|记者手记|短评|延伸阅读|相关链接|链接|背景|新闻链接|数说|观察)"
)

PAGE_NUMBER = re.compile(rf"第{_SP}[{_DIGITS}]{{1,3}}{_SP}版|[A-Z]?[0-9]{{1,2}}{_SP}版\b|版面")
WEEKDAY_DATE = re.compile(
    rf"(?:[0-9０-９]{{4}}{_SP}年{_SP}[0-9０-９]{{1,2}}{_SP}月{_SP}[0-9０-９]{{1,2}}{_SP}日)|星期[一二三四五六日天]|周[一二三四五六日]\b"
    rf"|民国{_SP}[{_DIGITS}廿卅]{{1,4}}{_SP}年|[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年{_SP}[正{_DIGITS}廿]{{1,3}}{_SP}月"
)
"""Dates of a page header: 2019年5月3日, 星期五, and the Republican era's 民国九年 and lunar 庚申年二月."""
EDITOR_CREDIT = re.compile(r"责编|责任编辑|本版编辑|版式设计|美编|校对|制图|本版责编|邮箱|电话[:：]|传真[:：]")
PAPER_NAME = re.compile("|".join(map(re.escape, PAPER_NAMES)))

COLUMN_LABEL = re.compile("|".join(map(re.escape, sorted(COLUMN_LABELS, key=len, reverse=True))))
LABEL_SHAPE = re.compile(rf"^[{CJK}0-9]{{2,10}}(?:[·•・][{CJK}0-9①-⑳]{{2,12}}){{1,3}}[①-⑳]?$")
"""Column-label shape: 小康路上·绿色力量·关注生态补偿①."""
BRACKETED_NAME = re.compile(rf"^{_SP}{_OPEN}{_SP}[{CJK}]{{1,6}}(?:[\s\u3000·]+[{CJK}]{{1,6}})?{_SP}{_CLOSE}{_SP}$")
"""A line that is only a name in brackets: the author under a title in papers of the Republican era, （丹翁）."""
ADVERT = re.compile(r"招登|广[告吿]|价目|面议")
"""Advertising space and its rates (广告 / 招登 / 价格面议), page furniture in many papers."""
ENUMERATION_COMMAS_ONLY = re.compile(r"^[^，,。；;：:！!？?．]*、[^，,。；;：:！!？?．]*$")
"""A line punctuated with 、 alone, as classical-style text of the Republican era is (、 for every pause)."""
TITLE_COLUMN_SUFFIX = re.compile(rf"{_OPEN}[{CJK}·•・①-⑳0-9]{{2,20}}{_CLOSE}\s*$")
"""A column label in brackets at the end of a title: …（人民时评）."""

LEADING_DASH = re.compile(r"^[\s\u3000]*(?:——|--|一一|－－|—|─)")
TRAILING_DASH = re.compile(r"(?:——|--|一一|－－|—|─)[\s\u3000]*$")

CueTest = Callable[[str], bool]


def _search(pattern: re.Pattern[str]) -> CueTest:
    return lambda text: pattern.search(text) is not None


def _matches_label(text: str) -> bool:
    compact = re.sub(r"[\s\u3000]", "", text)
    if not compact or len(compact) > 24:
        return False
    found = COLUMN_LABEL.search(compact)
    return (found is not None and len(compact) <= len(found.group()) + 6) or LABEL_SHAPE.match(compact) is not None


CUES: dict[str, CueTest] = {
    "dateline": _search(DATELINE),
    "dateline_head": _search(DATELINE_HEAD),
    "benbao_xun": _search(BENBAO_XUN),
    "staff_byline": _search(STAFF_BYLINE),
    "reporter": _search(REPORTER),
    "reported_by": _search(REPORTED_BY),
    "paren_reporter": _search(PAREN_REPORTER),
    "agency": lambda text: any(agency in text for agency in NEWS_AGENCIES),
    "photo_credit": _search(PHOTO_CREDIT),
    "caption_start": _search(CAPTION_START),
    "author_cue": _search(AUTHOR_CUE),
    "subhead_numbering": _search(SUBHEAD_NUMBERING),
    "subhead_word": _search(SUBHEAD_WORDS),
    "page_number": _search(PAGE_NUMBER),
    "calendar_date": _search(WEEKDAY_DATE),
    "editor_credit": _search(EDITOR_CREDIT),
    "paper_name": _search(PAPER_NAME),
    "column_label": _matches_label,
    "title_column_suffix": _search(TITLE_COLUMN_SUFFIX),
    "bracketed_name": _search(BRACKETED_NAME),
    "advert": _search(ADVERT),
    "enumeration_commas_only": _search(ENUMERATION_COMMAS_ONLY),
    "leading_dash": _search(LEADING_DASH),
    "trailing_dash": _search(TRAILING_DASH),
}
"""Named tests of one line's text; each name becomes a feature ``cue:NAME``."""

BYLINE_CUES = frozenset({"dateline", "benbao_xun", "staff_byline", "reported_by", "paren_reporter", "bracketed_name"})
"""Cues that mark a line as a byline or dateline."""

FURNITURE_CUES = frozenset({"page_number", "calendar_date", "editor_credit", "paper_name"})
"""Cues of page furniture (header, footer, editors' credits)."""


def line_cues(text: str) -> frozenset[str]:
    """The names of the cues found in one line of text."""
    return frozenset(name for name, test in CUES.items() if test(text))


# -- The parts of bylines, datelines and credits, for newsseg.articles.bylines (article structure) --------

AGENCY_ALTERNATION = "|".join(sorted(NEWS_AGENCIES, key=len, reverse=True))
OPENING_BRACKETS = "（(〈<【["
CLOSING_BRACKETS = "）)〉>】]"
"""Brackets OCR gives around a dateline's credits: （记者 X）, (记者 X), 〈记者 X〉 ..."""
_BYLINE_OPEN = f"[{re.escape(OPENING_BRACKETS)}]"
_BYLINE_CLOSE = f"[{re.escape(CLOSING_BRACKETS)}]"

DATELINE_PARTS = re.compile(
    rf"^{_SP}(?P<according>据)?{_SP}(?P<source>本报|本刊|{AGENCY_ALTERNATION})"
    rf"(?P<place>[{CJK}·]{{0,12}}?){_SP}(?P<date>{MONTH_DAY}){_SP}(?P<suffix>电|讯)?"
)
"""A dateline's parts: 据 / source (本报, 新华社 …) / place / month and day / 电: 本报杭州5月3日电."""

NEWS_FLASH = re.compile(
    rf"^{_SP}(?P<according>据)?{_SP}(?P<source>本报|本刊|{AGENCY_ALTERNATION}){_SP}(?P<suffix>讯|电)"
)
"""A source with no place or date: 本报讯, 本刊讯, 本报电, 新华社电."""

CREDIT_ROLE = re.compile(
    rf"(?:本报|本刊|{AGENCY_ALTERNATION})?(?:驻[{CJK}]{{1,6}}?)?(?:特约|特派|见习|实习|首席)?"
    rf"(?:摄影记者|记者|通讯员|评论员)|实习生|摄影[:：]?|作者[:：]?|文[/／]|撰文[:：]?"
)
"""A credit's role word: 记者, 本报记者, 新华社记者, 特约通讯员, 摄影, 作者: …"""

CREDIT_FIELDS: tuple[tuple[str, str], ...] = (
    ("摄影", "photographers"),
    ("通讯员", "correspondents"),
    ("评论员", "authors"),
    ("作者", "authors"),
    ("撰文", "authors"),
    ("文", "authors"),
    ("记者", "reporters"),
    ("实习生", "reporters"),
)
"""Which byline field the names after a role word go to: the first pair whose word the role holds."""

COLLECTIVE_AUTHORS = re.compile(rf"^{_SP}(?:本报|本刊|{AGENCY_ALTERNATION})?(?:特约)?评论员{_SP}$")
"""A byline that names no person: 本报评论员, 新华社评论员 (the author is the paper's commentator)."""

CREDIT_END = re.compile(rf"{_SP}(?:摄影报道|报道|采写|整理|撰文|摄影|摄)")
"""The word that closes a credit: …张浩呈报道, …李四摄 (use with ``match(text, position)``)."""

PHOTO_CREDIT_END = re.compile(
    rf"(?:^|(?<=[\s\u3000。！？!?”）)]))(?P<credit>(?P<names>[{CJK}][{CJK}\s\u3000、·]{{0,20}}?){_SP}"
    rf"(?:摄影报道|摄影|摄|[/／]摄|供图)(?:{_SP}{_BYLINE_OPEN}[^）)〉]{{1,12}}{_BYLINE_CLOSE})?"
    rf"|{_BYLINE_OPEN}(?:资料图片|人民视觉|影像中国|视觉中国){_BYLINE_CLOSE}){_SP}$"
)
"""A photo credit at the end of a caption: …。 新华社记者 萧斌欣摄, 曹怡磊摄（人民视觉）, （资料图片）."""

PERSON_NAME = re.compile(rf"[{CJK}](?:[\s\u3000]{{0,2}}[{CJK}·•・]){{1,9}}")
"""A person's name: 2 to 10 characters (a two-character name is often spaced out: 杜  勇)."""

AUTHOR_LINE = re.compile(
    rf"^{_SP}(?:(?P<affiliation>[^\s\u3000].{{1,60}}?)[\s\u3000]+)?(?P<name>[{CJK}](?:[\s\u3000]{{0,2}}[{CJK}]){{1,3}}){_SP}$"
)
"""A commentary's author line: 姓名, or 单位 姓名 (省委党校…进修三班 朱剑梁)."""

INSTITUTIONS: tuple[str, ...] = (
    "党校",
    "大学",
    "学院",
    "研究院",
    "研究所",
    "研究中心",
    "研究会",
    "委员会",
    "协会",
    "学会",
    "公司",
    "集团",
    "医院",
    "中学",
    "小学",
    "工会",
    "教研室",
    "办公室",
    "编辑部",
)
"""Words an author's affiliation ends with (宁波大学 冯倩珊); a numbered class (进修三班) is one too."""
AFFILIATED_AUTHOR = re.compile(
    rf"^{_SP}[{CJK}][^\s\u3000]{{1,60}}?(?:{'|'.join(INSTITUTIONS)}|[一二三四五六七八九十0-9]{{1,3}}班)"
    rf"[\s\u3000]+[{CJK}](?:[\s\u3000]{{0,2}}[{CJK}]){{1,3}}{_SP}$"
)
"""An author line whose affiliation names an institution: 省委党校…进修三班 朱剑梁, never a title."""
