"""Undoing a merge from its record: the merged record comes back with its id and slug, the rows
moved from it go back, and the survivor loses what it took, in one transaction.

A row moved by the merge that has been given to a third record since, a survivor deleted or
merged in turn, or a slug or identifier taken by another record since: the undo is refused
and nothing changes. Rows deleted since stay deleted; a field of the survivor edited since
keeps its edit.
"""

import json
from typing import Any

from django.core import serializers
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from startups.changes import changes_record
from startups.identifiers import IDENTIFIER_KINDS
from startups.models import Merge
from startups.touch import Touched

from .merge_fields import drop_aliases
from .merge_relations import MergeRefused, relations_to, rows_move
from .merge_signals import merge_undoing
from .merging import MODELS
from .models import Investor
from .services import investor_ancestry_rebuild


def undo_reason(merge: Merge) -> str:
    return f"undid merge of {merge.merged_slug} into {merge.survivor_slug}"


@transaction.atomic
def undo_merge(merge: Merge, user=None) -> Merge:
    """Undo `merge`; MergeRefused says why it cannot be done cleanly."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    model = MODELS[merge.kind]
    survivor = model._default_manager.select_for_update().filter(pk=merge.survivor_id).first()
    problems = _undo_problems(merge, model, survivor)
    if problems:
        raise MergeRefused(problems)
    snapshot, reason = merge.snapshot, undo_reason(merge)

    _survivor_restore(survivor, merge, user=user, reason=reason)
    merged = _merged_recreate(model, snapshot["merged"], user=user, reason=reason)
    parent = snapshot.get("parent")
    if parent and parent["before"] == merged.pk and survivor.parent_id is None:
        Investor.objects.filter(pk=survivor.pk).update(parent_id=merged.pk)
    relations = {relation.key: relation for relation in relations_to(model)}
    for key, ids in snapshot["moved"].items():
        rows_move(relations[key], ids, merged.pk, user=user, reason=reason)
    merge_undoing.send(
        sender=model,
        kind=merge.kind,
        survivor_id=survivor.pk,
        merged_id=merged.pk,
        moved=snapshot.get("relayed", {}),
    )
    merge.undone_at, merge.undone_by = timezone.now(), user
    merge.save(update_fields=["undone_at", "undone_by"])
    if model is Investor:
        investor_ancestry_rebuild()
    changes_record(Touched(full=True))
    return merge


def _undo_problems(merge: Merge, model: type[models.Model], survivor) -> list[str]:
    if merge.undone:
        return [_("This merge has already been undone.")]
    if survivor is None:
        return [
            _("%(survivor)s no longer exists (deleted or merged in turn): undo that first.")
            % {"survivor": merge.survivor_slug}
        ]
    fields = merge.snapshot["merged"]["fields"]
    taken = model._default_manager.filter(Q(pk=merge.merged_id) | Q(slug=merge.merged_slug))
    problems = [
        _("Another record now has the slug or id of %(merged)s: %(record)s.")
        % {"merged": merge.merged_slug, "record": record}
        for record in taken
    ]
    for kind in IDENTIFIER_KINDS:
        value = fields.get(kind)
        added = merge.snapshot.get("identifiers", {}).get(kind)
        holder = model._default_manager.filter(**{kind: value}).first() if value else None
        if holder is not None and not (holder.pk == survivor.pk and added == value):
            problems.append(
                _("%(record)s now has the %(kind)s %(value)s of %(merged)s.")
                % {
                    "record": holder,
                    "kind": model._meta.get_field(kind).verbose_name,
                    "value": value,
                    "merged": merge.merged_slug,
                }
            )
    relations = {relation.key: relation for relation in relations_to(model)}
    for key, ids in merge.snapshot["moved"].items():
        relation = relations[key]
        strays = relation.model._default_manager.filter(pk__in=ids).exclude(
            **{f"{relation.field}_id": survivor.pk}
        )
        problems += [
            _("%(kind)s “%(row)s” has been given to another record since the merge.")
            % {"kind": str(relation.model._meta.verbose_name).capitalize(), "row": row}
            for row in strays
        ]
    return problems


def _survivor_restore(survivor, merge: Merge, *, user, reason: str) -> None:
    """Take back from the survivor what the merge gave it, where it has not changed since."""
    snapshot = merge.snapshot
    merged_fields = snapshot["merged"]["fields"]
    for name, before in snapshot.get("filled", {}).items():
        field = survivor._meta.get_field(name)
        given = field.to_python(merged_fields.get(name))
        if getattr(survivor, field.attname) == given:
            setattr(survivor, field.attname, field.to_python(before))
    for kind, value in snapshot.get("identifiers", {}).items():
        if getattr(survivor, kind) == value:
            setattr(survivor, kind, "")
    drop_aliases(survivor, snapshot.get("aliases", []))
    parent = snapshot.get("parent")
    if parent and survivor.parent_id == parent["after"]:
        # The merged record is recreated after this save: its id is put back just after.
        survivor.parent_id = None if parent["before"] == merge.merged_id else parent["before"]
    survivor._change_reason, survivor._history_user = reason, user
    survivor.save()
    for name, ids in snapshot.get("lists", {}).items():
        getattr(survivor, name).remove(*ids)


def _merged_recreate(model: type[models.Model], stored: dict[str, Any], *, user, reason: str):
    """The merged record again, with its id, slug, fields, sources and tags."""
    (restored,) = serializers.deserialize("json", json.dumps([stored]))
    record = restored.object
    parent_id = getattr(record, "parent_id", None)
    if parent_id is not None and not model._default_manager.filter(pk=parent_id).exists():
        record.parent_id = None
    record._change_reason, record._history_user = reason, user
    try:
        with transaction.atomic():
            record.save(force_insert=True)
    except IntegrityError as error:
        raise MergeRefused(
            _("%(merged)s cannot be recreated: %(error)s") % {"merged": record, "error": error}
        ) from error
    model._default_manager.filter(pk=record.pk).update(created_at=stored["fields"]["created_at"])
    for name, ids in (restored.m2m_data or {}).items():
        related = model._meta.get_field(name).related_model
        getattr(record, name).set(related._default_manager.filter(pk__in=ids))
    return record
