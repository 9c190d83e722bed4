#!/usr/bin/env bash
# Fetches Breakpad's own tools (minidump_stackwalk, dump_syms) from the npm
# package `minidump` into tools/.cache/breakpad/ and prints that directory.
# They are the oracle for differential tests and the baseline for benchmarks,
# never part of crashbox. Idempotent: does nothing when already present.
set -euo pipefail
cd "$(dirname "$0")"
version=${BREAKPAD_NPM_VERSION:-0.26.0}
dest=.cache/breakpad
if [[ -x "$dest/minidump_stackwalk" ]]; then echo "$PWD/$dest"; exit 0; fi
command -v npm >/dev/null || { echo "fetch_breakpad: npm is needed (Debian package npm)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "minidump@$version" >/dev/null)
tar -xzf "$tmp"/minidump-*.tgz -C "$tmp"
mkdir -p "$dest"
cp "$tmp/package/bin/linux-x64/minidump_stackwalk" "$tmp/package/bin/linux-x64/dump_syms" "$dest/"
chmod +x "$dest"/*
echo "$PWD/$dest"
