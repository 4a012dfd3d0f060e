from django.urls import path

from . import search_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("charts/<slug:slug>.csv", views.chart_csv, name="chart-csv"),
    path("startups/", views.startups_page, name="startups"),
    path("startups/<slug:slug>/", views.startup_page, name="startup"),
    path(
        "startups/<slug:slug>/valuations.csv",
        views.startup_valuations_csv,
        name="startup-valuations-csv",
    ),
    path("investors/", views.investors_page, name="investors"),
    path("investors/<slug:slug>/", views.investor_page, name="investor"),
    path("rounds/", views.rounds_page, name="rounds"),
    path("rounds/export.csv", views.rounds_csv, name="rounds-csv"),
    path("search/", search_views.search_page, name="search"),
]
