"""Who may merge: staff holding the permission to change and to delete the model's records
(a merge changes the survivor and deletes the merged record). Every way in asks this."""

from django.db import models


def merge_permissions(model: type[models.Model]) -> set[str]:
    meta = model._meta
    return {
        f"{meta.app_label}.change_{meta.model_name}",
        f"{meta.app_label}.delete_{meta.model_name}",
    }


def may_merge(user, model: type[models.Model]) -> bool:
    return bool(
        user
        and user.is_active
        and user.is_staff
        and user.has_perms(sorted(merge_permissions(model)))
    )
