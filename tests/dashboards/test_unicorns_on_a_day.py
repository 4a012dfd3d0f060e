"""`/startups/?unicorn_at=` on any day: the unicorns of that day, read from the valuation in
force then (the latest on or before it), as the unicorn aggregates count them at a period's
end; today's list is the overview's "unicorns now"."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dashboards.models import UnicornMembership
from dashboards.refresh import refresh_full
from deals import services
from tests.factories import FxRateFactory, StartupFactory

pytestmark = pytest.mark.django_db
SOURCE = ["https://example.com/valuations"]


def valued(startup, day: dt.date, usd: int, label: str) -> None:
    services.funding_round_create(
        startup=startup,
        announced_on=day,
        round_label=label,
        post_money_valuation=Decimal(usd),
        valuation_currency="USD",
        source_urls=SOURCE,
    )


def unicorns_at(client, day: dt.date) -> list[str]:
    response = client.get("/startups/", {"unicorn_at": day.isoformat()})
    assert response.status_code == 200
    assert not response.context["form"].errors
    return sorted(startup.slug for startup in response.context["page"].object_list)


@pytest.fixture
def valuations():
    """Given a startup that became a unicorn mid-quarter, one that fell below $1B, one that
    listed, and one outside AI."""
    for month in (1, 2, 5):
        FxRateFactory(month=dt.date(2024, month, 1), currency="USD", units_per_usd=1)
    FxRateFactory(month=dt.date(2023, 5, 1), currency="USD", units_per_usd=1)
    riser = StartupFactory(slug="riser")
    valued(riser, dt.date(2024, 1, 10), 600_000_000, "Series A")
    valued(riser, dt.date(2024, 2, 10), 2_000_000_000, "Series B")
    faller = StartupFactory(slug="faller")
    valued(faller, dt.date(2023, 5, 1), 1_500_000_000, "Series B")
    valued(faller, dt.date(2024, 2, 20), 800_000_000, "Down round")
    lister = StartupFactory(slug="lister", status="public", ipo_date=dt.date(2024, 2, 25))
    valued(lister, dt.date(2023, 5, 1), 3_000_000_000, "Series C")
    outside_ai = StartupFactory(slug="outside-ai", is_ai=False)
    valued(outside_ai, dt.date(2024, 1, 10), 5_000_000_000, "Series D")
    refresh_full()


def test_a_day_in_mid_quarter_lists_the_unicorns_of_that_day(client, valuations):
    assert unicorns_at(client, dt.date(2024, 2, 9)) == ["faller", "lister"]
    # The riser's $2B round holds from its day; the faller's down round from its own.
    assert unicorns_at(client, dt.date(2024, 2, 10)) == ["faller", "lister", "riser"]
    assert unicorns_at(client, dt.date(2024, 2, 20)) == ["lister", "riser"]
    # Listed on 2024-02-25: a unicorn until the day before.
    assert unicorns_at(client, dt.date(2024, 2, 24)) == ["lister", "riser"]
    assert unicorns_at(client, dt.date(2024, 2, 25)) == ["riser"]
    assert unicorns_at(client, dt.date(2023, 4, 30)) == []


def test_a_period_end_lists_what_the_unicorn_aggregates_hold(client, valuations):
    ends = sorted(set(UnicornMembership.objects.values_list("period_end", flat=True)))
    assert dt.date(2024, 3, 31) in ends
    for end in ends:
        members = sorted(
            set(UnicornMembership.objects.filter(period_end=end).values_list("slug", flat=True))
        )
        assert unicorns_at(client, end) == members, end


def test_today_lists_the_overview_figure_of_unicorns_now(client, sample):
    today = timezone.now().date()

    headline = client.get("/").context["headline"]
    html = client.get("/").content.decode()

    # By hand from valuations.csv and rounds.csv: AI startups (robot makers, chip makers and
    # drivers count in the broad definition) not listed today whose latest valuation is at
    # least $1B.
    unicorns_now = (
        "01ai agibot aispeech baichuan butterfly_effect cloudminds deeproute_ai digua_robotics "
        "enflame flexiv fourier galaxea_ai galaxy_general haomo_ai kangnuosi_teng "
        "keenon_robotics kuawei kunlunxin manycore mech_mind megarobo megvii modelbest "
        "mogo_auto momenta moonshot paxini quicktron robotera spirit_ai stepfun unitree "
        "x_square_robot xag yitu zelos zhipingfang zhuoyu"
    ).split()
    assert (headline["unicorns"], headline["unicorns_as_of"]) == (38, today)
    assert f'href="/startups/?unicorn_at={today.isoformat()}">38</a>' in html
    assert unicorns_at(client, today) == unicorns_now
