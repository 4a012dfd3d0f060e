"""pg_trgm and GIN trigram indexes on the folded names of startups and products, on
PostgreSQL only (startups.search: SQLite has neither and scans)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from startups.search import folded_names, folded_product_name, trigram_index


class Migration(migrations.Migration):
    dependencies = [("startups", "0007_product_filing_precision_and_number")]

    operations = [
        # Does nothing on other databases (Django's CreateExtension checks the vendor).
        TrigramExtension(),
        trigram_index("startups", "Startup", "startup_names_trgm", folded_names),
        trigram_index("startups", "ModelProduct", "product_name_trgm", folded_product_name),
    ]
