"""django-filter's backend, without its FilterSet when a request names none of the filters."""

from django import forms
from django.template import loader
from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """Builds no FilterSet, form and form fields (deep copies of every filter and field, a
    quarter of a page of rounds' time: docs/benchmarks.md) when no query parameter names one
    of the filters and none is required: each filter would then let every record through.
    A parameter that only starts with a filter's name (a widget's `_min`) goes the usual
    way, as does an empty one (`?currency=`)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not may_filter(request, filterset_class):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def to_html(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return None
        _text_inputs_for_records(filterset.form)
        template = loader.get_template(self.template)
        return template.render({"filter": filterset}, request)


def may_filter(request, filterset_class) -> bool:
    filters = filterset_class.base_filters
    if any(f.extra.get("required") for f in filters.values()):
        return True
    names = tuple(filters)
    return any(key.startswith(names) for key in request.query_params)


def _text_inputs_for_records(form: forms.Form) -> forms.Form:
    """A filter naming a record (startup, investor, tag) takes its slug in a text input: a
    <select> would list the whole table in every browsable API page."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.widget = forms.TextInput()
    return form
