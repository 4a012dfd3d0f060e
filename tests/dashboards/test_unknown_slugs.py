"""A slug that names no record in a page filter is said to be unknown and ignored, as a bad
date is: never a ticked box, a chip or an empty chart. The other slugs of the filter still
apply. A CSV endpoint answers 400 naming it, rather than a file of other rows."""

import csv
import io
import re

import pytest

from deals.models import FundingRound
from startups.models import Startup

pytestmark = pytest.mark.django_db


def problems(html: str) -> list[str]:
    found = re.search(r'<ul class="errors">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def share_lines(html: str) -> list[str]:
    figure = re.search(r'id="figure-ai-share">(.*?)</script>', html, re.S).group(1)
    return re.findall(r'"legendgroup":"([\w-]+)","line":\{"color":"#\w+","width":2\}', figure)


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr id="round-(\d+)">', html)


def test_the_overview_ignores_an_unknown_investor_and_says_so(client, sample):
    response = client.get("/?investor=nosuch&investor=meituan")
    html = response.content.decode()

    assert response.context["filters"].investors == ("meituan",)
    assert problems(html) == ["Investors: nosuch is unknown."]
    assert 'value="nosuch"' not in html  # no ticked box
    assert share_lines(html) == ["meituan"]
    assert 'href="/charts/ai-share.csv?investor=meituan"' in html


def test_the_overview_with_only_unknown_investors_shows_the_default_ones(client, sample):
    response = client.get("/?investor=nosuch&investor=nothere")

    assert response.context["filters"].investors == ("alibaba", "tencent")
    assert problems(response.content.decode()) == ["Investors: nosuch, nothere are unknown."]
    assert share_lines(response.content.decode()) == ["alibaba", "tencent"]


def test_the_rounds_table_ignores_unknown_slugs_with_no_chip(client, sample):
    html = client.get("/rounds/?investor=nosuch&investor=tencent&startup=ghost").content.decode()

    assert problems(html) == ["Startups: ghost is unknown.", "Investors: nosuch is unknown."]
    assert row_ids(html) == row_ids(client.get("/rounds/?investor=tencent").content.decode())
    assert len(row_ids(html)) == 29  # Tencent's rounds in rounds.csv and participations.csv
    chips = re.findall(r'<span class="chip">(.*?) <a', html)
    assert chips == ["Tencent Holdings"]
    assert 'href="/rounds/export.csv?investor=tencent"' in html


def test_the_startups_list_ignores_an_unknown_tag(client, sample):
    response = client.get("/startups/?tag=nosuch")

    assert problems(response.content.decode()) == ["Tag: nosuch is unknown."]
    assert response.context["page"].paginator.count == Startup.objects.count() == 83


def test_a_known_tag_still_filters(client, sample):
    response = client.get("/startups/?tag=little-ai-dragons")

    assert problems(response.content.decode()) == []
    assert response.context["page"].paginator.count == 6


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("/charts/ai-share.csv?investor=nosuch", "Investors: nosuch is unknown."),
        ("/charts/capital.csv?investor=alibaba&investor=nosuch", "Investors: nosuch is unknown."),
        ("/rounds/export.csv?investor=nosuch", "Investors: nosuch is unknown."),
        ("/rounds/export.csv?startup=ghost", "Startups: ghost is unknown."),
        (
            "/charts/capital.csv?since=abc",
            "From: Select a valid choice. abc is not one of the available choices.",
        ),
    ],
)
def test_a_csv_endpoint_refuses_what_it_cannot_apply_with_a_400_naming_it(
    client, sample, url, problem
):
    response = client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == problem + "\n"


def test_the_csv_link_of_a_page_with_an_ignored_slug_downloads_what_is_shown(client, sample):
    html = client.get("/rounds/?startup=ghost&startup=moonshot").content.decode()
    link = re.search(r'href="(/rounds/export.csv\?[^"]*)"', html).group(1).replace("&amp;", "&")

    rows = list(csv.DictReader(io.StringIO(client.get(link).content.decode())))

    assert [row["id"] for row in rows] == row_ids(html)
    assert len(rows) == FundingRound.objects.filter(startup__slug="moonshot").count() > 0
