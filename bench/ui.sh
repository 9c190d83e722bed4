#!/usr/bin/env bash
# The pages' speed (issue 14): N generated crashes (tools/gencrashes, default
# 100000) imported into a fresh server; each page's time from navigation to
# its data on screen in headless Chromium, median and p95 of LOADS loads
# (default 10, after one warm-up); and the pages' assets, gzip-compressed,
# in all. Targets: every page under 300 ms, the report view under 100 ms,
# assets under 300 KB compressed.
#
#   bench/ui.sh [N] [LOADS]      (after ./dev build; needs ./dev test's
#                                 chromium and tests/browser/node_modules)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
loads=${2:-10}
bin=build/release/crashbox
[[ -x $bin ]] || { echo "ui.sh: build first (./dev build)" >&2; exit 2; }
[[ -d tests/browser/node_modules/playwright-core ]] || {
  echo "ui.sh: tests/browser/node_modules missing (CB_SETUP_EXTRAS=test tools/setup.sh)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/var/tmp}/crashbox-ui.XXXXXX")
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2> /dev/null || true; wait "$server_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Ours, and the third-party files embedded beside them (assets/CMakeLists.txt).
vendor=(ui-vendor/node_modules/uplot/dist/uPlot.esm.js ui-vendor/node_modules/uplot/dist/uPlot.min.css)
for f in "${vendor[@]}"; do
  [[ -f $f ]] || { echo "ui.sh: $f missing (tools/setup.sh)" >&2; exit 2; }
done
echo "assets (gzip -9, each file, in all):"
kib() { awk -v t="$1" 'BEGIN{printf "%.1f", t/1024}'; }
total=0 ours=0 count=0
for f in assets/html/*.html assets/ui/* "${vendor[@]}"; do
  size=$(gzip -9 -c "$f" | wc -c)
  total=$((total + size))
  count=$((count + 1))
  [[ $f == ui-vendor/* ]] && echo "  ${f##*/}: $size bytes compressed ($(kib "$size") KiB)" || ours=$((ours + size))
done
echo "  ours: $ours bytes compressed ($(kib $ours) KiB)"
echo "  $count files, $total bytes compressed ($(kib $total) KiB; target under 300 KiB)"

python3 tools/gencrashes/gencrashes.py "$n" --seed 1 --out "$work/crashes.jsonl"
"$bin" serve --listen 127.0.0.1:0 --data-dir "$work/var" --auth off --log-level warning \
  > "$work/url" 2> "$work/server.log" &
server_pid=$!
for _ in $(seq 100); do [[ -s $work/url ]] && break; sleep 0.1; done
url=$(head -1 "$work/url")
"$bin" import - --data-dir "$work/var" < "$work/crashes.jsonl" > /dev/null
since=$(python3 -c 'import datetime as d; print((d.datetime.now(d.timezone.utc) - d.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S"))')
until [[ $(curl -s "$url/api/SuperSearch/?_results_number=0&date=%3E%3D$since" |
           python3 -c 'import json,sys; print(json.load(sys.stdin).get("total", 0))') -ge $n ]]; do sleep 1; done
id=$(curl -s "$url/api/SuperSearch/?_results_number=1&_columns=uuid" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["uuid"])')
echo "$n crashes indexed; pages at $url, $loads loads each (median, p95 in ms):"
node bench/ui_driver.mjs "$url" "$id" "$loads"
