"""Web addresses: one rule (startups.rules.url_problem) at every entry point, and a list
format for the import's cells that any URL the rule accepts survives.

The entry points are found, not listed: every writable URL field of every resource the API
router serves, every URL field of every admin form and inline, the import's URL columns."""

import csv
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from config.urls_api import router
from deals.api.fields import HttpURLField, SourceUrlsField
from deals.exporting import export_all
from deals.importing import import_paths
from deals.importing.csvfile import NUL_MESSAGE
from deals.models import FundingRound, FxRate
from startups.checks import stored_urls_check
from startups.fields import HttpURLFormField
from startups.models import Source
from startups.rules import url_problem
from startups.vocab import join_urls, split_urls
from tests.deals.test_export import empty_the_database
from tests.factories import FundingRoundFactory, SourceFactory, StartupFactory
from tests.startups.test_admin import admin_url, form_errors

from .records import required_fields, text_fields
from .web_addresses import LEGAL, REFUSED

pytestmark = pytest.mark.django_db


def api_url_fields() -> list[tuple[str, str]]:
    """(resource, field) for every writable URL field the API takes."""
    found = []
    for prefix, viewset, _ in router.registry:
        for name, field in viewset.serializer_class().fields.items():
            if not field.read_only and isinstance(field, HttpURLField | SourceUrlsField):
                found.append((prefix, name))
    return found


def admin_url_fields() -> list[tuple[str, str]]:
    """(form, field) for every URL field of every admin form and inline form."""
    request = RequestFactory().get("/")
    request.user = get_user_model()(is_active=True, is_staff=True, is_superuser=True)
    found = []
    for model, model_admin in admin.site._registry.items():
        forms = [model_admin.get_form(request)]
        forms += [
            inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)
        ]
        for form in forms:
            for name, field in form.base_fields.items():
                if isinstance(field, HttpURLFormField):
                    found.append((f"{model._meta.label}:{form.__name__}", name, field))
    return found


def test_the_entry_points_are_found():
    assert {("sources", "url"), ("fx-rates", "source_url"), ("startups", "website")} <= set(
        api_url_fields()
    )
    assert ("rounds", "source_urls") in api_url_fields()
    assert {name for _, name, _ in admin_url_fields()} == {"url", "website"}


# --- the API -----------------------------------------------------------------------------


def api_field(resource: str, name: str):
    return serializer_of(resource)().fields[name]


def serializer_of(resource: str):
    return {prefix: view for prefix, view, _ in router.registry}[resource].serializer_class


def body(resource: str, n: int, name: str, value) -> dict:
    """A valid record of `resource` but for `value` in its field `name`."""
    text = dict.fromkeys(text_fields(serializer_of(resource)), f"URL test {n}")
    return {**required_fields(resource, n), **text, name: value}


def url_field(resource: str, name: str) -> HttpURLField:
    field = api_field(resource, name)
    return field.child if isinstance(field, SourceUrlsField) else field


@pytest.mark.parametrize(("resource", "name"), api_url_fields())
def test_every_api_url_field_refuses_the_same_urls_with_the_rules_message(writer, resource, name):
    field = url_field(resource, name)
    for url in REFUSED:
        with pytest.raises(serializers.ValidationError) as refused:
            field.run_validation(url)
        assert refused.value.detail == [url_problem(url, field.max_length)], url

    # And through the endpoint: a list's errors are by position.
    if isinstance(api_field(resource, name), SourceUrlsField):
        response = writer.post(f"/api/v1/{resource}/", body(resource, 1, name, REFUSED))
        expected = {str(i): [url_problem(url)] for i, url in enumerate(REFUSED)}
    else:
        response = writer.post(f"/api/v1/{resource}/", body(resource, 1, name, REFUSED[0]))
        expected = [url_problem(REFUSED[0])]
    assert response.status_code == 400
    assert response.json()[name] == expected


@pytest.mark.parametrize(("resource", "name"), api_url_fields())
def test_every_api_url_field_accepts_the_tricky_legal_urls_as_written(writer, resource, name):
    field = url_field(resource, name)
    fitting = [url for url in LEGAL if len(url) <= field.max_length]
    assert [field.run_validation(url) for url in fitting] == fitting

    if isinstance(api_field(resource, name), SourceUrlsField):
        response = writer.post(f"/api/v1/{resource}/", body(resource, 1, name, LEGAL))
        expected = sorted(LEGAL)
    else:
        response = writer.post(f"/api/v1/{resource}/", body(resource, 1, name, LEGAL[0]))
        expected = LEGAL[0]
    assert response.status_code == 201, response.json()
    assert response.json()[name] == expected


# --- the admin ---------------------------------------------------------------------------


@pytest.mark.parametrize(("form", "name", "field"), admin_url_fields())
def test_every_admin_url_field_refuses_the_same_urls_with_the_rules_message(form, name, field):
    for url in REFUSED:
        with pytest.raises(ValidationError) as refused:
            field.clean(url)
        assert refused.value.messages == [url_problem(url, field.max_length)], url


@pytest.mark.parametrize(("form", "name", "field"), admin_url_fields())
def test_every_admin_url_field_accepts_the_tricky_legal_urls_as_written(form, name, field):
    for url in (url for url in LEGAL if len(url) <= field.max_length):
        assert field.clean(url) == url


def test_the_admin_refuses_an_ftp_source_on_its_field_and_saves_a_semicolon_url(admin_client):
    refused = admin_client.post(admin_url(Source, "add"), {"url": "ftp://example.com/f.pdf"})
    saved = admin_client.post(admin_url(Source, "add"), {"url": "https://example.com/a;b=c"})

    assert form_errors(refused) == [
        {"url": ["must start with http:// or https:// (got 'ftp://example.com/f.pdf')"]}
    ]
    assert saved.status_code == 302
    assert list(Source.objects.values_list("url", flat=True)) == ["https://example.com/a;b=c"]


def test_the_admin_still_reads_a_url_without_a_scheme_as_https(admin_client):
    admin_client.post(admin_url(Source, "add"), {"url": "example.com/story"})

    assert list(Source.objects.values_list("url", flat=True)) == ["https://example.com/story"]


# --- the import --------------------------------------------------------------------------

ROUNDS = "startup_slug,announced_on,round_label,source_url\n"
FX_RATES = "month,currency,units_per_usd,source_url\n"


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow(header)
        out.writerows(rows)


def import_each_url(folder: Path, urls: list[str]):
    """One row per URL in each URL column of the import: a source's own, a round's list,
    an FX rate's."""
    folder.mkdir()
    StartupFactory(slug="zhipu")
    write_rows(folder / "sources.csv", ["url"], [[url] for url in urls])
    rounds = [["zhipu", "2024", f"Round {i}", url] for i, url in enumerate(urls)]
    write_rows(folder / "rounds.csv", ROUNDS.strip().split(","), rounds)
    rates = [[f"{1900 + i}-01", "CNY", "7", url] for i, url in enumerate(urls)]
    write_rows(folder / "fx_rates.csv", FX_RATES.strip().split(","), rates)
    return import_paths([folder])


def test_the_import_refuses_the_same_urls_with_the_rules_message_on_every_url_column(tmp_path):
    report = import_each_url(tmp_path / "in", REFUSED)

    by_file = {}
    for problem in report.problems:
        by_file.setdefault((problem.file, problem.column), []).append(problem.message)
    assert by_file == {
        ("sources.csv", "url"): [cell_problem(url) for url in REFUSED],
        ("rounds.csv", "source_url"): [cell_problem(url, listed=True) for url in REFUSED],
        ("fx_rates.csv", "source_url"): [cell_problem(url) for url in REFUSED],
    }


def cell_problem(cell: str, listed: bool = False) -> str:
    """The rule's message; but a NUL is refused in any cell of any file before its column's
    parser sees it, and in a list of URLs whitespace separates them: "https://example.com/a
    b" is two, and the second ("b") is refused."""
    if "\x00" in cell:
        return NUL_MESSAGE
    urls = split_urls(cell) if listed else [cell]
    return next(problem for url in urls if (problem := url_problem(url)))


def test_the_import_accepts_the_tricky_legal_urls_as_written(tmp_path):
    report = import_each_url(tmp_path / "in", LEGAL)

    assert report.ok, [str(problem) for problem in report.problems]
    assert sorted(Source.objects.values_list("url", flat=True)) == sorted(LEGAL)
    assert [r.sources.get().url for r in FundingRound.objects.order_by("pk")] == LEGAL
    assert [rate.source.url for rate in FxRate.objects.order_by("month")] == LEGAL


# --- the list format and the round trip --------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "urls"),
    [
        ("https://a.example/1", ["https://a.example/1"]),  # one URL, as before
        (
            "https://a.example/1 ; https://b.example/2",
            ["https://a.example/1", "https://b.example/2"],
        ),
        (" https://a.example/1  ;  https://a.example/1 ; ", ["https://a.example/1"]),
        (
            "https://a.example/1\nhttps://b.example/2",
            ["https://a.example/1", "https://b.example/2"],
        ),
        ("https://example.com/a;b=c", ["https://example.com/a;b=c"]),
        (
            "https://example.com/a;b=c ; https://b.example/2",
            ["https://example.com/a;b=c", "https://b.example/2"],
        ),
        ("", []),
    ],
)
def test_a_cell_of_urls_reads_as_before_and_keeps_a_semicolon_inside_a_url(cell, urls):
    assert split_urls(cell) == urls


LEGAL_URLS = st.builds(
    "{}://{}/{}".format,
    st.sampled_from(["http", "https", "HTTPS"]),
    st.sampled_from(["example.com", "例子.测试", "127.0.0.1:8080", "[2001:db8::1]"]),
    # Any printable text but a space: ; , " ' = and the rest of Unicode's letters and signs.
    st.text(st.characters(blacklist_categories=["Cc", "Cf", "Cs", "Co", "Cn", "Z"]), max_size=30),
)


@settings(max_examples=50, deadline=None)
@given(st.lists(LEGAL_URLS, min_size=1, max_size=4, unique=True))
def test_any_list_of_legal_urls_reads_back_from_its_cell(urls):
    assume(all(url_problem(url) is None for url in urls))

    assert split_urls(join_urls(urls)) == urls


def test_every_url_the_api_accepts_survives_export_and_import_unchanged(writer, tmp_path):
    assert (
        writer.post("/api/v1/rounds/", body("rounds", 1, "source_urls", LEGAL)).status_code == 201
    )
    export_all(tmp_path)
    empty_the_database()

    report = import_paths([tmp_path])

    assert report.ok, [str(problem) for problem in report.problems]
    assert sorted(Source.objects.values_list("url", flat=True)) == sorted(LEGAL)
    assert writer.get("/api/v1/rounds/").json()["results"][0]["source_urls"] == sorted(LEGAL)


def test_an_ftp_source_is_refused_by_the_api(writer):
    response = writer.post("/api/v1/sources/", {"url": "ftp://example.com/file.pdf"})

    assert response.status_code == 400
    assert response.json() == {
        "url": ["must start with http:// or https:// (got 'ftp://example.com/file.pdf')"]
    }
    assert not Source.objects.exists()


# --- stored data from before the rule ----------------------------------------------------


def test_stored_urls_that_break_the_rule_are_reported_by_a_database_check():
    kept = SourceFactory(url="https://example.com/a;b=c")
    old = SourceFactory(url="https://example.com/old")
    Source.objects.filter(pk=old.pk).update(url="ftp://example.com/old.pdf")  # as before the rule
    StartupFactory(slug="s", website="https://s.example/")
    FundingRoundFactory(startup=StartupFactory(slug="t")).sources.add(kept)

    (warning,) = stored_urls_check(databases=["default"])

    assert warning.id == "startups.W001"
    assert warning.msg == (
        "1 stored URL(s) break the URL rule that every way in applies, and an export holding "
        f"them would be refused on import: startups.Source {old.pk} url: must start with "
        "http:// or https:// (got 'ftp://example.com/old.pdf')"
    )
    assert Source.objects.get(pk=old.pk).url == "ftp://example.com/old.pdf"  # left as it is


def test_the_database_check_is_quiet_when_every_stored_url_keeps_the_rule():
    SourceFactory(url="https://example.com/a;b=c")
    StartupFactory(website="https://example.com/")

    assert stored_urls_check(databases=["default"]) == []
    assert stored_urls_check() == []  # a plain `check`: no database


def test_the_rules_message_is_in_chinese_for_a_chinese_caller(writer):
    response = writer.post(
        "/api/v1/sources/", {"url": "ftp://example.com/x"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.json() == {
        "url": ["必须以 http:// 或 https:// 开头（输入为 'ftp://example.com/x'）"]  # noqa: RUF001
    }
