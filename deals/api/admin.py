"""API tokens in the admin: staff create one, see it once, revoke it by deleting it.

Only the token's hash is stored (knox); the first characters (`token_key`) identify it in
lists and logs. A new token expires after REST_KNOX["TOKEN_TTL"] (API_TOKEN_TTL_DAYS) or
earlier, never later. A token acts as its user, so only a superuser may create one for
someone else: staff holding the token permissions create tokens for themselves.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from knox.admin import AuthTokenAdmin, AuthTokenCreateForm
from knox.models import AuthToken
from knox.settings import knox_settings


def default_expiry():
    return timezone.now() + knox_settings.TOKEN_TTL


def token_name(token: AuthToken) -> str:
    """The token by its public first characters and its user.

    knox names a token by its digest, a 128-character hash that means nothing to a person,
    and the admin prints that name in page titles, messages, delete confirmations and its log.
    """
    return f"{token.token_key}… ({token.user})"


AuthToken.__str__ = token_name


class TokenCreateForm(AuthTokenCreateForm):
    expiry = forms.SplitDateTimeField(
        widget=AdminSplitDateTime,
        initial=default_expiry,
        help_text=_("Every token expires, at the latest after the configured lifetime."),
    )

    def clean_expiry(self):
        expiry = self.cleaned_data["expiry"]
        now = timezone.now()
        latest = now + knox_settings.TOKEN_TTL
        if expiry <= now:
            raise forms.ValidationError(_("A token must expire in the future."))
        if expiry > latest:
            raise forms.ValidationError(
                _("A token may last at most %(days)d days (API_TOKEN_TTL_DAYS): %(latest)s UTC.")
                % {
                    "days": knox_settings.TOKEN_TTL.days,
                    "latest": date_format(latest, "Y-m-d H:i"),
                }
            )
        return expiry


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class TokenAdmin(AuthTokenAdmin):
    add_form = TokenCreateForm
    list_display = ("token_key", "user", "created", "expiry")
    list_select_related = ("user",)
    readonly_fields = ("token_key", "user", "created", "expiry")
    # A user is found by name (the user admin's search), not typed in as an id.
    raw_id_fields = ()
    autocomplete_fields = ("user",)
    search_fields = ("token_key", "user__username", "user__email")

    def get_autocomplete_fields(self, request):
        # Staff who are not superusers pick from one user, themselves: no search needed.
        return self.autocomplete_fields if request.user.is_superuser else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and not request.user.is_superuser:
            field.queryset = field.queryset.filter(pk=request.user.pk)
            field.error_messages["invalid_choice"] = _(
                "Only a superuser may create a token for another user."
            )
        return field

    def get_changeform_initial_data(self, request):
        return {"user": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request, obj=None):
        return ("user", "expiry") if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        super(AuthTokenAdmin, self).save_model(request, obj, form, change)
        if not change:
            # Kept on the request for response_add, the one page that shows it; never stored.
            request.new_token = form.token

    def response_add(self, request, obj, post_url_continue=None):
        """The new token, once, on a page of its own: not in a message, which the session
        or a cookie would keep, and not beside the digest that the stock message shows."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("New API token"),
            "token": request.new_token,
            "record": obj,
        }
        return TemplateResponse(request, "admin/api/token_created.html", context)
