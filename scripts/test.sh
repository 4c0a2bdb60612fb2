#!/usr/bin/env bash
# Runs every test of gridmap against a real PostGIS: installs PostgreSQL 15 + PostGIS 3 when
# missing (and Chromium and the map page's npm packages for the browser test), starts the
# project's own cluster (.pgdata/), then runs go vet and go test.
# Each test package creates and drops its own database in that cluster.
# Extra arguments go to `go test` (for example: scripts/test.sh -run Resolve ./api/).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/pg.sh"
cd "$ROOT"

install_packages
install_web
start_cluster
export GRIDMAP_TEST_DATABASE_URL=$(database_url postgres)
export GRIDMAP_BROWSER=/usr/bin/chromium

log "gofmt, go vet"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted" >&2; exit 1; fi
go vet ./...
log "staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
log "go test"
if [ $# -gt 0 ]; then
  go test -count=1 "$@"
else
  go test -count=1 -timeout 20m ./...
  log "race detector: the live index under a lookup storm while it follows edits"
  go test -count=1 -race -run 'Follow' ./postgis/
  # Every parser of outside input is fuzzed for a few seconds; a crasher found is written to
  # the package's testdata/fuzz and stays as a regression case (go test runs it every time).
  log "fuzzing each parser for ${GRIDMAP_FUZZTIME:-3s}"
  inputs_of() { if [ -d "$1" ]; then ls "$1" | wc -l; else echo 0; fi; }
  for target in FuzzParseLonLat:./geo/ FuzzParseGrant:./geo/access/ FuzzReadUnits:./geo/importfile/ \
      FuzzReadCSV:./geo/importfile/ FuzzCSVPoints:./wire/ FuzzJSONPoints:./wire/ FuzzNDJSONPoints:./wire/ \
      FuzzGeoJSONPoints:./wire/ FuzzIDs:./wire/ FuzzParseZXY:./api/ FuzzParse:./geo/cql2/ FuzzFilterSQL:./postgis/; do
    name=${target%%:*} pkg=${target#*:}
    for attempt in 1 2; do
      found_before=$(inputs_of "$pkg/testdata/fuzz/$name")
      if out=$(go test -run '^$' -fuzz "^$name\$" -fuzztime "${GRIDMAP_FUZZTIME:-3s}" "$pkg" 2>&1); then
        break
      fi
      # Go 1.26's fuzz coordinator can fail a target at the -fuzztime boundary with a bare
      # "context deadline exceeded" having found nothing (golang/go#75804, fixed in Go 1.27).
      # Such a run, and only such a run, is tried once more; one that wrote a crasher fails.
      found_after=$(inputs_of "$pkg/testdata/fuzz/$name")
      if [ "$attempt" = 2 ] || [ "$found_after" != "$found_before" ] || ! grep -q 'context deadline exceeded' <<<"$out"; then
        printf '%s\n' "$out" | tail -40; exit 1
      fi
      log "$name: the fuzz coordinator's deadline race (golang/go#75804), no input found: once more"
    done
  done
fi
log "all tests passed"
