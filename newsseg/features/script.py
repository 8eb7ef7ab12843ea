"""Traditional characters read as simplified ones, for the features that read words.

jieba's dictionary and newsseg's cue lists are simplified Chinese.  On a traditional page
(Republican-era papers, Hong Kong and Taiwan papers) nearly every word is unknown to jieba,
whose HMM then guesses words character by character: the words are poor and the page is
several times slower to tag.  :func:`to_simplified` maps each traditional character to its
simplified form with OpenCC's character table (``opencc/TSCharacters.txt``, Apache-2.0), the
character step of OpenCC's ``t2s`` conversion, in one :meth:`str.translate`, one character for
one, so positions in a line stay where they are.  Only features see the result; every output
keeps the page's own text.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

TABLE_FILE = "TSCharacters.txt"


@lru_cache(maxsize=1)
def simplified_table() -> dict[int, str]:
    """The :meth:`str.translate` table of every traditional character OpenCC's table converts.

    Raises
    ------
    ValueError
        If a line of the table is not ``CHARACTER<TAB>FORM [FORM ...]``.
    """
    text = resources.files("newsseg.features").joinpath("opencc", TABLE_FILE).read_text(encoding="utf-8")
    table: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        source, _, forms = line.partition("\t")
        first = forms.split(" ")[0]
        if len(source) != 1 or not first:
            raise ValueError(f"{TABLE_FILE} line {number} is not a character, a tab and its simplified forms")
        if first != source:
            table[ord(source)] = first
    return table


def to_simplified(text: str) -> str:
    """``text`` with every traditional character replaced by its simplified form (others kept).

    Examples
    --------
    >>> to_simplified("本報訊 記者張三報道")
    '本报讯 记者张三报道'
    """
    return text.translate(simplified_table())
