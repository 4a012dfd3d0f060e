"""A search of 1,500 terms (it fits in gunicorn's request line) held a PostgreSQL worker for
279 s and made SQLite answer 503: every search that is split into terms (each API list's
`?search=`, the admin's search box and autocomplete) takes at most SEARCH_MAX_TERMS terms of
at most SEARCH_MAX_TERM_LENGTH characters, and refuses more with a 400 naming the limit, before
any query. The pages' name boxes search for one text of at most 100 characters."""

import time

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import StaffFactory, StartupFactory

from .endpoints import searchable_lists
from .records import PAGE_FORMS

pytestmark = pytest.mark.django_db
HOSTILE_SEARCH = " ".join(f"term{n}" for n in range(1500))
LIMIT_MESSAGE = "at most 20 terms of at most 100 characters each are searched for"


@pytest.mark.parametrize("path", searchable_lists())
def test_every_api_list_refuses_a_search_of_1500_terms_before_any_query(
    anonymous, path, django_assert_num_queries
):
    started = time.monotonic()
    with django_assert_num_queries(0):
        response = anonymous.get(path, {"search": HOSTILE_SEARCH})

    assert response.status_code == 400
    assert response.json() == {"search": [f"{LIMIT_MESSAGE} (got 1500 terms)"]}
    assert time.monotonic() - started < 1


def test_a_search_within_the_limits_is_answered(anonymous, settings):
    settings.SEARCH_MAX_TERMS, settings.SEARCH_MAX_TERM_LENGTH = 2, 5
    StartupFactory(name_en="Zhipu AI", slug="zhipu")

    found = anonymous.get("/api/v1/startups/", {"search": "zhipu ai"})
    three = anonymous.get("/api/v1/startups/", {"search": "zhipu ai x"})
    long = anonymous.get("/api/v1/startups/", {"search": "zhipuu"})

    assert [row["slug"] for row in found.json()["results"]] == ["zhipu"]
    limits = "at most 2 terms of at most 5 characters each are searched for"
    assert three.json() == {"search": [f"{limits} (got 3 terms)"]}
    assert long.json() == {"search": [f"{limits} (got a term of 6 characters)"]}


def searchable_admins() -> list[str]:
    """The changelist of every model the admin searches, from the admin's registry."""
    return sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model, model_admin in admin.site._registry.items()
        if model_admin.search_fields
    )


@pytest.mark.parametrize("path", searchable_admins())
def test_every_admin_search_box_refuses_1500_terms(client, path):
    client.force_login(StaffFactory())

    response = client.get(path, {"q": HOSTILE_SEARCH})

    assert response.status_code == 400
    assert response.content.decode() == f"Search: {LIMIT_MESSAGE} (got 1500 terms)."


def test_the_admin_autocomplete_refuses_1500_terms_and_counts_a_quoted_phrase_once(
    client, settings
):
    client.force_login(StaffFactory())
    settings.SEARCH_MAX_TERMS = 2
    url = reverse("admin:autocomplete")
    field = {"app_label": "deals", "model_name": "fundinground", "field_name": "startup"}

    refused = client.get(url, {**field, "term": HOSTILE_SEARCH})
    phrase = client.get(url, {**field, "term": '"zhipu ai" beijing'})

    assert refused.status_code == 400
    assert refused.content.decode().startswith("Search: at most 2 terms")
    assert phrase.status_code == 200


@pytest.mark.parametrize("path", [p for p, form in PAGE_FORMS.items() if "q" in form.base_fields])
def test_the_pages_search_no_text_longer_than_their_box(client, path):
    StartupFactory(name_en="term0 term1")

    response = client.get(path, {"q": HOSTILE_SEARCH})

    assert response.status_code == 200
    assert response.context["form"].errors["q"] == [
        f"Ensure this value has at most 100 characters (it has {len(HOSTILE_SEARCH)})."
    ]
