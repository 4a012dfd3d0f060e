"""The heavy work's longer statement timeout: the aggregate refresh and the import.

Every connection starts with the web's `DATABASE_STATEMENT_TIMEOUT` (config/settings/base.py),
so that no request's query holds a worker for minutes. A refresh or an import sorts and
writes millions of rows in one transaction: it raises the timeout to
`DATABASE_LONG_STATEMENT_TIMEOUT` for that transaction only (SET LOCAL), and whatever the
connection runs next has the web's timeout again.
"""

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction


def extend_statement_timeout(cursor) -> None:
    """The long timeout for the rest of the cursor's transaction (PostgreSQL only)."""
    milliseconds = max(0, round(settings.DATABASE_LONG_STATEMENT_TIMEOUT * 1000))
    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(milliseconds)])


@contextlib.contextmanager
def long_statement_timeout(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A transaction whose statements may each run up to `DATABASE_LONG_STATEMENT_TIMEOUT`."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                extend_statement_timeout(cursor)
        yield
