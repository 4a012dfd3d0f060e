"""The REST API v1: resources, filters, access, rendering. Writes go through the services."""
