from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, search_api, watch_api, webhook_api

# A user's own watchlist (/api/v1/watchlists/, .../<id>/) and webhook endpoints.
router = SimpleRouter()
router.register("watchlists", watch_api.WatchItemViewSet, basename="watchlist")
router.register("webhooks", webhook_api.WebhookEndpointViewSet, basename="webhook")

urlpatterns = [
    # Before the router's routes, so that "settings" is not read as an item's id.
    path(
        "watchlists/settings/",
        watch_api.WatchSettingsView.as_view(),
        name="api-watchlist-settings",
    ),
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
