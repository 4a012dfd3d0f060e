"""A startup's and an investor's profile list their identifiers, each under its kind's label
and linked to its own record; a record without identifiers shows no such line."""

import csv
import io
import re

import pytest
from django.urls import reverse

from tests.factories import InvestorFactory, StartupFactory
from tests.identifier_codes import uscc

pytestmark = pytest.mark.django_db
USCC = uscc()


def identifiers_of(html: str) -> list[tuple[str, str, str]]:
    """(label, link, text) of each identifier the page lists."""
    return re.findall(
        r'<span class="identifier" data-kind="\w+">([^<]+): <a href="([^"]+)"[^>]*>([^<]+)</a>',
        html,
    )


def test_a_startups_profile_links_each_identifier_with_its_label(client):
    StartupFactory(slug="zhipu", uscc=USCC, wikidata="Q42", stock="HKEX:02513")

    html = client.get(reverse("dashboards:startup", args=["zhipu"])).content.decode()

    assert identifiers_of(html) == [
        (
            "Unified Social Credit Code",
            f"https://www.gsxt.gov.cn/corp-query-search-1.html?searchword={USCC}",
            USCC,
        ),
        ("Wikidata item", "https://www.wikidata.org/wiki/Q42", "Q42"),
        (
            "Stock code",
            "https://www.hkexnews.hk/sdw/search/searchsdw.aspx?stockcode=02513",
            "HKEX:02513",
        ),
    ]


def test_an_investors_profile_links_its_identifiers(client):
    InvestorFactory(slug="alibaba", crunchbase="alibaba", stock="NYSE:BABA")

    html = client.get(reverse("dashboards:investor", args=["alibaba"])).content.decode()

    assert identifiers_of(html) == [
        ("Crunchbase permalink", "https://www.crunchbase.com/organization/alibaba", "alibaba"),
        ("Stock code", "https://www.nyse.com/quote/XNYS:BABA", "NYSE:BABA"),
    ]


@pytest.mark.parametrize("page", ["startup", "investor"])
def test_a_profile_without_identifiers_shows_none(client, page):
    factory = StartupFactory if page == "startup" else InvestorFactory
    factory(slug="deepseek")

    html = client.get(reverse(f"dashboards:{page}", args=["deepseek"])).content.decode()

    assert 'id="identifiers"' not in html
    assert ">Identifiers<" not in html


@pytest.mark.parametrize("page", ["startups", "investors"])
def test_the_directorys_csv_writes_the_identifiers_as_the_import_reads_them(client, page):
    factory = StartupFactory if page == "startups" else InvestorFactory
    factory(slug="zhipu", uscc=USCC, stock="HKEX:02513")

    rows = list(csv.DictReader(io.StringIO(client.get(f"/{page}/export.csv").content.decode())))

    assert [row["identifiers"] for row in rows] == [f"uscc:{USCC}; stock:HKEX:02513"]
