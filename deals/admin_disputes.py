"""The admin's Disputes page: every disputed figure with its claims side by side, a form to
accept one with a reason (deals.claim_services.claim_accept), and the figures resolved."""

from django import forms
from django.contrib import messages
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from startups.admin import qualifier_sign
from startups.vocab import format_money

from .claim_models import Claim
from .claim_selectors import FigureClaims, figure_anchor, figures_in_dispute, figures_resolved
from .claim_services import claim_accept

VIEW_CLAIMS = ("deals.view_claim", "deals.change_claim")
ACCEPT_CLAIMS = "deals.change_claim"


class AcceptClaimForm(forms.Form):
    claim = forms.ModelChoiceField(
        queryset=Claim.objects.all(),
        error_messages={"required": gettext_lazy("Choose the claim to accept.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Why is this claim right?"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        error_messages={"required": gettext_lazy("Say why this claim is accepted.")},
    )

    def accept(self) -> Claim | None:
        """Accept the claim through the service; a rule it breaks becomes a form error."""
        try:
            return claim_accept(self.cleaned_data["claim"], reason=self.cleaned_data["reason"])
        except ValidationError as error:
            self.add_error(None, error.messages)
            return None


def claim_cells(claim: Claim) -> dict:
    """What the page shows of a claim, side by side with its rivals."""
    value = f"{qualifier_sign(claim.qualifier)}{claim.value.normalize():,f} {claim.currency}"
    usd = format_money(claim.value_usd, "USD", claim.qualifier) if claim.value_usd else ""
    return {
        "claim": claim,
        "value": value.strip(),
        "usd": usd,
        "outlet": claim.source.outlet,
        "url": claim.source.url,
        "kind": claim.source.get_kind_display(),
        "confidence": claim.get_confidence_display(),
    }


def shown(figures: list[FigureClaims]) -> list[FigureClaims]:
    """The figures with their rows of cells and the link to their record's change page."""
    for figure in figures:
        meta = figure.record._meta
        figure.rows = [claim_cells(claim) for claim in figure.claims]
        figure.change_url = reverse(
            f"admin:{meta.app_label}_{meta.model_name}_change", args=[figure.record.pk]
        )
        figure.record_name = meta.verbose_name
    return figures


def disputes_view(request: HttpRequest) -> HttpResponse:
    """GET: the disputed and resolved figures; POST: accept one claim, with a reason."""
    user = request.user
    if not any(user.has_perm(name) for name in VIEW_CLAIMS):
        raise PermissionDenied
    form = None
    if request.method == "POST":
        if not user.has_perm(ACCEPT_CLAIMS):
            raise PermissionDenied
        form = AcceptClaimForm(request.POST)
        claim = form.accept() if form.is_valid() else None
        if claim is not None:
            message = _("Accepted: %(claim)s. The figure is resolved.") % {"claim": claim}
            messages.success(request, message)
            return redirect(f"{reverse('claims-disputes')}#resolved")
    context = {
        **site.each_context(request),
        "title": _("Disputes"),
        "disputed": shown(figures_in_dispute()),
        "resolved": shown(figures_resolved()),
        "can_accept": user.has_perm(ACCEPT_CLAIMS),
        "form": form,
        # The figure whose form was sent back with errors: its form shows them.
        "failed_figure": request.POST.get("figure") if form else None,
    }
    # A form sent back with its errors is bad input.
    return render(request, "admin/deals/disputes.html", context, status=400 if form else 200)


def disputes_url(record, field: str) -> str:
    """Where a record's change page links for one of its disputed figures."""
    return f"{reverse('claims-disputes')}#{figure_anchor(record, field)}"
