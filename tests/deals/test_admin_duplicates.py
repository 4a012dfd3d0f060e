"""The admin's Possible duplicates page and the side-by-side comparison of one pair: who may
open them, what they list, what they compare and highlight."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deals.models import Investor
from startups.models import Startup
from tests.api.conftest import grant
from tests.factories import (
    FundingRoundFactory,
    InvestorFactory,
    ModelProductFactory,
    ParticipationFactory,
    StaffFactory,
    StartupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DUPLICATES = "/admin/duplicates/"


@pytest.fixture
def moonshot_twice():
    """Moonshot AI entered twice: once by its brand, once by its legal name."""
    alibaba = InvestorFactory(slug="alibaba", name_en="Alibaba")
    brand = StartupFactory(
        slug="moonshot",
        name_en="Moonshot AI",
        name_zh="月之暗面",
        city="Beijing",
        founders="Yang Zhilin",
        wikidata="Q123456",
    )
    legal = StartupFactory(
        slug="moonshot-legal",
        name_en="Dark Side of the Moon",
        name_zh="北京月之暗面科技有限公司",
        city="Beijing",
        founders="",
        crunchbase="moonshot-ai",
        wikidata="Q654321",
    )
    series_b = FundingRoundFactory(
        startup=brand, announced_on=dt.date(2024, 2, 20), round_label="Series B"
    )
    ParticipationFactory(round=series_b, investor=alibaba)
    FundingRoundFactory(
        startup=legal, announced_on=dt.date(2024, 2, 20), round_label="Series B", amount=None
    )
    FundingRoundFactory(startup=legal, announced_on=dt.date(2023, 6, 1), round_label="Series A")
    ModelProductFactory(startup=brand, name="Kimi")
    ModelProductFactory(startup=legal, name="Kimi")
    ModelProductFactory(startup=legal, name="Moonshot-v1")
    StartupFactory(slug="zhipu", name_en="Zhipu AI", name_zh="智谱")
    return brand, legal


def compare_url(kind: str, a, b) -> str:
    return f"/admin/duplicates/{kind}/{a.pk}/{b.pk}/"


TAG = re.compile(r"<[^>]+>")
CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)


def rows_of(page: str, section: str) -> dict[str, tuple[str, list[str]]]:
    """The rows of a table of the comparison page by their label: (class, the two cells)."""
    table = re.search(rf'<div class="module" id="{section}">.*?</table>', page, re.S)[0]
    rows = {}
    for css, row in re.findall(r'<tr class="([^"]*)">(.*?)</tr>', table, re.S):
        label, *cells = [TAG.sub("", cell).strip() for cell in CELL.findall(row)]
        rows[label] = (css, cells)
    return rows


def test_staff_see_the_pairs_of_each_kind_ranked_with_their_reasons(admin_client, moonshot_twice):
    brand, legal = moonshot_twice
    InvestorFactory(slug="hongshan", name_en="HongShan", name_zh="红杉中国")
    InvestorFactory(slug="sequoia-china", name_en="Sequoia Capital China", name_zh="红杉中国")

    response = admin_client.get(DUPLICATES)

    assert response.status_code == 200
    [startups, investors] = response.context["sections"]
    assert [(p.a.slug, p.b.slug, p.score) for p in startups["pairs"]] == [
        ("moonshot", "moonshot-legal", 0.8)
    ]
    assert [(p.a.slug, p.b.slug) for p in investors["pairs"]] == [("hongshan", "sequoia-china")]
    page = response.text
    assert "same name once suffixes, places and “AI” are dropped: 月之暗面" in page
    assert f'href="{compare_url("startup", brand, legal)}"' in page
    assert "<h2>Investors</h2>" in page


def test_the_admin_index_links_the_page_in_an_identity_block(admin_client):
    index = admin_client.get(reverse("admin:index")).text

    assert '<div class="module" id="identity">' in index
    assert f'href="{DUPLICATES}"' in index


def test_a_minimum_score_filters_the_pairs_and_a_bad_one_is_refused(admin_client, moonshot_twice):
    assert admin_client.get(DUPLICATES, {"min_score": "0.9"}).context["sections"][0]["pairs"] == []

    response = admin_client.get(DUPLICATES, {"min_score": "high"})

    assert response.status_code == 400
    assert "The minimum score must be a number from 0 to 1 (got high)." in response.text


def test_outsiders_are_sent_to_the_login_page_and_staff_need_a_view_permission(
    client, moonshot_twice
):
    brand, legal = moonshot_twice
    pages = [DUPLICATES, compare_url("startup", brand, legal)]
    for page in pages:
        assert client.get(page).status_code == 302
    client.force_login(UserFactory())
    for page in pages:
        assert client.get(page)["Location"].startswith("/admin/login/")

    staff = StaffFactory(is_superuser=False)
    client.force_login(staff)
    for page in pages:
        assert client.get(page).status_code == 403
    grant(staff, Investor, "view")
    assert client.get(DUPLICATES).status_code == 200
    assert [s["kind"] for s in client.get(DUPLICATES).context["sections"]] == ["investor"]
    assert client.get(pages[1]).status_code == 403
    grant(staff, Startup, "view")
    assert client.get(pages[1]).status_code == 200


def test_an_unknown_kind_or_record_is_not_found(admin_client, moonshot_twice):
    brand, legal = moonshot_twice

    assert admin_client.get(compare_url("company", brand, legal)).status_code == 404
    assert admin_client.get(compare_url("startup", brand, brand)).status_code == 404
    assert admin_client.get(f"/admin/duplicates/startup/{brand.pk}/999999/").status_code == 404


def test_the_comparison_shows_both_records_side_by_side_with_differences_highlighted(
    admin_client, moonshot_twice
):
    brand, legal = moonshot_twice

    response = admin_client.get(compare_url("startup", brand, legal))

    assert response.status_code == 200
    page = response.text
    assert "{% block merge_actions %}" not in page
    assert "Score 0.80" in page
    assert "same name once suffixes, places and “AI” are dropped: 月之暗面" in page
    fields = rows_of(page, "fields")
    assert fields["Slug"] == ("conflicts", ["moonshot", "moonshot-legal"])
    assert fields["Chinese name"] == ("conflicts", ["月之暗面", "北京月之暗面科技有限公司"])
    assert fields["City"] == ("", ["Beijing", "Beijing"])
    assert fields["Founders"] == ("differs", ["Yang Zhilin", ""])
    identifiers = rows_of(page, "identifiers")
    assert identifiers["Wikidata item"] == ("conflicts", ["Q123456", "Q654321"])
    assert identifiers["Crunchbase permalink"] == ("differs", ["", "moonshot-ai"])
    assert identifiers["LEI"] == ("", ["", ""])
    assert 'href="https://www.wikidata.org/wiki/Q123456"' in page


def test_the_comparison_offers_to_merge_either_record_into_the_other(admin_client, client):
    brand = StartupFactory(slug="moonshot", name_en="Moonshot AI")
    legal = StartupFactory(slug="moonshot-legal", name_en="Beijing Moonshot Technology Co., Ltd.")

    page = admin_client.get(compare_url("startup", brand, legal)).text

    into_brand = reverse("data-merge", args=["startups", brand.pk, legal.pk])
    into_legal = reverse("data-merge", args=["startups", legal.pk, brand.pk])
    assert f'href="{into_brand}"' in page
    assert f'href="{into_legal}"' in page
    confirm = admin_client.get(into_brand)
    assert confirm.status_code == 200
    assert confirm.context["survivor"] == brand

    viewer = StaffFactory(is_superuser=False)
    grant(viewer, Startup, "view")
    client.force_login(viewer)
    assert "data/merge" not in client.get(compare_url("startup", brand, legal)).text


def test_the_comparison_lists_rounds_and_products_marking_those_only_one_has(
    admin_client, moonshot_twice
):
    brand, legal = moonshot_twice

    comparison = admin_client.get(compare_url("startup", brand, legal)).context["comparison"]

    brand_rounds, legal_rounds = comparison.rounds
    assert [(item.cells, item.in_both) for item in brand_rounds] == [
        (["2024-02-20", "Series B", "$100M"], True)
    ]
    assert [(item.cells, item.in_both) for item in legal_rounds] == [
        (["2023-06-01", "Series A", "$100M"], False),
        (["2024-02-20", "Series B", "undisclosed"], True),
    ]
    brand_products, legal_products = comparison.products
    assert [(item.cells[0], item.in_both) for item in brand_products] == [("Kimi", True)]
    assert [(item.cells[0], item.in_both) for item in legal_products] == [
        ("Kimi", True),
        ("Moonshot-v1", False),
    ]


def test_two_investors_are_compared_with_the_rounds_they_are_in(admin_client):
    hongshan = InvestorFactory(slug="hongshan", name_en="HongShan", kind="vc")
    sequoia = InvestorFactory(slug="sequoia-china", name_en="Sequoia China", kind="pe")
    shared = FundingRoundFactory(
        startup=StartupFactory(slug="moonshot", name_en="Moonshot AI", name_zh=""),
        announced_on=dt.date(2024, 2, 20),
        round_label="Series B",
    )
    ParticipationFactory(round=shared, investor=hongshan)
    ParticipationFactory(round=shared, investor=sequoia)

    response = admin_client.get(compare_url("investor", hongshan, sequoia))

    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison.products is None
    assert [(item.cells, item.in_both) for item in comparison.rounds[0]] == [
        (["Moonshot AI", "2024-02-20", "Series B", "$100M"], True)
    ]
    assert "Nothing links these two records." in response.text
    fields = rows_of(response.text, "fields")
    assert fields["Kind"] == ("conflicts", ["venture capital", "private equity"])


def test_the_page_runs_as_many_queries_for_many_pairs_as_for_one(admin_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(DUPLICATES).status_code == 200
        return len(captured)

    StartupFactory(slug="baichuan", name_en="Baichuan AI", name_zh="")
    StartupFactory(slug="baichuan-2", name_en="Baichuan", name_zh="")
    one_pair = queries()
    for number in range(5):
        StartupFactory(slug=f"twin-{number}", name_en=f"Twin{number}xq AI", name_zh="")
        StartupFactory(slug=f"twin-{number}-b", name_en=f"Twin{number}xq", name_zh="")

    assert len(admin_client.get(DUPLICATES).context["sections"][0]["pairs"]) == 6
    assert queries() == one_pair
