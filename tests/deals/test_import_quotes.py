"""A broken quote in a CSV file is named as one, on the line where the quoted cell starts,
and nothing is written; a cell that really spans lines still imports."""

import pytest

from deals.importing import import_paths
from deals.models import FundingRound
from tests.deals.import_files import GOOD_ROUND, ROUND_HEADER, problems_of, write

pytestmark = pytest.mark.django_db

ADVICE = 'close it, or write a quote that is part of the text as two ("")'
SERIES_A = "zhipu,2024-01,month,Series A,50,USD,,,,,,https://a.example/2,reported\n"
LATER = GOOD_ROUND.replace("2024-05", "2024-07")
LAST = GOOD_ROUND.replace("2024-05", "2024-09")


def test_a_quote_opened_on_the_third_line_and_never_closed_is_named_there(base):
    rows = [GOOD_ROUND, '"' + SERIES_A, LATER, LAST]
    folder = write(base / "in", {"rounds.csv": ROUND_HEADER + "".join(rows)})

    assert problems_of(folder) == [
        "rounds.csv line 3, column startup_slug: unbalanced quote: the quoted cell that starts "
        f"here never closes, so the rest of the file was read into it; {ADVICE}"
    ]
    assert not FundingRound.objects.exists()


@pytest.mark.parametrize(
    ("opening", "closing", "column"),
    [
        # Closed at the end of a cell: well-formed CSV, told by what the cell holds.
        ('"' + SERIES_A, LATER.replace(",reported\n", ',reported"\n'), "startup_slug"),
        # Closed inside a cell: the strict reader refuses the text after the closing quote.
        (
            SERIES_A.replace(",Series A,", ',"Series A,'),
            LATER.replace("Series B", 'Series" B'),
            "round_label",
        ),
    ],
    ids=["closed at the end of a cell", "closed inside a cell"],
)
def test_a_quote_closed_two_lines_later_is_named_where_it_opens(base, opening, closing, column):
    rows = [GOOD_ROUND, opening, LAST, closing, GOOD_ROUND.replace("2024-05", "2025-01")]
    folder = write(base / "in", {"rounds.csv": ROUND_HEADER + "".join(rows)})

    assert problems_of(folder) == [
        f"rounds.csv line 3, column {column}: unbalanced quote: the quoted cell that starts "
        f"here runs on to line 5, reading the lines between into one cell; {ADVICE}"
    ]


def test_text_after_a_closing_quote_on_the_same_line_is_named(base):
    rows = [GOOD_ROUND, SERIES_A.replace(",Series A,", ',"Series" A,')]
    folder = write(base / "in", {"rounds.csv": ROUND_HEADER + "".join(rows)})

    assert problems_of(folder) == [
        "rounds.csv line 3, column round_label: unbalanced quote: the quoted cell that starts "
        f"here closes before the cell ends; {ADVICE}"
    ]


def test_a_note_on_two_lines_imports_and_the_lines_after_it_keep_their_numbers(base):
    header = ROUND_HEADER.replace(",confidence\n", ",confidence,notes\n")
    note = ',"Two outlets, one of them Chinese;\nthe amount is ""about"" 50M."\n'
    bad = LATER.replace(",100,", ",-1,")
    folder = write(base / "in", {"rounds.csv": header + SERIES_A.replace("\n", note) + bad})

    assert problems_of(folder) == [
        "rounds.csv line 4, column amount: must not be negative (got -1)"
    ]

    write(folder, {"rounds.csv": header + SERIES_A.replace("\n", note)})
    assert import_paths([folder]).problems == []
    assert FundingRound.objects.get().notes == (
        'Two outlets, one of them Chinese;\nthe amount is "about" 50M.'
    )


def test_a_row_after_a_blank_line_is_named_by_its_own_line(base):
    bad = LATER.replace(",100,", ",-1,")
    folder = write(base / "in", {"rounds.csv": ROUND_HEADER + GOOD_ROUND + "\n" + bad})

    assert problems_of(folder) == [
        "rounds.csv line 4, column amount: must not be negative (got -1)"
    ]
