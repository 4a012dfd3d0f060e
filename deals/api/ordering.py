"""`?ordering=`: one of a list's `ordering_fields`, with `-` in front for descending. Anything
else is a 400 naming the allowed values, where DRF would fall back to the default order without
a word. One field only: pages are keyset pages over (field, id), deals.api.pagination."""

from rest_framework import filters
from rest_framework.exceptions import ValidationError


def allowed_orderings(view) -> list[str]:
    """`name_en, -name_en, slug, -slug, ...`: the values `?ordering=` takes on this list."""
    return [value for field in view.ordering_fields for value in (field, f"-{field}")]


class OrderingFilter(filters.OrderingFilter):
    ordering_description = (
        "The field to order by, `-` first for descending; records with the same value go by "
        "id, in the same direction. Records without a value (null) come last either way."
    )

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        text = request.query_params.get(self.ordering_param, "")
        if not text:  # an empty parameter is no parameter, as everywhere in the API
            return self.get_default_ordering(view)
        allowed = allowed_orderings(view)
        if text not in allowed:
            message = f"must be one of {', '.join(allowed)} (got {text[:50]!r})"
            raise ValidationError({self.ordering_param: [message]})
        return (text,)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["enum"] = allowed_orderings(view)
            parameter["description"] += f" Default: `{view.ordering[0]}`."
        return parameters
