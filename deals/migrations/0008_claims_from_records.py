"""Every figure a record already holds becomes a claim of each of its sources (the rule that
every later write follows, deals.claim_services.claims_from_write)."""

from django.db import migrations

from deals.claim_models import RECORD_FIELDS
from deals.evidence import FIGURES

MODELS = {
    "round": ("FundingRound", "announced_on"),
    "participation": ("Participation", None),
    "valuation": ("ValuationMark", "valued_on"),
    "compute": ("ComputeDeal", "announced_on"),
}
USD_FIELDS = {"value": "value_usd", "amount": "amount_usd"}


def usd_field(name: str) -> str:
    return USD_FIELDS.get(name, f"{name}_usd")


def claims_from_records(apps, schema_editor):
    Claim = apps.get_model("deals", "Claim")
    for kind, (model_name, date_field) in MODELS.items():
        model = apps.get_model("deals", model_name)
        records = model.objects.prefetch_related("sources")
        if date_field is None:
            records = records.select_related("round")
        claims = []
        for record in records.iterator(chunk_size=500):
            on = getattr(record, date_field) if date_field else record.round.announced_on
            for name, figure in FIGURES[kind].items():
                value = getattr(record, figure.value)
                if value is None:
                    continue
                for source in record.sources.all():
                    claims.append(
                        Claim(
                            **{RECORD_FIELDS[kind]: record},
                            field=name,
                            value=value,
                            currency=getattr(record, figure.currency) if figure.currency else "",
                            qualifier=getattr(record, figure.qualifier),
                            value_usd=getattr(record, usd_field(name), None)
                            if figure.currency
                            else None,
                            source=source,
                            as_of=on,
                            reported_on=source.published_on or on,
                            confidence=record.confidence,
                        )
                    )
            if len(claims) >= 2000:
                Claim.objects.bulk_create(claims)
                claims = []
        Claim.objects.bulk_create(claims)


class Migration(migrations.Migration):
    dependencies = [("deals", "0007_claims")]

    operations = [migrations.RunPython(claims_from_records, migrations.RunPython.noop)]
