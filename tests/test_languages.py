"""The language of a page is in its URL, so that a shared link keeps it: English unprefixed,
Chinese under /zh-hans/. A visitor whose browser or earlier choice prefers Chinese, and who has
not chosen English, is redirected from an unprefixed page to its Chinese URL; the switcher keeps
the page; the admin and the API have no prefix and follow the cookie and Accept-Language."""

import re

import pytest
from django.test import Client

from tests.factories import StartupFactory

pytestmark = pytest.mark.django_db

CHINESE_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.8"}


def html_language(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode())[1]


def alternates(response) -> dict[str, str]:
    html = response.content.decode()
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def test_an_unprefixed_page_is_english_and_its_zh_hans_url_chinese(client):
    assert html_language(client.get("/startups/")) == "en"
    assert html_language(client.get("/zh-hans/startups/")) == "zh-hans"


def test_a_chinese_browser_is_sent_to_the_chinese_url_of_the_same_page_and_query(client):
    response = client.get("/rounds/?investor=tencent&sort=-amount", **CHINESE_BROWSER)

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/rounds/?investor=tencent&sort=-amount"
    assert {"Accept-Language", "Cookie"} <= set(re.split(r",\s*", response["Vary"]))


def test_a_visitor_who_chose_english_stays_on_english_whatever_the_browser(client):
    client.cookies["django_language"] = "en"

    response = client.get("/startups/", **CHINESE_BROWSER)

    assert response.status_code == 200
    assert html_language(response) == "en"


def test_a_visitor_who_chose_chinese_before_is_sent_to_chinese_pages(client):
    client.cookies["django_language"] = "zh-hans"

    assert client.get("/")["Location"] == "/zh-hans/"


def test_an_english_browser_gets_the_english_page_and_a_link_in_chinese_stays_chinese(client):
    english = client.get("/startups/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    shared = client.get("/zh-hans/startups/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert (english.status_code, html_language(english)) == (200, "en")
    assert (shared.status_code, html_language(shared)) == (200, "zh-hans")


def test_the_switcher_keeps_the_page_and_its_filters_in_the_other_language():
    client = Client()
    to_chinese = client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/rounds/?investor=tencent"}
    )
    assert to_chinese["Location"] == "/zh-hans/rounds/?investor=tencent"

    to_english = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/zh-hans/rounds/?investor=tencent"}
    )
    assert to_english["Location"] == "/rounds/?investor=tencent"
    # The choice holds: a Chinese browser now stays on English pages.
    assert client.get("/rounds/?investor=tencent", **CHINESE_BROWSER).status_code == 200


def test_every_page_names_its_url_in_each_language(client):
    startup = StartupFactory(slug="moonshot")

    response = client.get(f"/zh-hans/startups/{startup.slug}/")

    assert alternates(response) == {
        "en": "http://testserver/startups/moonshot/",
        "x-default": "http://testserver/startups/moonshot/",
        "zh-hans": "http://testserver/zh-hans/startups/moonshot/",
    }
    assert alternates(client.get("/about/data/")) == {
        "en": "http://testserver/about/data/",
        "x-default": "http://testserver/about/data/",
        "zh-hans": "http://testserver/zh-hans/about/data/",
    }


def test_links_on_a_chinese_page_lead_to_chinese_pages(client):
    html = client.get("/zh-hans/").content.decode()

    navigation = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', html, re.S)[1]
    links = re.findall(r'href="([^"]+)"', navigation)
    assert links == [
        "/zh-hans/",
        "/zh-hans/startups/",
        "/zh-hans/investors/",
        "/zh-hans/rounds/",
        "/zh-hans/products/",
        "/zh-hans/compute/",
        "/zh-hans/login/?next=/zh-hans/",
    ]


def test_the_api_and_the_admin_have_no_prefix_and_follow_the_browser(client):
    api = client.get("/api/v1/rounds/?ordering=nosuch", **CHINESE_BROWSER)
    admin = client.get("/admin/login/", **CHINESE_BROWSER)

    assert (api.status_code, api["Content-Language"]) == (400, "zh-hans")
    assert (admin.status_code, html_language(admin)) == (200, "zh-hans")
    assert client.get("/zh-hans/api/v1/rounds/").status_code == 404
