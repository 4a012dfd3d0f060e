"""A GIN trigram index on the folded names of investors, on PostgreSQL only
(startups.search; pg_trgm comes from startups 0007)."""

from django.db import migrations

from startups.search import folded_names, trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0008_claims_from_records"),
        ("startups", "0008_search_trigram_indexes"),
    ]

    operations = [trigram_index("deals", "Investor", "investor_names_trgm", folded_names)]
