#!/usr/bin/env bash
# Mutation testing of the resolver index, the tile sets and the change-log follower: applies
# each hand-written mutant listed in scripts/mutate/*.txt alone, runs that package's tests,
# and reports how many mutants the tests kill. Not part of CI: it takes about 15 minutes.
#
#   scripts/mutate.sh                      all three lists
#   scripts/mutate.sh tiles follow         some of them (index, tiles, follow)
#   scripts/mutate.sh -only 'index-0[1-5]' tiles index
#
# The follower's tests need the project's PostGIS cluster (as scripts/test.sh; set
# GRIDMAP_PGPORT as you do for it). Every mutated file is restored after each mutant, on
# interrupt, and, from a backup, even if the runner dies; the script fails if the tree differs
# afterwards from what it was before.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/pg.sh"
cd "$ROOT"

flags=() lists=()
while [ $# -gt 0 ]; do
  case $1 in
    -only) flags+=(-only "$2"); shift 2 ;;
    -check) flags+=(-check); shift ;;
    *) lists+=("scripts/mutate/$1.txt"); shift ;;
  esac
done
[ ${#lists[@]} -gt 0 ] || lists=(scripts/mutate/index.txt scripts/mutate/tiles.txt scripts/mutate/follow.txt)

if printf '%s\n' "${lists[@]}" | grep -q follow; then
  [ -x "$PGBIN/initdb" ] || install_packages
  start_cluster
  export GRIDMAP_TEST_DATABASE_URL=$(database_url postgres)
fi

state() { { git status --porcelain; git diff; } | sha256sum; }
before=$(state)
backup=$(mktemp -d)
bin="$backup.bin"
pid=
finish() {
  # Stop the runner first (it restores the file it is mutating on SIGTERM), then put back
  # whatever it left in the backup.
  if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then wait "$pid" || true; fi
  for f in "$backup"/*; do
    [ -e "$f" ] || continue
    orig=$(basename "$f" | tr '%' '/')
    log "restoring $orig from its backup"
    cp "$f" "$orig"
  done
  rm -rf "$backup" "$bin"
  if [ "$(state)" != "$before" ]; then
    log "the work tree differs from before the run: see git status and git diff"
    exit 1
  fi
}
trap finish EXIT
trap 'exit 130' INT TERM

go build -o "$bin" ./scripts/mutate
start=$(date +%s)
# In the background, so that an interrupt reaches finish at once rather than after the run.
"$bin" -backup "$backup" "${flags[@]}" "${lists[@]}" &
pid=$!
wait "$pid"
pid=
took=$(( $(date +%s) - start ))
log "mutation run took $((took / 60)) min $((took % 60)) s"
