"""The participations of new rounds: checked once per group of rows that differ only in their
ids, written without an instance each, with the same records, history and outbox as before."""

from decimal import Decimal
from unittest import mock

import pytest

from deals.fx import RateBook
from deals.importing import import_paths
from deals.importing.engine import Staged
from deals.importing.pipeline import PARTICIPANT_TARGET
from deals.importing.uniform import create_uniform
from deals.models import Investor, Participation
from startups.models import PendingRefresh, Startup
from tests.deals.import_files import ROUND_HEADER, write
from tests.factories import FundingRoundFactory, InvestorFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

TWO_ROUNDS = (
    "zhipu,2024-05,month,Series B,100,USD,,,,alibaba,alibaba_cloud,https://a.example/1,reported\n"
    "zhipu,2025-01,month,Series C,,,,,,alibaba_cloud,,https://a.example/2,reported\n"
)


def staged(funding_round, investor, **fields) -> Staged:
    values = {"round_id": funding_round.pk, "investor_id": investor.pk, **fields}
    return Staged(
        7,
        (funding_round.pk, investor.pk),
        values,
        money_date=funding_round.announced_on,
        extra={"startup_id": funding_round.startup_id},
    )


def create(rows: list[Staged], problems: list | None = None):
    return create_uniform(
        PARTICIPANT_TARGET,
        rows,
        rates=RateBook.load(),
        problem=lambda *problem: (problems if problems is not None else []).append(problem),
        user=None,
        reason="import rounds.csv",
    )


def test_the_participants_of_new_rounds_are_records_with_one_creation_history_row_each(base):
    write(base / "in", {"rounds.csv": ROUND_HEADER + TWO_ROUNDS})
    analyst = UserFactory()

    report = import_paths([base / "in"], user=analyst)

    assert report.ok and report.files["rounds.csv → participations"].created == 3
    rows = Participation.objects.order_by("pk").values_list(
        "round__round_label", "investor__slug", "is_lead"
    )
    # Ids follow the file, as those of every other record do.
    assert list(rows) == [
        ("Series B", "alibaba", True),
        ("Series B", "alibaba_cloud", False),
        ("Series C", "alibaba_cloud", True),
    ]
    for participation in Participation.objects.all():
        history = participation.history.get()
        assert (history.history_type, history.history_change_reason) == ("+", "import rounds.csv")
        assert history.history_user == analyst
        assert (history.round_id, history.investor_id, history.is_lead) == (
            participation.round_id,
            participation.investor_id,
            participation.is_lead,
        )
        assert history.created_at == participation.created_at == participation.updated_at
        assert (participation.amount_qualifier, participation.confidence) == ("exact", "reported")
    # The refresh that follows knows whom they touched.
    pending = PendingRefresh.objects.order_by("pk").last()
    assert pending.investor_ids == sorted(Investor.objects.values_list("pk", flat=True))
    assert pending.startup_ids == [Startup.objects.get().pk]


def test_rows_are_checked_once_per_group_of_the_same_values():
    funding_round = FundingRoundFactory()
    investors = InvestorFactory.create_batch(3)
    rows = [staged(funding_round, investors[0], is_lead=True)] + [
        staged(funding_round, investor, is_lead=False) for investor in investors[1:]
    ]

    with mock.patch.object(Participation, "clean", autospec=True) as clean:
        created, left = create(rows)

    assert (len(created), left, clean.call_count) == (3, [], 2)
    assert Participation.objects.filter(round=funding_round).count() == 3


def test_a_group_that_breaks_a_rule_is_left_to_the_row_by_row_import_and_nothing_is_written():
    funding_round, investor = FundingRoundFactory(), InvestorFactory()
    bad = staged(funding_round, investor, is_lead=False, stake_qualifier="roughly")

    created, left = create([bad])

    assert (created, left) == ([], [bad])
    assert not Participation.objects.exists()


def test_a_row_that_gives_a_figure_is_left_for_its_usd_value_and_its_claims():
    funding_round, investor = FundingRoundFactory(), InvestorFactory()
    with_amount = staged(
        funding_round, investor, is_lead=True, amount=Decimal(5), amount_currency="USD"
    )

    assert create([with_amount]) == ([], [with_amount])


def test_a_row_the_database_refuses_is_reported_and_its_group_is_not_written():
    funding_round, investor = FundingRoundFactory(), InvestorFactory()
    Participation.objects.create(round=funding_round, investor=investor)
    problems: list = []

    created, left = create([staged(funding_round, investor, is_lead=True)], problems)

    assert (created, left) == ([], [])
    assert len(problems) == 1 and problems[0][0] == 7
    assert problems[0][2].startswith("the database refused: duplicate key value")
    assert Participation.objects.count() == 1


def test_a_value_that_cannot_be_grouped_is_left_to_the_row_by_row_import():
    funding_round, investor = FundingRoundFactory(), InvestorFactory()
    unhashable = staged(funding_round, investor, is_lead=True, notes=["a", "list"])

    assert create([unhashable]) == ([], [unhashable])
