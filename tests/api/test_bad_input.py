"""Input that a database would refuse with an error (NUL bytes, offsets PostgreSQL does not
know, numbers past any column) is answered 400, 401 or 404, never 500, on every backend."""

import base64
import json

import pytest

from tests.factories import FundingRoundFactory, StartupFactory

pytestmark = pytest.mark.django_db


def a_cursor(*position) -> str:
    return base64.b64encode(json.dumps([False, *position]).encode()).decode()


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/api/v1/startups/a%00b/", {}, 404, "detail"),
        ("/api/v1/rounds/abc/", {}, 404, "detail"),
        ("/api/v1/rounds/1.xml", {}, 400, "format"),
        ("/api/v1/rounds/99999999999999999999999/", {}, 404, "detail"),
        ("/api/v1/no-such-thing/", {}, 404, "detail"),
        ("/api/v1/startups/", {"search": "a\x00"}, 400, "search"),
        ("/api/v1/startups/", {"city": "a\x00"}, 400, "city"),
        ("/api/v1/rounds/", {"investor": "a\x00"}, 400, "investor"),
        ("/api/v1/startups/", {"updated_since": "0099-07-22T03:53:39-22:33"}, 200, None),
        ("/api/v1/startups/", {"updated_since": "0001-01-01T00:00:00+05:00"}, 400, "updated_since"),
        ("/api/v1/startups/", {"cursor": a_cursor("a\x00", 1)}, 400, "cursor"),
        ("/api/v1/rounds/", {"cursor": a_cursor("not a date", 1)}, 400, "cursor"),
        ("/api/v1/rounds/", {"min_amount_usd": "1e400"}, 400, "min_amount_usd"),
        ("/api/v1/startups/", {"min_valuation_usd": "NaN"}, 400, "min_valuation_usd"),
        ("/api/v1/startups/", {"format": "xml"}, 400, "format"),
        ("/api/v1/stats/valuations/", {"startup": "a\x00"}, 400, "startup"),
    ],
)
def test_hostile_queries_are_refused_cleanly(anonymous, path, params, status, field):
    StartupFactory(slug="s")

    response = anonymous.get(path, params)

    assert response.status_code == status
    if field:
        assert field in response.json()


@pytest.mark.parametrize("token", ["abc\x00def", "ééé", "a b"])
def test_a_token_that_could_not_have_been_issued_is_a_401(anonymous, token):
    response = anonymous.get("/api/v1/startups/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 401


@pytest.mark.parametrize(
    "changes",
    [
        {"startup": "a\x00"},
        {"round_label": "a\x00"},
        {"source_urls": ["https://example.com/\x00"]},
        {"participants": [{"investor": "\x00"}]},
        {"amount": "1e400"},
        {"participants": "alibaba"},
    ],
)
def test_hostile_bodies_are_400(writer, changes):
    StartupFactory(slug="zhipu")
    payload = {
        "startup": "zhipu",
        "announced_on": "2024",
        "round_label": "A",
        "source_urls": ["https://example.com/a"],
        **changes,
    }

    response = writer.post("/api/v1/rounds/", payload)

    assert response.status_code == 400
    assert set(response.json()) & set(changes)


def test_a_participation_in_a_round_past_any_id_is_400(writer):
    response = writer.post("/api/v1/participations/", {"round": 10**30, "investor": "x"})

    assert response.status_code == 400
    assert "round" in response.json()


def test_a_body_that_is_not_json_is_400(writer):
    FundingRoundFactory()

    response = writer.client.post(
        "/api/v1/rounds/",
        "{not json",
        content_type="application/json",
        **writer.headers,
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json() or "detail" in response.json()


def test_a_string_with_a_lone_surrogate_is_400(writer):
    StartupFactory(slug="zhipu")

    response = writer.client.post(
        "/api/v1/sources/",
        b'{"url": "https://example.com/a", "title": "\\ud800"}',
        content_type="application/json",
        **writer.headers,
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_path_with_a_line_break_is_a_json_404(anonymous):
    response = anonymous.get("/api/v1/startups/a%0Ab/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
