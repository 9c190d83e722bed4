#!/usr/bin/env bash
# Stack walking: crashbox against Breakpad's minidump_stackwalk on the same
# dumps and symbols, in one run.
#   1. Breakpad, one process per dump (as Socorro runs a stackwalker)
#   2. crashbox, one fresh process per dump, reading the .sym text itself
#   3. crashbox, one process for the whole corpus, symbols already converted
# Usage: bench/stackwalk.sh [CORPUS_DIR]   (default ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(cd "${1:-../shared/corpus}" && pwd)
bin=build/release
bp=$(tools/fetch_breakpad.sh)/minidump_stackwalk
dumps=("$corpus"/dumps/*.dmp)
n=${#dumps[@]}
echo "corpus: $n dumps, $(du -sh "$corpus/symbols" | cut -f1) of symbols; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

now() { date +%s.%N; }
tmp_time=$(mktemp)
trap 'rm -f "$tmp_time"' EXIT
peak_kb=0
rate() {  # seconds → dumps/s
  awk -v t="$1" -v n="$n" 'BEGIN{printf "%.2f", n/t}'
}
timed() {  # runs "$@" for every dump, one process each; prints elapsed seconds
  local start end
  start=$(now)
  for d in "${dumps[@]}"; do "$@" "$d" > /dev/null 2>&1 || true; done
  end=$(now)
  awk -v s="$start" -v e="$end" 'BEGIN{printf "%.4f", e-s}'
}
peak() {  # largest max-RSS (MB) over every dump; "$@" with {} standing for the dump
  local kb max=0 args
  for d in "${dumps[@]}"; do
    args=("${@//\{\}/$d}")
    /usr/bin/time -f "%M" -o "$tmp_time" "${args[@]}" > /dev/null 2>&1 || true
    kb=$(tail -1 "$tmp_time")
    [[ "$kb" =~ ^[0-9]+$ ]] && (( kb > max )) && max=$kb
  done
  echo $((max / 1024))
}
bp_walk() { "$bp" -m "$1" "$corpus/symbols"; }
cb_walk() { "$bin/crashbox" stackwalk --format breakpad-m --symbols-path "$corpus/symbols" "$1"; }

bp_rate=$(rate "$(timed bp_walk)")
cb_rate=$(rate "$(timed cb_walk)")
bp_peak=$(peak "$bp" -m {} "$corpus/symbols")
cb_peak=$(peak "$bin/crashbox" stackwalk --format breakpad-m --symbols-path "$corpus/symbols" {})
inproc=$($bin/bench/stackwalk_bench --corpus "$corpus" --passes 5)
in_rate=$(echo "$inproc" | sed -E 's/.*: ([0-9.]+) dumps\/s.*/\1/')

echo "breakpad minidump_stackwalk, process per dump:  $bp_rate dumps/s (peak RSS $bp_peak MB)"
echo "crashbox stackwalk, process per dump:           $cb_rate dumps/s (peak RSS $cb_peak MB)"
echo "$inproc"
awk -v b="$bp_rate" -v c="$cb_rate" -v i="$in_rate" 'BEGIN {
  printf "ratios: fresh process %.1fx Breakpad; in-process with converted symbols %.1fx Breakpad\n", c/b, i/b }'
