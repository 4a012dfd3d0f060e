"""/api/v1/: the resources, the statistics, token revocation, the schema and its docs."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from deals.api import tokens, views
from deals.api.changes import ChangeFeedView

router = DefaultRouter()
router.register("startups", views.StartupViewSet, basename="startup")
router.register("investors", views.InvestorViewSet, basename="investor")
router.register("rounds", views.FundingRoundViewSet, basename="round")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("valuation-marks", views.ValuationMarkViewSet, basename="valuation-mark")
router.register("products", views.ModelProductViewSet, basename="product")
router.register("compute-deals", views.ComputeDealViewSet, basename="compute-deal")
router.register("sources", views.SourceViewSet, basename="source")
router.register("fx-rates", views.FxRateViewSet, basename="fx-rate")
router.register("reported-metrics", views.ReportedMetricViewSet, basename="reported-metric")


@login_not_required  # it reads nothing: a JSON 404 for anyone, as the API answers
@csrf_exempt
def not_found(request, rest: str = "") -> JsonResponse:
    """Any other path under /api/v1/ answers like the API does, in JSON, not an HTML page
    (nor a CSRF refusal: it changes nothing)."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("", include(router.urls)),
    path("", include("dashboards.urls_api")),
    path("changes/", ChangeFeedView.as_view(), name="api-changes"),
    path("auth/logout/", tokens.LogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", tokens.LogoutAllView.as_view(), name="api-logout-all"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from ?script, so the page needs no inline one.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    re_path(r"^(?P<rest>[\s\S]*)$", not_found),
]
