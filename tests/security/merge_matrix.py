"""The merge endpoints' rows of the permission matrix (tests/security/matrix.py): staff who
may change and delete the model's records, nobody else."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from deals.merging import merge_startups
from startups.models import Merge
from tests.factories import InvestorFactory, StartupFactory

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MERGE_STARTUPS = ["startups.change_startup", "startups.delete_startup"]
MERGE_INVESTORS = ["deals.change_investor", "deals.delete_investor"]
API_MERGE = (401, 403, 403, 200, 200)
_numbers = itertools.count()


def a_merge() -> Merge:
    """A merge record, as the Merge admin's pages need one."""
    n = next(_numbers)
    return Merge.objects.create(
        kind="startup",
        survivor_id=1,
        survivor_slug="survivor",
        merged_id=n + 2,
        merged_slug=f"merged-{n}",
        merged_name="Merged",
    )


def startup_pair(user: User | None):
    return (
        f"/admin/data/merge/startups/{StartupFactory().pk}/{StartupFactory().pk}/",
        {},
    )


def undo_page(user: User | None):
    merge = merge_startups(StartupFactory(), StartupFactory())
    return f"/admin/data/merge/undo/{merge.pk}/", {}


def api_merge(kind: str, user: User | None):
    factory = StartupFactory if kind == "startups" else InvestorFactory
    return f"/api/v1/{kind}/{factory().slug}/merge/", {"from": factory().slug}


def merge_endpoints(endpoint, admin_page, admin_done):
    from functools import partial

    return [
        endpoint("data-merge", "GET", admin_page, startup_pair, MERGE_STARTUPS),
        endpoint("data-merge", "POST", admin_done, startup_pair, MERGE_STARTUPS),
        endpoint("data-merge-undo", "GET", admin_page, undo_page, MERGE_STARTUPS),
        endpoint("data-merge-undo", "POST", admin_done, undo_page, MERGE_STARTUPS),
        endpoint(
            "startup-merge", "POST", API_MERGE, partial(api_merge, "startups"), MERGE_STARTUPS, True
        ),
        endpoint(
            "investor-merge",
            "POST",
            API_MERGE,
            partial(api_merge, "investors"),
            MERGE_INVESTORS,
            True,
        ),
    ]
