#!/bin/bash
# Run once by the postgres image when it initialises the primary's data folder
# (docker-entrypoint-initdb.d): the role the replica streams the WAL with, and the pg_hba.conf
# line that lets it connect for replication from the compose network.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v password="$POSTGRES_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
