"""Query parameters that schemathesis showed were silently ignored: a boolean filter or a
page size that is not one is a 400 naming it; an empty parameter is no parameter."""

import pytest

from tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["null", "1", "yes", "True"])
def test_a_boolean_filter_takes_true_or_false_only(anonymous, value):
    response = anonymous.get("/api/v1/participations/", {"is_lead": value})

    assert response.status_code == 400
    assert response.json() == {"is_lead": [f"must be true or false (got {value!r})"]}


@pytest.mark.parametrize("value", ["-2.220446049250313e-16", "0", "-3", "1.5", "\uff12", "ten"])
def test_a_page_size_is_a_whole_number_from_one(anonymous, value):
    response = anonymous.get("/api/v1/sources/", {"page_size": value})

    assert response.status_code == 400
    assert response.json() == {
        "page_size": [f"must be a whole number from 1 to 500 (got {value!r})"]
    }


def test_an_empty_parameter_is_as_if_not_given(anonymous):
    ParticipationFactory(is_lead=True)
    ParticipationFactory(is_lead=False)

    response = anonymous.get(
        "/api/v1/participations/", {"is_lead": "", "page_size": "", "cursor": "", "format": ""}
    )

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    led = anonymous.get("/api/v1/participations/", {"is_lead": "true"}).json()["results"]
    assert [row["is_lead"] for row in led] == [True]
