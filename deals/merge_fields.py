"""What the survivor of a merge takes from the merged record: its names as aliases, the
identifiers it lacks, and every field it left blank."""

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from startups.identifiers import IDENTIFIER_KINDS
from startups.vocab import split_list

from .merge_relations import MergeRefused

# Never copied: the record's own key and names (names become aliases), bookkeeping, and
# the affiliate tree (deals.merging handles the parent).
NOT_FILLED = {
    "id",
    "slug",
    "name_en",
    "aliases",
    "created_at",
    "updated_at",
    "parent",
    *IDENTIFIER_KINDS,
}
# A field filled together with another: the precision belongs to its date.
FILLED_WITH = {"founded_on": ("founded_precision",)}
# Values that mean "not known" for fields that cannot be blank.
BLANK_VALUES: dict[str, tuple[Any, ...]] = {"kind": ("other",)}
# A sector that says otherwise than the survivor's is_ai would break its rule
# (startups.sectors): it is not taken.
FILLED_IF = {"sector": lambda survivor, value: (value == "not_ai") == (not survivor.is_ai)}


def is_blank(name: str, value: Any) -> bool:
    return value is None or value == "" or value in BLANK_VALUES.get(name, ())


def fillable_fields(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.editable and f.name not in NOT_FILLED and not f.name.endswith("_precision")
    ]


def fill_blanks(survivor: models.Model, merged: models.Model) -> dict[str, Any]:
    """Copy each of `merged`'s known values into `survivor` where it has none; return the
    survivor's values before (field -> value) for the fields it changed."""
    before: dict[str, Any] = {}
    for name in fillable_fields(type(survivor)):
        value = getattr(merged, name)
        if is_blank(name, getattr(survivor, name)) and not is_blank(name, value):
            if name in FILLED_IF and not FILLED_IF[name](survivor, value):
                continue
            for field in (name, *FILLED_WITH.get(name, ())):
                before[field] = getattr(survivor, field)
                setattr(survivor, field, getattr(merged, field))
    return before


def identifier_clashes(survivor: models.Model, merged: models.Model) -> list[str]:
    """Two different identifiers of one kind: a merge refuses them (which one is right is
    for a person to find out)."""
    clashes = []
    for kind in IDENTIFIER_KINDS:
        ours, theirs = getattr(survivor, kind), getattr(merged, kind)
        if ours and theirs and ours != theirs:
            clashes.append(
                _("%(merged)s and %(survivor)s have different %(kind)s: %(theirs)s, %(ours)s.")
                % {
                    "merged": merged,
                    "survivor": survivor,
                    "kind": type(survivor)._meta.get_field(kind).verbose_name,
                    "theirs": theirs,
                    "ours": ours,
                }
            )
    return clashes


def take_identifiers(survivor: models.Model, merged: models.Model) -> dict[str, str]:
    """Give `survivor` each of `merged`'s identifiers of a kind it has none of; two different
    identifiers of one kind refuse the merge. Returns those added (kind -> value)."""
    clashes = identifier_clashes(survivor, merged)
    if clashes:
        raise MergeRefused(clashes)
    added = {
        kind: getattr(merged, kind)
        for kind in IDENTIFIER_KINDS
        if getattr(merged, kind) and not getattr(survivor, kind)
    }
    for kind, value in added.items():
        setattr(survivor, kind, value)
    return added


def take_names(survivor: models.Model, merged: models.Model) -> list[str]:
    """Add `merged`'s names (English, Chinese, aliases) to `survivor`'s aliases, except those
    it already bears; returns the aliases added, so that undoing removes exactly them."""
    known = {name.casefold() for name in survivor.all_names()}
    added = []
    for name in merged.all_names():
        if name.casefold() not in known:
            known.add(name.casefold())
            added.append(name)
    survivor.aliases = "; ".join([*survivor.alias_list, *added])
    return added


def drop_aliases(record: models.Model, aliases: list[str]) -> None:
    dropped = set(aliases)
    record.aliases = "; ".join(a for a in split_list(record.aliases) if a not in dropped)
