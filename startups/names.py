"""How two names of a company are compared: the keys the resolver and the duplicates report
match on, in English and in Chinese.

"Beijing Moonshot Technology Co., Ltd.", "MOONSHOT" and "北京月之暗面科技有限公司" are written
differently for the same company. A name's keys drop what does not tell companies apart:

- `exact_key`: NFKC (full-width letters, digits and brackets as ASCII), case folded,
  punctuation and spaces removed, then corporate suffixes dropped from the end, repeatedly
  (有限公司, 股份有限公司, 集团, 科技, Co., Ltd., Inc., Group, Holdings, Technology...);
- `loose_key`: the exact key, also without a city or country at the start or in brackets
  (北京, 上海, (中国), Beijing, Shanghai...) and without a trailing "AI" or 智能.

The resolver matches exact keys first and loose keys only when no exact key matches, so
"Beijing AI Fund" still finds the Beijing fund, not the Shanghai one. A key is never empty: a
name that is nothing but a suffix or a city ("Nanjing") keeps the form before the last cut.
"""

import functools
import re
import unicodedata

# Longest first: "股份有限公司" before "有限公司".
CHINESE_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "控股集团",
    "集团",
    "控股",
    "公司",
    "科技",
    "技术",
)
# Compared as whole words at the end, after punctuation became spaces ("co., ltd." → "co ltd").
ENGLISH_SUFFIXES = (
    "company limited",
    "co ltd",
    "co limited",
    "limited",
    "ltd",
    "incorporated",
    "inc",
    "corporation",
    "corp",
    "llc",
    "plc",
    "co",
    "company",
    "group",
    "holdings",
    "holding",
    "technologies",
    "technology",
    "tech",
)
PLACES_ZH = (
    "中国",
    "北京市",
    "北京",
    "上海市",
    "上海",
    "深圳市",
    "深圳",
    "杭州市",
    "杭州",
    "广州市",
    "广州",
    "南京市",
    "南京",
    "苏州市",
    "苏州",
    "成都市",
    "成都",
    "武汉市",
    "武汉",
    "天津市",
    "天津",
    "香港",
)
PLACES_EN = (
    "china",
    "beijing",
    "shanghai",
    "shenzhen",
    "hangzhou",
    "guangzhou",
    "nanjing",
    "suzhou",
    "chengdu",
    "wuhan",
    "tianjin",
    "hong kong",
)
LOOSE_SUFFIXES_ZH = ("人工智能", "智能")
LOOSE_SUFFIXES_EN = ("ai",)

# Everything that is neither a letter, a digit nor a CJK character (in any script) separates.
PUNCTUATION = re.compile(r"[^\w]|_", re.UNICODE)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def words_of(name: str) -> str:
    """NFKC, case folded, every run of punctuation and space one space."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return " ".join(PUNCTUATION.sub(" ", text).split())


@functools.cache
def _endings(chinese: tuple[str, ...], english: tuple[str, ...]) -> tuple[str, ...]:
    return (*chinese, *(" " + suffix for suffix in english))


def _cut_suffix(text: str, chinese: tuple[str, ...], english: tuple[str, ...]) -> str | None:
    # One endswith over all of them first: most names end in no suffix.
    if not text.endswith(_endings(chinese, english)):
        return None
    for suffix in chinese:
        if text.endswith(suffix) and text[: -len(suffix)].strip():
            return text[: -len(suffix)].strip()
    for suffix in english:
        if text.endswith(" " + suffix):
            return text[: -len(suffix)].strip()
    return None


# Most names hold no place at all: one search says so before the cuts are tried one by one
# (the resolver keys every name of every record: benchmarks/resolver_lookups.py).
ANY_PLACE = re.compile("|".join(map(re.escape, (*PLACES_ZH, *PLACES_EN))))


def _cut_place(text: str) -> str | None:
    if not ANY_PLACE.search(text):
        return None
    for place in PLACES_ZH:
        if text.startswith(place) and text[len(place) :].strip():
            return text[len(place) :].strip()
        if text.endswith(" " + place) or (text.endswith(place) and CJK.search(text[-1])):
            rest = text[: -len(place)].strip()
            if rest and place != text:
                return rest
    for place in PLACES_EN:
        if text.startswith(place + " "):
            return text[len(place) :].strip()
        if text.endswith(" " + place):
            return text[: -len(place)].strip()
    return None


def _strip(text: str, cuts) -> str:
    while True:
        for cut in cuts:
            if (shorter := cut(text)) is not None:
                text = shorter
                break
        else:
            return text


def _compact(text: str) -> str:
    return text.replace(" ", "")


def _corporate(text: str) -> str | None:
    return _cut_suffix(text, CHINESE_SUFFIXES, ENGLISH_SUFFIXES)


def _descriptor(text: str) -> str | None:
    return _cut_suffix(text, LOOSE_SUFFIXES_ZH, LOOSE_SUFFIXES_EN)


def exact_key(name: str) -> str:
    """The name without case, width, punctuation, spaces and corporate suffixes."""
    return _compact(_strip(words_of(name), [_corporate]))


def loose_key(name: str) -> str:
    """The exact key, also without a city or country and a trailing "AI" or 智能."""
    return _compact(_strip(words_of(name), [_corporate, _cut_place, _descriptor]))


def core_words(name: str) -> list[str]:
    """The name's words without corporate suffixes and city or country: what a search for a
    legal name ("Beijing Moonshot Technology Co., Ltd.") looks for in the names it knows."""
    return _strip(words_of(name), [_corporate, _cut_place]).split()


def name_keys(name: str) -> tuple[str, str]:
    return exact_key(name), loose_key(name)
