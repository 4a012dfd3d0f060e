"""manage.py merge startups|investors B --into A, and manage.py merge --undo MERGE_ID."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from deals.models import Investor
from startups.models import Merge, Startup
from tests.factories import FundingRoundFactory, InvestorFactory, StaffFactory, StartupFactory

pytestmark = pytest.mark.django_db


def test_the_command_merges_and_undoes(capsys):
    StartupFactory(slug="moonshot")
    FundingRoundFactory(startup=StartupFactory(slug="beijing-moonshot"))
    staff = StaffFactory(username="editor")

    call_command("merge", "startups", "beijing-moonshot", "--into", "moonshot", "--user", "editor")

    merge = Merge.objects.get()
    assert merge.merged_by == staff
    assert list(Startup.objects.values_list("slug", flat=True)) == ["moonshot"]
    out = capsys.readouterr().out
    assert "Merged beijing-moonshot into moonshot" in out
    assert "deals.FundingRound.startup: 1" in out

    call_command("merge", "--undo", str(merge.pk))

    assert Startup.objects.count() == 2


def test_the_command_merges_investors():
    InvestorFactory(slug="alibaba")
    InvestorFactory(slug="alibaba-holding")

    call_command("merge", "investors", "alibaba-holding", "--into", "alibaba")

    assert list(Investor.objects.values_list("slug", flat=True)) == ["alibaba"]


def test_the_command_refuses_with_the_reason():
    survivor, merged = StartupFactory(slug="a"), StartupFactory(slug="b")
    day = dt.date(2024, 2, 1)
    FundingRoundFactory(startup=survivor, announced_on=day, round_label="Seed")
    FundingRoundFactory(startup=merged, announced_on=day, round_label="Seed")

    with pytest.raises(CommandError, match="the same announced on and round"):
        call_command("merge", "startups", "b", "--into", "a")
    with pytest.raises(CommandError, match="No startup with the slug nobody"):
        call_command("merge", "startups", "nobody", "--into", "a")
    with pytest.raises(CommandError, match="No merge #99"):
        call_command("merge", "--undo", "99")
    assert Startup.objects.count() == 2
