#!/usr/bin/env bash
# Installs the Debian 12 packages crashbox needs to build, test and benchmark,
# only those that are missing. Safe to run again: with nothing missing it does
# nothing and takes a fraction of a second.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git
  liblmdb-dev libsqlite3-dev libargon2-dev libhttp-parser-dev zlib1g-dev libssl-dev
  libfmt-dev libcli11-dev nlohmann-json3-dev libre2-dev libcurl4-openssl-dev libzip-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# The pages' third-party code (uPlot) comes from npm (ui-vendor/) and is
# embedded at build time: every build needs npm.
command -v npm >/dev/null || PACKAGES+=(npm)
# Benchmarks compare against nginx; the fuzz preset needs clang.
if [[ "${CB_SETUP_EXTRAS:-}" == *bench* ]]; then
  PACKAGES+=(nginx-light time curl python3)  # python3: bench/gen_sym.py, tools/gencrashes
  PACKAGES+=(postgresql-15)  # bench/search.sh's baseline (its server binaries, psql, pg_trgm)
fi
if [[ "${CB_SETUP_EXTRAS:-}" == *fuzz* ]]; then PACKAGES+=(clang libclang-rt-14-dev); fi
# Browser tests drive Debian's chromium with playwright-core from npm (tests/browser).
# clang-format-14 checks the formatting (tools/check_format.sh).
if [[ "${CB_SETUP_EXTRAS:-}" == *test* ]]; then
  PACKAGES+=(chromium clang-format-14)
  # crashstats-tools (an unmodified client in ../shared/clients) runs on these.
  PACKAGES+=(python3-click python3-requests python3-rich python3-more-itertools python3-dotenv)
fi

# npm packages as each package-lock.json pins them, only when missing or when
# the lock file changed: the pages' (ui-vendor/, embedded by every build) and,
# for the tests, the browser driver's (tests/browser/).
npm_ci() {  # dir
  local dir=$1
  if [[ ! -f "$dir/node_modules/.package-lock.json" || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    echo "setup: npm ci in ${dir#"$root"/}" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
root="$(cd "$(dirname "$0")/.." && pwd)"
npm_install() {
  npm_ci "$root/ui-vendor"
  if [[ "${CB_SETUP_EXTRAS:-}" == *test* ]]; then npm_ci "$root/tests/browser"; fi
}

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  npm_install
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_install
