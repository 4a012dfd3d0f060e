from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, search_api, webhook_api

router = SimpleRouter()
router.register("webhooks", webhook_api.WebhookEndpointViewSet, basename="webhook")

urlpatterns = [
    path("search/", search_api.SearchView.as_view(), name="api-search"),
    path("stats/ai-deal-share/", api.AiDealShareView.as_view(), name="stats-ai-deal-share"),
    path("stats/valuations/", api.ValuationsView.as_view(), name="stats-valuations"),
    path("stats/unicorns/", api.UnicornsView.as_view(), name="stats-unicorns"),
    path("stats/compute-share/", api.ComputeShareView.as_view(), name="stats-compute-share"),
    path("stats/co-investments/", api.CoInvestmentsView.as_view(), name="stats-co-investments"),
    path(
        "stats/reported-vs-computed/",
        api.ReportedVsComputedView.as_view(),
        name="stats-reported-vs-computed",
    ),
    *router.urls,
    path(
        "webhooks/<int:pk>/deliveries/",
        webhook_api.WebhookDeliveryList.as_view(),
        name="webhook-deliveries",
    ),
]
