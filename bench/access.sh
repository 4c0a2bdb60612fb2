#!/usr/bin/env bash
# Measures what access control costs under wrk: starts `serve` from BINARY with the given
# flags on ADDR (default 127.0.0.1:18080), waits until it is ready, runs one wrk load
# (resolve: anonymous GET /v1/resolve at random points; households: GET
# /v1/households/{id}/chain with the API key in KEY_FILE for the ids in IDS_FILE), prints
# "LABEL req/s p99", and stops the server it started.
#
#   DATABASE_URL=... bench/access.sh bin/gridmap resolve "limits on" -rate-anonymous 1000000000
#   DATABASE_URL=... bench/access.sh bin/gridmap resolve "no auth" -auth none -rate-anonymous 0 -rate-key 0
#   DATABASE_URL=... IDS_FILE=.data/ids.txt KEY_FILE=.data/admin.key bench/access.sh bin/gridmap households "keys"
#
# It also prints the CPU time per request of the server, of PostgreSQL (all its processes)
# and of wrk, and the database's transactions per request (pg_stat_database; psql on PATH),
# which the machine's other load moves far less than throughput. WARMUP (default 15s) of the
# same load runs first and is not counted: the heap growing to its collector's goal (page
# faults of fresh memory) is start-up, not steady state. CONNECTIONS (default 8) is wrk's -c.
# PROFILE=FILE also writes a CPU profile of the server during the load (go tool pprof).
#
# IDS_FILE: psql -Atc "SELECT id FROM households ORDER BY random() LIMIT 2000" > .data/ids.txt
set -euo pipefail
binary=$1 load=$2 label=$3
shift 3
addr=${ADDR:-127.0.0.1:18080}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-8}
profile_flags=()
if [ -n "${PROFILE:-}" ]; then profile_flags=(-pprof-addr 127.0.0.1:16060); fi
"$binary" serve -addr "$addr" -web "" "${profile_flags[@]}" "$@" 2>/tmp/gridmap-access-bench.log &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  if curl -sf "http://$addr/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
if [ -n "${PROFILE:-}" ]; then
  secs=${duration%s}
  curl -s -o "$PROFILE" "http://127.0.0.1:16060/debug/pprof/profile?seconds=$((secs - 2))" &
fi
# CPU the server spends per request (user + system, from /proc: the machine's other load
# changes throughput far more than it changes this), and database transactions per request.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
pg_ticks() {
  local p
  for p in $(pgrep -x postgres || true); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || true; done | awk '{s += $1} END {print s + 0}'
}
db_xacts() { psql "$DATABASE_URL" -Atc "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()" 2>/dev/null || echo 0; }
load_for() {
  case $load in
    resolve) wrk -t1 -c"$connections" -d"$1" --latency -s bench/resolve.lua "http://$addr" ;;
    households) wrk -t1 -c"$connections" -d"$1" --latency -s bench/households.lua "http://$addr" -- "$IDS_FILE" "$(tail -1 "$KEY_FILE")" ;;
    *) echo "load is resolve or households" >&2; exit 2 ;;
  esac
}
load_for "${WARMUP:-15s}" >/dev/null
ticks0=$(cpu_ticks) xacts0=$(db_xacts) pg0=$(pg_ticks)
# wrk's own CPU, from the shell's children times around it
wrk0=$(awk '{print $16 + $17}' /proc/$$/stat)
out=$(load_for "$duration")
wrk1=$(awk '{print $16 + $17}' /proc/$$/stat)
wait_profile() { if [ -n "${PROFILE:-}" ]; then wait %curl 2>/dev/null || wait; fi; }
wait_profile
ticks1=$(cpu_ticks) xacts1=$(db_xacts) pg1=$(pg_ticks)
requests=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
hz=$(getconf CLK_TCK)
cpu_us=$(awk -v t=$((ticks1 - ticks0)) -v n="$requests" -v hz="$hz" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
pg_us=$(awk -v t=$((pg1 - pg0)) -v n="$requests" -v hz="$hz" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
wrk_us=$(awk -v t=$((wrk1 - wrk0)) -v n="$requests" -v hz="$hz" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
xacts=$(awk -v x=$((xacts1 - xacts0)) -v n="$requests" 'BEGIN {printf "%.2f", x / n}')
rps=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}')
echo "$label: $rps req/s, p99 $p99, CPU per request: server $cpu_us µs, PostgreSQL $pg_us µs, wrk $wrk_us µs; $xacts database transactions/request${non2xx:+, non-2xx $non2xx}"
