"""Property: after any sequence of edits, the incremental refresh gives exactly what a full
refresh gives."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.models import (
    CoInvestment,
    DatasetTotal,
    InvestorPeriodStat,
    InvestorRound,
    InvestorTotal,
    ProductPeriodStat,
    UnicornMembership,
    UnicornPeriodStat,
    ValuationPoint,
)
from dashboards.periods import PRECISIONS
from dashboards.refresh import refresh_full, refresh_pending
from deals import services
from deals.models import FundingRound, Participation
from startups import services as startup_services
from startups.models import Startup
from startups.services import record_delete

pytestmark = pytest.mark.django_db
AGGREGATES = [
    InvestorRound,
    InvestorPeriodStat,
    InvestorTotal,
    DatasetTotal,
    CoInvestment,
    ProductPeriodStat,
    UnicornMembership,
    UnicornPeriodStat,
    ValuationPoint,
]
IGNORED = {"id", "computed_at", "data_version"}


class Rollback(Exception):
    pass


def snapshot() -> dict:
    tables = {}
    for model in AGGREGATES:
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in IGNORED]
        tables[model.__name__] = sorted(
            model.objects.values_list(*names), key=lambda row: tuple(map(str, row))
        )
    return tables


dates = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2025, 12, 31))
amounts = st.one_of(st.none(), st.integers(min_value=1, max_value=3_000_000_000))
edit = st.one_of(
    st.tuples(
        st.just("round"),
        st.integers(0, 3),
        st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
        dates,
        amounts,
        amounts,
    ),
    st.tuples(st.just("move_round"), st.integers(0, 20), dates),
    st.tuples(st.just("precision"), st.integers(0, 20), st.sampled_from(PRECISIONS)),
    st.tuples(st.just("delete_round"), st.integers(0, 20)),
    st.tuples(st.just("flip_ai"), st.integers(0, 3)),
    st.tuples(st.just("join_round"), st.integers(0, 20), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("leave_round"), st.integers(0, 40)),
    st.tuples(st.just("rename"), st.integers(0, 3)),
    st.tuples(st.just("list"), st.integers(0, 3), dates),
    st.tuples(st.just("mark"), st.integers(0, 3), dates, st.integers(1, 3_000_000_000)),
    st.tuples(st.just("product"), st.integers(0, 3), dates),
    st.tuples(st.just("reparent"), st.integers(0, 3), st.integers(0, 3)),
)


def apply(action: tuple, startups: list, investors: list, counter: list) -> None:
    kind, *args = action
    rounds = list(FundingRound.objects.order_by("pk"))
    counter[0] += 1
    if kind == "round":
        startup, members, on, amount, valuation = args
        services.funding_round_create(
            startup=startups[startup],
            announced_on=on,
            round_label=f"R{counter[0]}",
            amount=amount,
            amount_currency="USD" if amount else "",
            post_money_valuation=valuation,
            valuation_currency="USD" if valuation else "",
            participants=[
                {"investor": investors[m], "is_lead": i == 0} for i, m in enumerate(members)
            ],
        )
    elif kind == "move_round" and rounds:
        services.funding_round_update(rounds[args[0] % len(rounds)], announced_on=args[1])
    elif kind == "precision" and rounds:
        services.funding_round_update(rounds[args[0] % len(rounds)], date_precision=args[1])
    elif kind == "delete_round" and rounds:
        record_delete(rounds[args[0] % len(rounds)])
    elif kind == "join_round" and rounds:
        funding_round, investor, lead = rounds[args[0] % len(rounds)], investors[args[1]], args[2]
        if not funding_round.participations.filter(investor=investor).exists():
            services.participation_create(round=funding_round, investor=investor, is_lead=lead)
    elif kind == "leave_round":
        stakes = list(Participation.objects.order_by("pk"))
        if stakes:
            record_delete(stakes[args[0] % len(stakes)])
    elif kind == "rename":
        startup = Startup.objects.get(pk=startups[args[0]].pk)
        startup_services.startup_update(startup, slug=f"{startup.slug}-r{counter[0]}")
    elif kind == "flip_ai":
        startup = Startup.objects.get(pk=startups[args[0]].pk)
        startup_services.startup_update(startup, is_ai=not startup.is_ai)
    elif kind == "list":
        startup = Startup.objects.get(pk=startups[args[0]].pk)
        startup_services.startup_update(startup, status="public", ipo_date=args[1])
    elif kind == "mark":
        startup, on, value = args
        services.valuation_mark_create(
            startup=startups[startup],
            valued_on=on,
            value=Decimal(value),
            currency="USD",
            kind="other" if counter[0] % 2 else "press_report",
        ) if not startups[startup].valuations.filter(valued_on=on).exists() else None
    elif kind == "product":
        startup_services.model_product_create(
            startup=startups[args[0]], name=f"P{counter[0]}", launched_on=args[1]
        )
    elif kind == "reparent" and args[0] != args[1]:
        child, parent = investors[args[0]], investors[args[1]]
        child.refresh_from_db()
        parent.refresh_from_db()
        if child not in _ancestors(parent):
            services.investor_update(child, parent=parent)


def _ancestors(investor) -> list:
    found, current = [], investor
    while current is not None:
        found.append(current)
        current = current.parent
    return found


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(edit, min_size=1, max_size=6), min_size=1, max_size=3))
def test_incremental_refresh_equals_full_refresh(batches):
    try:
        with transaction.atomic():
            startups = [
                startup_services.startup_create(slug=f"s{i}", name_en=f"S{i}", is_ai=i % 2 == 0)
                for i in range(4)
            ]
            investors = [services.investor_create(slug=f"i{i}", name_en=f"I{i}") for i in range(4)]
            refresh_full()
            counter = [0]
            for batch in batches:
                for action in batch:
                    apply(action, startups, investors, counter)
                while refresh_pending() is not None:
                    pass
                incremental = snapshot()
                refresh_full()
                assert incremental == snapshot()
            raise Rollback
    except Rollback:
        pass
