"""Inputs the parsers were never shown, each a 500 before: forged cursors, numbers past what a
column holds, a JSON body nested a thousand deep. Each is a 400 naming the parameter or field;
every list (from the URL conf) is tried with every forged cursor in each of its orderings, and
with extreme numbers in each of its numeric parameters. The lists are read with the token of a
user holding no permission: every list answers them (a watchlist answers only a signed-in
user)."""

import base64

import pytest
from django.core.exceptions import FieldDoesNotExist

from tests.factories import FundingRoundFactory, ParticipationFactory

from .endpoints import api_lists, integer_filters, list_model

pytestmark = pytest.mark.django_db
INVALID_CURSOR = "is not a cursor given by this API; copy it from next or previous."


def cursor(json_text: str) -> str:
    return base64.b64encode(json_text.encode("utf-8")).decode()


# No list writes these, whatever it is ordered by.
FORGED_CURSORS = {
    "infinite pk": '[false, "2024-01-01", Infinity]',
    "NaN pk": "[false, null, NaN]",
    "pk of 10^30": '[false, "2024-01-01", 1000000000000000000000000000000]',
    "pk as float": '[false, "2024-01-01", 1e30]',
    "pk as text": '[false, "2024-01-01", "1"]',
    "pk as boolean": '[false, "2024-01-01", true]',
    "negative pk past 64 bits": "[false, null, -9223372036854775809]",
    "lone surrogate": '[false, "\\ud800", 1]',
    "NUL": '[false, "a\\u0000b", 1]',
    "value as a list": "[false, [[[[1]]]], 1]",
    "reverse as text": '["yes", null, 1]',
    "two items": "[false, 1]",
    "an object": '{"a": 1}',
    "deep nesting": "[" * 5000 + "]" * 5000,
}
# Values that a column of some type cannot hold, though one of another type can (a name may
# read "1e400"): a 400 where the list is ordered by such a column, a page elsewhere.
STRANGE_POSITIONS = {
    "datetime out of range in UTC": '[false, "0001-01-01 00:00:00+14:00", 1]',
    "datetime past year 9999": '[false, "9999-12-31 23:59:59-23:59", 1]',
    "naive datetime": '[false, "2024-01-01 00:00:00", 1]',
    "date past year 9999": '[false, "10000-01-01", 1]',
    "huge number": '[false, "1e400", 1]',
    "number past 64 bits": '[false, "99999999999999999999999999", 1]',
    "negative number past 64 bits": '[false, "-99999999999999999999999999", 1]',
}


def one_ordering_per_column_type(view) -> list[str]:
    """A cursor is checked against the column a list is ordered by, in either direction:
    one ordering of each type of column is enough (a figure computed per request, such as a
    startup's latest valuation, counts as a type of its own). A list in one fixed order (the
    change feed) is read in that order."""
    model = list_model(view)
    chosen: dict[object, str] = {}
    for name in getattr(view, "ordering_fields", None) or [view.pagination_class.ordering]:
        try:
            kind: object = type(model._meta.get_field(name))
        except FieldDoesNotExist:
            kind = name
        chosen.setdefault(kind, name)
    return list(chosen.values())


@pytest.mark.parametrize("path", api_lists())
def test_every_list_answers_forged_cursors_with_a_400(reader, path):
    for name, text in FORGED_CURSORS.items():
        response = reader.get(path, {"cursor": cursor(text)})

        assert response.status_code == 400, (name, response.content)
        assert response.json() == {"cursor": [INVALID_CURSOR]}, name


@pytest.mark.parametrize("path", api_lists())
def test_every_list_answers_strange_positions_in_every_ordering_without_a_500(reader, path):
    for ordering in one_ordering_per_column_type(api_lists()[path]):
        for name, text in STRANGE_POSITIONS.items():
            response = reader.get(path, {"ordering": ordering, "cursor": cursor(text)})

            assert response.status_code in (200, 400), (ordering, name, response.content)
            if response.status_code == 400:
                assert response.json() == {"cursor": [INVALID_CURSOR]}, (ordering, name)


EXTREME_NUMBERS = [
    "1e26",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "9223372036854775808",
    "1e-400",
    "1e400",
    "NaN",
    "-Infinity",
]


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (path, parameter)
        for path, view in api_lists().items()
        for parameter in integer_filters(view)
    ],
)
def test_every_numeric_parameter_of_every_list_takes_extreme_numbers_without_a_500(
    reader, path, parameter
):
    FundingRoundFactory()
    for number in EXTREME_NUMBERS:
        response = reader.get(path, {parameter: number})

        assert response.status_code in (200, 400), (number, response.content)
        if response.status_code == 400:
            assert list(response.json()) == [parameter], number


@pytest.mark.parametrize("number", ["1e26", "99999999999999999999999999"])
def test_a_round_filter_past_any_id_is_a_400_naming_it(anonymous, number):
    ParticipationFactory()

    response = anonymous.get("/api/v1/participations/", {"round": number})

    assert response.status_code == 400
    assert response.json() == {
        "round": ["must be a record id: a whole number from 1 to 9223372036854775807"]
    }


def test_a_record_id_past_any_id_in_the_path_is_a_404(reader):
    for path in api_lists():
        if "stats" in path:
            continue
        response = reader.get(f"{path}99999999999999999999999999/")

        assert response.status_code == 404, (path, response.content)


def test_a_json_body_nested_a_thousand_deep_in_one_field_is_a_400(writer):
    nested = "[" * 1000 + "]" * 1000
    body = '{"url": "https://example.com/a", "notes": ' + nested + "}"

    response = writer.client.post(
        "/api/v1/sources/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=writer.headers["HTTP_AUTHORIZATION"],
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested deeper than 32 levels."}
