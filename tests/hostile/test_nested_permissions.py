"""Every write endpoint of the API (from the router) with a user holding only that endpoint's
permissions: plain writes pass; a body that also creates, changes or deletes records of
another model (new sources, new tags, a round's participations) and a delete that cascades
to other records are refused with 403 naming the permission, and change nothing.

The nested writes are found from each serializer's fields, so a new nested field, endpoint
or cascade is covered, or fails `test_every_writable_field_is_classified` until it is."""

import factory.django
import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from rest_framework import serializers

from config.urls_api import router
from deals.api.fields import SourceUrlsField
from deals.api.serializers.companies import TagsField
from deals.api.touches import permission
from deals.claim_models import RECORD_FIELDS, Claim
from deals.evidence import FIGURES
from startups.models import Source, Tag
from tests import factories
from tests.api.conftest import grant, grant_names, token_for, with_token
from tests.api.resources import RESOURCES
from tests.factories import (
    ClaimFactory,
    InvestorFactory,
    SourceFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = [(prefix, viewset) for prefix, viewset, _ in router.registry]
IDS = [prefix for prefix, _ in ENDPOINTS]
NEW_URL = "https://news.example.com/never-cited-before"
# A nested list's records are matched by this key of each item (deals.services,
# deals.claim_services).
LIST_KEYS = {"participants": "investor", "claims": ("field", "source_url")}
# Nested objects that write the record's own columns (`source="*"`), no other model's rows.
OWN_COLUMNS = {"identifiers"}
FACTORIES = {
    value._meta.model: value
    for value in vars(factories).values()
    if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory)
}


def writable(viewset) -> dict[str, serializers.Field]:
    fields = viewset.serializer_class().fields
    return {name: field for name, field in fields.items() if not field.read_only}


def is_source_url(field) -> bool:
    return isinstance(field, SourceUrlsField) or field.source == "source.url"


def only_its_own(model):
    """A token whose user may add, change and delete `model`'s records, nothing else."""
    user = UserFactory()
    grant(user, model, "add", "change", "delete")
    return user, with_token(token_for(user))


def snapshot() -> dict:
    """How many records of each model, many-to-many rows included."""
    counts = {}
    for model in [
        *apps.get_app_config("startups").get_models(),
        *apps.get_app_config("deals").get_models(),
    ]:
        counts[model.__name__] = model.objects.count()
        for m2m in model._meta.many_to_many:
            counts[m2m.remote_field.through.__name__] = m2m.remote_field.through.objects.count()
    return counts


def test_every_write_endpoint_has_a_resource():
    assert set(IDS) == set(RESOURCES)


@pytest.mark.parametrize(("prefix", "viewset"), ENDPOINTS, ids=IDS)
def test_every_writable_field_is_classified(prefix, viewset):
    for name, field in writable(viewset).items():
        nested = isinstance(field, serializers.BaseSerializer)
        if nested and name in OWN_COLUMNS:
            model = viewset.serializer_class.Meta.model
            columns = {f.name for f in model._meta.concrete_fields}
            assert field.source == "*", f"{prefix}.{name}"
            assert set(field.fields) <= columns, f"{prefix}.{name}: writes another model"
            continue
        assert not nested or name in LIST_KEYS, f"{prefix}.{name}: a nested list no test knows"


@pytest.mark.parametrize(("prefix", "viewset"), ENDPOINTS, ids=IDS)
def test_plain_writes_need_only_the_endpoints_permissions(prefix, viewset):
    resource = RESOURCES[prefix]
    _, caller = only_its_own(resource.model)
    body = resource.create()
    fields = writable(viewset)
    for name in list(body):
        if is_source_url(fields[name]):
            for url in body[name]:
                SourceFactory(url=url)
        elif isinstance(fields[name], TagsField):
            for slug in body[name]:
                TagFactory(slug=slug)
        elif name in LIST_KEYS:
            del body[name]

    record = resource.make()
    created = caller.post(resource.url(), body)
    updated = caller.patch(resource.url(record), resource.update)
    deleted = caller.delete(resource.url(record))

    assert (created.status_code, updated.status_code, deleted.status_code) == (201, 200, 204)


def nested_cases(prefix, viewset, record) -> list[tuple[str, dict, str]]:
    """(case, PATCH body, the permission it needs) for each nested write the fields allow."""
    cases = []
    for name, field in writable(viewset).items():
        if is_source_url(field):
            value = NEW_URL if field.source == "source.url" else [NEW_URL]
            cases.append((f"{name} creates a source", {name: value}, permission(Source, "add")))
        elif isinstance(field, TagsField):
            cases.append((f"{name} creates a tag", {name: ["never-seen"]}, permission(Tag, "add")))
        elif name == "claims":
            cases += claim_cases(name, record)
        elif name in LIST_KEYS:
            child_model = field.child.Meta.model
            relation = getattr(record, field.source)
            child = FACTORIES[child_model](**{relation.field.name: record})
            key = LIST_KEYS[name]
            kept = {key: getattr(child, key).slug, "is_lead": child.is_lead}
            changed = {**kept, "is_lead": not child.is_lead}
            added = {key: InvestorFactory().slug}
            cases += [
                (f"{name} deletes", {name: []}, permission(child_model, "delete")),
                (f"{name} adds", {name: [kept, added]}, permission(child_model, "add")),
                (f"{name} changes", {name: [changed]}, permission(child_model, "change")),
            ]
    return cases


def claim_cases(name: str, record) -> list[tuple[str, dict, str]]:
    """A PATCH's claims add or change claims (a PUT's also delete: tests/api)."""
    figure, shape = next(iter(FIGURES[record.CLAIM_KIND].items()))
    stored = ClaimFactory(
        **{"round": None, RECORD_FIELDS[record.CLAIM_KIND]: record},
        field=figure,
        currency="USD" if shape.currency else "",
    )
    item = {"field": figure, "source_url": stored.source.url, "currency": stored.currency}
    new_source = SourceFactory(url="https://news.example.com/another-claim").url
    return [
        (
            f"{name} adds",
            {name: [{**item, "source_url": new_source, "value": "1"}]},
            permission(Claim, "add"),
        ),
        (f"{name} changes", {name: [{**item, "value": "2"}]}, permission(Claim, "change")),
    ]


@pytest.mark.parametrize(("prefix", "viewset"), ENDPOINTS, ids=IDS)
def test_a_nested_write_needs_the_nested_models_permission(prefix, viewset):
    resource = RESOURCES[prefix]
    user, caller = only_its_own(resource.model)
    record = resource.make()
    url = resource.url(record)

    for case, body, needed in nested_cases(prefix, viewset, record):
        before, shown = snapshot(), caller.get(url).json()

        refused = caller.patch(url, body)

        assert refused.status_code == 403, case
        assert f"({needed})" in refused.json()["detail"], case
        assert (snapshot(), caller.get(url).json()) == (before, shown), case
        grant_names(user, [needed])
        assert caller.patch(url, body).status_code == 200, case


def cascades(model) -> list[tuple[models.ForeignObjectRel, str]]:
    """The relations a delete of `model` deletes (CASCADE) or clears (SET_NULL) records
    through, in models the admin shows, with the action each needs."""
    found = []
    for relation in model._meta.related_objects:
        if relation.many_to_many or not admin.site.is_registered(relation.related_model):
            continue
        action = {models.CASCADE: "delete", models.SET_NULL: "change"}.get(relation.on_delete)
        if action:
            found.append((relation, action))
    return found


CASCADING = [
    (prefix, viewset) for prefix, viewset in ENDPOINTS if cascades(RESOURCES[prefix].model)
]


@pytest.mark.parametrize(("prefix", "viewset"), CASCADING, ids=[p for p, _ in CASCADING])
def test_a_delete_needs_the_permission_of_what_it_cascades_to(prefix, viewset):
    resource = RESOURCES[prefix]
    user, caller = only_its_own(resource.model)

    for relation, action in cascades(resource.model):
        record = resource.make()
        FACTORIES[relation.related_model](**{relation.field.name: record})
        needed = permission(relation.related_model, action)
        before = snapshot()

        refused = caller.delete(resource.url(record))

        assert refused.status_code == 403, relation
        assert f"({needed})" in refused.json()["detail"], relation
        assert snapshot() == before, relation
        grant_names(user, [needed])
        assert caller.delete(resource.url(record)).status_code == 204, relation
