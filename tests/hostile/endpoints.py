"""The API's lists, read from the URL conf: a list added later is covered by every generic test
that walks them (forged cursors, extreme numbers, oversized searches)."""

from django import forms
from django.db.models import Model
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.mixins import ListModelMixin
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request


def _patterns(patterns) -> list[URLPattern]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _patterns(pattern.url_patterns)
        else:
            found.append(pattern)
    return found


def api_lists() -> dict[str, type]:
    """`{"/api/v1/rounds/": FundingRoundViewSet, ...}`: every API view that answers GET with a
    list of records in pages, to anyone. (Lists of a signed-in user's own items answer only
    their owner: their tests sign in, e.g. tests/api/test_webhooks_api.py.)"""
    lists = {}
    for pattern in _patterns(get_resolver().url_patterns):
        view = getattr(pattern.callback, "cls", None)
        if view is None or pattern.name is None or not issubclass(view, ListModelMixin):
            continue
        actions = getattr(pattern.callback, "actions", None)
        if actions is not None and actions.get("get") != "list":
            continue
        if view.pagination_class is None or IsAuthenticated in view.permission_classes:
            continue
        lists[reverse(pattern.name)] = view
    return lists


def list_model(view) -> type[Model]:
    """The model whose records a list view reads (its queryset is lazy: no query)."""
    request = Request(RequestFactory().get("/"))
    return view(request=request, format_kwarg=None).get_queryset().model


def searchable_lists() -> dict[str, type]:
    """The lists that take `?search=`."""
    return {
        path: view for path, view in api_lists().items() if getattr(view, "search_fields", None)
    }


def integer_filters(view) -> list[str]:
    """The query parameters of a list that take a number (a filter, and `page_size`)."""
    filterset = getattr(view, "filterset_class", None)
    numeric = [
        name
        for name, item in (filterset.base_filters.items() if filterset else ())
        if issubclass(item.field_class, (forms.DecimalField, forms.IntegerField, forms.FloatField))
    ]
    return [*numeric, "page_size"]
