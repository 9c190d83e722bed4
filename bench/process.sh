#!/usr/bin/env bash
# End-to-end processing benchmark: submit the corpus (ROUNDS times) to a fresh
# server with the corpus symbols, time until every crash is processed, and
# print crashes/s with the mean time of each stage from /metrics.
# Usage: bench/process.sh [ROUNDS] [CORPUS_DIR]
# CB_SERVER_BIN=/path/to/an/older/crashbox measures that server instead (the
# client stays build/release's), for before/after comparisons run back to back.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
corpus=$(cd "${2:-../shared/corpus}" && pwd)
bin=build/release
work=$(mktemp -d "${TMPDIR:-/var/tmp}/crashbox-process.XXXXXX")
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

"${CB_SERVER_BIN:-$bin/crashbox}" serve --listen 127.0.0.1:0 --data-dir "$work/var" --symbols-path "$corpus/symbols" \
  --log-level warning > "$work/url" &
pid=$!
for _ in $(seq 50); do [[ -s "$work/url" ]] && break; sleep 0.1; done
url=$(head -1 "$work/url")

start=$(date +%s.%N)
for _ in $(seq "$rounds"); do $bin/crashbox submit -j 8 "$url" "$corpus/dumps" > /dev/null; done
submitted=$(date +%s.%N)
while :; do
  q=$(curl -s "$url/__heartbeat__")
  [[ "$q" == *'"normal":0,"priority":0,"reprocessing":0'* ]] && break
  sleep 0.05
done
done_at=$(date +%s.%N)
n=$(curl -s "$url/metrics" | awk '/^crashbox_processor_save_processed_crash_total/ {print $2}')
echo "processed $n crashes (corpus x $rounds) on $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
awk -v s="$start" -v m="$submitted" -v e="$done_at" -v n="$n" 'BEGIN {
  printf "end to end (submit -> processed): %.1f crashes/s; submitting took %.2f s, all processed after %.2f s\n", n/(e-s), m-s, e-s }'
echo "mean time per crash and stage (ms):"
curl -s "$url/metrics" | awk '
  /^crashbox_processor_(rule|load|save)_time_sum/ { key=$1; sub(/_sum/, "", key); sum[key]=$2 }
  /^crashbox_processor_(rule|load|save)_time_count/ { key=$1; sub(/_count/, "", key); cnt[key]=$2 }
  END { for (k in sum) if (cnt[k] > 0) { name=k; sub(/crashbox_processor_/, "", name); printf "  %-60s %8.3f\n", name, sum[k]/cnt[k] } }' | sort -k2 -nr | head -15
