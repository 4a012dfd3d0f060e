"""The admin of the dashboards app: the webhooks' pages (the aggregates have none)."""

from . import webhook_admin  # noqa: F401
