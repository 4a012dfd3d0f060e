from django.urls import path

from . import compute_views, views

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
    path("compute/", compute_views.compute_page, name="compute"),
    path("compute/export.csv", compute_views.compute_csv, name="compute-csv"),
    path(
        "compute/charts/<slug:slug>.csv",
        compute_views.compute_chart_csv,
        name="compute-chart-csv",
    ),
]
