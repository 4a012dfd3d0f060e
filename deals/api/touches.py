"""The permissions a write needs for the records it touches besides its own.

The endpoint's permission (DjangoModelPermissions) covers the record in the path; a body may
also create sources (`source_urls`), tags, and add, change or remove a round's participations,
and a delete may cascade to other records. Each of those needs its own model's permission, as
the admin asks for its inlines and for what a delete cascades to: checked before the service
runs, so that a refusal (403, naming each permission) writes nothing.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.db import router
from django.db.models import Model
from rest_framework.exceptions import PermissionDenied


def permission(model: type[Model], action: str) -> str:
    """Django's name of a model permission: `deals.add_participation`."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def list_permissions(model: type[Model], *, added, changed, removed) -> set[str]:
    """What writing a nested list of `model` records needs: `add_`, `change_`, `delete_`,
    each only when the list does so."""
    actions = (("add", added), ("change", changed), ("delete", removed))
    return {permission(model, action) for action, records in actions if records}


def described(name: str) -> str:
    """`deals.add_participation` -> `add participation (deals.add_participation)`."""
    app_label, codename = name.split(".")
    action, model_name = codename.split("_", 1)
    model = apps.get_model(app_label, model_name)
    return f"{action} {model._meta.verbose_name} ({name})"


def require(user, needed: set[str]) -> None:
    """Refuse (403) unless `user` holds every permission in `needed`."""
    missing = sorted(name for name in needed if not user.has_perm(name))
    if missing:
        raise PermissionDenied(
            "This write also touches records you may not change; it needs the permission to "
            + ", ".join(described(name) for name in missing)
            + "."
        )


def delete_permissions(instance: Model) -> set[str]:
    """What deleting `instance` needs besides its own permission: delete on every record it
    cascades to, change on every record it clears a reference in (SET_NULL).

    As the admin's delete page counts them: records of models the admin shows; derived
    tables (the investors' ancestry) are the services' to keep.
    """
    collector = NestedObjects(using=router.db_for_write(type(instance)))
    collector.collect([instance])
    own = type(instance)
    needed = {
        permission(model, "delete")
        for model in collector.model_objs
        if model is not own and admin.site.is_registered(model)
    }
    for (field, _value), batches in collector.field_updates.items():
        if admin.site.is_registered(field.model) and any(batch.exists() for batch in batches):
            needed.add(permission(field.model, "change"))
    return needed
