"""Lexical features from jieba: word classes, person names, cohesion, continuity and repeats.

These features read the words, not the layout, so they carry over to pages whose layout the
model has not seen:

* the part of speech and length of a line's first and last word, and whether a person name
  (POS ``nr``) occurs;
* lexical cohesion: how much the words of the few lines before a line overlap the words of the
  line and the few after it (TextTiling's signal: a topic shift lowers it);
* sentence continuity: the previous line stops mid-sentence and the two lines join into one
  word across the break;
* repeats: the share of the line's character 4-grams already seen earlier on the page (OCR
  duplicated passages, rewrapped or not).

jieba keeps its dictionary cache in a per-user folder (:func:`jieba_cache_dir`), not in the
shared ``/tmp/jieba.cache`` that a second user of the machine can neither replace nor trust.
"""

from __future__ import annotations

import atexit
import bisect
import logging
import math
import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from newsseg.features.layout import Features, bin_value, char_class, ends_sentence, letters_only


def _import_jieba():
    """jieba, imported without ``pkg_resources`` when nothing has imported that yet.

    jieba reads its dictionary through ``pkg_resources`` when it can, whose import alone costs
    more than a tenth of a second at every start; without it, jieba opens the same files by
    path.  The block is lifted right after, so any later ``import pkg_resources`` works.
    """
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()
jieba.setLogLevel(logging.WARNING)


def jieba_cache_dir() -> Path:
    """A folder of this user's for jieba's dictionary cache, created (mode 0o700) when missing.

    ``$XDG_CACHE_HOME/newsseg``, or ``~/.cache/newsseg``; when that cannot be made or written, or
    belongs to someone else, a private temporary folder removed when the process ends.
    """
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
        folder = root / "newsseg"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
        if info.st_uid == os.getuid() and os.access(folder, os.W_OK | os.X_OK):
            return folder
    except (OSError, RuntimeError, KeyError):
        pass
    private = tempfile.mkdtemp(prefix="newsseg-jieba-")
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    return Path(private)


jieba.dt.tmp_dir = str(jieba_cache_dir())

SIMILARITY_EDGES = (0.005, 0.02, 0.04, 0.07, 0.12, 0.2, 0.35)
SIMILARITY_LABELS = ("0", "<.02", "<.04", "<.07", "<.12", "<.2", "<.35", ".35+")
SHORT_COHESION_WINDOW = 3
BEFORE, AFTER = 0, 1


COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯"
    "纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪"
    "简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎"
    "甄丛仲虞敖巩明佘池查麻苑迟邝"
    "張劉陳楊黃趙吳孫馬鄭謝韓馮鄧蕭葉蘇呂盧鍾譚陸賈韋傅鄒閆龍陶賀顧龔萬錢嚴莊聶魯歐蘭寧紀畢塗駱藍遊靳"
    "蒙鮑喻饒時農車項蘆竇戚黨費衛臧閔鄔邊師欒隋劉鄺"
)
"""Surnames of most Chinese people (simplified and traditional): an unknown two- or three-character
word that starts with one is taken for a person's name, as jieba's POS tagger would tag it."""


@lru_cache(maxsize=1)
def dictionary_tags() -> dict[str, str]:
    """The part-of-speech tag of every word of jieba's dictionary (the third column of its dict.txt)."""
    with jieba.dt.get_dict_file() as dictionary:
        fields = dictionary.read().decode("utf-8").split()
    if len(fields) % 3:
        raise ValueError("jieba's dictionary does not have three columns (word, frequency, tag) on every line")
    return dict(zip(fields[0::3], fields[2::3], strict=True))


def unknown_word_tag(word: str) -> str:
    """A part-of-speech tag for a word that jieba's dictionary does not list (found by its HMM).

    Numbers ``m``, Latin words ``eng``, two- or three-character words that start with a common
    surname ``nr`` (a person's name), other Chinese words of two characters or more ``n``, and
    anything else ``x`` — what jieba's POS tagger gives such words most often.
    """
    classes = {char_class(char) for char in word}
    if classes <= {"digit", "dot"} and "digit" in classes:
        return "m"
    if classes == {"latin"}:
        return "eng"
    if classes == {"cjk"} and len(word) >= 2:
        return "nr" if len(word) <= 3 and word[0] in COMMON_SURNAMES else "n"
    return "x"


@lru_cache(maxsize=65536)
def tagged_words(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's words of a line with their part-of-speech flags, white space left out.

    The words are ``jieba.lcut``'s (its HMM finds words the dictionary lacks, names above all);
    a word's flag is its tag in jieba's dictionary, or :func:`unknown_word_tag`'s guess.  This
    is eight times cheaper than jieba's POS tagger (``jieba.posseg``), whose HMM re-reads every
    unknown stretch of characters, and carries the same information for the features here.
    """
    tags = dictionary_tags()
    return tuple((word, tags.get(word) or unknown_word_tag(word)) for word in jieba.lcut(text.strip()) if word.strip())


def content_words(tagged: Sequence[tuple[str, str]]) -> list[str]:
    """Words that carry topic: two characters or more, nouns, verbs, adjectives, names, numbers+units."""
    return [w for w, flag in tagged if len(w) >= 2 and flag[:1] in ("n", "v", "a", "j", "l", "i", "e", "t", "s")]


@lru_cache(maxsize=65536)
def joins_into_word(tail: str, head: str) -> bool:
    """Whether jieba's dictionary makes a word that spans the break between ``tail`` and ``head``."""
    if not tail or not head:
        return False
    joined = tail + head
    position = 0
    for word in jieba.lcut(joined, HMM=False):
        start, position = position, position + len(word)
        if start < len(tail) < position and len(word) >= 2:
            return True
    return False


def continuity(previous: str | None, current: str) -> str:
    """How a line continues the previous one: first, after_sentence_end, joins_word, after_comma, open."""
    if previous is None:
        return "first"
    if ends_sentence(previous):
        return "after_sentence_end"
    tail = previous.strip()
    head = current.strip()
    if tail and char_class(tail[-1]) in ("comma", "colon"):
        return "after_comma"
    if tail and char_class(tail[-1]) == "cjk" and head and char_class(head[0]) == "cjk":
        return "joins_word" if joins_into_word(tail[-3:], head[:3]) else "open_no_join"
    if head and char_class(head[0]) in ("comma", "final", "close"):
        return "starts_with_punct"
    return "open"


def cosine(a: Counter, b: Counter) -> float:
    """Cosine similarity of two bags of words (0 when either is empty)."""
    if not a or not b:
        return 0.0
    dot = sum(count * b[word] for word, count in a.items() if word in b)
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def bags_around(bags: Sequence[Counter], start: int, end: int, window: int) -> tuple[Counter, Counter]:
    """The pooled bags of the ``window`` lines before ``start`` and of the ``window`` lines from ``end``."""
    before: Counter = Counter()
    after: Counter = Counter()
    for bag in bags[max(0, start - window) : start]:
        before.update(bag)
    for bag in bags[end : end + window]:
        after.update(bag)
    return before, after


def cohesion_scores(bags: Sequence[Counter], window: int) -> list[float]:
    """For each line i, the cosine similarity of lines [i-window, i) to lines [i, i+window).

    The two pooled bags slide down the page: each step moves one line from the window after to
    the window before, and one line in and out at the edges, updating the counts, their sums of
    squares and their dot product in place, so a page costs time linear in its words.  Counts
    are integers, so every score is exactly what pooling the windows afresh would give.
    """
    n_lines = len(bags)
    if window <= 0:
        return [0.0] * n_lines
    # The window before line i is side BEFORE, the window from line i on is side AFTER.
    window_counts: tuple[dict[str, int], dict[str, int]] = ({}, {})
    squares = [0, 0]
    dot = 0

    def move(side: int, bag: Counter, sign: int) -> None:
        nonlocal dot
        counts, other = window_counts[side], window_counts[1 - side]
        for word, count in bag.items():
            old = counts.get(word, 0)
            new = old + sign * count
            squares[side] += new * new - old * old
            dot += sign * count * other.get(word, 0)
            if new:
                counts[word] = new
            else:
                del counts[word]

    for bag in bags[:window]:
        move(AFTER, bag, 1)
    scores = []
    for i in range(n_lines):
        scores.append(dot / math.sqrt(squares[BEFORE] * squares[AFTER]) if dot else 0.0)
        move(AFTER, bags[i], -1)
        move(BEFORE, bags[i], 1)
        if i + window < n_lines:
            move(AFTER, bags[i + window], 1)
        if i - window >= 0:
            move(BEFORE, bags[i - window], -1)
    return scores


def cohesion_ranks(scores: Sequence[float], continuities: Sequence[str]) -> list[float | None]:
    """For lines that follow a sentence end, the share of such lines on the page with lower cohesion.

    A page-relative score: the few least cohesive paragraph starts of a page are where topics
    change, whatever the page's vocabulary.  Other lines get None.
    """
    candidates = [i for i, kind in enumerate(continuities) if kind == "after_sentence_end"]
    ordered = sorted(scores[i] for i in candidates)
    ranks: list[float | None] = [None] * len(scores)
    for i in candidates:
        ranks[i] = bisect.bisect_left(ordered, scores[i]) / len(ordered)
    return ranks


BLOCK_WINDOW = 20
"""Lines compared on each side of a headline block."""


def block_cohesion_features(
    texts: Sequence[str], blocks: Sequence[tuple[int, int]], bigram_bags: Sequence[Counter] | None = None
) -> dict[int, Features]:
    """Cohesion across each headline block: the text before it against the text after it.

    A subhead sits inside one article, so the body before and after it shares words; a title
    starts a new article, so they do not.  Comparing across the whole block (headline and
    byline lines skipped) keeps the headline's own words out of the comparison.

    Parameters
    ----------
    texts : sequence of str
        The non-blank lines.
    blocks : sequence of (start, end)
        Headline blocks from :func:`newsseg.features.structure.headline_blocks`.
    bigram_bags : sequence of Counter, optional
        :func:`char_bigrams` of each line, if already computed.

    Returns
    -------
    dict
        For the first line of each block: ``block_cohesion`` (binned similarity) and
        ``block_cohesion_rank`` (its rank among the page's blocks, lowest first).
    """
    bags = [char_bigrams(t) for t in texts] if bigram_bags is None else bigram_bags
    scores = {}
    for start, end in blocks:
        before, after = bags_around(bags, start, end, BLOCK_WINDOW)
        scores[start] = cosine(before, after) if before and after else None
    known = sorted(v for v in scores.values() if v is not None)
    result: dict[int, Features] = {}
    for start, score in scores.items():
        if score is None:
            result[start] = {"block_cohesion": "edge"}
            continue
        rank = bisect.bisect_left(known, score) / len(known)
        result[start] = {
            "block_cohesion": bin_value(score, SIMILARITY_EDGES, SIMILARITY_LABELS),
            "block_cohesion_rank": bin_value(rank, (0.2, 0.4, 0.6, 0.8), ("<.2", "<.4", "<.6", "<.8", ".8+")),
        }
    return result


def char_bigrams(text: str) -> Counter:
    """Counts of adjacent character pairs of a line's letters."""
    letters = letters_only(text)
    return Counter(letters[i : i + 2] for i in range(len(letters) - 1))


def repeat_shares(texts: Sequence[str], n: int = 4) -> list[float | None]:
    """For each line, the share of its character n-grams that occur earlier on the page.

    A line too short for one n-gram gets None.  Earlier text is joined across line breaks, so a
    duplicated passage is found even when OCR wrapped it differently.
    """
    seen: set[str] = set()
    stream = ""
    shares: list[float | None] = []
    for text in texts:
        letters = letters_only(text)
        grams = {letters[i : i + n] for i in range(len(letters) - n + 1)}
        shares.append(sum(1 for g in grams if g in seen) / len(grams) if grams else None)
        joined = stream[-(n - 1) :] + letters
        seen.update(joined[i : i + n] for i in range(len(joined) - n + 1))
        stream = joined
    return shares


def lexical_features(
    texts: Sequence[str],
    cohesion_window: int = 4,
    with_words: bool = False,
    bigram_bags: Sequence[Counter] | None = None,
) -> list[Features]:
    """Lexical features of the non-blank lines of a page.

    Parameters
    ----------
    texts : sequence of str
        The non-blank lines, in order.
    cohesion_window : int
        How many lines on each side the cohesion score compares.
    with_words : bool
        Add the first and last words themselves (memorises vocabulary; off by default).
    bigram_bags : sequence of Counter, optional
        :func:`char_bigrams` of each line, if already computed.

    Returns
    -------
    list of dict
        One feature dict per line.
    """
    tagged = [tagged_words(text) for text in texts]
    word_bags = [Counter(content_words(t)) for t in tagged]
    if bigram_bags is None:
        bigram_bags = [char_bigrams(t) for t in texts]
    word_cohesion = cohesion_scores(word_bags, cohesion_window)
    bigram_cohesion = cohesion_scores(bigram_bags, cohesion_window)
    near_cohesion = cohesion_scores(bigram_bags, min(SHORT_COHESION_WINDOW, cohesion_window))
    repeats = repeat_shares(texts)
    continuities = [continuity(texts[i - 1] if i else None, texts[i]) for i in range(len(texts))]
    ranks = cohesion_ranks(bigram_cohesion, continuities)
    result: list[Features] = []
    for i, words in enumerate(tagged):
        features: Features = {}
        if words:
            first_word, first_flag = words[0]
            last_word, last_flag = words[-1]
            features["first_pos"] = first_flag[:2]
            features["last_pos"] = last_flag[:2]
            features["first_word_len"] = bin_value(len(first_word), (2, 3, 4), ("1", "2", "3", "4+"))
            features["last_word_len"] = bin_value(len(last_word), (2, 3, 4), ("1", "2", "3", "4+"))
            if with_words:
                features["first_word"] = first_word
                features["last_word"] = last_word
        features["words"] = bin_value(len(words), (2, 4, 7, 10), ("0-1", "2-3", "4-6", "7-9", "10+"))
        if any(flag.startswith("nr") for _, flag in words):
            features["person_name"] = 1.0
        if any(flag.startswith("ns") for _, flag in words):
            features["place_name"] = 1.0
        verbs = sum(1 for _, flag in words if flag.startswith("v"))
        features["verbs"] = bin_value(verbs, (1, 2), ("0", "1", "2+"))
        features["continuity"] = continuities[i]
        features["cohesion_words"] = bin_value(word_cohesion[i], SIMILARITY_EDGES, SIMILARITY_LABELS)
        features["cohesion_chars"] = bin_value(bigram_cohesion[i], SIMILARITY_EDGES, SIMILARITY_LABELS)
        features["cohesion_near"] = bin_value(near_cohesion[i], SIMILARITY_EDGES, SIMILARITY_LABELS)
        features["break"] = f"{continuities[i]}|{features['cohesion_chars']}"
        if ranks[i] is not None:
            features["break_rank"] = bin_value(ranks[i], (0.05, 0.1, 0.2, 0.4), ("<.05", "<.1", "<.2", "<.4", ".4+"))
        neighbours = [bigram_cohesion[j] for j in (i - 2, i - 1, i + 1, i + 2) if 0 < j < len(texts)]
        if i and neighbours and bigram_cohesion[i] < min(neighbours):
            features["cohesion_dip"] = 1.0
        share = repeats[i]
        features["repeat"] = (
            "short" if share is None else bin_value(share, (0.001, 0.5, 0.999), ("0", "<.5", "<1", "1"))
        )
        result.append(features)
    return result
