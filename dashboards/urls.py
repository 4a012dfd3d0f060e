from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.http import require_GET

from . import (
    compute_views,
    coverage_views,
    directory_views,
    feeds,
    pair_views,
    product_views,
    search_views,
    views,
    watch_views,
)

app_name = "dashboards"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("charts/<slug:slug>.csv", views.chart_csv, name="chart-csv"),
    path("startups/", directory_views.startups_page, name="startups"),
    path("startups/export.csv", directory_views.startups_csv, name="startups-csv"),
    path(
        "startups/valuations.csv",
        directory_views.tag_valuations_csv,
        name="tag-valuations-csv",
    ),
    path("startups/<slug:slug>/", views.startup_page, name="startup"),
    path(
        "startups/<slug:slug>/valuations.csv",
        views.startup_valuations_csv,
        name="startup-valuations-csv",
    ),
    path("investors/", directory_views.investors_page, name="investors"),
    path("investors/export.csv", directory_views.investors_csv, name="investors-csv"),
    path("investors/<slug:slug>/", views.investor_page, name="investor"),
    path(
        "investors/<slug:slug>/with/<slug:other>/",
        pair_views.investor_pair_page,
        name="investor-pair",
    ),
    path("rounds/", views.rounds_page, name="rounds"),
    path("rounds/export.csv", views.rounds_csv, name="rounds-csv"),
    path("products/", product_views.products_page, name="products"),
    path("products/export.csv", product_views.products_csv, name="products-csv"),
    path("products/filings.csv", product_views.filings_csv, name="products-filings-csv"),
    path("compute/", compute_views.compute_page, name="compute"),
    path("compute/export.csv", compute_views.compute_csv, name="compute-csv"),
    path(
        "compute/charts/<slug:slug>.csv",
        compute_views.compute_chart_csv,
        name="compute-chart-csv",
    ),
    path("search/", search_views.search_page, name="search"),
    path("about/data/", coverage_views.about_data_page, name="about-data"),
    path("login/", watch_views.SignInView.as_view(), name="login"),
    path("logout/", watch_views.SignOutView.as_view(), name="logout"),
    path("watchlist/", watch_views.watchlist_page, name="watchlist"),
    path("watchlist/add/", watch_views.watchlist_add, name="watchlist-add"),
    path(
        "watchlist/items/<int:pk>/delete/",
        watch_views.watchlist_remove,
        name="watchlist-remove",
    ),
    path("watchlist/settings/", watch_views.watchlist_settings, name="watchlist-settings"),
    path("feeds/rounds.atom", require_GET(feeds.RoundsFeed()), name="rounds-feed"),
    # The secret in the address is the credential: a feed reader cannot sign in.
    path(
        "feeds/watchlist/<slug:secret>.atom",
        login_not_required(require_GET(feeds.WatchlistFeed())),
        name="watchlist-feed",
    ),
]
