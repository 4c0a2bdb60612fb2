#!/usr/bin/env bash
# Shared by scripts/up.sh and scripts/test.sh: make sure PostgreSQL 15 + PostGIS 3 are installed,
# then create (once) and start a database cluster that belongs to this checkout.
#
# The cluster lives in .pgdata/ (git-ignored), listens on 127.0.0.1:${GRIDMAP_PGPORT:-54329}
# and on a Unix socket in .pgdata/run, and trusts local connections: it is a developer's
# cluster, never a production one. Running this twice reuses the cluster.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGDATA_DIR="$ROOT/.pgdata/data"
# Without GRIDMAP_PGPORT, a cluster made earlier keeps the port written into its configuration.
configured_port() { sed -n 's/^port = \([0-9][0-9]*\)$/\1/p' "$PGDATA_DIR/postgresql.conf" 2>/dev/null | tail -1 || true; }
PGPORT=${GRIDMAP_PGPORT:-$(configured_port)}
PGPORT=${PGPORT:-54329}
PGRUN_DIR="$ROOT/.pgdata/run"
PGLOG="$ROOT/.pgdata/postgres.log"
PGBIN=/usr/lib/postgresql/15/bin

log() { printf '\033[1m[gridmap]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local need=()
  [ -x "$PGBIN/initdb" ] || need+=(postgresql-15)
  [ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
  # wrk is the HTTP load generator `gridmap bench` drives; tests do not need it.
  command -v wrk >/dev/null || need+=(wrk)
  # Chromium runs the map page in the browser test.
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # A Chinese font, or Chromium draws the page's and the map's names as empty boxes.
  [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
  # GDAL reads and writes planners' files (Shapefile, GeoPackage, KML, DXF) for import and
  # export; the OGC API - Features tests read /ogc with its OAPIF driver.
  command -v ogr2ogr >/dev/null || need+=(gdal-bin)
  # npm installs the map page's packages (MapLibre GL JS, terra-draw) from web/package-lock.json.
  command -v npm >/dev/null || need+=(npm)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]} from Debian's packages"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

# The map page's packages (MapLibre GL JS) from npm, pinned by web/package-lock.json.
install_web() {
  if [ ! -f "$ROOT/web/node_modules/maplibre-gl/dist/maplibre-gl.js" ] ||
    [ ! -f "$ROOT/web/node_modules/terra-draw/dist/terra-draw.umd.js" ]; then
    log "installing the map page's packages (MapLibre GL JS) from npm"
    (cd "$ROOT/web" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# PostgreSQL refuses to run as root: when we are root, the cluster runs as the postgres user
# that Debian's package created.
pg_user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_cluster() {
  mkdir -p "$ROOT/.pgdata" "$PGRUN_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$ROOT/.pgdata"; fi
  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    log "creating the project's PostgreSQL cluster in .pgdata/"
    as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U "$(pg_user)" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$PGDATA_DIR/postgresql.conf" <<CONF
# gridmap developer cluster
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGRUN_DIR'
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
jit = off
CONF
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    log "starting PostgreSQL on port $PGPORT"
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG" -w -t 60 start >/dev/null
  fi
}

ensure_database() {
  local db=$1
  if ! psql -h "$PGRUN_DIR" -p "$PGPORT" -U "$(pg_user)" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql -h "$PGRUN_DIR" -p "$PGPORT" -U "$(pg_user)" -d postgres -qc "CREATE DATABASE \"$db\"" >/dev/null
  fi
}

database_url() { echo "postgres://$(pg_user)@127.0.0.1:$PGPORT/$1?sslmode=disable"; }

stop_cluster() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true
}
