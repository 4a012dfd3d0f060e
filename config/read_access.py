"""Who may read the data: anyone, or with API_REQUIRE_LOGIN_FOR_READS only signed-in users,
by every way in (pages, chart and list CSVs, the API).

The rule is deny by default: with the setting on, every view needs a signed-in user unless it
is marked `login_not_required` (Django's LoginRequiredMiddleware), so a new page or CSV is
covered without anyone remembering it. Public, because they show no data: the admin login,
the language switch, the favicon, the API schema and its docs. The API's views (DRF marks
them `login_not_required`) answer for themselves: a 401, not a redirect (deals/api/access.py).
"""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware


def reads_need_login() -> bool:
    """Read at request time, so that a settings override applies."""
    return getattr(settings, "API_REQUIRE_LOGIN_FOR_READS", False)


class LoginRequiredForReadsMiddleware(LoginRequiredMiddleware):
    """Pages and CSVs send an anonymous visitor to the login page (LOGIN_URL), and back to
    what they asked for once signed in; off unless API_REQUIRE_LOGIN_FOR_READS."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not reads_need_login():
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
