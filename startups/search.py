"""Searching by name: the bound on a search, and the folded form names are compared in.

The bound: how many terms, and how long each, a search box or `?search=` takes.

Each term becomes a `LIKE` over every searched column, OR-ed across the columns and AND-ed
across the terms: 1,500 terms held a PostgreSQL worker for 279 s, and SQLite refused the query
("Expression tree is too large"). Every entry point that splits a search into terms (the API's
`?search=`, the admin's search box and autocomplete) refuses more than the bound, with a
message naming it, before any query runs.
"""

import unicodedata
from collections.abc import Callable, Sequence

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Concat

from .names import core_words


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


# Names are compared folded: NFKC turns full-width letters and digits into ASCII (full-width
# "AI" is "AI") and compatibility forms into their plain ones, then lower case ("AI" is "ai"). Each
# backend folds both sides of a comparison with the same function, so a name and a query
# always meet in the same form: PostgreSQL with LOWER(NORMALIZE(.., NFKC)), which its trigram
# indexes are built on; SQLite with `search_fold`, this module's `fold` registered on each
# connection (register_fold).
SQLITE_FOLD_FUNCTION = "search_fold"
# Between the names of a record in its folded names, so that no query (whose whitespace is
# collapsed to single spaces) matches across the end of one name and the start of the next.
NAME_SEPARATOR = "\n"


def fold(text: str | None) -> str | None:
    """A name or a query as search compares it: NFKC, then lower case."""
    return None if text is None else unicodedata.normalize("NFKC", text).lower()


def query_words(query: str) -> list[str]:
    """The folded words of a query: every one must occur in a record's names."""
    return fold(query).split()


def normalised_words(query: str) -> list[str]:
    """The words of the query as a company name, without its corporate suffixes and city
    (startups.names.core_words), when they differ from its own words; else []. A record
    whose names hold all of them matches too: "Beijing Moonshot Technology Co., Ltd." finds
    Moonshot AI, "北京月之暗面科技有限公司" finds 月之暗面."""
    words = core_words(query)
    return words if words and words != query_words(query) else []


class Folded(Func):
    """`fold` in SQL, for a name column or a query."""

    function = SQLITE_FOLD_FUNCTION
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="LOWER(NORMALIZE(%(expressions)s, NFKC))")


def folded_names() -> Folded:
    """Every name of a startup or an investor (English, Chinese, aliases), folded: the
    expression the trigram indexes of both tables are built on (migrations
    startups 0007 and deals 0009), so a query must use this very expression to use them."""
    return Folded(
        Concat(
            F("name_en"),
            Value(NAME_SEPARATOR),
            F("name_zh"),
            Value(NAME_SEPARATOR),
            F("aliases"),
            output_field=TextField(),
        )
    )


def folded_product_name() -> Folded:
    return Folded(F("name"))


def names_match(words: Sequence[str], names: str = "folded_names") -> Q:
    """Every word occurs somewhere in the folded names, in any order."""
    return Q(*(Q(**{f"{names}__contains": Folded(Value(word))}) for word in words))


def register_fold(sender, connection, **kwargs) -> None:
    """connection_created: give each SQLite connection the `search_fold` function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD_FUNCTION, 1, fold, deterministic=True)


def trigram_index(app_label: str, model_name: str, name: str, expression: Callable[[], Func]):
    """A migration operation: a GIN trigram index on `expression` on PostgreSQL, nothing on
    SQLite (which has no such index; search scans there). Kept out of the models' Meta, which
    would ask every backend for it."""

    def create(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            model = apps.get_model(app_label, model_name)
            schema_editor.add_index(model, _gin_trigram(expression, name))

    def drop(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            model = apps.get_model(app_label, model_name)
            schema_editor.remove_index(model, _gin_trigram(expression, name))

    return migrations.RunPython(create, drop)


def _gin_trigram(expression: Callable[[], Func], name: str) -> GinIndex:
    return GinIndex(OpClass(expression(), name="gin_trgm_ops"), name=name)
