#!/usr/bin/env bash
# Peak memory of the server while it serves and takes symbols:
#   1. one upload of a large synthetic .sym (raw body, stored in LMDB)
#   2. 10 parallel downloads of a 200 MB .sym from the store (LMDB, zlib)
#   3. 10 parallel downloads of the same .sym from a --symbols-path directory
# Each phase runs on a fresh server; the figure is VmHWM (peak RSS) from
# /proc/<pid>/status minus the idle server's, printed beside what bounds it.
# Synthetic files are generated under a temp dir (never committed) and removed.
# Usage: bench/symbols_memory.sh [UPLOAD_MB=935] [DOWNLOAD_MB=200] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
upload_mb=${1:-935}
download_mb=${2:-200}
bin=${3:-build/release/crashbox}
parallel=10
need_mb=$(( upload_mb * 3 + download_mb * 3 + 512 ))
avail_mb=$(df -Pm "${TMPDIR:-/tmp}" | awk 'NR==2 {print $4}')
if (( avail_mb < need_mb )); then
  echo "need ${need_mb} MB free under ${TMPDIR:-/tmp}, have ${avail_mb} MB" >&2
  exit 1
fi
work=$(mktemp -d)
pid=
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

id=0123456789ABCDEF0123456789ABCDEF0
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); binary $bin"
echo "generating ${upload_mb} MB and ${download_mb} MB .sym files under $work"
python3 bench/gen_sym.py "$upload_mb" up.so "$id" > "$work/up.sym"
mkdir -p "$work/dir/down.so/$id"
python3 bench/gen_sym.py "$download_mb" down.so "$id" > "$work/dir/down.so/$id/down.so.sym"
up_bytes=$(stat -c %s "$work/up.sym")
down_bytes=$(stat -c %s "$work/dir/down.so/$id/down.so.sym")

hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
start() {  # start DATA_DIR [ARGS...]: sets pid and url
  local data=$1 log="$work/server.log"
  shift
  "$bin" serve --listen 127.0.0.1:0 --data-dir "$data" --processor-workers -1 "$@" > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1 || true)
    [[ -n "$url" ]] && break
    sleep 0.05
  done
  [[ -n "$url" ]] || { cat "$log" >&2; exit 1; }
}
stop() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
}
mb() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
ratio() { awk -v k="$1" -v b="$2" 'BEGIN {printf "%.2f", k * 1024 / b}'; }

# 1. Upload.
start "$work/data-up"
idle=$(hwm_kb "$pid")
t0=$(date +%s.%N)
code=$(curl -s -o "$work/up.json" -w '%{http_code}' -H 'Content-Type: text/plain' \
  --data-binary "@$work/up.sym" "$url/upload/")
t1=$(date +%s.%N)
peak=$(hwm_kb "$pid")
stop
grow=$(( peak - idle ))
echo "upload of one $(( up_bytes >> 20 )) MB .sym: HTTP $code in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b-a}') s;" \
  "peak RSS $(mb "$peak") MB, $(mb "$grow") MB over idle = $(ratio "$grow" "$up_bytes") x the file" \
  "(bound: the text + its conversion + the packed text, then conversion + packed text twice while LMDB copies them; <= 3 x the file, CRASHBOX_SYMBOLS_MAX_CONCURRENT_UPLOADS uploads at once)"

# 2. Downloads from the store: upload the download file first, restart.
start "$work/data-down"
curl -s -o /dev/null -H 'Content-Type: text/plain' --data-binary "@$work/dir/down.so/$id/down.so.sym" "$url/upload/"
stop
download() {  # label: $parallel parallel GETs, then checks one body
  local label=$1 i curls=()
  idle=$(hwm_kb "$pid")
  for i in $(seq 1 "$parallel"); do
    curl -s -o "$work/got.$i" -w '%{http_code}\n' "$url/down.so/$id/down.so.sym" > "$work/code.$i" &
    curls+=($!)
  done
  wait "${curls[@]}" || true
  peak=$(hwm_kb "$pid")
  local codes
  codes=$(sort "$work"/code.* | uniq -c | tr -s ' ' | tr '\n' ';')
  cmp -s "$work/got.1" "$work/dir/down.so/$id/down.so.sym" && same=yes || same=NO
  rm -f "$work"/got.* "$work"/code.*
  grow=$(( peak - idle ))
  echo "$parallel parallel downloads of a $(( down_bytes >> 20 )) MB .sym from $label: status${codes%;};" \
    "body identical: $same; peak RSS $(mb "$peak") MB, $(mb "$grow") MB over idle"
}
start "$work/data-down"
download "the store"
echo "  (bound: one copy of the compressed text (a quarter of it) shared by concurrent downloads of a module, plus the" \
  "same LMDB map pages read once (page cache), plus zlib's ~45 KiB per download; CRASHBOX_SYMBOLS_MAX_CONCURRENT_DOWNLOADS at once)"
stop
start "$work/data-dir" --symbols-path "$work/dir"
download "a --symbols-path directory"
echo "  (bound: an fd and a 64 KiB buffer per download, read with pread; page cache is not counted)"
stop
