#!/usr/bin/env bash
# Peak memory of the server under the JSON amplification request (issue 9,
# point 2): a ~250 KB gzipped crash report whose JSON `extra` expands to
# 240 MiB of `[0,0,...]`, sent once and 4 times at once, to a fresh release
# server per case. Prints the server's peak RSS (VmHWM) beside the limits that
# bound it. A server past CAP_MIB of RSS (default 4096) is killed, so a
# regression cannot take a shared machine down; its line then says "killed".
# Usage: bench/memory.sh [ZEROS_MIB]   (default 240)
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-240}
cap_mib=${CAP_MIB:-4096}
bin=build/release
work=$(mktemp -d "${TMPDIR:-/var/tmp}/crashbox-memory.XXXXXX")
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

# The body: multipart with a JSON extra of MIB MiB of "0," and a tiny dump.
{
  printf -- '--B\r\nContent-Disposition: form-data; name="extra"; filename="extra.json"\r\n'
  printf -- 'Content-Type: application/json\r\n\r\n{"ProductName":"Amplifier","Version":"1.0","Pad":['
  (set +o pipefail; yes 0 | head -n $((mib * 1024 * 1024 / 2)) | paste -sd, | tr -d '\n')
  printf -- ']}\r\n--B\r\nContent-Disposition: form-data; name="upload_file_minidump"; filename="a.dmp"\r\n'
  printf -- 'Content-Type: application/octet-stream\r\n\r\nMDMP\r\n--B--\r\n'
} | gzip -9 > "$work/body.gz"
echo "request: $(stat -c %s "$work/body.gz") bytes gzipped, ${mib} MiB of [0,0,...] once inflated;" \
  "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) cores"

start_server() {
  rm -rf "$work/var"
  $bin/crashbox serve --listen 127.0.0.1:0 --data-dir "$work/var" --log-level error --processor-workers 1 \
    "$@" > "$work/url" &
  pid=$!
  for _ in $(seq 100); do [[ -s "$work/url" ]] && break; sleep 0.05; done
  url=$(head -1 "$work/url")
  rm -f "$work/killed"
  (while kill -0 "$pid" 2>/dev/null; do
     rss=$(awk '/^VmRSS/ {print int($2/1024)}' "/proc/$pid/status" 2>/dev/null || echo 0)
     if (( rss > cap_mib )); then touch "$work/killed"; kill -9 "$pid"; fi
     sleep 0.05
   done) &
  watchdog=$!
}
stop_server() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; wait "$watchdog" 2>/dev/null || true; pid=; }
hwm_mib() { awk '/^VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status"; }
post() {
  curl -s -o "$work/out.$1" -w '%{http_code}' -H 'Content-Type: multipart/form-data; boundary=B' \
    -H 'Content-Encoding: gzip' --data-binary "@$work/body.gz" "$url/submit"
  echo " $(head -c 60 "$work/out.$1")"
}

run_case() {  # label, parallel, server flags...
  local label=$1 n=$2
  shift 2
  start_server "$@"
  local idle
  idle=$(hwm_mib)
  for i in $(seq "$n"); do post "$i" > "$work/answer.$i" & done
  wait $(jobs -p | grep -v -e "^$pid$" -e "^$watchdog$") 2>/dev/null || true
  sleep 0.2
  local peak
  peak=$(hwm_mib 2>/dev/null || true)
  [[ -e "$work/killed" ]] && peak="killed above $cap_mib"
  printf '%-20s x%d  VmHWM %5s MiB (idle %3s MiB)  answers: %s\n' "$label" "$n" "$peak" "$idle" \
    "$(cat "$work"/answer.* | sort | uniq -c | tr -s ' \n' ' ')"
  rm -f "$work"/answer.* "$work"/out.*
  stop_server
}

echo "limits: CRASHBOX_MAX_EXTRA_JSON_BYTES=8MiB CRASHBOX_MAX_EXTRA_JSON_VALUES=100000 CRASHBOX_MAX_INFLIGHT_BYTES=2GiB (defaults)"
run_case "defaults" 1
run_case "defaults" 4
echo "JSON limits lifted, so only the in-flight budget (charged at parsed cost) stands in the way:"
run_case "--max-extra-json-bytes 250MiB --max-extra-json-values 1e9 --max-inflight-bytes 512MiB" 1 \
  --max-extra-json-bytes 250MiB --max-extra-json-values 1000000000 --max-inflight-bytes 512MiB
run_case "--max-extra-json-bytes 250MiB --max-extra-json-values 1e9 --max-inflight-bytes 512MiB" 4 \
  --max-extra-json-bytes 250MiB --max-extra-json-values 1000000000 --max-inflight-bytes 512MiB
