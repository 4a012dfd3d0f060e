"""Writes to startups, products and sources. The admin, the API and the importer call these."""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from simple_history.utils import bulk_create_with_history

from .changes import changes_record, touched_by
from .models import ModelProduct, Source, Startup, Tag
from .sectors import sector_fields
from .touch import Touched

M = TypeVar("M", bound=models.Model)


# Each failed attempt means another write committed one of the same new keys meanwhile;
# a third in a row would be a write storm on one key, and becomes a 409.
CREATE_ATTEMPTS = 3


def _wanted_urls(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(url.strip() for url in urls if url and url.strip()))


def sources_for_urls(urls: Iterable[str]) -> list[Source]:
    """The Source of each URL, creating bare ones for URLs not seen before (one query each way)."""
    wanted = _wanted_urls(urls)
    found = _found_or_created(Source, "url", wanted, _bare_source)
    return [found[url] for url in wanted]


def unknown_source_urls(urls: Iterable[str]) -> list[str]:
    """The URLs for which sources_for_urls would create a Source."""
    return _unknown(Source, "url", _wanted_urls(urls))


def unknown_tag_slugs(slugs: Iterable[str]) -> list[str]:
    """The slugs for which tags_for_slugs would create a Tag."""
    return _unknown(Tag, "slug", list(dict.fromkeys(slugs)))


def _unknown(model: type[models.Model], key: str, values: list[str]) -> list[str]:
    known = set(model._default_manager.filter(**{f"{key}__in": values}).values_list(key, flat=True))
    return [value for value in values if value not in known]


def _bare_source(url: str) -> Source:
    source = Source(url=url)
    source.full_clean(validate_unique=False, validate_constraints=False)
    return source


def tags_for_slugs(slugs: Iterable[str]) -> list[Tag]:
    wanted = list(dict.fromkeys(slugs))
    found = _found_or_created(Tag, "slug", wanted, lambda slug: Tag(slug=slug))
    return [found[slug] for slug in wanted]


def _found_or_created(
    model: type[M], key: str, values: list[str], build: Callable[[str], M]
) -> dict[str, M]:
    """The record of each value of the unique field `key`, the missing ones created in bulk
    with their history.

    Two writes creating the same new value at once: the second waits for the first to commit,
    fails on the unique constraint, reads the first one's record and creates the rest.
    """
    manager = model._default_manager
    found: dict[str, M] = {}
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        unknown = [value for value in values if value not in found]
        found.update((getattr(r, key), r) for r in manager.filter(**{f"{key}__in": unknown}))
        # Sorted: two writes creating the same values lock them in one order, no deadlock.
        missing = [build(value) for value in sorted(unknown) if value not in found]
        if not missing:
            break
        try:
            with transaction.atomic():  # a savepoint: losing the race undoes only this insert
                bulk_create_with_history(missing, model)
        except IntegrityError:
            if attempt == CREATE_ATTEMPTS:
                raise
            continue
        created = [getattr(record, key) for record in missing]
        found.update((getattr(r, key), r) for r in manager.filter(**{f"{key}__in": created}))
        break
    return found


@transaction.atomic
def record_save(
    instance: M,
    *,
    source_urls: Iterable[str] | None = None,
    m2m: dict[str, Iterable[models.Model]] | None = None,
    touched: Touched | None = None,
) -> M:
    """Validate and save one record, then set its sources (a list replaces the old one).

    What the change touches, before and after, goes to the outbox in the same transaction.
    """
    before = type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None
    instance.full_clean()
    instance.save()
    if source_urls is not None:
        instance.sources.set(sources_for_urls(source_urls))
    for name, related in (m2m or {}).items():
        getattr(instance, name).set(related)
    changes_record(touched_by([before, instance]) | (touched or Touched()))
    return instance


@transaction.atomic
def record_delete(instance: models.Model) -> None:
    """Delete a record; what it touched is recomputed.

    Deleting a startup or an investor cascades through rounds and stakes whose owners are
    not known beforehand, so that asks for a full refresh.
    """
    touched = touched_by([instance])
    if isinstance(instance, Startup) or type(instance).__name__ == "Investor":
        touched = Touched(full=True)
    instance.delete()
    changes_record(touched)


def assign_fields(instance: M, fields: dict[str, Any]) -> M:
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def source_citations(sources: Iterable[Source]) -> list[models.Model]:
    """Every record that cites one of `sources`, whatever the relation: an FX rate's source
    (a foreign key) or a round's list of sources (a many-to-many), one query per relation.

    The rule that keeps a figure's evidence: a cited source is never deleted. Django's PROTECT
    would cover only foreign keys; deleting a source from a list would silently strip it."""
    sources = list(sources)
    citing: list[models.Model] = []
    for relation in Source._meta.related_objects:
        model = relation.related_model
        lookup = f"{relation.field.name}__in"
        citing.extend(model._default_manager.filter(**{lookup: sources}).distinct())
    return citing


@transaction.atomic
def source_delete(source: Source) -> None:
    """Delete a source that nothing cites; a cited one raises ProtectedError naming the
    records that cite it (the API answers 409, the admin refuses)."""
    citing = source_citations([source])
    if citing:
        raise ProtectedError(f"{source} is cited by {len(citing)} records.", set(citing))
    record_delete(source)


def source_create(**fields: Any) -> Source:
    return record_save(Source(**fields))


def source_update(source: Source, **fields: Any) -> Source:
    return record_save(assign_fields(source, fields))


def startup_create(
    *, source_urls: Iterable[str] = (), tags: Iterable[str] = (), **fields: Any
) -> Startup:
    startup = Startup()
    _classify(startup, fields)
    return record_save(
        assign_fields(startup, fields), source_urls=source_urls, m2m={"tags": tags_for_slugs(tags)}
    )


def startup_update(
    startup: Startup,
    *,
    source_urls: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    **fields: Any,
) -> Startup:
    m2m = {"tags": tags_for_slugs(tags)} if tags is not None else None
    _classify(startup, fields)
    return record_save(assign_fields(startup, fields), source_urls=source_urls, m2m=m2m)


def _classify(startup: Startup, fields: dict[str, Any]) -> None:
    """Put the sector and is_ai that the write leaves into `fields`, when it gives either
    (startups.sectors.sector_fields: a sector given decides is_ai)."""
    if "sector" in fields or "is_ai" in fields:
        fields.update(
            sector_fields(
                sector=fields.get("sector"),
                is_ai=fields.get("is_ai"),
                stored_sector=startup.sector,
                stored_is_ai=startup.is_ai,
            )
        )


def model_product_create(*, source_urls: Iterable[str] = (), **fields: Any) -> ModelProduct:
    return record_save(ModelProduct(**fields), source_urls=source_urls)


def model_product_update(
    product: ModelProduct, *, source_urls: Iterable[str] | None = None, **fields: Any
) -> ModelProduct:
    return record_save(assign_fields(product, fields), source_urls=source_urls)
