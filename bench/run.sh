#!/usr/bin/env bash
# Collector benchmark: crashbox against its two ceilings, in one run.
#   1. the disk's durable write bandwidth (dd with fdatasync): the storage ceiling
#   2. nginx accepting the same bodies into files, no fsync: the HTTP ceiling
#   3. crashbox at 8 and 32 connections with fsync durability on
# Usage: bench/run.sh [SECONDS]   (run through ./dev bench, which builds first)
# With CB_BASELINE_BIN=/path/to/an/older/crashbox, that binary is measured too,
# in the same run, at 8 and 32 connections (before/after comparisons).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
bin=build/release
work=$(mktemp -d "${TMPDIR:-/var/tmp}/crashbox-bench.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null || true; [[ -n "${nginx_pid:-}" ]] && kill "$nginx_pid" 2>/dev/null; rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(uname -r); work dir $work ($(df -h "$work" | awk 'NR==2{print $1}'))"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

# 1. Durable write bandwidth of the disk the store lives on, for random bytes
# like the load's dumps (some virtual disks write zeros faster than data).
# A short burst mostly lands in caches below the guest (on the VMs this was
# built on, 512 MiB goes at 2 GB/s while the same disk sustains 350 MB/s for
# 4 GiB): the ceiling is the sustained rate, measured over as many bytes as a
# crashbox run stores, 512 MiB at a time, each fdatasync'd.
rand="/dev/shm/crashbox-bench-rand.$$"
head -c $((512 << 20)) /dev/urandom > "$rand"
sync; sleep 2
dd_rate() {  # dd's last line → MB/s
  awk '{for(i=1;i<=NF;i++) if ($i=="s,") {printf "%.1f", $1/$(i-1)/1e6}}'
}
burst=$(dd if="$rand" of="$work/dd.bin" bs=1M conv=fdatasync 2>&1 | tail -1 | dd_rate)
rm -f "$work/dd.bin"
chunks=$(( secs * 3 / 4 + 2 ))  # about what crashbox stores in one run at 8 connections
start=$(date +%s.%N)
for _ in $(seq "$chunks"); do
  dd if="$rand" of="$work/dd.bin" bs=1M oflag=append conv=notrunc,fdatasync status=none
done
end=$(date +%s.%N)
rm -f "$work/dd.bin" "$rand"
dd_rate=$(awk -v n="$chunks" -v s="$start" -v e="$end" 'BEGIN{printf "%.1f", n*512*1048576/(e-s)/1e6}')
echo "dd burst (512 MiB, conv=fdatasync): $burst MB/s"
echo "dd sustained ($chunks x 512 MiB appended, fdatasync after each): $dd_rate MB/s  <- durable write bandwidth"

# CPU time (user + system, clock ticks) of a process and its threads so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick_hz=$(getconf CLK_TCK)
cpu_per_crash() {  # submit_load's line, ticks used → "cpu X ms/crash"
  local ok; ok=$(sed -E 's/.* ([0-9]+) ok.*/\1/' <<<"$1")
  awk -v t="$2" -v ok="$ok" -v hz="$tick_hz" 'BEGIN{ if (ok > 0) printf "cpu %.2f ms/crash", t * 1000 / hz / ok; else print "cpu n/a" }'
}

# 2. nginx: reads each body into a file and answers; nothing else.
mkdir -p "$work/nginx/body" "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<NGINX
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
user $(id -un);
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  client_max_body_size 25m;
  client_body_buffer_size 1m;
  client_body_in_file_only clean;
  server {
    listen 127.0.0.1:18899;
    location = /submit {
      echo_read_request_body;
      echo "CrashID=bp-00000000-0000-4000-8000-000000261124";
    }
  }
}
NGINX
sync; sleep 2
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g "daemon off;" &
nginx_pid=$!
sleep 0.5
nginx_cpu() {  # ticks of the master and its workers
  local t=0; for p in $nginx_pid $(pgrep -P "$nginx_pid"); do t=$((t + $(cpu_ticks "$p"))); done; echo $t
}
nginx_run() {  # $1 connections
  local before; before=$(nginx_cpu)
  local out; out=$($bin/bench/submit_load --url http://127.0.0.1:18899 --connections "$1" --seconds "$secs" --label nginx || true)
  echo "$out; $(cpu_per_crash "$out" $(( $(nginx_cpu) - before )))"
}
nginx8=$(nginx_run 8)
nginx32=$(nginx_run 32)
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=""
echo "$nginx8"; echo "$nginx32"
grep -q " 0 ok" <<<"$nginx8$nginx32" && tail -5 "$work/nginx/logs/error.log"

# 3. crashbox with fsync on every group commit (the default), as a collector
# node (--processor-workers -1, as Antenna only collects), then as the
# all-in-one default that also processes what it stores.
cb_run() {  # $1 connections, then serve flags
  local c=$1; shift
  rm -rf "$work/var" "$work/url"
  sync; sleep 2  # no writeback left over from the run before
  ${server_bin:-$bin/crashbox} serve --listen 127.0.0.1:0 --data-dir "$work/var" --log-level warning "$@" > "$work/url" &
  local pid=$!
  for _ in $(seq 50); do [[ -s "$work/url" ]] && break; sleep 0.1; done
  local before; before=$(cpu_ticks "$pid")
  local out; out=$($bin/bench/submit_load --url "$(head -1 "$work/url")" --connections "$c" --seconds "$secs" --label "$label" || true)
  local after; after=$(cpu_ticks "$pid")
  echo "$out; $(cpu_per_crash "$out" $((after - before)))"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
}
label=crashbox
cb8=$(cb_run 8 --processor-workers -1)
cb32=$(cb_run 32 --processor-workers -1)
label="crashbox all-in-one"
aio8=$(cb_run 8)
echo "$cb8"; echo "$cb32"; echo "$aio8"
if [[ -n "${CB_BASELINE_BIN:-}" ]]; then
  label=baseline
  base8=$(server_bin=$CB_BASELINE_BIN cb_run 8 --processor-workers -1)
  base32=$(server_bin=$CB_BASELINE_BIN cb_run 32 --processor-workers -1)
  echo "$base8"; echo "$base32"
fi

cpu_field() { sed -E 's/.*cpu ([0-9.]+|n\/a) ms\/crash.*/\1/' <<<"$1"; }
field() { echo "$1" | sed -E "s/.* : ([0-9.]+) crashes\/s; ([0-9.]+) MB\/s; p50 ([0-9.]+) ms; p99 ([0-9.]+) ms.*/\\$2/"; }
echo
echo "summary (same run, same machine):"
for c in 8 32; do
  cb=$([[ $c == 8 ]] && echo "$cb8" || echo "$cb32")
  ng=$([[ $c == 8 ]] && echo "$nginx8" || echo "$nginx32")
  awk -v c="$c" -v cbr="$(field "$cb" 1)" -v cbm="$(field "$cb" 2)" -v ngr="$(field "$ng" 1)" -v dd="$dd_rate" \
      -v burst="$burst" -v p99="$(field "$cb" 4)" -v cpu="$(cpu_field "$cb")" -v ngcpu="$(cpu_field "$ng")" 'BEGIN {
        printf "  c=%-2d crashbox %.0f crashes/s, %.0f MB/s stored: %.2f x durable write bandwidth (%.2f x the burst), %.2f x nginx crashes/s; p99 %.1f ms; cpu %s ms/crash (nginx %s)\n",
               c, cbr, cbm, cbm/dd, cbm/burst, cbr/ngr, p99, cpu, ngcpu }'
done
awk -v a="$(field "$cb8" 1)" -v b="$(field "$cb32" 1)" 'BEGIN{printf "  throughput c=32 / c=8: %.2f\n", b/a}'
echo "  all-in-one (collects and processes) c=8: $(field "$aio8" 1) crashes/s, $(field "$aio8" 2) MB/s; p99 $(field "$aio8" 4) ms"
if [[ -n "${CB_BASELINE_BIN:-}" ]]; then
  for c in 8 32; do
    b=$([[ $c == 8 ]] && echo "$base8" || echo "$base32")
    awk -v c="$c" -v r="$(field "$b" 1)" -v m="$(field "$b" 2)" -v dd="$dd_rate" -v p99="$(field "$b" 4)" \
        -v cpu="$(cpu_field "$b")" 'BEGIN {
          printf "  baseline c=%-2d %.0f crashes/s, %.0f MB/s stored: %.2f x durable write bandwidth; p99 %.1f ms; cpu %s ms/crash\n",
                 c, r, m, m/dd, p99, cpu }'
  done
  awk -v a="$(field "$base8" 1)" -v b="$(field "$base32" 1)" 'BEGIN{printf "  baseline throughput c=32 / c=8: %.2f\n", b/a}'
fi
