"""Which names of different records look alike: trigram similarity over their loose keys
(startups.names), for the possible-duplicates report (deals.duplicates).

PostgreSQL compares with pg_trgm (its `similarity()` and `%` operator, through a trigram index
on a temporary table of the keys, so that the work grows with the number of similar pairs,
not with the square of the records). SQLite has no pg_trgm: the same measure is computed in
Python, over candidate pairs found through an inverted index of the keys' trigrams. Both count
trigrams as pg_trgm does (each key padded with two spaces before and one after), so a pair gets
the same score on either database.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from startups.names import CHINESE_SUFFIXES, ENGLISH_SUFFIXES, PLACES_EN, PLACES_ZH, words_of

# Below this share of trigrams in common, two names are not called similar (pg_trgm's own
# default `%` threshold is 0.3: too loose for short Chinese names, which have few trigrams).
SIMILARITY_THRESHOLD = 0.5
TEMPORARY_TABLE = "duplicate_name_keys"


# The cities of startups.names in English, so that 北京 and Beijing are one place. A country
# is left out: "China" does not say which city.
CITY_IN_ENGLISH = {
    "北京": "beijing",
    "上海": "shanghai",
    "深圳": "shenzhen",
    "杭州": "hangzhou",
    "广州": "guangzhou",
    "南京": "nanjing",
    "苏州": "suzhou",
    "成都": "chengdu",
    "武汉": "wuhan",
    "天津": "tianjin",
    "香港": "hong kong",
}


# Words that say what a company does or is, not which one it is: "Baichuan Intelligence" and
# "Zhipu Intelligence" share most of their trigrams through them. Names are compared for
# similarity without them (core_key), so that only the distinctive part counts.
GENERIC_WORDS = frozenset(
    " ".join(ENGLISH_SUFFIXES).split()
    + """ai intelligence intelligent robotics robot robots labs lab semiconductor semiconductors
    software systems system network networks data cloud capital ventures venture partners fund
    funds investment investments management innovation innovations digital information science
    sciences medical health automotive motors vision chips chip""".split()
)
GENERIC_SUFFIXES_ZH = (
    *CHINESE_SUFFIXES,
    "人工智能",
    "智能",
    "机器人",
    "半导体",
    "资本",
    "创投",
    "基金",
    "投资",
    "网络",
    "软件",
    "信息",
    "数据",
    "科学",
    "医疗",
    "汽车",
    "视觉",
    "创新",
    "数字",
    "芯片",
)
SHORTEST_CORE = 2


def _without_generic_suffix(word: str) -> str:
    for suffix in GENERIC_SUFFIXES_ZH:
        if word.endswith(suffix) and len(word) - len(suffix) >= SHORTEST_CORE:
            return word[: -len(suffix)]
    return word


def is_city(words: list[str]) -> bool:
    text = " ".join(words)
    return text in PLACES_EN or text.removesuffix("市") in CITY_IN_ENGLISH


def core_key(name: str) -> str:
    """The distinctive part of a name: its words without trailing corporate and generic
    words ("Baichuan Intelligence Technology Co., Ltd." → "baichuan", "百川智能科技" → "百川"),
    never cut down to nothing, to fewer than two characters, or to a bare city."""
    words = words_of(name).split()
    while words:
        last = words[-1]
        shorter = _without_generic_suffix(last)
        if shorter != last:
            words[-1] = shorter
            continue
        rest = words[:-1]
        if last in GENERIC_WORDS and len("".join(rest)) >= SHORTEST_CORE and not is_city(rest):
            words.pop()
            continue
        break
    return "".join(words)


@dataclass(frozen=True)
class SimilarNames:
    a_key: str
    b_key: str
    similarity: float


def cities_in(name: str) -> set[str]:
    """The cities a name is placed in ("Beijing AI Fund", "北京市人工智能基金": beijing)."""
    words = words_of(name)
    found = {
        CITY_IN_ENGLISH[place.removesuffix("市")]
        for place in PLACES_ZH
        if place in words
        if place.removesuffix("市") in CITY_IN_ENGLISH
    }
    found |= {place for place in PLACES_EN if f" {place} " in f" {words} " and place != "china"}
    return found


def in_different_cities(names_a: list[str], names_b: list[str]) -> bool:
    """Whether two records' names (those that matched) name different cities, as the
    Beijing and the Shanghai AI funds do: then they are not one record."""
    cities_a = set().union(*(cities_in(name) for name in names_a))
    cities_b = set().union(*(cities_in(name) for name in names_b))
    return bool(cities_a and cities_b) and not cities_a & cities_b


def trigrams(key: str) -> frozenset[str]:
    """pg_trgm's trigrams of a one-word key."""
    padded = f"  {key} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): the shared trigrams over all trigrams of either."""
    first, second = trigrams(a), trigrams(b)
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def similar_pairs(
    keys: dict[int, set[str]], threshold: float = SIMILARITY_THRESHOLD
) -> dict[tuple[int, int], SimilarNames]:
    """For each pair of records (lower id first) with names at least `threshold` alike but
    not equal, their most similar keys."""
    rows = [(pk, key) for pk, record_keys in keys.items() for key in record_keys if key]
    if connection.vendor == "postgresql":
        found = _pg_trgm_pairs(rows, threshold)
    else:
        found = _python_pairs(rows, threshold)
    best: dict[tuple[int, int], SimilarNames] = {}
    for a, b, a_key, b_key, score in found:
        if a_key == b_key:
            continue  # equal keys are a signal of their own
        pair, names = (a, b), SimilarNames(a_key, b_key, round(float(score), 4))
        if a > b:
            pair, names = (b, a), SimilarNames(b_key, a_key, names.similarity)
        if pair not in best or names.similarity > best[pair].similarity:
            best[pair] = names
    return best


def _pg_trgm_pairs(rows: list[tuple[int, str]], threshold: float) -> Iterable[tuple]:
    table = connection.ops.quote_name(TEMPORARY_TABLE)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} (record_id bigint, key text)")
        with cursor.cursor.copy(f"COPY {table} (record_id, key) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"CREATE INDEX ON {table} USING gin (key gin_trgm_ops)")
        cursor.execute(f"ANALYZE {table}")
        # Compiling this one statement costs more than it saves.
        cursor.execute("SELECT set_config('jit', 'off', true)")
        # `%` compares with this threshold, for this transaction only.
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(threshold)]
        )
        cursor.execute(
            f"SELECT a.record_id, b.record_id, a.key, b.key, similarity(a.key, b.key) "
            f"FROM {table} a JOIN {table} b ON a.key % b.key AND a.record_id < b.record_id"
        )
        found = cursor.fetchall()
        cursor.execute(f"DROP TABLE {table}")
    return found


def _python_pairs(rows: list[tuple[int, str]], threshold: float) -> Iterable[tuple]:
    """Prefix filtering: two trigram sets with a similarity of at least t share one of the
    rarest |A| - ceil(t * |A|) + 1 trigrams of each, so only keys sharing one of those are
    compared; rare trigrams keep that to few pairs."""
    records_by_key: dict[str, list[int]] = defaultdict(list)
    for pk, key in rows:
        records_by_key[key].append(pk)
    keys = list(records_by_key)
    grams = [trigrams(key) for key in keys]
    frequency: Counter[str] = Counter(gram for key_grams in grams for gram in key_grams)
    keys_by_gram: dict[str, list[int]] = defaultdict(list)
    for index, key_grams in enumerate(grams):
        rarest = sorted(key_grams, key=lambda gram: (frequency[gram], gram))
        for gram in rarest[: len(rarest) - math.ceil(threshold * len(rarest)) + 1]:
            keys_by_gram[gram].append(index)
    candidates = {
        (first, second)
        for indexes in keys_by_gram.values()
        for position, first in enumerate(indexes)
        for second in indexes[position + 1 :]
    }
    for first, second in candidates:
        shared = len(grams[first] & grams[second])
        score = shared / (len(grams[first]) + len(grams[second]) - shared)
        if score < threshold:
            continue
        for a in records_by_key[keys[first]]:
            for b in records_by_key[keys[second]]:
                if a != b:
                    yield a, b, keys[first], keys[second], score
