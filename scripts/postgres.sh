#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster on 127.0.0.1:5432 with password auth for user postgres
# (password "postgres"), for tests and benchmarks. Idempotent.
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
cluster_ok() { pg_lsclusters -h 2>/dev/null | awk '{print $1, $2, $4}' | grep -q "^$version main online"; }
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
cluster_ok || pg_ctlcluster "$version" main start
for _ in $(seq 1 50); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.2
done
su postgres -c "psql -qc \"alter user postgres password 'postgres'\"" >/dev/null
