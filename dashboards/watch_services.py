"""Writes of a user's watchlist: follow and unfollow a startup or an investor, save and delete
a `/rounds/` search, and the alert settings. Every entry point (the pages, the API) calls
these; the Follower row is created on first use.

A refusal is a ValidationError with a message a person can act on (the field named when the
API has one), never an IntegrityError: the model's constraints still hold against a race."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.models import Investor
from startups.models import Startup

from .forms import RoundFilterForm
from .models import EmailMode, Follower, WatchItem

# 32 random bytes: 43 URL-safe characters, the private Atom feed's address.
FEED_SECRET_BYTES = 32
# The order a normalised search lists its filters in: the rounds form's own.
SEARCH_FILTERS = tuple(name for name in RoundFilterForm.base_fields if name != "sort")


def follower_get_or_create(*, user: AbstractBaseUser, language: str = "") -> Follower:
    """The user's alert settings, created with a random feed secret and `language` (the
    request's) the first time they are needed."""
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    follower, _created = Follower.objects.get_or_create(
        user=user,
        defaults={"language": language, "feed_secret": secrets.token_urlsafe(FEED_SECRET_BYTES)},
    )
    return follower


def follower_settings_update(
    *, user: AbstractBaseUser, email_mode: str, language: str = ""
) -> Follower:
    """How the user's alerts are emailed (at once, in a daily digest, never), written in
    `language` from now on when one is given."""
    if email_mode not in EmailMode.values:
        choices = ", ".join(EmailMode.values)
        raise ValidationError(
            {"email_mode": _("Choose one of %(choices)s.") % {"choices": choices}}
        )
    follower = follower_get_or_create(user=user, language=language)
    follower.email_mode = email_mode
    if language in dict(settings.LANGUAGES):
        follower.language = language
    follower.save(update_fields=["email_mode", "language"])
    return follower


def follower_visit(*, user: AbstractBaseUser, now: dt.datetime | None = None) -> Follower:
    """Record a visit of /watchlist/: what was raised after the visit before it is new."""
    follower = follower_get_or_create(user=user)
    follower.previous_visit_at = follower.last_visit_at
    follower.last_visit_at = now or timezone.now()
    follower.save(update_fields=["previous_visit_at", "last_visit_at"])
    return follower


def applied_filters(form: RoundFilterForm) -> dict:
    """The filters a bound rounds form applies: an unticked box is none, and neither is how
    investors combine without investors, or the default way ("any")."""
    filters = {name: value for name, value in form.filters().items() if value is not False}
    if filters.get("match") == "any" or not filters.get("investor"):
        filters.pop("match", None)
    return filters


def normalised_search(query: str) -> str:
    """A `/rounds/` query string as the rounds page reads it, in one spelling: its filters
    only (no sort, no page), in the form's order, slugs sorted, dates in ISO 8601. A value the
    page would not apply, or a search without any filter, is refused."""
    form = RoundFilterForm(QueryDict(query.strip().removeprefix("?")))
    if problems := form.problems():
        raise ValidationError({"search": problems})
    filters = applied_filters(form)
    if not filters:
        raise ValidationError(
            {"search": _("This search has no filter: choose at least one on the rounds page.")}
        )
    params = QueryDict(mutable=True)
    for name in SEARCH_FILTERS:
        value = filters.get(name)
        if value is None:
            continue
        if isinstance(value, list):
            params.setlist(name, sorted(value))
        elif value is True:
            params[name] = "1"
        elif isinstance(value, dt.date):
            params[name] = value.isoformat()
        else:
            params[name] = value.upper() if name == "currency" else value
    return params.urlencode()


def _saved(item: WatchItem, field: str) -> WatchItem:
    """Save a new item; a constraint it breaks (a duplicate) is a message under `field`, also
    when a simultaneous request saved the same item between the check and the save."""
    try:
        item.validate_constraints()
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            item.validate_constraints()
            raise
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return item


@transaction.atomic
def watch_item_create(
    *,
    user: AbstractBaseUser,
    startup: Startup | None = None,
    investor: Investor | None = None,
    search: str = "",
    language: str = "",
) -> WatchItem:
    """Follow one startup, one investor or one `/rounds/` search (normalised first)."""
    given = [name for name, value in (("startup", startup), ("investor", investor)) if value]
    if search:
        given.append("search")
    if len(given) != 1:
        message = _(
            "Follow exactly one thing: a startup, an investor or a search (%(given)s given)."
        )
        raise ValidationError({NON_FIELD_ERRORS: message % {"given": len(given)}})
    follower_get_or_create(user=user, language=language)
    item = WatchItem(
        user=user,
        startup=startup,
        investor=investor,
        search=normalised_search(search) if search else "",
    )
    return _saved(item, given[0])


def watch_item_delete(*, user: AbstractBaseUser, item_id: int) -> WatchItem:
    """Stop following one of the user's own items (returned, for its name); another user's
    is not found: WatchItem.DoesNotExist."""
    item = WatchItem.objects.select_related("startup", "investor").get(user=user, pk=item_id)
    item.delete()
    return item
