"""The site's icon: every page links it, the admin's too, and /favicon.ico (which browsers
and feed readers ask for whatever a page links) answers with it instead of a 404."""

import pytest
from django.templatetags.static import static

pytestmark = pytest.mark.django_db

ICON_LINK = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("favicon.svg") == "/static/favicon.svg"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert b"".join(icon.streaming_content).startswith(b"<svg")


@pytest.mark.parametrize("path", ["/", "/rounds/", "/admin/login/"])
def test_site_and_admin_pages_link_the_icon(client, path):
    assert ICON_LINK in client.get(path).content.decode()


def test_signed_in_admin_pages_link_the_icon(admin_client):
    for path in ["/admin/", "/admin/deals/fundinground/", "/admin/knox/authtoken/add/"]:
        assert ICON_LINK in admin_client.get(path).content.decode(), path
