#!/usr/bin/env bash
# Search benchmark (issue 12): for each N, generate N processed crashes
# (tools/gencrashes), import them into a fresh crashbox server with
# `crashbox import -`, wait until Super Search counts them all, time five
# searches over HTTP, then load the same rows into PostgreSQL 15 (started here
# on a loopback port in a temporary directory) with matching indexes and time
# the same searches in SQL. Prints median and p95 per query and system, the
# ratio, the import rate, index bytes per crash and the server's peak RSS.
# Usage: bench/search.sh [N ...]        (default: 100000 1000000; 20000 is a
#                                        quick run)
# CB_BENCH_REPS=30 timed runs per query; CB_SERVER_BIN=path measures another
# crashbox binary; CB_TEMPLATES=DIR uses processed crashes as stack templates;
# CB_INDEX_TIMEOUT=1800 seconds to wait for the index to catch up.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(100000 1000000)
for n in "${sizes[@]}"; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -gt 0 ]] || { echo "search.sh: '$n' is not a crash count" >&2; exit 2; }
done
bin=${CB_SERVER_BIN:-build/release/crashbox}
reps=${CB_BENCH_REPS:-30}
pgbin=/usr/lib/postgresql/15/bin
[[ -x "$bin" ]] || { echo "search.sh: no $bin (build the release preset first)" >&2; exit 2; }
have_pg=1
[[ -x $pgbin/initdb && -x $pgbin/pg_ctl ]] && command -v psql > /dev/null || have_pg=0
((have_pg)) || echo "search.sh: PostgreSQL 15 not installed (CB_SETUP_EXTRAS=bench tools/setup.sh): crashbox only" >&2

work=$(mktemp -d "${TMPDIR:-/var/tmp}/crashbox-search.XXXXXX")
server_pid=""
pg_started=0
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2> /dev/null || true; wait "$server_pid" 2> /dev/null || true; fi
  if ((pg_started)); then runuser -u postgres -- $pgbin/pg_ctl -D "$work/pg" -m immediate stop > /dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }

# PostgreSQL runs as the `postgres` user (initdb refuses root), on loopback,
# tuned as a benchmark box would be (no fsync: this measures queries).
start_postgres() {
  mkdir -p "$work/pg" "$work/pgsock"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$work/pg" "$work/pgsock"
    chmod 755 "$work"
    as_pg=(runuser -u postgres --)
  else
    as_pg=()
  fi
  "${as_pg[@]}" $pgbin/initdb -D "$work/pg" -U bench --auth=trust -E UTF8 --locale=C > "$work/initdb.log"
  pg_port=$(free_port)
  "${as_pg[@]}" $pgbin/pg_ctl -D "$work/pg" -w -l "$work/pg/server.log" \
    -o "-p $pg_port -k $work/pgsock -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c work_mem=64MB \
        -c effective_cache_size=4GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c max_parallel_workers_per_gather=2 -c jit=off" start > /dev/null
  pg_started=1
  psql_cmd="psql -h 127.0.0.1 -p $pg_port -U bench -d postgres"
}

echo "search bench on $(nproc) cores; commit $(git rev-parse --short HEAD 2> /dev/null || echo unknown); $reps runs per query"
((have_pg)) && start_postgres
for n in "${sizes[@]}"; do
  echo
  echo "== $n crashes =="
  end=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
  t0=$(now)
  python3 tools/gencrashes/gencrashes.py "$n" --seed 1 --end "$end" ${CB_TEMPLATES:+--templates "$CB_TEMPLATES"} \
    --out "$work/crashes.jsonl" --tsv "$work/crashes.tsv"
  t1=$(now)
  bytes=$(stat -c %s "$work/crashes.jsonl")
  awk -v t0="$t0" -v t1="$t1" -v n="$n" -v b="$bytes" 'BEGIN { t = t1 - t0;
    printf "generated in %.1f s (%.0f crashes/s), %.0f bytes per crash\n", t, n/t, b/n }'

  data="$work/var"
  rm -rf "$data"
  "$bin" serve --listen 127.0.0.1:0 --data-dir "$data" --log-level warning > "$work/url" 2> "$work/server.log" &
  server_pid=$!
  for _ in $(seq 100); do [[ -s "$work/url" ]] && break; sleep 0.1; done
  url=$(head -1 "$work/url")
  [[ -n "$url" ]] || { echo "search.sh: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

  t0=$(now)
  "$bin" import - --data-dir "$data" < "$work/crashes.jsonl" > "$work/import.out"
  t1=$(now)
  awk -v t0="$t0" -v t1="$t1" -v n="$n" 'BEGIN { t = t1 - t0;
    printf "import (beside the server): %.1f s, %.0f crashes/s\n", t, n/t }'

  # Indexed when Super Search counts every crash of the 90-day window.
  since=$(python3 -c 'import datetime as d, sys; print((d.datetime.fromisoformat(sys.argv[1]) - d.timedelta(days=91)).isoformat())' "$end")
  probe="$url/api/SuperSearch/?_results_number=0&_facets_size=0&date=%3E%3D${since//+/%2B}"
  searchable=1
  deadline=$(($(date +%s) + ${CB_INDEX_TIMEOUT:-1800}))
  next_report=$(($(date +%s) + 30))
  while :; do
    code=$(curl -s -o "$work/probe.json" -w '%{http_code}' "$probe" || true)
    if [[ "$code" == 404 ]]; then
      echo "crashbox: no /api/SuperSearch/ in this build: crashbox queries skipped"
      searchable=0
      break
    fi
    if [[ "$code" == 4* ]]; then
      echo "crashbox: the probe was refused (HTTP $code: $(head -c 300 "$work/probe.json")): crashbox queries skipped"
      searchable=0
      break
    fi
    total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("total", -1))' "$work/probe.json" 2> /dev/null || echo -1)
    [[ "$total" == "$n" ]] && break
    if (($(date +%s) >= next_report)); then
      echo "  indexed $total of $n (HTTP $code)"
      next_report=$(($(date +%s) + 30))
    fi
    if (($(date +%s) > deadline)); then
      echo "search.sh: index holds $total of $n crashes after ${CB_INDEX_TIMEOUT:-1800} s (last answer HTTP $code)" >&2
      exit 1
    fi
    sleep 0.5
  done
  t2=$(now)
  if ((searchable)); then
    awk -v t0="$t0" -v t1="$t2" -v n="$n" 'BEGIN { t = t1 - t0;
      printf "searchable (import + indexing): %.1f s after the import started, %.0f crashes/s\n", t, n/t }'
    idx=$( (stat -c %s "$data"/search.sqlite* 2> /dev/null || true) | awk '{ s += $1 } END { print s + 0 }')
    awk -v b="$idx" -v n="$n" 'BEGIN { printf "index: %.0f bytes per crash (var/search.sqlite*: %.1f MB)\n", b/n, b/1e6 }'
  fi

  driver=(python3 bench/search_driver.py --end "$end" --tsv "$work/crashes.tsv" --reps "$reps")
  ((searchable)) && driver+=(--url "$url")
  if ((have_pg)); then
    $psql_cmd -X -q -v ON_ERROR_STOP=1 > /dev/null << 'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS crashes;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE crashes (
  uuid text PRIMARY KEY, date_processed timestamptz NOT NULL, product text, version text,
  release_channel text, platform text, os_version text, process_type text, signature text,
  build_id bigint, uptime bigint, cpu_arch text, reason text, address text,
  url text, email text, user_comments text);
SQL
    t0=$(now)
    $psql_cmd -X -q -v ON_ERROR_STOP=1 -c "\\copy crashes FROM '$work/crashes.tsv'" > /dev/null
    $psql_cmd -X -q -v ON_ERROR_STOP=1 > /dev/null << 'SQL'
CREATE INDEX ON crashes (product, version, date_processed);
CREATE INDEX ON crashes (signature, date_processed);
CREATE INDEX ON crashes (platform, date_processed);
CREATE INDEX ON crashes (date_processed);
CREATE INDEX ON crashes USING gin (signature gin_trgm_ops);
VACUUM ANALYZE crashes;
SQL
    t1=$(now)
    pgbytes=$($psql_cmd -X -At -c "SELECT pg_total_relation_size('crashes')")
    awk -v t0="$t0" -v t1="$t1" -v n="$n" -v b="$pgbytes" 'BEGIN { t = t1 - t0;
      printf "postgres: COPY + indexes + ANALYZE %.1f s (%.0f crashes/s), %.0f bytes per crash (table + indexes)\n", t, n/t, b/n }'
    driver+=(--psql "$psql_cmd")
  fi
  "${driver[@]}"
  awk '/^VmHWM/ { hwm = $2 } /^RssAnon/ { anon = $2 } /^RssFile/ { file = $2 }
    END { printf "crashbox server peak RSS (VmHWM): %.1f MB; now %.1f MB anonymous + %.1f MB mapped file pages\n",
      hwm/1024, anon/1024, file/1024 }' "/proc/$server_pid/status"
  kill "$server_pid" 2> /dev/null || true
  wait "$server_pid" 2> /dev/null || true
  server_pid=""
  rm -rf "$data" "$work/crashes.jsonl" "$work/crashes.tsv"
done
