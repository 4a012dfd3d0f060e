"""The bound on a search: how many terms, and how long each, a search box or `?search=` takes.

Each term becomes a `LIKE` over every searched column, OR-ed across the columns and AND-ed
across the terms: 1,500 terms held a PostgreSQL worker for 279 s, and SQLite refused the query
("Expression tree is too large"). Every entry point that splits a search into terms (the API's
`?search=`, the admin's search box and autocomplete) refuses more than the bound, with a
message naming it, before any query runs.
"""

from collections.abc import Sequence

from django.conf import settings


def search_limit_error(terms: Sequence[str]) -> str | None:
    """Why these terms are refused, naming the limits; None when they are within them."""
    most_terms, longest = settings.SEARCH_MAX_TERMS, settings.SEARCH_MAX_TERM_LENGTH
    limits = f"at most {most_terms} terms of at most {longest} characters each"
    if len(terms) > most_terms:
        return f"{limits} are searched for (got {len(terms)} terms)"
    too_long = max((len(term) for term in terms), default=0)
    if too_long > longest:
        return f"{limits} are searched for (got a term of {too_long} characters)"
    return None
