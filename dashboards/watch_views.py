"""Sign-in for analysts, and their watchlist: /watchlist/ and the buttons that follow a
startup or an investor or save a /rounds/ search. Writes go through watch_services."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from deals.models import Investor
from startups.models import Startup

from . import selectors, watch_selectors, watch_services
from .models import EmailMode, WatchItem


class SignInView(auth_views.LoginView):
    """The analysts' sign-in (the admin's refuses whoever is not staff). django-axes locks a
    username out from an address after its failures, here as on the admin's."""

    template_name = "dashboards/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "status": selectors.data_status()}


class SignOutView(auth_views.LogoutView):
    next_page = "dashboards:overview"


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """To the page the form was on (`next`, this site's only), else to `default`."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(target if safe else default)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def watchlist_add(request: HttpRequest) -> HttpResponse:
    """Follow the startup or investor named by slug, or save the `search` query string."""
    startup = investor = None
    if slug := request.POST.get("startup"):
        startup = get_object_or_404(Startup, slug=slug)
    if slug := request.POST.get("investor"):
        investor = get_object_or_404(Investor, slug=slug)
    search = request.POST.get("search", "")
    try:
        item = watch_services.watch_item_create(
            user=request.user,
            startup=startup,
            investor=investor,
            search=search,
            language=get_language(),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Added to your watchlist: %(item)s.") % {"item": item})
    return _back(request, reverse("dashboards:watchlist"))


@login_required
@require_POST
def watchlist_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = watch_services.watch_item_delete(user=request.user, item_id=pk)
    except WatchItem.DoesNotExist as error:
        raise Http404 from error
    messages.success(request, _("Removed from your watchlist: %(item)s.") % {"item": item})
    return _back(request, reverse("dashboards:watchlist"))


@login_required
@require_POST
def watchlist_settings(request: HttpRequest) -> HttpResponse:
    try:
        watch_services.follower_settings_update(
            user=request.user,
            email_mode=request.POST.get("email_mode", ""),
            language=get_language(),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Your alert settings are saved."))
    return HttpResponseRedirect(reverse("dashboards:watchlist"))


@login_required
@require_GET
def watchlist_page(request: HttpRequest) -> HttpResponse:
    """The user's alerts, newest first, those raised since the visit before this one marked
    new; what they follow; how they are told."""
    follower = watch_services.follower_visit(user=request.user)
    seen_until = follower.previous_visit_at
    alerts = watch_selectors.recent_alerts(request.user)
    for alert in alerts:
        alert.is_new = seen_until is None or alert.created_at > seen_until
    return render(
        request,
        "dashboards/watchlist.html",
        {
            "status": selectors.data_status(),
            "follower": follower,
            "items": watch_selectors.watch_items(request.user),
            "alerts": alerts,
            "new_count": sum(alert.is_new for alert in alerts),
            "email_modes": EmailMode.choices,
            "feed_url": request.build_absolute_uri(
                reverse("dashboards:watchlist-feed", args=[follower.feed_secret])
            ),
        },
    )
