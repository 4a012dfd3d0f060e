"""Writes to startups, products and sources. The admin, the API and the importer call these."""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models, transaction
from simple_history.utils import bulk_create_with_history

from .changes import changes_record, touched_by
from .models import ModelProduct, Source, Startup, Tag
from .touch import Touched
from .vocab import split_list

M = TypeVar("M", bound=models.Model)


def split_urls(text: str) -> list[str]:
    """The import format's `source_url` column: one or more URLs separated by ';'."""
    return list(dict.fromkeys(split_list(text)))


def sources_for_urls(urls: Iterable[str]) -> list[Source]:
    """The Source of each URL, creating bare ones for URLs not seen before (one query each way)."""
    wanted = list(dict.fromkeys(url.strip() for url in urls if url and url.strip()))
    found = {source.url: source for source in Source.objects.filter(url__in=wanted)}
    missing = [Source(url=url) for url in wanted if url not in found]
    for source in missing:
        source.full_clean(validate_unique=False, validate_constraints=False)
    if missing:
        bulk_create_with_history(missing, Source)
        found.update({s.url: s for s in Source.objects.filter(url__in=[m.url for m in missing])})
    return [found[url] for url in wanted]


def tags_for_slugs(slugs: Iterable[str]) -> list[Tag]:
    wanted = list(dict.fromkeys(slugs))
    found = {tag.slug: tag for tag in Tag.objects.filter(slug__in=wanted)}
    missing = [Tag(slug=slug) for slug in wanted if slug not in found]
    if missing:
        bulk_create_with_history(missing, Tag)
    return list(Tag.objects.filter(slug__in=wanted))


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


def source_create(**fields: Any) -> Source:
    return record_save(Source(**fields))


def source_update(source: Source, **fields: Any) -> Source:
    return record_save(assign_fields(source, fields))


def startup_create(
    *, source_urls: Iterable[str] = (), tags: Iterable[str] = (), **fields: Any
) -> Startup:
    return record_save(
        Startup(**fields), source_urls=source_urls, m2m={"tags": tags_for_slugs(tags)}
    )


def startup_update(
    startup: Startup,
    *,
    source_urls: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    **fields: Any,
) -> Startup:
    m2m = {"tags": tags_for_slugs(tags)} if tags is not None else None
    return record_save(assign_fields(startup, fields), source_urls=source_urls, m2m=m2m)


def model_product_create(*, source_urls: Iterable[str] = (), **fields: Any) -> ModelProduct:
    return record_save(ModelProduct(**fields), source_urls=source_urls)


def model_product_update(
    product: ModelProduct, *, source_urls: Iterable[str] | None = None, **fields: Any
) -> ModelProduct:
    return record_save(assign_fields(product, fields), source_urls=source_urls)
