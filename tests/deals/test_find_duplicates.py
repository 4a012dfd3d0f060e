"""`manage.py find_duplicates`: the ranked pairs of each kind with their scores and reasons."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import InvestorFactory, StartupFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("find_duplicates", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def duplicates():
    StartupFactory(slug="baichuan", name_en="Baichuan AI", name_zh="百川智能")
    StartupFactory(slug="baichuan-2", name_en="Baichuan", name_zh="")
    StartupFactory(slug="minimax", name_en="MiniMax", name_zh="")
    StartupFactory(slug="minimax-typo", name_en="Minimaxx", name_zh="")
    InvestorFactory(slug="hongshan", name_en="HongShan", name_zh="红杉中国")
    InvestorFactory(slug="sequoia-china", name_en="Sequoia Capital China", name_zh="红杉中国")


def test_it_prints_each_kinds_pairs_best_first_with_their_reasons(duplicates):
    assert run() == (
        "Possible duplicate startups: 2 pair(s) scoring at least 0.35\n"
        "0.800  baichuan (Baichuan AI (百川智能))  <->  baichuan-2 (Baichuan)\n"
        "       - same name once suffixes, places and “AI” are dropped: baichuan\n"
        "0.490  minimax (MiniMax)  <->  minimax-typo (Minimaxx)\n"
        "       - similar names: minimax ~ minimaxx (70%)\n"
        "Possible duplicate investors: 1 pair(s) scoring at least 0.35\n"
        "0.900  hongshan (HongShan (红杉中国))  <->  "
        "sequoia-china (Sequoia Capital China (红杉中国))\n"
        "       - same name once suffixes are dropped: 红杉中国\n"
    )


def test_one_kind_with_a_limit_and_a_minimum_score(duplicates):
    assert run("startups", "--limit", "1").splitlines()[:2] == [
        "Possible duplicate startups: 1 pair(s) scoring at least 0.35",
        "0.800  baichuan (Baichuan AI (百川智能))  <->  baichuan-2 (Baichuan)",
    ]
    assert run("startups", "--min-score", "0.85") == (
        "Possible duplicate startups: 0 pair(s) scoring at least 0.85\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["companies"], "Unknown kind 'companies': give startups and/or investors."),
        (["startups", "startups"], "Name each kind once."),
        (["--min-score", "2"], "must be a number from 0 to 1 (got '2')"),
        (["--limit", "0"], "must be a whole number of at least 1 (got '0')"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("find_duplicates", *args)
