"""`Model.clean_fields` for a batch of rows, each distinct value of a field cleaned once.

A file repeats its values down a column (a currency, a confidence, a round label, a date), and
cleaning every cell of every row through its field was a quarter of an import's time after
the COPY (docs/benchmarks.md). A field's `clean` depends on the value alone here: the
relations, whose checks query the database, are never cleaned by the import, and no field of
the imported models looks at the instance it belongs to.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import DatabaseDefault

Outcome = tuple[Any, list[ValidationError] | None]


class FieldCleaner:
    """Call it as `clean_fields(instance, exclude)`: the same values set, the same
    ValidationError raised, as `instance.clean_fields(exclude=exclude)`."""

    def __init__(self) -> None:
        self.outcomes: dict[tuple, Outcome] = {}

    def __call__(self, instance: models.Model, exclude: set[str] | frozenset[str]) -> None:
        errors = {}
        for field in instance._meta.fields:
            if field.name in exclude or field.generated:
                continue
            raw = getattr(instance, field.attname)
            if (field.blank and raw in field.empty_values) or isinstance(raw, DatabaseDefault):
                continue
            cleaned, error_list = self.outcome(field, raw, instance)
            if error_list is None:
                setattr(instance, field.attname, cleaned)
            else:
                errors[field.name] = error_list
        if errors:
            raise ValidationError(errors)

    def outcome(self, field: models.Field, raw: Any, instance: models.Model) -> Outcome:
        # Decimal("1.0") == Decimal("1.00"), yet only one may fit two decimal places.
        key = (field.attname, type(raw), str(raw) if isinstance(raw, Decimal) else raw)
        try:
            return self.outcomes[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value (a list): cleaned every time
            return _clean(field, raw, instance)
        self.outcomes[key] = found = _clean(field, raw, instance)
        return found


def _clean(field: models.Field, raw: Any, instance: models.Model) -> Outcome:
    try:
        return field.clean(raw, instance), None
    except ValidationError as error:
        return None, error.error_list
