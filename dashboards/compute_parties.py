"""A compute deal's parties as the pages show them: the buyer startup, the provider and the
parent at the top of the provider's affiliate tree, read in the deals' own query."""

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery

from deals.models import ComputeDeal, InvestorAncestry


def _top_parent(field: str) -> Subquery:
    """A field of the provider's top-level parent (itself when it has none): the ancestor the
    affiliate tree puts deepest above it."""
    return Subquery(
        InvestorAncestry.objects.filter(investor=OuterRef("provider_investor"))
        .order_by("-depth")
        .values(f"ancestor__{field}")[:1],
        output_field=CharField(),
    )


def providers_rolled_up(slugs: list[str]) -> Q:
    """Deals whose provider is one of these investors or an affiliate of one (at any depth)."""
    return Q(
        provider_investor__in=InvestorAncestry.objects.filter(ancestor__slug__in=slugs).values(
            "investor"
        )
    )


def with_parties(deals: QuerySet[ComputeDeal]) -> QuerySet[ComputeDeal]:
    return (
        deals.select_related("startup", "provider_investor")
        .annotate(
            parent_slug=_top_parent("slug"),
            parent_name_en=_top_parent("name_en"),
            parent_name_zh=_top_parent("name_zh"),
        )
        .prefetch_related("sources")
    )


def attach_parents(deals: list[ComputeDeal]) -> list[ComputeDeal]:
    """Set `top_parent` on each deal whose provider is an affiliate: the parent at the top of
    its tree, as a record the templates name (from with_parties' columns, no query)."""
    for deal in deals:
        affiliate = deal.provider_investor and deal.parent_slug != deal.provider_investor.slug
        deal.top_parent = (
            {
                "slug": deal.parent_slug,
                "name_en": deal.parent_name_en,
                "name_zh": deal.parent_name_zh,
            }
            if affiliate and deal.parent_slug
            else None
        )
    return deals
