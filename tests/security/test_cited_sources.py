"""A source that a record cites is that record's evidence: deleting it, through the API or the
admin (one source or a selection), is refused and leaves the citation in place, whatever the
relation (an FX rate's source, or any record's list of sources)."""

import pytest
from django.test import Client

from deals.models import Claim
from startups.models import Source
from tests.api.resources import RESOURCES
from tests.factories import (
    ClaimFactory,
    FundingRoundFactory,
    FxRateFactory,
    SourceFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

# Every kind of record holding a list of sources, found from the model: a new one is covered.
CITING = [
    resource
    for resource in RESOURCES.values()
    if any(relation.related_model is resource.model for relation in Source._meta.related_objects)
]


def cited_by(resource) -> tuple[Source, object]:
    source = SourceFactory(url="https://news.example.com/evidence")
    record = resource.make()
    if hasattr(record, "sources"):
        record.sources.add(source)
    else:
        record.source = source
        record.save()
    return source, record


def still_cites(record, source: Source) -> bool:
    record.refresh_from_db()
    if hasattr(record, "sources"):
        return list(record.sources.all()) == [source]
    return record.source == source


@pytest.mark.parametrize("resource", CITING, ids=[resource.path for resource in CITING])
def test_the_api_refuses_to_delete_a_cited_source_with_409(writer, resource):
    source, record = cited_by(resource)

    response = writer.delete(f"/api/v1/sources/{source.pk}/")

    assert response.status_code == 409
    name = record._meta.verbose_name
    assert response.json() == {
        "detail": f"Cannot delete: 1 {name} refer to it. Delete or move those first."
    }
    assert still_cites(record, source)


def test_the_api_refuses_to_delete_a_source_a_claim_rests_on_with_409(writer):
    claim = ClaimFactory(source=SourceFactory(url="https://news.example.com/evidence"))

    response = writer.delete(f"/api/v1/sources/{claim.source.pk}/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cannot delete: 1 claim refer to it. Delete or move those first."
    }
    claim.refresh_from_db()
    assert claim.source.url == "https://news.example.com/evidence"


def test_every_relation_to_a_source_is_covered():
    # Claims are read and written inside their records, not as a resource of their own: the
    # test above covers them.
    assert {resource.model for resource in CITING} | {Claim} == {
        relation.related_model for relation in Source._meta.related_objects
    }


def test_a_source_nothing_cites_is_deleted(writer):
    source = SourceFactory()

    assert writer.delete(f"/api/v1/sources/{source.pk}/").status_code == 204
    assert not Source.objects.filter(pk=source.pk).exists()


def signed_in_staff() -> Client:
    client = Client()
    client.force_login(StaffFactory())
    return client


def test_the_admin_says_why_a_cited_source_stays_and_does_not_delete_it():
    source = SourceFactory(url="https://news.example.com/evidence", title="Series B story")
    funding_round = FundingRoundFactory(round_label="Series B")
    funding_round.sources.add(source)
    client = signed_in_staff()
    url = f"/admin/startups/source/{source.pk}/delete/"

    page = client.get(url).content.decode()
    refused = client.post(url, {"post": "yes"})

    assert "The source “Series B story” cannot be deleted: the records below cite it" in page
    assert f"<li>Funding round: {funding_round}</li>" in page
    assert refused.status_code == 200
    assert still_cites(funding_round, source)


def test_the_admin_bulk_delete_refuses_cited_sources():
    cited, record = cited_by(RESOURCES["rounds"])
    FxRateFactory(source=SourceFactory(url="https://stats.example.com/fx"))
    spare = SourceFactory(url="https://news.example.com/spare")

    response = signed_in_staff().post(
        "/admin/startups/source/",
        {"action": "delete_selected", "_selected_action": [cited.pk, spare.pk], "post": "yes"},
    )

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )
    assert Source.objects.count() == 3
    assert still_cites(record, cited)
