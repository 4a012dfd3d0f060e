"""A record's figures as its own sources state them, for the export.

A record holds its accepted value, which may come from a claim of another source (a filing
that settles a dispute, or the only page that gives a figure the record's own pages leave
blank). Written into the record's row, that value would come back from the import as a claim
of the record's own sources: a page credited with a figure it never stated. The row
therefore carries what its own sources claim, claims.csv carries the rest, and the import
settles them to the same accepted value."""

from django.db.models import Prefetch

from .claim_models import Claim
from .evidence import FIGURES

CLAIM_COLUMNS = ("id", "field", "value", "currency", "qualifier", "source_id")


def claims_prefetch(record_field: str) -> Prefetch:
    return Prefetch("claims", queryset=Claim.objects.only(*CLAIM_COLUMNS, f"{record_field}_id"))


def own_figures(record) -> dict[str, object]:
    """Each figure column of `record` (value, currency, qualifier) as its row writes it; needs
    its `claims` and `sources` prefetched."""
    own_sources = {source.pk for source in record.sources.all()}
    claims = list(record.claims.all())
    cells = {}
    for name, figure in FIGURES[record.CLAIM_KIND].items():
        columns = [figure.value, figure.currency, figure.qualifier]
        current = [getattr(record, column) if column else None for column in columns]
        said = [claim for claim in claims if claim.field == name]
        own = [claim for claim in said if claim.source_id in own_sources]
        if said and not any(_holds(claim, current) for claim in own):
            current = [own[0].value, own[0].currency, own[0].qualifier] if own else [None, "", ""]
        cells.update(
            (column, value) for column, value in zip(columns, current, strict=True) if column
        )
    return cells


def _holds(claim: Claim, current: list) -> bool:
    value, currency, qualifier = current
    return (
        value is not None
        and claim.value == value
        and (currency is None or (claim.currency or "") == (currency or ""))
        and claim.qualifier == qualifier
    )
