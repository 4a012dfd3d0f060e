"""Unicode edge cases in names (full-width letters, emoji with ZWJ sequences, the astral plane,
RTL marks and overrides, combining marks, Chinese) come back exactly as written: through the
API, a CSV export and import, the admin form, and the pages. A NUL byte, which PostgreSQL
cannot store in text, is refused with a message at every entry, never a 500."""

import pytest
from django.urls import reverse

from deals.exporting import export_all
from deals.importing import import_paths
from startups.models import Startup
from tests.deals.test_export import empty_the_database
from tests.factories import StaffFactory, StartupFactory

from .records import (
    LIST_VIEWS,
    PAGE_FORMS,
    UNICODE,
    list_parameters,
    page_parameters,
    write_everywhere,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", UNICODE)
def test_a_name_comes_back_from_the_api_exactly(writer, text):
    for record in write_everywhere(writer, text):
        body = writer.get(f"/api/v1/{record.resource}/{record.key}/").json()

        for field in record.fields:
            assert body[field] == ([text] if field == "aliases" else text), (record, field)


def test_names_survive_export_import_export_to_the_byte(writer, tmp_path):
    for text in UNICODE:
        write_everywhere(writer, text)
    names = {s.slug: (s.name_en, s.name_zh, s.aliases) for s in Startup.objects.all()}
    export_all(tmp_path / "first")

    empty_the_database()
    assert import_paths([tmp_path / "first"]).ok
    export_all(tmp_path / "second")

    assert {s.slug: (s.name_en, s.name_zh, s.aliases) for s in Startup.objects.all()} == names
    for path in (tmp_path / "first").iterdir():
        assert (tmp_path / "second" / path.name).read_bytes() == path.read_bytes(), path.name


def admin_add(client, url: str, values: dict):
    """Post an admin add form as a browser would: its initial values, no inline rows."""
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: form.initial.get(name, field.initial)
        for name, field in form.fields.items()
        if form.initial.get(name, field.initial) is not None
    }
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.management_form.prefix
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return client.post(url, {**data, **values})


@pytest.mark.parametrize("text", UNICODE)
def test_a_name_saved_in_the_admin_form_comes_back_exactly(client, text):
    client.force_login(StaffFactory())

    response = admin_add(
        client,
        reverse("admin:startups_startup_add"),
        {"slug": "unicode", "name_en": text, "name_zh": text, "founders": text},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    startup = Startup.objects.get(slug="unicode")
    assert (startup.name_en, startup.name_zh, startup.founders) == (text, text, text)
    changelist = client.get(reverse("admin:startups_startup_changelist")).content.decode()
    assert text in changelist


@pytest.mark.parametrize("text", UNICODE)
def test_the_pages_show_a_name_exactly(writer, client, text):
    written = {r.resource: r.key for r in write_everywhere(writer, text)}

    for url in [
        "/startups/",
        f"/startups/{written['startups']}/",
        "/investors/",
        f"/investors/{written['investors']}/",
        "/rounds/",
    ]:
        page = client.get(url).content.decode()

        assert text in page, url


NUL = "Zhipu\x00AI"


def test_a_nul_byte_in_an_api_text_field_is_a_400_naming_it(writer):
    response = writer.post("/api/v1/startups/", {"slug": "nul", "name_en": NUL})

    assert response.status_code == 400
    assert response.json() == {"name_en": ["Null characters are not allowed."]}
    assert not Startup.objects.filter(slug="nul").exists()


def test_a_nul_byte_in_any_filter_or_search_is_never_a_500(anonymous):
    for resource, view in LIST_VIEWS.items():
        for parameter in list_parameters(view):
            response = anonymous.get(f"/api/v1/{resource}/", {parameter: NUL})

            assert response.status_code in (200, 400), (resource, parameter)


def test_a_nul_byte_in_a_page_parameter_falls_back(client):
    StartupFactory(slug="zhipu")

    for url, form in PAGE_FORMS.items():
        for parameter in page_parameters(form):
            response = client.get(url, {parameter: NUL})

            assert response.status_code == 200, (url, parameter)


def test_a_nul_byte_in_an_import_is_reported_on_its_line(tmp_path):
    (tmp_path / "startups.csv").write_text(f"slug,name_en\nnul,{NUL}\n", encoding="utf-8")

    report = import_paths([tmp_path])

    assert not report.ok
    assert [str(problem) for problem in report.problems] == [
        "startups.csv line 2, column name_en: Null characters are not allowed."
    ]
    assert not Startup.objects.exists()


def test_a_nul_byte_in_the_admin_form_is_refused_with_a_message(client):
    client.force_login(StaffFactory())

    response = admin_add(
        client, reverse("admin:startups_startup_add"), {"slug": "nul", "name_en": NUL}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name_en": ["Null characters are not allowed."]
    }
