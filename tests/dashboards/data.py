"""Data for the dashboard tests: the bundled sample, and PostgreSQL statistics of what a test
has written."""

from pathlib import Path

from django.apps import apps
from django.db import connection

from dashboards.refresh import refresh_full
from deals.importing import import_paths

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
PROJECT_APPS = ("startups", "deals", "dashboards")


def analyze() -> None:
    """On PostgreSQL, statistics of the rows a test has just written (ANALYZE counts its own
    transaction's rows). Otherwise the planner goes by what autovacuum last saw, often a
    table of rolled-back rows counted as empty, and nests loops over thousands of rows: a
    rounds or investor page of the 900-round dataset then ran for minutes. A real database
    is analysed by autovacuum after a load."""
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for name in PROJECT_APPS
        for model in apps.get_app_config(name).get_models()
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def load_sample() -> None:
    """data/sample imported, its aggregates refreshed in full, its statistics taken."""
    assert import_paths([SAMPLE]).ok
    refresh_full()
    analyze()
