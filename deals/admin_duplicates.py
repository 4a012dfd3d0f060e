"""The admin's Possible duplicates page (pairs of startups and of investors, ranked, with
their reasons: deals.duplicates) and the page comparing one pair side by side."""

from django.contrib.admin import site
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from startups.models import MergeKind

from .duplicate_compare import compare
from .duplicates import DEFAULT_MIN_SCORE, KINDS, duplicate_pair, possible_duplicates
from .merge_access import may_merge
from .merge_admin import merge_url

# Pairs listed per kind: the best ones; `find_duplicates` prints them all.
PAIRS_SHOWN = 100
KIND_TITLES = {
    MergeKind.STARTUP: gettext_lazy("Startups"),
    MergeKind.INVESTOR: gettext_lazy("Investors"),
}
VIEW_PERMISSIONS = {
    MergeKind.STARTUP: ("startups.view_startup", "startups.change_startup"),
    MergeKind.INVESTOR: ("deals.view_investor", "deals.change_investor"),
}


def may_view(user, kind: str) -> bool:
    return any(user.has_perm(name) for name in VIEW_PERMISSIONS[kind])


def _min_score(request: HttpRequest) -> tuple[float, str]:
    """The `min_score` asked for, or the default and why the one given was refused."""
    text = request.GET.get("min_score", "").strip()
    if not text:
        return DEFAULT_MIN_SCORE, ""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        message = _("The minimum score must be a number from 0 to 1 (got %(value)s).")
        return DEFAULT_MIN_SCORE, message % {"value": text[:20]}
    return value, ""


def duplicates_view(request: HttpRequest) -> HttpResponse:
    """The best pairs of each kind the user may view."""
    kinds = [kind for kind in KINDS if may_view(request.user, kind)]
    if not kinds:
        raise PermissionDenied
    min_score, error = _min_score(request)
    sections = [
        {
            "kind": kind,
            "title": KIND_TITLES[kind],
            "pairs": possible_duplicates(kind, limit=PAIRS_SHOWN, min_score=min_score),
        }
        for kind in kinds
    ]
    context = {
        **site.each_context(request),
        "title": _("Possible duplicates"),
        "sections": sections,
        "min_score": min_score,
        "error": error,
        "pairs_shown": PAIRS_SHOWN,
    }
    return render(request, "admin/deals/duplicates.html", context, status=400 if error else 200)


def duplicate_compare_view(request: HttpRequest, kind: str, a_pk: int, b_pk: int) -> HttpResponse:
    """Two records of a kind side by side, with why they may be one."""
    if kind not in KINDS or a_pk == b_pk:
        raise Http404
    if not may_view(request.user, kind):
        raise PermissionDenied
    model = KINDS[kind]
    a, b = get_object_or_404(model, pk=a_pk), get_object_or_404(model, pk=b_pk)
    meta = model._meta
    context = {
        **site.each_context(request),
        "title": _("Compare %(a)s and %(b)s") % {"a": a, "b": b},
        "kind": kind,
        "kind_title": KIND_TITLES[kind],
        "a": a,
        "b": b,
        "change_url_name": f"admin:{meta.app_label}_{meta.model_name}_change",
        "pair": duplicate_pair(kind, a, b),
        "comparison": compare(kind, a, b),
        # Either may stay: the user picks which one the other is merged into.
        "merges": [(b, a, merge_url(a, b)), (a, b, merge_url(b, a))]
        if may_merge(request.user, model)
        else [],
    }
    return render(request, "admin/deals/duplicate_compare.html", context)
