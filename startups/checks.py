"""System checks over stored data: `manage.py check --database default`, and every `migrate`."""

from collections.abc import Iterator

from django.apps import apps
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connections, models
from simple_history.models import HistoricalChanges

from .fields import HttpURLField
from .rules import url_problem

# Named one by one in the warning; the rest are counted.
URLS_SHOWN = 10
URL_CHECK_CHUNK = 2000


def _url_fields() -> Iterator[tuple[type[models.Model], HttpURLField]]:
    """Every web-address column of current records (history keeps what was)."""
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, HttpURLField):
                yield model, field


@register(Tags.database)
def stored_urls_check(app_configs=None, databases=None, **kwargs) -> list[CheckMessage]:
    """Stored web addresses that break the rule of every entry point (rules.url_problem).

    They predate the rule (the admin and the API once let ftp:// in) or were written past
    every entry point (the shell, raw SQL). A source's URL is evidence: it is not rewritten
    by guesswork, but reported here until someone corrects it in the admin, where the same
    rule then applies.
    """
    found = []
    for alias in databases or []:
        tables = set(connections[alias].introspection.table_names())
        for model, field in _url_fields():
            if model._meta.db_table in tables:
                found.extend(_broken(model, field, alias))
    if not found:
        return []
    shown = "; ".join(found[:URLS_SHOWN])
    more = f"; and {len(found) - URLS_SHOWN} more" if len(found) > URLS_SHOWN else ""
    return [
        Warning(
            f"{len(found)} stored URL(s) break the URL rule that every way in applies, and "
            f"an export holding them would be refused on import: {shown}{more}",
            hint="Correct each in the admin (or delete it); the rule is "
            "startups.rules.url_problem.",
            id="startups.W001",
        )
    ]


def _broken(model: type[models.Model], field: HttpURLField, alias: str) -> Iterator[str]:
    rows = (
        model._default_manager.using(alias)
        .exclude(**{field.name: ""})
        .order_by("pk")
        .values_list("pk", field.name)
    )
    for pk, url in rows.iterator(chunk_size=URL_CHECK_CHUNK):
        if problem := url_problem(url, field.max_length):
            yield f"{model._meta.label} {pk} {field.name}: {problem}"
