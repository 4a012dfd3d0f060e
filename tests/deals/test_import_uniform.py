"""The participations of new rounds: checked once per group of rows that differ only in their
ids, written without an instance each, with the same records, history and outbox as before."""

from unittest import mock

import pytest

from deals.fx import RateBook
from deals.importing import import_paths
from deals.importing.pipeline import PARTICIPANT_TARGET
from deals.importing.uniform import _template as real_template
from deals.importing.uniform import create_uniform, signature
from deals.models import Investor, Participation
from startups.models import PendingRefresh, Startup
from tests.deals.import_files import ROUND_HEADER, write
from tests.factories import FundingRoundFactory, InvestorFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

TWO_ROUNDS = (
    "zhipu,2024-05,month,Series B,100,USD,,,,alibaba,alibaba_cloud,https://a.example/1,reported\n"
    "zhipu,2025-01,month,Series C,,,,,,alibaba_cloud,,https://a.example/2,reported\n"
)


IDS = ("round_id", "investor_id")


def link(funding_round, investor, **fields):
    return signature(fields), (funding_round.pk, investor.pk)


def create(rows: list, refusals: list | None = None) -> list[int]:
    return create_uniform(
        PARTICIPANT_TARGET,
        IDS,
        rows,
        rates=RateBook.load(),
        user=None,
        reason="import rounds.csv",
        refused=(refusals if refusals is not None else []).append,
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
    rows = [link(funding_round, investors[0], is_lead=True)] + [
        link(funding_round, investor, is_lead=False) for investor in investors[1:]
    ]

    refusals: list = []
    with mock.patch.object(Participation, "clean", autospec=True) as clean:
        left = create(rows, refusals)

    assert (left, refusals, clean.call_count) == ([], [], 2)
    written = Participation.objects.filter(round=funding_round).order_by("pk")
    # Ids in the rows' order, across the groups.
    assert [(p.investor, p.is_lead) for p in written] == [
        (investors[0], True),
        (investors[1], False),
        (investors[2], False),
    ]


def test_a_group_that_breaks_a_rule_is_left_to_the_row_by_row_import_and_nothing_is_written():
    funding_round, investors = FundingRoundFactory(), InvestorFactory.create_batch(2)
    good = link(funding_round, investors[0], is_lead=True)
    bad = link(funding_round, investors[1], is_lead=False, stake_qualifier="roughly")

    refusals: list = []
    left = create([good, bad], refusals)

    assert (left, refusals) == ([1], [])
    assert list(Participation.objects.values_list("investor", flat=True)) == [investors[0].pk]


def test_rows_the_database_refuses_are_not_written_and_the_refusal_says_why():
    funding_round, investors = FundingRoundFactory(), InvestorFactory.create_batch(2)
    Participation.objects.create(round=funding_round, investor=investors[1])
    refusals: list = []

    left = create([link(funding_round, investor, is_lead=True) for investor in investors], refusals)

    assert left == [] and [str(error).split("\n")[0][:19] for error in refusals] == [
        "duplicate key value"
    ]
    assert Participation.objects.count() == 1


def test_a_value_that_cannot_be_grouped_is_left_to_the_row_by_row_import():
    funding_round, investor = FundingRoundFactory(), InvestorFactory()

    assert signature({"notes": ["a", "list"]}) is None
    assert create([(None, (funding_round.pk, investor.pk))]) == [0]
    assert not Participation.objects.exists()


def test_a_refusal_of_writes_sent_behind_is_reported_on_its_line_and_nothing_is_written(base):
    """The participations of new rounds are sent without waiting; the database refusing them
    is found when the next statement settles them, and reported on the first round's line."""
    write(base / "in", {"rounds.csv": ROUND_HEADER + TWO_ROUNDS})
    stamp = [f.attname for f in Participation._meta.concrete_fields].index("created_at")

    def unstamped(*args):
        template = real_template(*args)
        template[stamp] = None  # a column the database holds to NOT NULL
        return template

    with mock.patch("deals.importing.uniform._template", unstamped):
        report = import_paths([base / "in"])

    [problem] = report.problems
    assert (problem.line, problem.column) == (2, None)
    assert problem.message.startswith('the database refused: null value in column "created_at"')
    assert not Participation.objects.exists()
