"""A startup's sector through the API, and the AI share under a named definition of AI, over
the exact window asked for (the rule: startups.sectors; the import's side:
tests/deals/test_import_sectors.py)."""

import datetime as dt

import pytest

from dashboards.refresh import refresh_full, refresh_pending
from deals import services
from startups import services as startup_services
from tests.factories import (
    FundingRoundFactory,
    ParticipationFactory,
    rounds_in_sectors,
)

pytestmark = pytest.mark.django_db

CONTRADICTION = (
    "is false but the sector foundation_models is an AI sector: leave is_ai blank or make them "
    "agree"
)


def startup(writer, slug: str, **fields) -> dict:
    response = writer.post("/api/v1/startups/", {"slug": slug, "name_en": slug, **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_sector_given_sets_is_ai_and_is_ai_false_alone_is_not_ai(writer):
    robot = startup(writer, "unitree", sector="embodied_ai")
    outside = startup(writer, "meituan", is_ai=False)
    unclassified = startup(writer, "minimax")

    assert (robot["is_ai"], robot["sector"]) == (True, "embodied_ai")
    assert (outside["is_ai"], outside["sector"]) == (False, "not_ai")
    assert (unclassified["is_ai"], unclassified["sector"]) == (True, "")


def test_a_contradiction_is_a_400_naming_is_ai_and_writes_nothing(writer):
    response = writer.post(
        "/api/v1/startups/",
        {"slug": "zhipu", "name_en": "Zhipu", "sector": "foundation_models", "is_ai": False},
    )

    assert response.status_code == 400
    assert response.json() == {"is_ai": [CONTRADICTION]}
    assert writer.get("/api/v1/startups/").json()["results"] == []


def test_an_update_of_one_of_the_two_keeps_them_agreeing(writer):
    startup(writer, "unitree", sector="embodied_ai")

    outside = writer.patch("/api/v1/startups/unitree/", {"is_ai": False}).json()
    back = writer.patch("/api/v1/startups/unitree/", {"is_ai": True}).json()
    chips = writer.patch("/api/v1/startups/unitree/", {"sector": "ai_chips"}).json()
    kept = writer.patch("/api/v1/startups/unitree/", {"is_ai": True}).json()

    assert (outside["is_ai"], outside["sector"]) == (False, "not_ai")
    assert (back["is_ai"], back["sector"]) == (True, "")
    assert (chips["is_ai"], chips["sector"]) == (True, "ai_chips")
    assert (kept["is_ai"], kept["sector"]) == (True, "ai_chips")


def test_startups_filter_by_sector(writer, anonymous):
    startup(writer, "unitree", sector="embodied_ai")
    startup(writer, "zhipu", sector="foundation_models")
    startup(writer, "minimax")

    response = anonymous.get("/api/v1/startups/", {"sector": "embodied_ai"})
    bad = anonymous.get("/api/v1/startups/", {"sector": "robotics"})

    assert [row["slug"] for row in response.json()["results"]] == ["unitree"]
    assert bad.status_code == 400
    assert list(bad.json()) == ["sector"]


@pytest.fixture
def alibaba():
    """Alibaba in six rounds of 2024, one per kind of startup, dated so that a window can cut
    the year: a foundation model maker (Mar 1), an unclassified AI startup (Aug 21), a robot
    maker (Aug 22), a chip designer (Sep 30), a driving startup (Oct 1), a shop (Dec 1)."""
    investor = services.investor_create(slug="alibaba", name_en="Alibaba")
    rounds_in_sectors(
        investor,
        [
            ("foundation_models", dt.date(2024, 3, 1)),
            ("", dt.date(2024, 8, 21)),
            ("embodied_ai", dt.date(2024, 8, 22)),
            ("ai_chips", dt.date(2024, 9, 30)),
            ("autonomous_driving", dt.date(2024, 10, 1)),
            ("not_ai", dt.date(2024, 12, 1)),
        ],
    )
    refresh_full()
    return investor


def share(caller, **params) -> list[tuple]:
    response = caller.get("/api/v1/stats/ai-deal-share/", {"investor": "alibaba", **params})
    assert response.status_code == 200, response.json()
    return [
        (r["period_start"], r["deals_total"], r["deals_ai"], r["ai_share"], r["ai_definition"])
        for r in response.json()["results"]
    ]


def test_the_core_definition_leaves_out_robots_chips_and_driving(anonymous, alibaba):
    # Broad: all but the shop, 5 of 6. Core: the model maker and the unclassified one, 2 of 6.
    assert share(anonymous) == [("2024-01-01", 6, 5, 0.833333, "broad")]
    assert share(anonymous, ai="broad") == [("2024-01-01", 6, 5, 0.833333, "broad")]
    assert share(anonymous, ai="core") == [("2024-01-01", 6, 2, 0.333333, "core")]
    assert share(anonymous, ai="core", period="quarter") == [
        ("2024-01-01", 1, 1, 1.0, "core"),
        ("2024-07-01", 3, 1, 0.333333, "core"),
        ("2024-10-01", 2, 0, 0.0, "core"),
    ]


def test_any_other_definition_is_a_400_naming_the_parameter(anonymous, alibaba):
    response = anonymous.get("/api/v1/stats/ai-deal-share/", {"investor": "alibaba", "ai": "x"})

    assert response.status_code == 400
    assert response.json() == {"ai": ['"x" is not a valid choice.']}


def test_without_sectors_both_definitions_give_the_share_of_is_ai(anonymous):
    investor = services.investor_create(slug="alibaba", name_en="Alibaba")
    for number, is_ai in enumerate((True, True, False)):
        company = startup_services.startup_create(slug=f"s{number}", name_en="S", is_ai=is_ai)
        ParticipationFactory(round=FundingRoundFactory(startup=company), investor=investor)
    refresh_full()

    assert share(anonymous, ai="broad") == [("2024-01-01", 3, 2, 0.666667, "broad")]
    assert share(anonymous, ai="core") == [("2024-01-01", 3, 2, 0.666667, "core")]


def test_a_reclassified_startup_moves_the_core_share_in_an_incremental_refresh(anonymous, alibaba):
    robot = alibaba.participations.get(round__announced_on=dt.date(2024, 8, 22)).round.startup

    startup_services.startup_update(robot, sector="other_ai")
    refresh_pending()

    assert share(anonymous, ai="core") == [("2024-01-01", 6, 3, 0.5, "core")]
    assert share(anonymous, ai="broad") == [("2024-01-01", 6, 5, 0.833333, "broad")]


def test_since_and_until_cut_the_periods_at_those_days(anonymous, alibaba):
    response = anonymous.get(
        "/api/v1/stats/ai-deal-share/",
        {"investor": "alibaba", "since": "2024-03-02", "until": "2024-08-21", "ai": "core"},
    )
    (row,) = response.json()["results"]

    # Only the unclassified AI startup's round of Aug 21 lies within; the rest of 2024 not.
    assert (row["counted_from"], row["counted_until"]) == ("2024-03-02", "2024-08-21")
    assert (row["deals_total"], row["deals_ai"], row["ai_share"]) == (1, 1, 1.0)
    assert share(anonymous, until="2024-08-21") == [("2024-01-01", 2, 2, 1.0, "broad")]
    assert share(anonymous, since="2024-08-22", period="quarter") == [
        ("2024-07-01", 2, 2, 1.0, "broad"),
        ("2024-10-01", 2, 1, 0.5, "broad"),
    ]
    # A window of whole periods counts them whole.
    assert share(anonymous, since="2024-01-01", until="2024-12-31") == share(anonymous)


def test_a_window_without_deals_gives_no_row(anonymous, alibaba):
    assert share(anonymous, since="2024-12-02") == []
