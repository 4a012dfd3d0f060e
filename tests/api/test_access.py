"""Who may read and write: anonymous callers, tokens with and without the model permission,
and staff in a browser session (with CSRF), for every resource."""

import datetime as dt
from decimal import Decimal, InvalidOperation

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from deals.api.access import AnonThrottle
from tests.factories import StaffFactory, StartupFactory, UserFactory

from .conftest import Caller, grant, grant_names, staff_session, token_for, with_token
from .resources import RESOURCES, Resource

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "token_without_permission", "token_with_permission", "staff_session"]
WRITE_STATUS = {"create": 201, "update": 200, "delete": 204}
REFUSED = {"anonymous": 401, "token_without_permission": 403}


def same(answered, sent) -> bool:
    """Decimals come back as strings with their places ("7.20000000" for 7.2)."""
    try:
        return Decimal(str(answered)) == Decimal(str(sent))
    except InvalidOperation:
        return answered == sent


def caller_for(role: str, resource: Resource) -> Caller:
    if role == "anonymous":
        return Caller(Client())
    if role == "staff_session":
        return staff_session()
    user = UserFactory()
    if role == "token_with_permission":
        grant(user, resource.model, "add", "change", "delete")
        grant_names(user, resource.create_needs)
    return with_token(token_for(user))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", RESOURCES)
def test_everyone_reads_lists_and_records(name, role):
    resource = RESOURCES[name]
    record = resource.make()
    caller = caller_for(role, resource)

    listed = caller.get(resource.url())
    detail = caller.get(resource.url(record))

    assert listed.status_code == 200
    assert record.pk in [row["id"] for row in listed.json()["results"]]
    assert detail.status_code == 200
    assert detail.json()["id"] == record.pk


@pytest.mark.parametrize("action", ["create", "update", "delete"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", RESOURCES)
def test_writes_need_the_model_permission(name, role, action):
    resource = RESOURCES[name]
    caller = caller_for(role, resource)
    record = resource.make()
    payload = resource.create()
    before = resource.model.objects.count()

    if action == "create":
        response = caller.post(resource.url(), payload)
    elif action == "update":
        response = caller.patch(resource.url(record), resource.update)
    else:
        response = caller.delete(resource.url(record))

    expected = REFUSED.get(role, WRITE_STATUS[action])
    assert response.status_code == expected, response.content
    if expected == 201:
        assert resource.model.objects.count() == before + 1
    elif expected == 204:
        assert not resource.model.objects.filter(pk=record.pk).exists()
    elif expected == 200:
        for field, value in resource.update.items():
            assert same(response.json()[field], value)
    else:
        assert resource.model.objects.count() == before
        assert "detail" in response.json()


def test_a_token_with_permission_on_one_model_cannot_write_another():
    user = UserFactory()
    grant(user, RESOURCES["startups"].model, "add", "change", "delete")
    grant_names(user, RESOURCES["startups"].create_needs)
    caller = with_token(token_for(user))

    assert caller.post("/api/v1/startups/", RESOURCES["startups"].create()).status_code == 201
    assert caller.post("/api/v1/investors/", RESOURCES["investors"].create()).status_code == 403


def test_a_session_write_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory())

    response = client.post(
        "/api/v1/sources/", RESOURCES["sources"].create(), content_type="application/json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_tokens_are_stored_hashed_and_shown_once():
    user = UserFactory()
    record, token = AuthToken.objects.create(user=user)

    assert token.startswith("cait_")
    assert token not in record.digest
    assert not AuthToken.objects.filter(digest=token).exists()
    assert record.expiry - timezone.now() > dt.timedelta(days=89)


def test_an_expired_token_is_refused_and_removed():
    user = UserFactory()
    record, token = AuthToken.objects.create(user=user, expiry=dt.timedelta(seconds=-1))

    response = with_token(token).get("/api/v1/startups/")

    assert response.status_code == 401
    assert not AuthToken.objects.filter(pk=record.pk).exists()


def test_a_revoked_token_stops_working():
    token = token_for(UserFactory())
    caller = with_token(token)
    assert caller.get("/api/v1/startups/").status_code == 200

    assert caller.post("/api/v1/auth/logout/").status_code == 204

    assert caller.get("/api/v1/startups/").status_code == 401
    assert AuthToken.objects.count() == 0


def test_a_wrong_token_gets_401_with_the_scheme_to_use():
    response = with_token("cait_" + "0" * 64).get("/api/v1/startups/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_setting_can_require_login_for_reads(settings, anonymous, reader):
    settings.API_REQUIRE_LOGIN_FOR_READS = True
    StartupFactory()

    assert anonymous.get("/api/v1/startups/").status_code == 401
    assert anonymous.get("/api/v1/stats/unicorns/").status_code == 401
    assert reader.get("/api/v1/startups/").status_code == 200
    assert reader.get("/api/v1/stats/unicorns/").status_code == 200
    assert anonymous.get("/api/v1/schema/").status_code == 200
    assert anonymous.get("/api/v1/docs/").status_code == 200


def test_statistics_take_no_writes(anonymous, reader):
    assert anonymous.post("/api/v1/stats/unicorns/").status_code == 401
    assert reader.post("/api/v1/stats/unicorns/").status_code == 403


def throttle(settings, anon="3/minute", user="5/minute"):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
    }


@pytest.mark.parametrize("path", ["/api/v1/startups/", "/api/v1/stats/unicorns/"])
def test_anonymous_callers_are_throttled(settings, anonymous, path):
    throttle(settings)

    codes = [anonymous.get(path).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    assert "detail" in anonymous.get(path).json()


def test_each_token_user_has_its_own_higher_allowance(settings, anonymous):
    throttle(settings)
    first, second = with_token(token_for(UserFactory())), with_token(token_for(UserFactory()))

    codes = [first.get("/api/v1/startups/").status_code for _ in range(6)]

    assert codes == [200] * 5 + [429]
    assert second.get("/api/v1/startups/").status_code == 200
    assert int(first.get("/api/v1/startups/")["Retry-After"]) > 0


def test_throttling_counts_in_the_local_cache_and_survives_a_redis_outage(
    settings, anonymous, monkeypatch
):
    throttle(settings)

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("get", "set", "add", "incr", "delete"):
        monkeypatch.setattr(caches["default"], method, down)

    codes = [anonymous.get("/api/v1/startups/").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    assert isinstance(AnonThrottle.cache, LocMemCache)
    assert AnonThrottle.cache.get("throttle_anon_127.0.0.1") is not None


def test_a_staff_session_reads_the_browsable_api(staff):
    StartupFactory(slug="moonshot")

    page = staff.get("/api/v1/startups/moonshot/", HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    assert "moonshot" in page.content.decode()


def test_permissions_come_from_django_groups_too():
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="editors")
    group.permissions.add(Permission.objects.get(codename="add_source"))
    user = UserFactory()
    user.groups.add(group)

    response = with_token(token_for(user)).post("/api/v1/sources/", RESOURCES["sources"].create())

    assert response.status_code == 201
