"""The rounds table with several investors: rounds any of them joined (the default), or with
`match=all` rounds each of them joined, affiliates counted with their parent."""

import csv
import io
import re

import pytest

from tests.dashboards.test_investor_pair import world

pytestmark = pytest.mark.django_db
__all__ = ["world"]  # the fixture
QUERY = "investor=alibaba&investor=tencent"
BOTH = f"/rounds/?{QUERY}"


def startups_shown(html: str) -> list[str]:
    rows = re.findall(r'<tr id="round-\d+">.*?</tr>', html, re.S)
    return [re.search(r'href="/startups/([^/]+)/"', row).group(1) for row in rows]


def test_rounds_with_any_of_the_investors_by_default(client, world):
    html = client.get(BOTH).content.decode()

    # Newest first: StepFun and MiniMax's Series A are Tencent's alone, Zhipu's Series C and
    # MiniMax's Series B Alibaba's alone.
    assert startups_shown(html) == ["stepfun", "moonshot", "zhipu", "minimax", "zhipu", "minimax"]
    assert startups_shown(client.get(f"{BOTH}&match=any").content.decode()) == startups_shown(html)


def test_rounds_with_all_of_the_investors(client, world):
    html = client.get(f"{BOTH}&match=all").content.decode()

    # Alibaba joined Zhipu's round through Alibaba Cloud.
    assert startups_shown(html) == ["moonshot", "zhipu"]
    assert '<option value="all" selected>all of these investors</option>' in html
    exported = client.get(f"/rounds/export.csv?{QUERY}&match=all").content.decode()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [row["startup"] for row in rows] == ["moonshot", "zhipu"]


def test_the_form_offers_any_or_all(client, world):
    html = client.get("/rounds/").content.decode()

    assert re.search(
        r'<select name="match" id="id_match">\s*<option value="any" selected>any of these '
        r'investors</option>\s*<option value="all">all of these investors</option>',
        html,
    )


def test_a_bad_match_is_reported_and_any_of_them_shown(client, world):
    html = client.get(f"{BOTH}&match=most").content.decode()
    csv_response = client.get(f"/rounds/export.csv?{QUERY}&match=most")

    assert "Rounds with: Select a valid choice. most is not one of the available choices." in html
    assert len(startups_shown(html)) == 6
    assert csv_response.status_code == 400
    assert csv_response.content.decode() == (
        "Rounds with: Select a valid choice. most is not one of the available choices.\n"
    )
