#!/usr/bin/env bash
# Builds the province-size dataset the benchmarks use: 100,000 grids generated inside 水城区's
# outline (gridmap generate -grids-per-village 529.1), loaded into a database of its own,
# gridmap_province, in the project's cluster. Then run for example
#   DATABASE_URL=postgres://postgres@127.0.0.1:54329/gridmap_province?sslmode=disable bin/gridmap bench
# Takes a few minutes; run it again to reload.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/pg.sh"
cd "$ROOT"
install_packages
start_cluster
ensure_database gridmap_province
export DATABASE_URL=$(database_url gridmap_province)
go build -o bin/gridmap ./cmd/gridmap
bin/gridmap migrate
DIR=.data/province
if [ ! -f "$DIR/units.geojson" ]; then
  log "generating 100,000 grids into $DIR"
  bin/gridmap generate -county data/sample/520204-county.geojson -divisions data/sample/520204-divisions.csv \
    -out "$DIR" -grids-per-village 529.1 -households 1000
fi
log "loading $DIR into gridmap_province"
bin/gridmap import dir "$DIR"
log "done: DATABASE_URL=$DATABASE_URL"
