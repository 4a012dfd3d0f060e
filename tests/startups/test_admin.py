"""Admin data entry for startups, products, sources and tags: every page answers for staff in a
bounded number of queries, and saving goes through the services with readable refusals."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

from startups.models import ModelProduct, Source, Startup, Tag
from tests.factories import (
    ModelProductFactory,
    SourceFactory,
    StartupFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, two counts, the rows, one query per prefetch, per list filter and two for the
# date hierarchy: a fixed number, not one per row. The richest, the round list, makes 12.
CHANGELIST_MAX_QUERIES = 12
# The change page of a record with a few related rows (inlines, autocomplete choices): the
# round page with two participants makes 10, the startup page with its product and rounds 9.
CHANGE_PAGE_MAX_QUERIES = 12


def admin_url(model: type[models.Model], view: str, *args: Any) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def admin_form_data(response) -> dict[str, Any]:
    """What a browser posts back from an admin add or change page left untouched."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(item) for item in value]
            else:
                data[form.add_prefix(name)] = "on" if value is True else str(value)
    return data


def form_errors(response) -> list:
    """Every error on a re-rendered admin form, the main form's and each inline's."""
    errors = [response.context["adminform"].form.errors]
    errors += [inline.formset.errors for inline in response.context["inline_admin_formsets"]]
    errors += [
        inline.formset.non_form_errors() for inline in response.context["inline_admin_formsets"]
    ]
    return [error for error in errors if error and any(error)]


def fields_left_off_the_form(model: type[models.Model], rf, user) -> set[str]:
    """Editable model fields that staff could not enter on the admin's change form."""
    request = rf.get("/")
    request.user = user
    form_fields = set(admin.site._registry[model].get_form(request).base_fields)
    editable = {
        field.name
        for field in model._meta.get_fields()
        if field.concrete and getattr(field, "editable", False) and not field.primary_key
    }
    # A many-to-many through a model of its own (a round's investors) is entered inline.
    through_inlines = {
        field.name
        for field in model._meta.many_to_many
        if not field.remote_field.through._meta.auto_created
    }
    return editable - through_inlines - form_fields


def check_admin_pages(
    client: Client,
    model: type[models.Model],
    make_row: Callable[[int], models.Model],
    assert_max_queries,
) -> None:
    """Changelist (same query count for 3 rows and for 20), add, change and history pages."""
    changelist = admin_url(model, "changelist")
    rows = [make_row(i) for i in range(3)]
    with assert_max_queries(CHANGELIST_MAX_QUERIES) as few:
        response = client.get(changelist)
    assert response.status_code == 200
    assert response.context["cl"].result_count == model._default_manager.count() >= 3

    rows += [make_row(i) for i in range(3, 20)]
    with assert_max_queries(CHANGELIST_MAX_QUERIES) as many:
        response = client.get(changelist)
    assert response.status_code == 200
    assert response.context["cl"].result_count == model._default_manager.count() >= 20
    assert len(many) == len(few), "the changelist makes more queries as rows are added"

    assert client.get(admin_url(model, "add")).status_code == 200
    with assert_max_queries(CHANGE_PAGE_MAX_QUERIES):
        response = client.get(admin_url(model, "change", rows[-1].pk))
    assert response.status_code == 200
    assert client.get(admin_url(model, "history", rows[-1].pk)).status_code == 200


def make_startup(i: int) -> Startup:
    startup = StartupFactory(founded_on=dt.date(2023, 4, 1), founded_precision="quarter")
    startup.tags.add(TagFactory(slug=f"cohort-{i % 2}"))
    startup.sources.add(SourceFactory())
    ModelProductFactory(startup=startup)
    return startup


def make_product(i: int) -> ModelProduct:
    product = ModelProductFactory()
    product.sources.add(SourceFactory())
    return product


STARTUP_MODELS = {
    Source: lambda i: SourceFactory(published_on=dt.date(2024, 1, 1 + i)),
    Tag: lambda i: TagFactory(slug=f"tag-{i}", name=f"Tag {i}"),
    Startup: make_startup,
    ModelProduct: make_product,
}


@pytest.mark.parametrize("model", STARTUP_MODELS, ids=lambda model: model.__name__)
def test_every_page_answers_in_a_bounded_number_of_queries(
    model, admin_client, django_assert_max_num_queries
):
    check_admin_pages(admin_client, model, STARTUP_MODELS[model], django_assert_max_num_queries)


@pytest.mark.parametrize("model", STARTUP_MODELS, ids=lambda model: model.__name__)
def test_every_model_is_registered_with_its_history(model):
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields, "autocomplete and search need search fields"
    if hasattr(model, "history"):
        assert hasattr(model_admin, "history_form_view")


@pytest.mark.parametrize("model", STARTUP_MODELS, ids=lambda model: model.__name__)
def test_every_editable_field_can_be_entered(model, rf, admin_user):
    assert fields_left_off_the_form(model, rf, admin_user) == set()


def test_the_startup_list_shows_founding_dates_at_their_precision_and_tags(admin_client):
    make_startup(0)

    response = admin_client.get(admin_url(Startup, "changelist"))

    assert "2023-Q2" in response.text
    assert "cohort-0" in response.text


def test_search_finds_a_startup_by_its_chinese_name_and_by_an_alias(admin_client):
    StartupFactory(name_en="Moonshot AI", name_zh="月之暗面", aliases="Kimi; 北京月之暗面")
    StartupFactory(name_en="Zhipu AI", name_zh="智谱")
    changelist = admin_url(Startup, "changelist")

    for term in ("月之暗面", "Kimi"):
        found = admin_client.get(changelist, {"q": term}).context["cl"].result_list
        assert [startup.name_en for startup in found] == ["Moonshot AI"]


def test_a_startup_and_a_product_entered_in_the_admin_are_saved_with_who_saved_them(
    admin_client, admin_user
):
    data = admin_form_data(admin_client.get(admin_url(Startup, "add")))
    data.update(
        {
            "slug": "stepfun",
            "name_en": "StepFun",
            "name_zh": "阶跃星辰",
            "city": "Shanghai",
            "products-0-name": "Step-2",
            "products-0-launched_on": "2024-07-04",
        }
    )

    response = admin_client.post(admin_url(Startup, "add"), data)

    assert response.status_code == 302, form_errors(response)
    startup = Startup.objects.get(slug="stepfun")
    assert [product.name for product in startup.products.all()] == ["Step-2"]
    assert startup.history.get().history_user == admin_user
    assert startup.products.get().history.get().history_user == admin_user


def test_a_public_startup_without_an_ipo_date_is_refused_in_words(admin_client):
    data = admin_form_data(admin_client.get(admin_url(Startup, "add")))
    data.update({"slug": "zhipu", "name_en": "Zhipu AI", "status": "public"})

    response = admin_client.post(admin_url(Startup, "add"), data)

    assert response.status_code == 200
    assert "A public company needs its IPO date." in response.text
    assert not Startup.objects.exists()


def test_a_slug_with_spaces_is_refused_on_its_field(admin_client):
    data = admin_form_data(admin_client.get(admin_url(Startup, "add")))
    data.update({"slug": "moonshot ai", "name_en": "Moonshot AI"})

    response = admin_client.post(admin_url(Startup, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"]
    assert not Startup.objects.exists()


def test_the_sector_and_is_ai_are_held_together_in_the_admin(admin_client):
    data = admin_form_data(admin_client.get(admin_url(Startup, "add")))
    data.update({"slug": "zhipu", "name_en": "Zhipu AI", "sector": "foundation_models"})
    data.pop("is_ai", None)  # unticked

    refused = admin_client.post(admin_url(Startup, "add"), data)
    data.update({"slug": "meituan", "name_en": "Meituan", "sector": ""})
    outside = admin_client.post(admin_url(Startup, "add"), data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["is_ai"] == [
        "is false but the sector foundation_models is an AI sector: leave is_ai blank or make "
        "them agree"
    ]
    assert outside.status_code == 302, form_errors(outside)
    assert list(Startup.objects.values_list("slug", "is_ai", "sector")) == [
        ("meituan", False, "not_ai")
    ]
