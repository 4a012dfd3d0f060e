"""API tokens in the admin: staff create one for a user, see it once, revoke it by deleting it.

Only the token's hash is stored (knox); the first characters (`token_key`) identify it in
lists and logs. A new token expires after REST_KNOX["TOKEN_TTL"] unless staff choose a date.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone
from knox.admin import AuthTokenAdmin, AuthTokenCreateForm
from knox.models import AuthToken
from knox.settings import knox_settings


def default_expiry():
    return timezone.now() + knox_settings.TOKEN_TTL


class TokenCreateForm(AuthTokenCreateForm):
    expiry = forms.SplitDateTimeField(
        widget=AdminSplitDateTime,
        initial=default_expiry,
        help_text="Every token expires; the default is the configured lifetime.",
    )


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class TokenAdmin(AuthTokenAdmin):
    add_form = TokenCreateForm
    list_display = ("token_key", "user", "created", "expiry")
    list_select_related = ("user",)
    readonly_fields = ("token_key", "user", "created", "expiry")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request, obj=None):
        return ("user", "expiry") if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        super(AuthTokenAdmin, self).save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                f"The new token for {obj.user}, shown only this once: {form.token}",
                messages.WARNING,
            )
