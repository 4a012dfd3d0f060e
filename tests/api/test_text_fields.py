"""A text field takes a JSON string, as the schema says: a number is a 400, not stored as its
digits (schemathesis found `"products": 842702` accepted)."""

import pytest

from startups.models import Startup
from tests.factories import StartupFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["products", "city", "founders", "notes"])
def test_a_number_for_a_text_field_is_a_400(writer, field):
    StartupFactory(slug="zhipu", city="Beijing")

    response = writer.patch("/api/v1/startups/zhipu/", {field: 842702})

    assert response.status_code == 400
    assert response.json() == {field: ["Not a valid string."]}
    assert Startup.objects.get(slug="zhipu").city == "Beijing"


def test_a_string_of_digits_is_text(writer):
    StartupFactory(slug="zhipu")

    response = writer.patch("/api/v1/startups/zhipu/", {"products": "842702"})

    assert response.status_code == 200
    assert Startup.objects.get(slug="zhipu").products_summary == "842702"
