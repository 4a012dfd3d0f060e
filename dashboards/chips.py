"""Chip generations: the chip a compute deal names ("H800; H100; H20 (Hopper)", "Ascend 910
(Atlas 800T A2 servers)") mapped to the family it belongs to, in Python for the charts and in
SQL for the ledger's filter, by the same patterns so that both agree.

A deal's chip is free text as the source words it; the first family in GENERATIONS whose
pattern it matches wins, so "Ascend (910 series); reverted to Nvidia" is Ascend."""

import re

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Each family's pattern, matched case-insensitively. Plain alternations only: the same text
# is a Python regex, SQLite's REGEXP and PostgreSQL's ~* (no \b, which they spell apart).
GENERATIONS: dict[str, tuple[str, str]] = {
    "blackwell": ("blackwell|gb200|b200|b100|b30a|b20", _("Nvidia Blackwell (B200, B20…)")),
    "hopper": ("hopper|h100|h800|h200|h20|gh200", _("Nvidia Hopper (H100, H800, H20, H200)")),
    "ampere": ("ampere|a100|a800|a30|a40", _("Nvidia Ampere (A100, A800)")),
    "ascend": ("ascend|910b|910c|atlas", _("Huawei Ascend")),
}
OTHER = "other"
OTHER_LABEL = _("other or not disclosed")
GENERATION_CHOICES = [(key, label) for key, (_pattern, label) in GENERATIONS.items()] + [
    (OTHER, OTHER_LABEL)
]
_COMPILED = {key: re.compile(pattern, re.IGNORECASE) for key, (pattern, _l) in GENERATIONS.items()}


def chip_generation(chip: str) -> str:
    """The family of a chip as a deal names it: 'hopper', 'ampere', 'blackwell', 'ascend', or
    'other' for a chip not named or of no family listed."""
    for key, pattern in _COMPILED.items():
        if pattern.search(chip or ""):
            return key
    return OTHER


def generation_label(key: str) -> str:
    return str(dict(GENERATION_CHOICES).get(key, key))


def generation_filter(key: str, field: str = "chip") -> Q:
    """The deals whose chip `chip_generation` puts in family `key`, as a condition in SQL:
    its pattern matches and no earlier family's does."""
    earlier = Q()
    for other, (pattern, _label) in GENERATIONS.items():
        if other == key:
            return Q(**{f"{field}__iregex": pattern}) & ~earlier
        earlier |= Q(**{f"{field}__iregex": pattern})
    return ~earlier
