"""Every URL of the site, with the status each kind of caller must get from it.

The list is built from the admin registry and the API's resources, plus the pages written out
by hand below: each registered model brings its admin pages, each API resource its list and
detail. `test_every_url_is_in_the_matrix` walks the URL resolver and fails on any URL that is in
neither, so a new endpoint cannot go unchecked.

Callers (ROLES, in this order in every status tuple): anonymous; a signed-in user who is not
staff; staff holding no permission; staff holding exactly the permissions the endpoint lists;
a superuser. All of them use a session; tokens are covered in tests/api/test_access.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from dashboards.models import WebhookDelivery, WebhookEndpoint
from dashboards.overview import CHART_SLUGS
from deals.admin_views import EXPORT_PERMISSIONS, IMPORT_PERMISSIONS
from deals.models import DataExport, FundingRound, PendingUpload
from deals.uploads import pack
from startups.models import Merge, Startup, Tag
from tests.api.resources import RESOURCES, Resource
from tests.factories import (
    FollowerFactory,
    InvestorFactory,
    StaffFactory,
    StartupFactory,
    TagFactory,
    UserFactory,
    WatchItemFactory,
    WebhookEndpointFactory,
)
from tests.security.merge_matrix import a_merge, merge_endpoints

ROLES = ("anonymous", "user", "staff", "staff_with_permission", "superuser")

# Status per role:     anonymous user staff staff+perm superuser
PUBLIC = (200, 200, 200, 200, 200)
READ_ONLY = (405, 405, 405, 405, 405)  # a public page that takes no writes
ADMIN_PAGE = (302, 302, 403, 200, 200)  # outsiders are sent to the login page
ADMIN_DONE = (302, 302, 403, 302, 302)  # the write is done, then a redirect
ANY_STAFF = (302, 302, 200, 200, 200)  # the admin's own pages: no model permission needed
NO_ONE = (302, 302, 403, 403, 403)
API_CREATE = (401, 403, 403, 201, 201)
API_UPDATE = (401, 403, 403, 200, 200)
API_DELETE = (401, 403, 403, 204, 204)
API_NO_WRITE = (401, 403, 403, 403, 403)
TOKEN_ONLY = (401, 401, 401, 401, 401)  # a session is not enough
SIGNED_IN_PAGE = (302, 200, 200, 200, 200)  # anonymous visitors are sent to sign in

Call = tuple[str, dict | None]


class Url(NamedTuple):
    name: str
    view: Callable


@dataclass(frozen=True)
class Endpoint:
    """One method on one URL: how to call it (given the caller, None when anonymous), the
    status each role must get, and what "staff with permission" holds."""

    name: str  # the URL's name, or its route when it has none
    method: str
    expected: tuple[int, ...]
    call: Callable[[User | None], Call]
    permissions: list[str] = field(default_factory=list)
    json: bool = False

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"

    @property
    def writes(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")


def send(client: Client, endpoint: Endpoint, path: str, data: dict | None) -> HttpResponse:
    """Calls `endpoint` through `client`: API writes as JSON, everything else as a form."""
    method = getattr(client, endpoint.method.lower())
    if endpoint.json and endpoint.writes:
        return method(path, data, content_type="application/json")
    return method(path, data or {})


def every_url(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Url]:
    """Every URL pattern under `resolver`: its namespaced name (its route when unnamed) and
    its view."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from every_url(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = ":".join(filter(None, [namespace, entry.name])) if entry.name else route
            yield Url(name, entry.callback)


def perm(model: type[Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def fixed(path: str, data: dict | None = None) -> Callable[[User | None], Call]:
    return lambda user: (path, data)


# --- The admin's model pages, for every registered model -----------------------------------

# One record of each model the admin shows; factories where the suite has them.
RECORD_MAKERS: dict[type[Model], Callable[[], Model]] = {
    **{resource.model: resource.make for resource in RESOURCES.values()},
    Tag: TagFactory,
    Group: lambda: Group.objects.create(name="editors"),
    User: UserFactory,
    AuthToken: lambda: AuthToken.objects.create(user=UserFactory())[0],
    AccessAttempt: lambda: AccessAttempt.objects.create(
        username="someone", ip_address="10.0.0.9", failures_since_start=1
    ),
    AccessLog: lambda: AccessLog.objects.create(username="someone", ip_address="10.0.0.9"),
    AccessFailureLog: lambda: AccessFailureLog.objects.create(
        username="someone", ip_address="10.0.0.9"
    ),
    WebhookEndpoint: WebhookEndpointFactory,
    Merge: a_merge,
    WebhookDelivery: lambda: WebhookDelivery.objects.create(
        endpoint=WebhookEndpointFactory(), webhook_id="msg_matrix", event="round.created"
    ),
}

# page, method, data sent, permission it needs, statuses. An empty form comes back with its
# errors (200): the write got past the permission check to validation.
ADMIN_PAGES = [
    ("changelist", "GET", None, "view", ADMIN_PAGE),
    ("add", "GET", None, "add", ADMIN_PAGE),
    ("add", "POST", {}, "add", ADMIN_PAGE),
    ("change", "GET", None, "change", ADMIN_PAGE),
    ("change", "POST", {}, "change", ADMIN_PAGE),
    ("delete", "GET", None, "delete", ADMIN_PAGE),
    ("delete", "POST", {"post": "yes"}, "delete", ADMIN_DONE),
    ("history", "GET", None, "view", ADMIN_PAGE),
]
HISTORY_VERSION_PAGE = ("simple_history", "GET", None, "view", ADMIN_PAGE)
LOGIN_RECORDS = (AccessAttempt, AccessLog, AccessFailureLog)
# Pages whose statuses differ from ADMIN_PAGES, by (model, page, method).
ADMIN_EXCEPTIONS = {
    # Login records are written by logins only: nobody adds one by hand...
    **{(model, "add", method): NO_ONE for model in LOGIN_RECORDS for method in ("GET", "POST")},
    # ... and, like tokens, have no field to change: an empty form saves nothing, and is done.
    **{(model, "change", "POST"): ADMIN_DONE for model in (*LOGIN_RECORDS, AuthToken)},
    # Endpoints are made by their owners through the API (their secret is shown to them
    # once); staff only turn one off or on, which an empty form does (off).
    **{(WebhookEndpoint, "add", method): NO_ONE for method in ("GET", "POST")},
    (WebhookEndpoint, "change", "POST"): ADMIN_DONE,
    # The delivery log is read-only.
    **{(WebhookDelivery, "add", method): NO_ONE for method in ("GET", "POST")},
    (WebhookDelivery, "change", "POST"): NO_ONE,
    # Merges are made and undone by their own pages (merge_matrix): the record is read-only.
    **{(Merge, "add", method): NO_ONE for method in ("GET", "POST")},
    **{(Merge, page, "POST"): NO_ONE for page in ("change", "delete")},
    (Merge, "delete", "GET"): NO_ONE,
}
# Django's UserAdmin adds a user only for those who may also change users (a password is set).
EXTRA_PERMISSIONS = {(User, "add"): ["auth.change_user"]}


def admin_page(model: type[Model], page: str, data: dict | None, user: User | None) -> Call:
    meta = model._meta
    args: list = []
    if page not in ("changelist", "add"):
        record = RECORD_MAKERS[model]()
        args = [record.pk]
        if page == "simple_history":
            args.append(record.history.latest().history_id)
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{page}", args=args), data


def object_url(model: type[Model], user: User | None) -> Call:
    meta = model._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/{RECORD_MAKERS[model]().pk}/", None


def admin_model_endpoints() -> Iterator[Endpoint]:
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        # A record's bare URL redirects anyone to its change page, which checks.
        yield Endpoint(
            f"admin/{meta.app_label}/{meta.model_name}/<path:object_id>/",
            "GET",
            (302,) * 5,
            partial(object_url, model),
        )
        pages = list(ADMIN_PAGES)
        if isinstance(model_admin, SimpleHistoryAdmin):
            pages.append(HISTORY_VERSION_PAGE)
        for page, method, data, action, expected in pages:
            yield Endpoint(
                f"admin:{meta.app_label}_{meta.model_name}_{page}",
                method,
                ADMIN_EXCEPTIONS.get((model, page, method), expected),
                partial(admin_page, model, page, data),
                [perm(model, action), *EXTRA_PERMISSIONS.get((model, page), [])],
            )


# --- The API's resources ---------------------------------------------------------------------


def api_endpoints(resource: Resource) -> Iterator[Endpoint]:
    basename = resource.path.removesuffix("s")
    list_name, detail_name = f"{basename}-list", f"{basename}-detail"
    model = resource.model

    def detail(data: dict | None, user: User | None) -> Call:
        return resource.url(resource.make()), data

    yield Endpoint(list_name, "GET", PUBLIC, fixed(resource.url()), json=True)
    yield Endpoint(detail_name, "GET", PUBLIC, partial(detail, None), json=True)
    yield Endpoint(
        list_name,
        "POST",
        API_CREATE,
        lambda user: (resource.url(), resource.create()),
        [perm(model, "add"), *resource.create_needs],
        json=True,
    )
    yield Endpoint(
        detail_name,
        "PATCH",
        API_UPDATE,
        partial(detail, resource.update),
        [perm(model, "change")],
        json=True,
    )
    yield Endpoint(
        detail_name, "DELETE", API_DELETE, partial(detail, None), [perm(model, "delete")], json=True
    )


# Each statistic and the record it must be asked about.
STATS = {
    "ai-deal-share": "investor",
    "valuations": "startup",
    "unicorns": None,
    "compute-share": "investor",
    "co-investments": None,
    "reported-vs-computed": "investor",
}
MAKERS = {"investor": InvestorFactory, "startup": StartupFactory}


def statistic(stat: str, user: User | None) -> Call:
    about = STATS[stat]
    query = f"?{about}={MAKERS[about]().slug}" if about else ""
    return f"/api/v1/stats/{stat}/{query}", None


def stats_endpoints() -> Iterator[Endpoint]:
    for stat in STATS:
        yield Endpoint(f"stats-{stat}", "GET", PUBLIC, partial(statistic, stat), json=True)
        path = f"/api/v1/stats/{stat}/"
        yield Endpoint(f"stats-{stat}", "POST", API_NO_WRITE, fixed(path, {}), json=True)


# --- The other pages, by hand ---------------------------------------------------------------


def startup_page(suffix: str, user: User | None) -> Call:
    return f"/startups/{StartupFactory().slug}/{suffix}", None


def investor_page(user: User | None) -> Call:
    return f"/investors/{InvestorFactory().slug}/", None


def tag_valuations_csv(user: User | None) -> Call:
    return f"/startups/valuations.csv?tag={TagFactory().slug}", None


def investor_pair_page(user: User | None) -> Call:
    return f"/investors/{InvestorFactory().slug}/with/{InvestorFactory().slug}/", None


def duplicate_compare_page(user: User | None) -> Call:
    return f"/admin/duplicates/startup/{StartupFactory().pk}/{StartupFactory().pk}/", None


def own_pending_upload(user: User | None) -> Call:
    """An upload previewed by the caller (by some staff member for an anonymous caller)."""
    uploader = user if user is not None and user.is_staff else StaffFactory()
    pending = PendingUpload.objects.create(
        uploaded_by=uploader, file_names="none", payload=pack([])
    )
    return reverse("data-import-confirm", args=[pending.pk]), {}


def own_export(suffix: str, user: User | None) -> Call:
    """An export the caller started (some staff member's for an anonymous caller), built."""
    requester = user if user is not None and user.is_staff else StaffFactory()
    export = DataExport.objects.create(
        requested_by=requester, status=DataExport.Status.DONE, archive=pack([])
    )
    return f"/admin/data/export/{export.pk}/{suffix}", None


def view_on_site(user: User | None) -> Call:
    startup = StartupFactory()
    content_type = ContentType.objects.get_for_model(Startup)
    return reverse("admin:view_on_site", args=[content_type.pk, startup.pk]), None


def own_watch_item(user: User | None) -> Call:
    """An item of the caller's watchlist (some user's for an anonymous caller)."""
    item = WatchItemFactory(user=user or UserFactory())
    return f"/watchlist/items/{item.pk}/delete/", {}


def own_feed(user: User | None) -> Call:
    """The caller's private feed (some user's for an anonymous caller)."""
    follower = FollowerFactory(user=user or UserFactory())
    return f"/feeds/watchlist/{follower.feed_secret}.atom", None


def follow_a_startup(user: User | None) -> Call:
    return "/watchlist/add/", {"startup": StartupFactory().slug}


def own_api_item(user: User | None) -> Call:
    item = WatchItemFactory(user=user or UserFactory())
    return f"/api/v1/watchlists/{item.pk}/", None


SIGNED_IN_API = (401, 200, 200, 200, 200)  # any signed-in user, no permission needed

WATCHLIST_API = [
    Endpoint("watchlist-list", "GET", SIGNED_IN_API, fixed("/api/v1/watchlists/"), json=True),
    Endpoint(
        "watchlist-list",
        "POST",
        (401, 201, 201, 201, 201),
        lambda user: ("/api/v1/watchlists/", {"startup": StartupFactory().slug}),
        json=True,
    ),
    Endpoint("watchlist-detail", "GET", SIGNED_IN_API, own_api_item, json=True),
    Endpoint("watchlist-detail", "DELETE", (401, 204, 204, 204, 204), own_api_item, json=True),
    Endpoint("watchlist-detail", "PATCH", (401, 405, 405, 405, 405), own_api_item, json=True),
    Endpoint(
        "api-watchlist-settings",
        "GET",
        SIGNED_IN_API,
        fixed("/api/v1/watchlists/settings/"),
        json=True,
    ),
    Endpoint(
        "api-watchlist-settings",
        "PATCH",
        SIGNED_IN_API,
        fixed("/api/v1/watchlists/settings/", {"email_mode": "off"}),
        json=True,
    ),
]

WATCHLIST_PAGES = [
    # The sign-in: signed-in users are sent on; a wrong password shows the form again.
    Endpoint("dashboards:login", "GET", (200, 302, 302, 302, 302), fixed("/login/")),
    Endpoint(
        "dashboards:login",
        "POST",
        (200, 302, 302, 302, 302),
        fixed("/login/", {"username": "nobody", "password": "wrong"}),
    ),
    Endpoint("dashboards:logout", "POST", (302,) * 5, fixed("/logout/", {})),
    Endpoint("dashboards:logout", "GET", (405,) * 5, fixed("/logout/")),
    # Anyone signed in, staff or not, keeps a watchlist of their own; no permission needed.
    Endpoint("dashboards:watchlist", "GET", SIGNED_IN_PAGE, fixed("/watchlist/")),
    Endpoint("dashboards:watchlist", "POST", (302, 405, 405, 405, 405), fixed("/watchlist/", {})),
    Endpoint("dashboards:watchlist-add", "POST", (302,) * 5, follow_a_startup),
    Endpoint(
        "dashboards:watchlist-add", "GET", (302, 405, 405, 405, 405), fixed("/watchlist/add/")
    ),
    Endpoint("dashboards:watchlist-remove", "POST", (302,) * 5, own_watch_item),
    Endpoint(
        "dashboards:watchlist-settings",
        "POST",
        (302,) * 5,
        fixed("/watchlist/settings/", {"email_mode": "off"}),
    ),
    # Feeds: the rounds' like any page; a watchlist's to whoever has its secret.
    Endpoint("dashboards:rounds-feed", "GET", PUBLIC, fixed("/feeds/rounds.atom")),
    Endpoint("dashboards:rounds-feed", "POST", READ_ONLY, fixed("/feeds/rounds.atom", {})),
    Endpoint("dashboards:watchlist-feed", "GET", PUBLIC, own_feed),
]


def dashboard_endpoints() -> Iterator[Endpoint]:
    pages = {
        "dashboards:overview": fixed("/"),
        "dashboards:chart-csv": fixed(f"/charts/{CHART_SLUGS[0]}.csv"),
        "dashboards:startups": fixed("/startups/"),
        "dashboards:startup": partial(startup_page, ""),
        "dashboards:startup-valuations-csv": partial(startup_page, "valuations.csv"),
        "dashboards:investors": fixed("/investors/"),
        "dashboards:investor": investor_page,
        "dashboards:rounds": fixed("/rounds/"),
        "dashboards:rounds-csv": fixed("/rounds/export.csv"),
        "dashboards:products": fixed("/products/"),
        "dashboards:products-csv": fixed("/products/export.csv"),
        "dashboards:products-filings-csv": fixed("/products/filings.csv"),
        "dashboards:compute": fixed("/compute/"),
        "dashboards:compute-csv": fixed("/compute/export.csv"),
        "dashboards:compute-chart-csv": fixed("/compute/charts/chips.csv"),
        "dashboards:search": fixed("/search/?q=kimi"),
        "dashboards:about-data": fixed("/about/data/"),
        "dashboards:startups-csv": fixed("/startups/export.csv"),
        "dashboards:tag-valuations-csv": tag_valuations_csv,
        "dashboards:investors-csv": fixed("/investors/export.csv"),
        "dashboards:investor-pair": investor_pair_page,
    }
    for name, call in pages.items():
        yield Endpoint(name, "GET", PUBLIC, call)
        yield Endpoint(name, "POST", READ_ONLY, call)


HAND_WRITTEN = [
    # The admin site's own pages.
    Endpoint("admin:index", "GET", ANY_STAFF, fixed("/admin/")),
    # The Disputes page: reading needs the claims' view permission (docs/evidence.md).
    Endpoint("claims-disputes", "GET", ADMIN_PAGE, fixed("/admin/disputes/"), ["deals.view_claim"]),
    # Possible duplicates: reading needs the view permission of the kind (docs/operations.md).
    Endpoint("duplicates", "GET", ADMIN_PAGE, fixed("/admin/duplicates/"), [perm(Startup, "view")]),
    Endpoint(
        "duplicate-compare", "GET", ADMIN_PAGE, duplicate_compare_page, [perm(Startup, "view")]
    ),
    Endpoint("admin:login", "GET", (200, 200, 302, 302, 302), fixed("/admin/login/")),
    Endpoint(
        "admin:login",
        "POST",
        PUBLIC,  # the form again, with its error
        fixed("/admin/login/", {"username": "nobody", "password": "wrong"}),
    ),
    Endpoint("admin:logout", "POST", ANY_STAFF, fixed("/admin/logout/", {})),
    Endpoint("admin:password_change", "GET", ANY_STAFF, fixed("/admin/password_change/")),
    Endpoint("admin:password_change", "POST", ANY_STAFF, fixed("/admin/password_change/", {})),
    Endpoint("admin:password_change_done", "GET", ANY_STAFF, fixed("/admin/password_change/done/")),
    Endpoint("admin:jsi18n", "GET", ANY_STAFF, fixed("/admin/jsi18n/")),
    # Any other admin path: to the login page, or not found.
    Endpoint("admin/(?P<url>.*)$", "GET", (302, 302, 404, 404, 404), fixed("/admin/nothing/")),
    # Without a field to complete, the autocomplete refuses everyone.
    Endpoint("admin:autocomplete", "GET", NO_ONE, fixed("/admin/autocomplete/")),
    Endpoint("admin:view_on_site", "GET", (302, 302, 302, 302, 302), view_on_site),
    # An app's index lists the models one may see; with none it does not exist.
    Endpoint(
        "admin:app_list",
        "GET",
        (302, 302, 404, 200, 200),
        fixed("/admin/deals/"),
        [perm(FundingRound, "view")],
    ),
    Endpoint(
        "admin:auth_user_password_change",
        "GET",
        ADMIN_PAGE,
        lambda user: (f"/admin/auth/user/{UserFactory().pk}/password/", None),
        [perm(User, "change")],
    ),
    # Bulk data.
    Endpoint("data-import", "GET", ADMIN_PAGE, fixed("/admin/data/import/"), IMPORT_PERMISSIONS),
    Endpoint(
        "data-import", "POST", ADMIN_PAGE, fixed("/admin/data/import/", {}), IMPORT_PERMISSIONS
    ),
    Endpoint("data-import-confirm", "POST", ADMIN_DONE, own_pending_upload, IMPORT_PERMISSIONS),
    Endpoint("data-export", "GET", ADMIN_PAGE, fixed("/admin/data/export/"), EXPORT_PERMISSIONS),
    Endpoint(
        "data-export", "POST", ADMIN_DONE, fixed("/admin/data/export/", {}), EXPORT_PERMISSIONS
    ),
    Endpoint("data-export-status", "GET", ADMIN_PAGE, partial(own_export, ""), EXPORT_PERMISSIONS),
    Endpoint(
        "data-export-download",
        "GET",
        ADMIN_PAGE,
        partial(own_export, "download/"),
        EXPORT_PERMISSIONS,
    ),
    # The API besides its resources.
    Endpoint("api-root", "GET", PUBLIC, fixed("/api/v1/"), json=True),
    Endpoint("api-schema", "GET", PUBLIC, fixed("/api/v1/schema/")),
    Endpoint("api-docs", "GET", PUBLIC, fixed("/api/v1/docs/")),
    # The site search reads like the statistics, and takes no writes.
    Endpoint("api-search", "GET", PUBLIC, fixed("/api/v1/search/?q=kimi"), json=True),
    Endpoint("api-search", "POST", API_NO_WRITE, fixed("/api/v1/search/", {}), json=True),
    # The change feed reads like the lists, and takes no writes.
    Endpoint("api-changes", "GET", PUBLIC, fixed("/api/v1/changes/"), json=True),
    Endpoint("api-changes", "POST", API_NO_WRITE, fixed("/api/v1/changes/", {}), json=True),
    # Revoking a token needs that token.
    Endpoint("api-logout", "POST", TOKEN_ONLY, fixed("/api/v1/auth/logout/", {}), json=True),
    Endpoint(
        "api-logout-all", "POST", TOKEN_ONLY, fixed("/api/v1/auth/logout-all/", {}), json=True
    ),
    Endpoint("api/v1/^(?P<rest>[\\s\\S]*)$", "GET", (404,) * 5, fixed("/api/v1/nothing-here/")),
    # The rest of the site.
    Endpoint("set_language", "POST", (302,) * 5, fixed("/i18n/setlang/", {"language": "en"})),
    Endpoint("favicon", "GET", (302,) * 5, fixed("/favicon.ico")),  # to the static icon
]


# --- The caller's own webhook endpoints: any signed-in user, no model permission -------------

OWN_ITEMS_READ = (401, 200, 200, 200, 200)
OWN_ITEMS_CREATE = (401, 201, 201, 201, 201)
OWN_ITEMS_DELETE = (401, 204, 204, 204, 204)
OWN_ITEMS_ACCEPTED = (401, 202, 202, 202, 202)
WEBHOOK_URL = "https://93.184.215.14/hooks"


def own_webhook(suffix: str, data: dict | None, user: User | None) -> Call:
    """An endpoint of the caller's (someone's for an anonymous caller)."""
    endpoint = WebhookEndpointFactory(user=user or UserFactory())
    return f"/api/v1/webhooks/{endpoint.pk}/{suffix}", data


WEBHOOK_ENDPOINTS = [
    Endpoint("webhook-list", "GET", OWN_ITEMS_READ, fixed("/api/v1/webhooks/"), json=True),
    Endpoint(
        "webhook-list",
        "POST",
        OWN_ITEMS_CREATE,
        fixed("/api/v1/webhooks/", {"url": WEBHOOK_URL}),
        json=True,
    ),
    Endpoint("webhook-detail", "GET", OWN_ITEMS_READ, partial(own_webhook, "", None), json=True),
    Endpoint(
        "webhook-detail",
        "PATCH",
        OWN_ITEMS_READ,
        partial(own_webhook, "", {"events": ["round.created"]}),
        json=True,
    ),
    Endpoint(
        "webhook-detail", "DELETE", OWN_ITEMS_DELETE, partial(own_webhook, "", None), json=True
    ),
    Endpoint(
        "webhook-test", "POST", OWN_ITEMS_ACCEPTED, partial(own_webhook, "test/", {}), json=True
    ),
    Endpoint(
        "webhook-deliveries",
        "GET",
        OWN_ITEMS_READ,
        partial(own_webhook, "deliveries/", None),
        json=True,
    ),
]


def endpoints() -> list[Endpoint]:
    return [
        *admin_model_endpoints(),
        *(endpoint for resource in RESOURCES.values() for endpoint in api_endpoints(resource)),
        *stats_endpoints(),
        *dashboard_endpoints(),
        *WATCHLIST_PAGES,
        *WATCHLIST_API,
        *HAND_WRITTEN,
        *WEBHOOK_ENDPOINTS,
        *merge_endpoints(Endpoint, ADMIN_PAGE, ADMIN_DONE),
    ]
