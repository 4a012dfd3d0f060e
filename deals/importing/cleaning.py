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
        self.checked: dict[tuple, list[models.Field]] = {}

    def __call__(self, instance: models.Model, exclude: set[str] | frozenset[str]) -> None:
        errors = {}
        for field in self.fields(type(instance), exclude):
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

    def fields(
        self, model: type[models.Model], exclude: set[str] | frozenset[str]
    ) -> list[models.Field]:
        """The fields to clean, found once per set of excluded ones (a batch's rows mostly
        share one)."""
        key = (model, frozenset(exclude))
        if key not in self.checked:
            self.checked[key] = [
                f for f in model._meta.fields if f.name not in exclude and not f.generated
            ]
        return self.checked[key]

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
