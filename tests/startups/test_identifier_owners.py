"""One record per identifier of each kind, in the words a person reads: a startup or an
investor given an identifier that another record carries is refused on that field, naming the
record (the model's validation, so the admin, the API and the services all say it)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deals.models import Investor
from startups.models import Startup
from tests.factories import InvestorFactory, StartupFactory
from tests.identifier_codes import uscc
from tests.startups.test_admin import admin_form_data

pytestmark = pytest.mark.django_db
USCC = uscc()


@pytest.mark.parametrize(
    ("model", "factory", "what"),
    [(Startup, StartupFactory, "startup"), (Investor, InvestorFactory, "investor")],
)
def test_an_identifier_another_record_carries_is_refused_naming_it(model, factory, what):
    factory(slug="moonshot", uscc=USCC, stock="HKEX:02513")
    record = factory.build(slug="zhipu", uscc=USCC.lower(), stock="HKEX:2513")

    with pytest.raises(ValidationError) as refused:
        record.full_clean()

    assert refused.value.message_dict == {
        "uscc": [f"is already carried by the {what} 'moonshot'"],
        "stock": [f"is already carried by the {what} 'moonshot'"],
    }


def test_a_record_keeps_its_own_identifiers():
    zhipu = StartupFactory(slug="zhipu", uscc=USCC)

    zhipu.full_clean()


def test_the_admin_names_the_record_that_carries_the_identifier(admin_client):
    StartupFactory(slug="moonshot", uscc=USCC)
    zhipu = StartupFactory(slug="zhipu")
    url = reverse("admin:startups_startup_change", args=[zhipu.pk])
    data = {**admin_form_data(admin_client.get(url)), "uscc": USCC}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["uscc"] == [
        "is already carried by the startup 'moonshot'"
    ]
    assert Startup.objects.get(pk=zhipu.pk).uscc == ""
