"""Claims in the admin: an inline on each record's change page saved through the claim
services (the record follows the accept rule; a broken rule is an error on the row), the
Disputes page to accept a claim with a reason, and sources with their kind."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from deals.claim_models import Claim
from deals.claim_services import claim_save
from deals.models import ValuationMark
from deals.services import valuation_mark_create
from startups.models import Source
from tests.api.conftest import grant
from tests.factories import ClaimFactory, SourceFactory, StaffFactory, StartupFactory
from tests.startups.test_admin import admin_form_data, admin_url, form_errors

pytestmark = pytest.mark.django_db

MAGAZINE = "https://magazine.example.com/zhipu"
PROSPECTUS = "https://www.hkexnews.hk/zhipu-prospectus.pdf"
DISPUTES = "/admin/disputes/"


@pytest.fixture
def mark():
    """Zhipu at ¥40bn by a magazine."""
    SourceFactory(url=MAGAZINE, publisher="Caijing", kind="original_report")
    return valuation_mark_create(
        startup=StartupFactory(name_en="Zhipu AI"),
        valued_on=dt.date(2025, 3, 1),
        value=Decimal("40000000000"),
        currency="CNY",
        kind="press_report",
        source_urls=[MAGAZINE],
    )


@pytest.fixture
def disputed(mark):
    """The prospectus says ¥24.4bn: the two cannot both be true."""
    prospectus = SourceFactory(url=PROSPECTUS, publisher="HKEX", kind="filing")
    claim_save(
        ClaimFactory.build(
            round=None,
            valuation=mark,
            field="value",
            value=Decimal("24.4e9"),
            currency="CNY",
            source=prospectus,
        )
    )
    mark.refresh_from_db()
    return mark


def with_claim_row(data: dict, **fields: str) -> dict:
    """The change page's data with one more row in the claims inline."""
    index = int(data["claims-TOTAL_FORMS"])
    data["claims-TOTAL_FORMS"] = str(index + 1)
    data.update({f"claims-{index}-{name}": value for name, value in fields.items()})
    return data


def test_a_claim_added_inline_is_saved_through_the_claim_services(admin_client, mark):
    url = admin_url(ValuationMark, "change", mark.pk)
    prospectus = SourceFactory(url=PROSPECTUS, kind="filing")
    data = with_claim_row(
        admin_form_data(admin_client.get(url)),
        field="value",
        value="24400000000",
        currency="CNY",
        qualifier="exact",
        source=str(prospectus.pk),
        confidence="confirmed",
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    mark.refresh_from_db()
    # The filing outranks the magazine: its figure is the mark's, and the two disagree.
    assert (mark.value, mark.disputed) == (Decimal("24400000000.00"), ["value"])
    assert mark.claims.count() == 2


def test_a_record_added_in_the_admin_makes_its_figure_a_claim_of_its_source(admin_client):
    source = SourceFactory(url=MAGAZINE, published_on=dt.date(2025, 3, 2))
    data = admin_form_data(admin_client.get(admin_url(ValuationMark, "add")))
    data.update(
        startup=str(StartupFactory().pk),
        kind="press_report",
        valued_on="2025-03-01",
        date_precision="day",
        value="40000000000",
        currency="CNY",
        value_qualifier="approx",
        sources=[str(source.pk)],
    )

    response = admin_client.post(admin_url(ValuationMark, "add"), data)

    assert response.status_code == 302, form_errors(response)
    claims = ValuationMark.objects.get().claims.values_list(
        "source__url", "value", "qualifier", "reported_on"
    )
    assert list(claims) == [(MAGAZINE, Decimal("40000000000"), "approx", dt.date(2025, 3, 2))]


@pytest.mark.parametrize(
    "fields, errors",
    [
        ({"currency": ""}, {"currency": ["A money figure needs its currency."]}),
        ({"accepted": "on"}, {"__all__": ["Say in the notes why this claim is accepted."]}),
    ],
)
def test_a_claim_breaking_a_rule_is_an_error_on_its_row(admin_client, mark, fields, errors):
    url = admin_url(ValuationMark, "change", mark.pk)
    prospectus = SourceFactory(url=PROSPECTUS, kind="filing")
    row = {"field": "value", "value": "1", "currency": "CNY", "qualifier": "exact"}
    data = with_claim_row(
        admin_form_data(admin_client.get(url)),
        **{**row, "source": str(prospectus.pk), "confidence": "reported", **fields},
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert form_errors(response) == [[{}, errors]]
    assert mark.claims.count() == 1


def test_accepting_a_rival_inline_withdraws_the_first_acceptance(admin_client, disputed):
    first = disputed.claims.get(source__url=MAGAZINE)
    first.accepted, first.notes = True, "The last private round."
    claim_save(first)
    url = admin_url(ValuationMark, "change", disputed.pk)
    data = admin_form_data(admin_client.get(url))
    rows = {data[f"claims-{i}-id"]: i for i in range(int(data["claims-TOTAL_FORMS"]))}
    prospectus = rows[str(disputed.claims.get(source__url=PROSPECTUS).pk)]
    data.pop(f"claims-{rows[str(first.pk)]}-accepted")
    data[f"claims-{prospectus}-accepted"] = "on"
    data[f"claims-{prospectus}-notes"] = "The prospectus is the filing."

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert list(Claim.objects.filter(accepted=True).values_list("source__url", flat=True)) == [
        PROSPECTUS
    ]


def test_a_disputed_records_page_links_its_figures_to_the_disputes_page(admin_client, disputed):
    page = admin_client.get(admin_url(ValuationMark, "change", disputed.pk)).text

    assert f'href="{DISPUTES}#valuation-{disputed.pk}-value"' in page
    assert f'href="{DISPUTES}"' in admin_client.get(reverse("admin:index")).text


def test_the_disputes_page_shows_each_disputed_figures_claims_side_by_side(admin_client, disputed):
    response = admin_client.get(DISPUTES)

    assert response.status_code == 200
    (figure,) = response.context["disputed"]
    assert (figure.record, figure.field) == (disputed, "value")
    # The record's own (the filing's) first.
    assert [(row["value"], row["outlet"], row["kind"]) for row in figure.rows] == [
        ("24,400,000,000 CNY", "HKEX", "primary filing"),
        ("40,000,000,000 CNY", "Caijing", "original reporting"),
    ]
    assert response.context["resolved"] == []
    assert f'id="valuation-{disputed.pk}-value"' in response.text


def test_accepting_a_claim_with_a_reason_resolves_the_figure(admin_client, disputed):
    magazine = disputed.claims.get(source__url=MAGAZINE)
    reason = "The prospectus values the company after the later share issue."

    response = admin_client.post(DISPUTES, {"claim": magazine.pk, "reason": reason})

    assert response.status_code == 302
    disputed.refresh_from_db()
    assert (disputed.value, disputed.disputed) == (Decimal("40000000000.00"), [])
    page = admin_client.get(DISPUTES)
    assert page.context["disputed"] == []
    (resolved,) = page.context["resolved"]
    assert (resolved.record, resolved.accepted, resolved.accepted.notes) == (
        disputed,
        magazine,
        reason,
    )
    assert reason in page.text


def test_accepting_without_a_reason_is_a_form_error_and_changes_nothing(admin_client, disputed):
    magazine = disputed.claims.get(source__url=MAGAZINE)

    response = admin_client.post(
        DISPUTES, {"claim": magazine.pk, "reason": " ", "figure": f"valuation-{disputed.pk}-value"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"reason": ["Say why this claim is accepted."]}
    assert "Say why this claim is accepted." in response.text
    assert not Claim.objects.filter(accepted=True).exists()


def test_the_disputes_page_needs_the_claim_permissions(client, disputed):
    staff = StaffFactory(is_superuser=False)
    client.force_login(staff)
    magazine = disputed.claims.get(source__url=MAGAZINE)
    accept = {"claim": magazine.pk, "reason": "Checked."}

    assert client.get(DISPUTES).status_code == 403
    grant(staff, Claim, "view")
    assert client.get(DISPUTES).status_code == 200
    assert client.post(DISPUTES, accept).status_code == 403
    assert not Claim.objects.filter(accepted=True).exists()


def test_sources_are_filtered_and_edited_with_their_kind(admin_client):
    copy = SourceFactory(url="https://copy.example.com/", kind="syndicated")
    SourceFactory(url="https://filing.example.com/", kind="filing")
    url = admin_url(Source, "change", copy.pk)
    data = {**admin_form_data(admin_client.get(url)), "original_publisher": "Bloomberg"}

    listed = admin_client.get(admin_url(Source, "changelist"), {"kind": "syndicated"})
    saved = admin_client.post(url, data)

    assert list(listed.context["cl"].result_list) == [copy]
    assert saved.status_code == 302, form_errors(saved)
    copy.refresh_from_db()
    assert (copy.kind, copy.original_publisher) == ("syndicated", "Bloomberg")


def test_the_disputes_page_speaks_chinese(admin_client, disputed):
    page = admin_client.get(DISPUTES, HTTP_ACCEPT_LANGUAGE="zh-hans").text

    assert "有争议的数字" in page and "采纳所选说法" in page and "已解决的数字" in page
    index = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "来源说法不一致的数字" in index
