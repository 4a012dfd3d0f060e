"""Names and amounts as the reader's language writes them: 阿里巴巴 and 8亿美元 in Chinese,
Alibaba Group and $800M in English."""

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from deals.models import ValuationKind
from deals.vocab import unit_label
from startups.vocab import (
    CURRENCIES,
    MODALITY_LABELS,
    QUALIFIER_SIGNS,
    TAG_LABELS,
    Qualifier,
    format_money,
)

# Chinese counts in 万 (10^4), 亿 (10^8) and 万亿 (10^12), not in thousands and millions.
NONE = "\u2013"  # an en dash, for a figure that is not known
CHINESE_UNITS = ((Decimal(10**12), "万亿"), (Decimal(10**8), "亿"), (Decimal(10**4), "万"))
CHINESE_CURRENCIES = {"USD": "美元", "CNY": "元", "HKD": "港元", "EUR": "欧元", "JPY": "日元"}


def is_chinese(language: str | None = None) -> bool:
    return (language or get_language() or "").lower().startswith("zh")


def local_name(record, language: str | None = None) -> str:
    """The Chinese name in Chinese when one is known, else the English name.

    Accepts a model instance or a dict with name_en / name_zh."""
    get = record.get if isinstance(record, dict) else lambda key: getattr(record, key, "")
    if is_chinese(language) and get("name_zh"):
        return get("name_zh")
    return get("name_en") or get("name_zh") or ""


def other_name(record, language: str | None = None) -> str:
    """The name in the other language, shown beside the first (empty when the same)."""
    get = record.get if isinstance(record, dict) else lambda key: getattr(record, key, "")
    first = local_name(record, language)
    for candidate in (get("name_en"), get("name_zh")):
        if candidate and candidate != first:
            return candidate
    return ""


def _significant(number: Decimal) -> str:
    """Three significant digits without trailing zeros or separators: 2.5, 25, 250, 5000."""
    digits = 0 if abs(number) >= 100 else 1 if abs(number) >= 10 else 2
    text = f"{number:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(
    value: Decimal | float | int | None,
    currency: str = "USD",
    qualifier: str = "",
    language: str | None = None,
) -> str:
    """An amount with its qualifier: '≥ $300M' in English, '≥ 3亿美元' in Chinese."""
    if value is None:
        return _("undisclosed")
    if not is_chinese(language):
        return format_money(Decimal(value), currency or "USD", qualifier)
    sign = QUALIFIER_SIGNS.get(qualifier or Qualifier.EXACT, "")
    code = currency or "USD"
    return f"{sign}{_chinese_number(Decimal(value))}{CHINESE_CURRENCIES.get(code, ' ' + code)}"


def _chinese_number(value: Decimal) -> str:
    for threshold, unit in CHINESE_UNITS:
        if abs(value) >= threshold:
            return _significant(value / threshold) + unit
    return _significant(value)


def metric_value(
    value: Decimal, unit: str, qualifier: str = "", language: str | None = None
) -> str:
    """A published figure in its unit and the reader's language: '40%', '≥ 190 products',
    '≥ 190款产品', '≈ 631亿元'."""
    if unit in CURRENCIES:
        return money(value, unit, qualifier, language)
    sign = QUALIFIER_SIGNS.get(qualifier or Qualifier.EXACT, "")
    chinese = is_chinese(language)
    number = _chinese_number(Decimal(value)) if chinese else f"{Decimal(value).normalize():,f}"
    label = unit_label(unit)
    joiner = "" if chinese or label == "%" else " "
    return f"{sign}{number}{joiner}{label}"


def valuation_kind(kind: str) -> str:
    """A valuation mark's kind as the reader's language names it ('press report')."""
    if kind in ValuationKind.values:
        return str(ValuationKind(kind).label)
    return kind.replace("_", " ")


def modality(value: str) -> str:
    label = MODALITY_LABELS.get(value)
    return str(label) if label is not None else value


def tag_name(tag) -> str:
    """A tag's label in the reader's language where known, else its name or slug."""
    label = TAG_LABELS.get(tag.slug)
    return str(label) if label is not None else str(tag)


def percent(ratio: Decimal | float | None, digits: int = 0, qualifier: str = "") -> str:
    """A ratio as a percentage with its qualifier: '≥ 37.5%'."""
    if ratio is None:
        return NONE
    sign = QUALIFIER_SIGNS.get(qualifier or Qualifier.EXACT, "")
    return f"{sign}{Decimal(ratio) * 100:.{digits}f}%"


def stake(value: Decimal | float | None, qualifier: str = "") -> str:
    """A stake in percent with its qualifier, to two decimals at most: '≈ 36%', '19.5%'."""
    if value is None:
        return NONE
    sign = QUALIFIER_SIGNS.get(qualifier or Qualifier.EXACT, "")
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return f"{sign}{text}%"


def quantity(value: Decimal | float | int | None, qualifier: str = "") -> str:
    """A count with its qualifier: '≥ 400,000' in English, '≥ 40万' in Chinese."""
    if value is None:
        return NONE
    sign = QUALIFIER_SIGNS.get(qualifier or Qualifier.EXACT, "")
    number = Decimal(value)
    text = _chinese_number(number) if is_chinese() else f"{number.normalize():,f}"
    return f"{sign}{text}"
