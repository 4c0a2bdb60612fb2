#!/usr/bin/env bash
# Starts gridmap on a fresh machine: installs PostgreSQL 15 + PostGIS 3 when missing, starts
# the project's own cluster (.pgdata/), migrates, generates and loads the sample county
# 水城区 (520204) the first time, installs the map page's npm packages, then serves the API,
# the tiles and the map on http://localhost:${PORT:-8080}.
# Run it again at any time: the cluster and the data are reused. Ctrl-C stops the server;
# `scripts/up.sh stop` stops the database cluster too.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/pg.sh"
cd "$ROOT"

if [ "${1:-}" = "stop" ]; then stop_cluster; log "database cluster stopped"; exit 0; fi

install_packages
install_web
start_cluster
ensure_database gridmap
export DATABASE_URL=${DATABASE_URL:-$(database_url gridmap)}

log "building bin/gridmap"
go build -o bin/gridmap ./cmd/gridmap
bin/gridmap migrate

mkdir -p .data
SAMPLE=.data/sample-520204
if [ ! -f "$SAMPLE/units.geojson" ]; then
  log "generating the sample county 水城区 (520204) into $SAMPLE"
  bin/gridmap generate -county data/sample/520204-county.geojson -divisions data/sample/520204-divisions.csv -out "$SAMPLE"
fi
if [ "$(bin/gridmap status -count-units 2>/dev/null || echo 0)" = "0" ]; then
  log "loading the sample county"
  bin/gridmap import dir "$SAMPLE"
fi
# A newcomer gets an administrator's API key on the first start, to try everything (the
# households, the audit log); it is kept in .data/admin.key, which git ignores.
if [ ! -s .data/admin.key ]; then
  bin/gridmap keys create -name "demo administrator" -grant admin > .data/admin.key
fi
log "administrator's API key (send it as 'Authorization: Bearer ...'): $(cat .data/admin.key)"
log "to run bin/gridmap by hand: export DATABASE_URL='$DATABASE_URL'"
log "serving on http://localhost:${PORT:-8080}"
exec bin/gridmap serve -addr "${ADDR:-:${PORT:-8080}}"
