"""What a merge does with each row that points at a startup or an investor.

Every relation to Startup and Investor, hidden ones included, is named here with what happens
to it, and tests/deals/test_merging.py checks the list against the models: a new foreign key
cannot be left behind by a merge without somebody deciding what it means.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from startups.models import Startup

from .models import Investor


class Policy(Enum):
    MOVE = "move"  # the row is repointed to the survivor (a unique clash refuses the merge)
    OWN_LIST = "own list"  # the record's own sources and tags: the survivor's list gains them
    TREE = "tree"  # the affiliate tree: the merged investor's affiliates move under the survivor
    FOLLOWS = "follows"  # watchlist items and their alerts: dashboards repoints them (a signal)
    DERIVED = "derived"  # an aggregate or the tree's closure: recomputed, not moved
    VIA = "via"  # a many-to-many through a model listed on its own (rounds via participations)


RELATIONS: dict[type[models.Model], dict[str, Policy]] = {
    Startup: {
        "startups.Startup_tags.startup": Policy.OWN_LIST,
        "startups.Startup_sources.startup": Policy.OWN_LIST,
        "startups.ModelProduct.startup": Policy.MOVE,
        "deals.FundingRound.startup": Policy.MOVE,
        "deals.ValuationMark.startup": Policy.MOVE,
        "deals.ComputeDeal.startup": Policy.MOVE,
        "deals.ReportedMetric.startup": Policy.MOVE,
        "dashboards.WatchItem.startup": Policy.FOLLOWS,
        "dashboards.ValuationPoint.startup": Policy.DERIVED,
        "dashboards.UnicornMembership.startup": Policy.DERIVED,
        "dashboards.ProductPeriodStat.startup": Policy.DERIVED,
    },
    Investor: {
        "deals.Investor_sources.investor": Policy.OWN_LIST,
        "deals.Investor.parent": Policy.TREE,
        "deals.InvestorAncestry.investor": Policy.DERIVED,
        "deals.InvestorAncestry.ancestor": Policy.DERIVED,
        "deals.FundingRound.investors": Policy.VIA,
        "deals.Participation.investor": Policy.MOVE,
        "deals.ComputeDeal.provider_investor": Policy.MOVE,
        "deals.ReportedMetric.investor": Policy.MOVE,
        "dashboards.WatchItem.investor": Policy.FOLLOWS,
        "dashboards.InvestorPeriodStat.investor": Policy.DERIVED,
        "dashboards.InvestorTotal.investor": Policy.DERIVED,
        "dashboards.CoInvestment.investor_a": Policy.DERIVED,
        "dashboards.CoInvestment.investor_b": Policy.DERIVED,
    },
}


class MergeRefused(Exception):
    """A merge or an undo that cannot be done cleanly; nothing was changed. The messages say
    why, naming the records in the way."""

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


@dataclass(frozen=True)
class Relation:
    key: str  # "app_label.Model.field", as RELATIONS names it
    model: type[models.Model]
    field: str  # the name of the foreign key on `model`


def relations_to(model: type[models.Model]) -> Iterator[Relation]:
    """Every relation pointing at `model` (hidden ones too), except history tables: history
    keeps what was, so a merge leaves it as it is."""
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete):
            continue
        related = rel.related_model
        if related._meta.model_name.startswith("historical"):
            continue
        yield Relation(f"{related._meta.label}.{rel.field.name}", related, rel.field.name)


def relations_with(model: type[models.Model], policy: Policy) -> list[Relation]:
    return [r for r in relations_to(model) if RELATIONS[model].get(r.key) is policy]


def unclassified_relations(model: type[models.Model]) -> list[str]:
    """Relations a merge would not know what to do with (a test keeps this empty)."""
    return [r.key for r in relations_to(model) if r.key not in RELATIONS[model]]


def moved_rows(relation: Relation, record_id: int) -> models.QuerySet:
    return relation.model._default_manager.filter(**{f"{relation.field}_id": record_id})


def move_conflicts(relation: Relation, survivor: models.Model, merged: models.Model) -> list[str]:
    """What moving `merged`'s rows to `survivor` would duplicate: a row on each side with the
    same natural key (a unique constraint of the row's model that includes the foreign key)."""
    messages = []
    for constraint in relation.model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition:
            continue
        if relation.field not in constraint.fields:
            continue
        others = [name for name in constraint.fields if name != relation.field]
        ours = {
            tuple(getattr(row, name) for name in others): row
            for row in moved_rows(relation, survivor.pk)
        }
        for row in moved_rows(relation, merged.pk):
            clash = ours.get(tuple(getattr(row, name) for name in others))
            if clash is not None:
                messages.append(
                    _(
                        "%(merged)s's %(kind)s “%(theirs)s” clashes with %(survivor)s's "
                        "“%(ours)s”: the same %(fields)s. Merge or delete one of them first."
                    )
                    % {
                        "merged": merged,
                        "survivor": survivor,
                        "kind": relation.model._meta.verbose_name,
                        "theirs": row,
                        "ours": clash,
                        "fields": _(" and ").join(
                            str(relation.model._meta.get_field(name).verbose_name)
                            for name in others
                        ),
                    }
                )
    return messages


def rows_move(relation: Relation, ids: list[int], to_id: int, *, user, reason: str) -> None:
    """Point the rows `ids` of `relation` at `to_id`, each with a history record."""
    rows = list(relation.model._default_manager.filter(pk__in=ids))
    if not rows:
        return
    fields = [relation.field]
    now = timezone.now()
    for row in rows:
        setattr(row, f"{relation.field}_id", to_id)
        if hasattr(row, "updated_at"):
            # API clients that sync by updated_at hear of the new owner.
            row.updated_at = now
    if any(f.name == "updated_at" for f in relation.model._meta.fields):
        fields.append("updated_at")
    if hasattr(relation.model, "history"):
        bulk_update_with_history(
            rows, relation.model, fields, default_user=user, default_change_reason=reason
        )
    else:
        relation.model._default_manager.bulk_update(rows, fields)
