"""Where the address of a merged record leads: its survivor, across chains of merges."""

from django.db import models

from .merge_models import Merge

# Merges followed from one slug at most (A <- B <- C ... ): a chain is short; a longer one
# would be a loop made by hand in the database, and leads nowhere.
MAX_MERGE_CHAIN = 20


def merged_into(model: type[models.Model], kind: str, slug: str) -> models.Model | None:
    """The record that the merged record `slug` now lives in, or None (no live merge of it,
    or its survivor was deleted since). Follows survivors by id: a survivor renamed since,
    or merged in turn, is still found."""
    live = Merge.objects.filter(kind=kind, undone_at__isnull=True)
    merge = live.filter(merged_slug=slug).first()
    for _ in range(MAX_MERGE_CHAIN):
        if merge is None:
            return None
        survivor = model._default_manager.filter(pk=merge.survivor_id).first()
        if survivor is not None:
            return survivor
        merge = live.filter(merged_id=merge.survivor_id).first()
    return None
