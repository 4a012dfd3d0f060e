"""Claims written nested in a record: each keyed by figure and source URL, through
deals.claim_services (the record follows the accept rule); POST and PATCH add or update, PUT
replaces; a bad claim is a 400 pointing into the list and nothing is written."""

import datetime as dt
from decimal import Decimal

import pytest

from deals.claim_models import Claim
from deals.models import FundingRound, ValuationMark
from startups.models import Source
from tests.factories import InvestorFactory, SourceFactory, StartupFactory, UserFactory

from .conftest import grant, token_for, with_token

pytestmark = pytest.mark.django_db

PROSPECTUS = "https://www.hkexnews.hk/zhipu-prospectus.pdf"
MAGAZINE = "https://magazine.example.com/zhipu"


@pytest.fixture
def zhipu():
    SourceFactory(url=PROSPECTUS, kind="filing", published_on=dt.date(2025, 12, 30))
    SourceFactory(url=MAGAZINE, kind="original_report", published_on=dt.date(2025, 3, 1))
    return StartupFactory(slug="zhipu")


def a_mark(**changes):
    return {
        "startup": "zhipu",
        "valued_on": "2025-03",
        "value": "40000000000",
        "currency": "CNY",
        "kind": "press_report",
        "source_urls": [MAGAZINE],
        **changes,
    }


def prospectus_claim(**changes):
    return {
        "field": "value",
        "value": "24400000000",
        "currency": "CNY",
        "source_url": PROSPECTUS,
        "as_of": "2025-03-31",
        **changes,
    }


def stored(record) -> list[tuple]:
    return list(
        record.claims.order_by("source__url").values_list("source__url", "value", "accepted")
    )


def test_claims_written_with_a_record_follow_the_accept_rule(writer, zhipu):
    response = writer.post("/api/v1/valuation-marks/", a_mark(claims=[prospectus_claim()]))

    assert response.status_code == 201, response.json()
    body = response.json()
    # The prospectus (a filing) outranks the magazine: its figure is the mark's.
    assert body["value"] == "24400000000.00"
    assert body["disputed"] == ["value"]
    dated = [(c["source_url"], c["value"], c["as_of"], c["reported_on"]) for c in body["claims"]]
    assert dated == [
        (PROSPECTUS, "24400000000.0000", "2025-03-31", "2025-12-30"),
        (MAGAZINE, "40000000000.0000", "2025-03-01", "2025-03-01"),
    ]


def test_a_bad_claim_is_a_400_pointing_into_the_list_and_nothing_is_written(writer, zhipu):
    claims = [prospectus_claim(), prospectus_claim(source_url=MAGAZINE, currency="")]

    response = writer.post("/api/v1/valuation-marks/", a_mark(claims=claims))

    assert response.status_code == 400
    assert response.json() == {"claims": [{}, {"currency": ["A money figure needs its currency."]}]}
    assert not ValuationMark.objects.exists()
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "claim, errors",
    [
        ({"field": "quantity"}, {"field": ["A valuation has the figures value."]}),
        ({"value": "-1"}, {"value": ["A claimed value must not be negative."]}),
        ({"accepted": True}, {"notes": ["Say in the notes why this claim is accepted."]}),
        ({"qualifier": "over"}, {"qualifier": ['"over" is not a valid choice.']}),
        (
            {"source_url": "ftp://x"},
            {"source_url": ["must start with http:// or https:// (got 'ftp://x')"]},
        ),
    ],
)
def test_each_rule_of_a_claim_is_a_400_on_its_field(writer, zhipu, claim, errors):
    response = writer.post("/api/v1/valuation-marks/", a_mark(claims=[prospectus_claim(**claim)]))

    assert response.status_code == 400
    assert response.json() == {"claims": [errors]}
    assert not ValuationMark.objects.exists()


def test_a_list_naming_a_figure_and_source_twice_is_refused(writer, zhipu):
    claims = [prospectus_claim(), prospectus_claim(value="1")]

    response = writer.post("/api/v1/valuation-marks/", a_mark(claims=claims))

    assert response.status_code == 400
    assert response.json() == {
        "claims": [{}, {"source_url": ["names this figure and source twice"]}]
    }


def test_a_patch_updates_the_claims_it_names_and_keeps_the_others(writer, zhipu):
    mark = writer.post("/api/v1/valuation-marks/", a_mark(claims=[prospectus_claim()])).json()
    reason = "The magazine's figure is the last private round."

    response = writer.patch(
        f"/api/v1/valuation-marks/{mark['id']}/",
        {"claims": [{"field": "value", "source_url": MAGAZINE, "accepted": True, "notes": reason}]},
    )

    assert response.status_code == 200, response.json()
    record = ValuationMark.objects.get()
    assert stored(record) == [
        (MAGAZINE, Decimal("40000000000"), True),
        (PROSPECTUS, Decimal("24400000000"), False),
    ]
    assert record.claims.get(accepted=True).notes == reason
    assert (response.json()["value"], response.json()["disputed"]) == ("40000000000.00", [])


def test_a_put_replaces_the_records_claims_with_its_list(writer, zhipu):
    mark = writer.post("/api/v1/valuation-marks/", a_mark(claims=[prospectus_claim()])).json()

    response = writer.put(
        f"/api/v1/valuation-marks/{mark['id']}/",
        a_mark(claims=[prospectus_claim(qualifier="approx")]),
    )

    assert response.status_code == 200, response.json()
    assert stored(ValuationMark.objects.get()) == [(PROSPECTUS, Decimal("24400000000"), False)]
    assert response.json()["disputed"] == []
    assert [c["qualifier"] for c in response.json()["claims"]] == ["approx"]


def test_a_write_without_claims_leaves_them_alone(writer, zhipu):
    mark = writer.post("/api/v1/valuation-marks/", a_mark(claims=[prospectus_claim()])).json()

    writer.put(f"/api/v1/valuation-marks/{mark['id']}/", a_mark(kind="secondary"))

    assert len(stored(ValuationMark.objects.get())) == 2


def test_a_claim_from_a_new_source_creates_it(writer, zhipu):
    new = "https://new.example.com/zhipu"

    response = writer.post(
        "/api/v1/valuation-marks/", a_mark(claims=[prospectus_claim(source_url=new)])
    )

    assert response.status_code == 201, response.json()
    assert Source.objects.get(url=new).kind == ""


def test_participants_written_in_a_round_carry_their_claims(writer, zhipu):
    InvestorFactory(slug="alibaba")
    body = {
        "startup": "zhipu",
        "announced_on": "2024-05",
        "round_label": "Series B",
        "amount": "710000000",
        "amount_currency": "CNY",
        "source_urls": [MAGAZINE],
        "participants": [
            {
                "investor": "alibaba",
                "claims": [
                    {"field": "stake_percent", "value": "5.5", "source_url": PROSPECTUS},
                    {"field": "amount", "value": "1", "source_url": PROSPECTUS},
                ],
            }
        ],
    }

    refused = writer.post("/api/v1/rounds/", body)
    body["participants"][0]["claims"][1]["currency"] = "CNY"
    created = writer.post("/api/v1/rounds/", body)

    assert refused.status_code == 400
    assert refused.json() == {
        "participants": [{"claims": [{}, {"currency": ["A money figure needs its currency."]}]}]
    }
    assert created.status_code == 201, created.json()
    (participant,) = created.json()["participants"]
    assert [(c["field"], c["value"]) for c in participant["claims"]] == [
        ("amount", "1.0000"),
        ("stake_percent", "5.5000"),
    ]
    assert participant["stake_percent"] == "5.5000"
    assert FundingRound.objects.count() == 1


def test_writing_claims_needs_the_claim_permissions(zhipu):
    user = UserFactory()
    grant(user, ValuationMark, "add", "change")
    caller = with_token(token_for(user))

    refused = caller.post("/api/v1/valuation-marks/", a_mark(claims=[prospectus_claim()]))
    grant(user, Claim, "add")
    allowed = caller.post("/api/v1/valuation-marks/", a_mark(claims=[prospectus_claim()]))

    assert refused.status_code == 403
    assert "add claim (deals.add_claim)" in refused.json()["detail"]
    assert allowed.status_code == 201, allowed.json()


def test_a_put_that_deletes_claims_needs_the_delete_permission(writer, zhipu):
    mark = writer.post("/api/v1/valuation-marks/", a_mark(claims=[prospectus_claim()])).json()
    user = UserFactory()
    grant(user, ValuationMark, "change")
    grant(user, Claim, "change")
    caller = with_token(token_for(user))
    url = f"/api/v1/valuation-marks/{mark['id']}/"

    refused = caller.put(url, a_mark(claims=[prospectus_claim()]))
    grant(user, Claim, "delete")
    allowed = caller.put(url, a_mark(claims=[prospectus_claim()]))

    assert refused.status_code == 403
    assert "delete claim (deals.delete_claim)" in refused.json()["detail"]
    assert allowed.status_code == 200, allowed.json()
    assert stored(ValuationMark.objects.get()) == [(PROSPECTUS, Decimal("24400000000"), False)]
