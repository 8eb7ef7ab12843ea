"""Word lists and character tables the page synthesiser draws from, as data in one place.

Newspaper conventions shared with the features (news agencies, column labels, paper names) live in
:mod:`newsseg.features.cues` and are imported from there; this module holds only what synthesis
alone needs: names and places to fill bylines, page furniture, caption and credit wording, and
the look-alike characters, stray Latin tokens and frame debris that OCR produces.
"""

from __future__ import annotations

from newsseg.features.cues import PAPER_NAMES

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
"""Common Chinese surnames, one character each."""

GIVEN_NAME_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯晨晓欣雪梅琳峰飞鑫波宁亮新志海林云岩"
    "俊丹健佳颖倩婷慧博彬然阳晶蕾翔昊瑞祥龙荣昌茂春晖思远嘉怡琪宏泽清松永德光明哲楠婉璐曦雯斐琦珊"
)
"""Characters that make up given names."""

COUNTIES = (
    "椒江区", "北仑区", "鄞州区", "余杭区", "萧山区", "东阳市", "义乌市", "建德市", "安吉县", "德清县", "长兴县",
    "桐乡市", "海宁市", "诸暨市", "嵊州市", "乐清市", "瑞安市", "临海市", "温岭市", "江山市", "龙泉市", "淳安县",
)  # fmt: skip
"""Counties and districts for regional bylines and units."""

UNITS = (
    "省委党校", "省社科院", "浙江大学", "浙江工业大学", "宁波大学", "中国社会科学院", "中央党校（国家行政学院）",
    "北京大学", "清华大学", "中国人民大学", "国务院发展研究中心", "省总工会", "市总工会", "区总工会",
    "省委宣传部", "市人力社保局", "省劳动模范协会", "市职工服务中心", "县总工会", "街道工会联合会",
)  # fmt: skip
"""Institutions named in author lines and 通讯员 credits."""

ZJGRRB_PAPERS = tuple(
    name for name in PAPER_NAMES if name.endswith("工人日报") for _ in range(3 if name.startswith("浙江") else 1)
)
"""Mastheads of zjgrrb-style pages (the workers' dailies of the paper list), 浙江工人日报 weighted three times."""

SECTION_NAMES = (
    "要闻", "评论", "理论", "经济", "政治", "社会", "文化", "国际", "副刊", "生态", "体育", "科技", "教育", "法治",
    "视点", "民生", "综合", "地方", "新闻", "工会新闻", "职工生活", "劳动保障", "时事", "专版", "观察",
)  # fmt: skip
"""Page sections printed in the page header."""

EDITOR_ROLES = ("本版责编", "责任编辑", "本版编辑", "版式设计", "美编", "校对")
"""Editors' credits of the page header or footer (``本版责编：X Y``)."""

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

CAPTION_OPENINGS = ("图为", "图为", "图为", "上图：", "下图：", "图①：", "")
"""How a photo caption starts; an empty opening prints the described scene directly."""

SUBHEAD_LABELS = ("核心阅读", "记者手记", "■记者手记", "延伸阅读", "相关链接", "背景", "编者按")
"""Stand-alone in-article headings."""

NUMERAL_HEADS = ("一、", "二、", "三、", "四、", "五、", "六、")

SIMILAR_CHARACTER_GROUPS = (
    "己已巳", "未末", "人入八", "大太犬", "日曰", "目自", "土士", "天夭", "乌鸟", "准淮", "拨拔", "侯候", "戊戌戍",
    "析柝", "汩汨", "贝见", "刺剌", "免兔", "旱早", "干千于", "体休", "问间", "径经", "绪诸", "狠狼", "话活", "很恨",
    "历厉", "洒酒", "晴睛", "券卷", "崇祟", "徽微", "峰锋", "仑仓", "苦若", "辨辩", "牛午", "毫亳", "撤撒",
    "情倩", "暖暧", "幕暮", "喝渴", "峻竣", "拆折", "使便", "侍待", "洽治", "状壮", "刀力", "方万", "王玉", "主王",
    "止正", "白自", "由田", "甲申", "工士", "今令", "会合", "旅族", "师帅", "平乎", "遏遇", "激油", "飘肚", "挚榴",
    "垒勿", "着首", "党堂", "哪哆", "谭到", "扬球", "怕伯", "缨缕", "蓝篮", "输轮", "清请", "员贝", "环坏", "持特",
    "该谈", "坚竖", "货贷", "则财", "营宫", "观现", "设没", "场扬", "钱线", "织识", "银根",
)  # fmt: skip
"""Characters OCR confuses with each other (each group: characters that look alike)."""

DIGIT_CONFUSIONS = {"1": "]l|", "0": "O〇o", "5": "s", "8": "B", "2": "z"}
"""Digits and what OCR sometimes reads instead."""

STRAY_LATIN = ("ee", "e", "Na", "JE", "s", "x", "a", "i", "ll", "he", "re", "ae", "oe", "ne", "Ss", "Ji", "ft", "we")
"""Latin tokens OCR makes of specks, rules and photo edges."""

FRAME_DEBRIS = (
    "|", "| |", "|  |", "||", "一一一一", "一一一一一一一一", "一 一", "_", "__", "丨", "「", "」", "「 |", "=", "- -",
    "TT", "L", "]", "口", "〓", "*", "一",
)  # fmt: skip
"""Lines OCR reads off rules, box frames and photo borders."""

LABEL_JUNK = ("|", "[", "<|", "、", "。", "G)", "ES", "ss", "66", "中", "三", "女", "口")
"""What OCR adds to what it reads of a white-on-black column label."""


JUNK_TOKENS = ("Na", "1", "O", "O", "ee", "人", "yo", "i", "3", "e", "oO", "a", "年", "了", "的", "s")
"""What OCR makes of a body line it cannot read (the line still belongs to the article; no frame debris).

As on the shared OCR pages (mostly ``O``, a few letters or digits): never a lone punctuation mark,
which OCR does not read at all."""

OCR_PUNCTUATION = {
    "：": ":",
    "；": ";",
    "？": "?",
    "！": "!",
    "（": "(",
    "）": ")",
    "—": "一",
    "·": ".",
}
"""How tesseract (chi_sim) prints full-width punctuation on typical pages: ``：`` as ``:``, ``—`` as ``一``."""

ASCII_PUNCTUATION = {"，": ",", "：": ":", "；": ";", "？": "?", "！": "!", "（": "(", "）": ")"}
"""Full-width punctuation an OCR engine may print as ASCII (commas too), as on the real 浙江工人日报 page."""

PAREN_CONFUSIONS = {"（": "〈人(", "）": ")"}
"""What OCR makes of full-width brackets besides ASCII ones."""
