"""Site search: startups, investors, model products and rounds by name, grouped by kind.

A query matches a record when each of its words occurs, folded (startups.search: NFKC and
lower case, so full-width "KIMI", "KIMI" and "kimi" are one query), in one of the record's names:
English, Chinese or an alias; a product by its name. A startup is found by its products'
names too ("Kimi" finds Moonshot AI), and rounds only through the startups found: never by
scanning rounds for text, so the rounds table's size does not matter. On PostgreSQL the
name matches are served by the trigram indexes on the folded names (pg_trgm, migrations
startups 0007 and deals 0009); on SQLite they are a scan of the startups, investors and
products tables, which are small beside the rounds.

Four queries whatever the data, each reading at most RESULTS_PER_KIND rows. Each kind takes
the first RESULTS_PER_KIND matches in the order the records were added (by id) and lists them
by name: "the first by id" lets PostgreSQL walk the primary key and stop at the eighth match
when a word is in most names (a query for "syn" among 200,000 synthetic startups: 1.6 s when
every match was sorted by name), and use the trigram index when it is rare.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from deals.models import FundingRound, Investor
from startups.models import ModelProduct, Startup
from startups.search import (
    folded_names,
    folded_product_name,
    names_match,
    normalised_words,
    query_words,
    search_limit_error,
)
from startups.vocab import format_partial_date

from .formatting import local_name, modality, other_name

# Enough to choose from as one types; the results page shows the same. A query that needs
# more is one to make more precise.
RESULTS_PER_KIND = 8
KINDS = ("startups", "investors", "products", "rounds")
# A startup found through its products names the first few: the products' own group lists them.
BRANDS_IN_CONTEXT = 3


@dataclass(frozen=True)
class Hit:
    """One result: its name in the reader's language, the other name, a line of context
    (what it is, where it belongs) and the page that shows it."""

    name: str
    other_name: str
    context: str
    url: str


def search_query_error(query: str | None) -> str | None:
    """Why a query is refused (blank, NUL, too long, too many words), None when it is
    searched."""
    if query is None or not query.strip():
        return _("Enter a name to search for.")
    if "\x00" in query:
        # PostgreSQL refuses it in any text with an error, not an empty result.
        return _("A search cannot contain a NUL character.")
    longest = settings.SEARCH_MAX_TERM_LENGTH
    if len(query) > longest:
        return _("At most %(limit)s characters are searched for (got %(length)s).") % {
            "limit": longest,
            "length": len(query),
        }
    return search_limit_error(query_words(query))


def products_named(words: Sequence[str]) -> QuerySet[ModelProduct]:
    return (
        ModelProduct.objects.alias(folded_name=folded_product_name())
        .filter(names_match(words, "folded_name"))
        .select_related("startup")
        .order_by("pk")
    )


def named(words: Sequence[str], normalised: Sequence[str] = ()) -> Q:
    """The query's words in the names, or its normalised words (a legal name's core)."""
    return names_match(words) | names_match(normalised) if normalised else names_match(words)


def startups_named(
    words: Sequence[str], by_product: Iterable[int] = (), normalised: Sequence[str] = ()
) -> QuerySet[Startup]:
    """Startups with the words in their names, and those of `by_product` (ids, not a
    subquery: `OR id IN (subquery)` makes PostgreSQL filter every startup, where
    `OR id IN (1, 2)` lets it combine the trigram and primary-key indexes)."""
    return (
        Startup.objects.alias(folded_names=folded_names())
        .filter(named(words, normalised) | Q(pk__in=list(by_product)))
        .order_by("pk")
    )


def investors_named(words: Sequence[str], normalised: Sequence[str] = ()) -> QuerySet[Investor]:
    return (
        Investor.objects.alias(folded_names=folded_names())
        .filter(named(words, normalised))
        .select_related("parent")
        .order_by("pk")
    )


def by_name(records, name: str = "name_en") -> list:
    return sorted(records, key=lambda record: (getattr(record, name), record.pk))


def site_search(query: str) -> dict[str, list[Hit]]:
    """The records whose names match `query` (checked by search_query_error), per kind."""
    words, normalised = query_words(query), normalised_words(query)
    products = by_name(products_named(words)[:RESULTS_PER_KIND], "name")
    by_product = {p.startup_id for p in products}
    startups = by_name(startups_named(words, by_product, normalised)[:RESULTS_PER_KIND])
    investors = by_name(investors_named(words, normalised)[:RESULTS_PER_KIND])
    rounds = list(
        FundingRound.objects.filter(startup__in=[s.pk for s in startups])
        .select_related("startup")
        .order_by("-announced_on", "-pk")[:RESULTS_PER_KIND]
    )
    return {
        "startups": [_startup_hit(s, products) for s in startups],
        "investors": [_investor_hit(i) for i in investors],
        "products": [_product_hit(p) for p in products],
        "rounds": [_round_hit(r) for r in rounds],
    }


def _startup_url(startup: Startup) -> str:
    return reverse("dashboards:startup", args=[startup.slug])


def _context(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def _startup_hit(startup: Startup, products: list[ModelProduct]) -> Hit:
    brands = [p.name for p in products if p.startup_id == startup.pk]
    if len(brands) > BRANDS_IN_CONTEXT:
        brands = [*brands[:BRANDS_IN_CONTEXT], "…"]
    return Hit(
        name=local_name(startup),
        other_name=other_name(startup),
        context=_context(
            startup.city,
            startup.get_sector_display() if startup.sector else "",
            _("products: %(names)s") % {"names": ", ".join(brands)} if brands else "",
        ),
        url=_startup_url(startup),
    )


def _investor_hit(investor: Investor) -> Hit:
    parent = investor.parent
    return Hit(
        name=local_name(investor),
        other_name=other_name(investor),
        context=_context(
            investor.get_kind_display(),
            _("part of %(parent)s") % {"parent": local_name(parent)} if parent else "",
        ),
        url=reverse("dashboards:investor", args=[investor.slug]),
    )


def _product_hit(product: ModelProduct) -> Hit:
    return Hit(
        name=product.name,
        other_name="",
        context=_context(
            local_name(product.startup), product.get_kind_display(), modality(product.modality)
        ),
        url=_startup_url(product.startup) + "#products",
    )


def _round_hit(funding_round: FundingRound) -> Hit:
    startup = funding_round.startup
    return Hit(
        name=f"{local_name(startup)} · {funding_round.round_label}",
        other_name="",
        context=format_partial_date(funding_round.announced_on, funding_round.date_precision),
        url=f"{_startup_url(startup)}#round-{funding_round.pk}",
    )
