#!/usr/bin/env bash
# Issue 13's figures: importing the sample county's units from a Gauss–Krüger Shapefile
# (EPSG:4544, GBK .dbf, as a surveying office delivers them) against the same units from
# gridmap's own GeoJSON, in the same run, each into an empty database; and exporting all
# units to a GeoPackage. Prints the median of RUNS (default 5) runs of each.
#   bench/gdal.sh            (GRIDMAP_PGPORT picks the cluster, as for scripts/test.sh)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/pg.sh"
cd "$ROOT"
install_packages
start_cluster
RUNS=${RUNS:-5}
go build -o bin/gridmap ./cmd/gridmap
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
bin/gridmap generate -county data/sample/520204-county.geojson -divisions data/sample/520204-divisions.csv -out "$DIR/gen" >/dev/null
ogr2ogr -f "ESRI Shapefile" "$DIR/units.shp" "$DIR/gen/units.geojson" -t_srs EPSG:4544 -lco ENCODING=CP936
rm "$DIR/units.cpg"

export DATABASE_URL=$(database_url gridmap_bench_gdal)
fresh() {
  psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -c 'DROP DATABASE IF EXISTS gridmap_bench_gdal' -c 'CREATE DATABASE gridmap_bench_gdal'
  bin/gridmap migrate >/dev/null
}
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

geojson=() shp=() gpkg=()
for i in $(seq "$RUNS"); do
  fresh; geojson+=("$(seconds bin/gridmap import -q units "$DIR/gen/units.geojson")")
  fresh; shp+=("$(seconds bin/gridmap import -q -encoding GBK -map parent_code=parent_cod units "$DIR/units.shp")")
  gpkg+=("$(seconds sh -c "for l in county town village grid; do bin/gridmap export -under 520204 \$l $DIR/all.gpkg.\$l.gpkg; done")")
done
g=$(printf '%s\n' "${geojson[@]}" | median); s=$(printf '%s\n' "${shp[@]}" | median); e=$(printf '%s\n' "${gpkg[@]}" | median)
n=$(psql -At -h 127.0.0.1 -p "$PGPORT" -U postgres -d gridmap_bench_gdal -c 'SELECT count(*) FROM units')
printf 'units: %s\nimport GeoJSON (own reader):        %.2f s\nimport GK Shapefile (GDAL+PROJ):   %.2f s  (%.2fx the GeoJSON import)\nexport all units to GeoPackage (one file per level): %.2f s\n' \
  "$n" "$g" "$s" "$(echo "$s / $g" | bc -l)" "$e"
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -c 'DROP DATABASE gridmap_bench_gdal'
