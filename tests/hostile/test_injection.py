"""SQL and HTML injection strings in every text field (written through the API and through
a CSV import), every filter and search of every list, and the pages' query parameters: stored
verbatim, JSON-encoded by the API, escaped in every page, never executed."""

import html

import pytest
from django.db import connection

from deals.importing import import_paths
from deals.models import FundingRound
from startups.models import Startup
from tests.factories import StaffFactory, StartupFactory

from .records import (
    HTML,
    LIST_VIEWS,
    PAGE_FORMS,
    SQL,
    list_parameters,
    page_parameters,
    write_everywhere,
)

pytestmark = pytest.mark.django_db
HOSTILE = SQL + HTML


def tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_string_is_stored_and_read_back_verbatim_in_every_text_field(writer, text):
    before = tables()

    for record in write_everywhere(writer, text):
        response = writer.get(f"/api/v1/{record.resource}/{record.key}/")

        body = response.json()
        for field in record.fields:
            assert body[field] == ([text] if field == "aliases" else text), (record, field)
    assert tables() == before


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_string_in_any_filter_or_search_runs_no_sql(anonymous, text):
    StartupFactory.create_batch(2)
    before = (tables(), FundingRound.objects.count(), Startup.objects.count())

    for resource, view in LIST_VIEWS.items():
        for parameter in list_parameters(view):
            response = anonymous.get(f"/api/v1/{resource}/", {parameter: text})

            assert response.status_code in (200, 400), (resource, parameter, response.content)
            if response.status_code == 200 and parameter not in ("ordering", "cursor"):
                assert response.json()["results"] == [], (resource, parameter)
    assert (tables(), FundingRound.objects.count(), Startup.objects.count()) == before


def test_a_search_finds_the_hostile_name_as_text(writer, anonymous):
    write_everywhere(writer, "%' OR 1=1 --")
    StartupFactory(name_en="Zhipu AI")

    found = anonymous.get("/api/v1/startups/", {"search": "%' OR 1=1"}).json()["results"]

    assert [startup["name_en"] for startup in found] == ["%' OR 1=1 --"]


def assert_shown_escaped(page: str, text: str) -> None:
    if any(c in text for c in "<>\"'&"):
        assert text not in page
    assert html.escape(text) in page or html.escape(text, quote=False) in page


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_are_escaped_in_every_page(writer, client, text):
    written = {r.resource: r.key for r in write_everywhere(writer, text)}
    startup, investor = written["startups"], written["investors"]

    for url in [
        "/startups/",
        f"/startups/{startup}/",
        "/startups/zhipu/",
        "/investors/",
        f"/investors/{investor}/",
        "/rounds/",
        "/",
    ]:
        response = client.get(url)

        assert response.status_code == 200, url
        page = response.content.decode()
        if url != "/":  # the overview shows aggregates, refreshed later
            assert_shown_escaped(page, text)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_are_escaped_in_the_admin_changelists(writer, client, text):
    write_everywhere(writer, text)
    client.force_login(StaffFactory())

    for changelist in [
        "/admin/startups/startup/",
        "/admin/deals/investor/",
        "/admin/deals/fundinground/",
        "/admin/startups/source/",
    ]:
        response = client.get(changelist)

        assert response.status_code == 200, changelist
        assert_shown_escaped(response.content.decode(), text)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_page_parameter_falls_back_and_is_never_echoed_raw(client, text):
    StartupFactory(slug="zhipu")
    before = (tables(), Startup.objects.count())

    for url, form in PAGE_FORMS.items():
        for parameter in page_parameters(form):
            response = client.get(url, {parameter: text})

            assert response.status_code == 200, (url, parameter)
            if any(c in text for c in '<>"'):
                assert text not in response.content.decode(), (url, parameter)
    assert (tables(), Startup.objects.count()) == before


@pytest.mark.parametrize("text", HOSTILE)
def test_a_csv_import_stores_hostile_text_verbatim(tmp_path, text):
    quoted = '"' + text.replace('"', '""') + '"'
    (tmp_path / "startups.csv").write_text(
        "slug,name_en,name_zh,city,founders,description,notes\n"
        f"hostile,{quoted},{quoted},{quoted},{quoted},{quoted},{quoted}\n",
        encoding="utf-8",
    )
    before = tables()

    assert import_paths([tmp_path]).ok

    startup = Startup.objects.get(slug="hostile")
    assert [
        startup.name_en,
        startup.name_zh,
        startup.city,
        startup.founders,
        startup.description,
        startup.notes,
    ] == [text] * 6
    assert tables() == before
