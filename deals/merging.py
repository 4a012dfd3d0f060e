"""Merging a duplicate startup or investor (B) into the one that stays (A), in one transaction.

Every row pointing at B is repointed to A (deals.merge_relations names each relation and what
happens to it); B's names become A's aliases, its identifiers A's where A has none of that
kind, its known fields fill A's blank ones; then B is deleted and a Merge row keeps what its
old addresses and an undo (deals.merge_undo) need. A clash (two rounds on the same date with
the same label, an investor twice in one round, two different identifiers of one kind) refuses
the merge and changes nothing. docs/identity.md tells it to users.
"""

import json
from typing import Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from startups.changes import changes_record
from startups.models import Merge, MergeKind, Startup
from startups.touch import Touched

from .merge_fields import fill_blanks, identifier_clashes, take_identifiers, take_names
from .merge_relations import (
    MergeRefused,
    Policy,
    move_conflicts,
    moved_rows,
    relations_with,
    rows_move,
)
from .merge_signals import records_merging
from .models import Claim, Investor, InvestorAncestry
from .services import investor_ancestry_rebuild

MODELS: dict[str, type[models.Model]] = {MergeKind.STARTUP: Startup, MergeKind.INVESTOR: Investor}
KIND_OF = {model: kind for kind, model in MODELS.items()}
# The tree's relation, as deals.merge_relations names it: B's affiliates move under A.
AFFILIATES = "deals.Investor.parent"


def merge_reason(merged_slug: str, survivor_slug: str) -> str:
    """The history_change_reason of every record a merge writes (history is data: English)."""
    return f"merged {merged_slug} into {survivor_slug}"


def merge_startups(survivor: Startup, merged: Startup, user=None) -> Merge:
    """Merge the startup `merged` into `survivor` (see the module's docstring)."""
    return record_merge(survivor, merged, user)


def merge_investors(survivor: Investor, merged: Investor, user=None) -> Merge:
    """Merge the investor `merged` into `survivor`; its affiliates become `survivor`'s."""
    return record_merge(survivor, merged, user)


def merge_conflicts(survivor: models.Model, merged: models.Model) -> list[str]:
    """Why merging `merged` into `survivor` would be refused (empty: it can be done)."""
    if survivor.pk == merged.pk:
        return [_("A record cannot be merged into itself.")]
    messages = []
    for relation in relations_with(type(survivor), Policy.MOVE):
        messages += move_conflicts(relation, survivor, merged)
    messages += identifier_clashes(survivor, merged)
    live = Merge.objects.filter(
        kind=KIND_OF[type(survivor)], merged_slug=merged.slug, undone_at__isnull=True
    ).first()
    if live is not None:
        messages.append(
            _(
                "The address of “%(slug)s” already leads to %(survivor)s (merge #%(merge)s): "
                "give this record another slug first."
            )
            % {"slug": merged.slug, "survivor": live.survivor_slug, "merge": live.pk}
        )
    return messages


def merge_preview(survivor: models.Model, merged: models.Model) -> list[tuple[str, int]]:
    """What would move from `merged` to `survivor`: (what, how many) per relation."""
    model = type(merged)
    counts = []
    for policy in (Policy.MOVE, Policy.TREE, Policy.FOLLOWS):
        for relation in relations_with(model, policy):
            rows = moved_rows(relation, merged.pk)
            if policy is Policy.TREE:  # A itself, when B is its parent, is not moved
                rows = rows.exclude(pk=survivor.pk)
            label = (
                _("affiliates")
                if policy is Policy.TREE
                else str(relation.model._meta.verbose_name_plural)
            )
            counts.append((label, rows.count()))
    counts.append((_("claims (with their records)"), _claims_of(merged).count()))
    for field in model._meta.many_to_many:
        counts.append((str(field.verbose_name), getattr(merged, field.name).count()))
    return counts


def _claims_of(record: models.Model) -> models.QuerySet:
    if isinstance(record, Investor):
        return Claim.objects.filter(participation__investor=record)
    return Claim.objects.filter(
        Q(round__startup=record)
        | Q(participation__round__startup=record)
        | Q(valuation__startup=record)
        | Q(compute_deal__startup=record)
    )


def json_ready(values: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


@transaction.atomic
def record_merge(survivor: models.Model, merged: models.Model, user=None) -> Merge:
    """Merge `merged` into `survivor`, two records of one model; MergeRefused says why not."""
    model = type(survivor)
    if type(merged) is not model or model not in KIND_OF:
        raise TypeError(
            f"Only a startup into a startup or an investor into an investor: {merged!r}"
        )
    if survivor.pk == merged.pk:
        raise MergeRefused(_("A record cannot be merged into itself."))
    # Locked in id order, so that two merges of the same pair cannot deadlock.
    locked = {
        r.pk: r
        for r in model._default_manager.select_for_update()
        .filter(pk__in=[survivor.pk, merged.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise MergeRefused(_("One of the two records no longer exists."))
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    conflicts = merge_conflicts(survivor, merged)
    if conflicts:
        raise MergeRefused(conflicts)

    reason = merge_reason(merged.slug, survivor.slug)
    snapshot: dict[str, Any] = {
        "merged": json.loads(serializers.serialize("json", [merged]))[0],
        "moved": {},
    }
    for relation in relations_with(model, Policy.MOVE):
        ids = list(moved_rows(relation, merged.pk).values_list("pk", flat=True))
        rows_move(relation, ids, survivor.pk, user=user, reason=reason)
        snapshot["moved"][relation.key] = ids
    if model is Investor:
        snapshot["moved"][AFFILIATES], snapshot["parent"] = _merge_affiliates(
            survivor, merged, user=user, reason=reason
        )
    lists = {
        field.name: sorted(
            set(getattr(merged, field.name).values_list("pk", flat=True))
            - set(getattr(survivor, field.name).values_list("pk", flat=True))
        )
        for field in model._meta.many_to_many
    }
    snapshot["relayed"] = {}
    for _receiver, moved in records_merging.send(
        sender=model, kind=KIND_OF[model], survivor_id=survivor.pk, merged_id=merged.pk
    ):
        snapshot["relayed"].update(moved or {})

    merged_id = merged.pk
    merged._change_reason, merged._history_user = reason, user
    merged.delete()

    snapshot["filled"] = json_ready(fill_blanks(survivor, merged))
    snapshot["aliases"] = take_names(survivor, merged)
    snapshot["identifiers"] = take_identifiers(survivor, merged)
    survivor._change_reason, survivor._history_user = reason, user
    try:
        survivor.full_clean()
    except ValidationError as error:
        raise MergeRefused(error.messages) from error
    survivor.save()
    for name, ids in lists.items():
        getattr(survivor, name).add(*ids)
    snapshot["lists"] = lists

    merge = Merge.objects.create(
        kind=KIND_OF[model],
        survivor_id=survivor.pk,
        survivor_slug=survivor.slug,
        merged_id=merged_id,
        merged_slug=merged.slug,
        merged_name=str(merged)[:200],
        snapshot=snapshot,
        merged_by=user,
    )
    if model is Investor:
        investor_ancestry_rebuild()
    # Deleting a record cascades through aggregates whose owners are not known beforehand
    # (startups.services.record_delete asks the same): everything is recomputed.
    changes_record(Touched(full=True))
    return merge


def _merge_affiliates(
    survivor: Investor, merged: Investor, *, user, reason: str
) -> tuple[list[int], dict[str, int | None]]:
    """B's affiliates move under A; A takes B's parent when it has none (or B was it).
    Returns the affiliates moved, and A's parent before and after."""
    (relation,) = relations_with(Investor, Policy.TREE)
    ids = list(moved_rows(relation, merged.pk).exclude(pk=survivor.pk).values_list("pk", flat=True))
    rows_move(relation, ids, survivor.pk, user=user, reason=reason)
    parent_before = survivor.parent_id
    if survivor.parent_id == merged.pk or survivor.parent_id is None:
        below_survivor = InvestorAncestry.objects.filter(
            investor_id=merged.parent_id, ancestor_id=survivor.pk
        ).exists()
        survivor.parent_id = None if below_survivor else merged.parent_id
    # Stored now: B cannot be deleted while A still names it as its parent.
    Investor.objects.filter(pk=survivor.pk).update(parent_id=survivor.parent_id)
    return ids, {"before": parent_before, "after": survivor.parent_id}
