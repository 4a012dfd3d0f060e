"""The language of a page is in its URL, so that a shared link keeps it: English unprefixed,
Chinese under `/zh-hans/` (the pages are in `i18n_patterns`, config/urls.py).

A visitor who has not chosen English (no language cookie saying so) and whose choice or browser
prefers another language is redirected from an unprefixed page to that language's URL, so that
`Accept-Language` keeps working. The admin and the API have no prefix: they follow the language
cookie, then `Accept-Language`, as before.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import LocalePrefixPattern, Resolver404, get_resolver, get_urlconf
from django.urls.resolvers import URLResolver
from django.utils import translation
from django.utils.cache import patch_vary_headers

SAFE_METHODS = frozenset({"GET", "HEAD"})


def is_translated_page(path: str) -> bool:
    """Whether `path` is a page of the language-prefixed patterns (with or without a prefix)."""
    relative = path.removeprefix("/")
    for pattern in get_resolver(get_urlconf()).url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            try:
                pattern.resolve(relative)
            except Resolver404:
                continue
            return True
    return False


def language_url(path: str, query: str, language: str) -> str:
    """The URL of an unprefixed page in `language`."""
    prefixed = path if language == settings.LANGUAGE_CODE else f"/{language}{path}"
    return f"{prefixed}?{query}" if query else prefixed


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, plus the redirect to the preferred language's page and the
    cookie-or-browser choice for the paths that have no prefix."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path_info
        if translation.get_language_from_path(path) is not None:
            return super().process_request(request)
        with translation.override(settings.LANGUAGE_CODE):
            page = is_translated_page(path)
        request.unprefixed_page = page
        if not page:
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
            return None
        preferred = translation.get_language_from_request(request, check_path=False)
        if request.method in SAFE_METHODS and preferred != settings.LANGUAGE_CODE:
            response = HttpResponseRedirect(
                language_url(path, request.META.get("QUERY_STRING", ""), preferred)
            )
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        return super().process_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        if getattr(request, "unprefixed_page", False):
            # The same URL answers a redirect to another visitor: caches must keep them apart.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
