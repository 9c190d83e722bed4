#!/usr/bin/env bash
# Checks every project #include against the README's module map: a module may
# include its own headers and those of modules listed below it, nothing above
# it or beside it. The map is the one rule; there are no per-module
# exceptions. Also checks that each third-party header is included only by
# the one place that owns it. Runs as a ctest; prints each violation.
set -uo pipefail
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2

# The module map: the first word of each line of the fenced block under
# "## Module map" in README.md, top to bottom; rank 0 is the top.
mapfile -t MODULES < <(awk '
  /^## Module map/ { in_map = 1; next }
  in_map && /^```/ { if (fenced) exit; fenced = 1; next }
  in_map && fenced && /^[^ ]/ { sub(/\/$/, "", $1); print $1 }' README.md)
if [[ ${#MODULES[@]} -lt 5 ]]; then
  echo "check_deps: no module map found in README.md"; exit 2
fi
declare -A RANK=()
for i in "${!MODULES[@]}"; do RANK[${MODULES[$i]}]=$i; done

# third-party header pattern → the only places allowed to include it
# (space-separated path prefixes). Tests and benches may include anything.
declare -A OWNER=(
  ["http_parser.h"]="web/http/server.cc"
  ["lmdb.h"]="store/lmdb/"
  ["sqlite3.h"]="store/sqlite/"
  ["CLI/CLI.hpp"]="app/cli/"
  ["zlib.h"]="app/base/gzip.cc"
  ["curl/curl.h"]="app/httpclient/http_client.cc"
  ["zip.h"]="app/symsvc/zip_reader.cc"
  ["openssl/"]="app/base/sha256.cc app/auth/secrets.cc"
  ["argon2.h"]="app/auth/secrets.cc"
  ["re2/re2.h"]="app/collector/ app/signature/ app/search/"
)

module_of() {  # the longest module in the map that is a prefix of the path
  local f=$1 best=""
  for m in "${MODULES[@]}"; do
    if [[ ("$f" == "$m/"* || "$f" == "$m") && ${#m} -gt ${#best} ]]; then best=$m; fi
  done
  echo "$best"
}

fail=0
while IFS= read -r file; do
  m=$(module_of "$file")
  if [[ -z "$m" ]]; then
    echo "$file: in no module of README.md's module map"; fail=1; continue
  fi
  test_file=0
  [[ "$file" == *_test.cc || "$file" == *_fuzz.cc || "$file" == *test_util* ]] && test_file=1
  while IFS= read -r inc; do
    if [[ $test_file -eq 0 ]]; then
      for hdr in "${!OWNER[@]}"; do
        [[ "$inc" == "<$hdr"* ]] || continue
        owned=0
        for owner in ${OWNER[$hdr]}; do [[ "$file" == "$owner"* ]] && owned=1; done
        if [[ $owned -eq 0 ]]; then
          echo "$file: includes <$hdr>, which only ${OWNER[$hdr]} may include"; fail=1
        fi
      done
    fi
    [[ "$inc" == \"* ]] || continue
    path=${inc#\"}; path=${path%\"}
    target=$(module_of "$path")
    [[ "$target" == "$m" ]] && continue
    if [[ -z "$target" ]]; then
      echo "$file: includes \"$path\", which is in no module of the map"; fail=1
    elif [[ $test_file -eq 0 && ${RANK[$target]} -le ${RANK[$m]} ]]; then
      echo "$file: $m may not include \"$path\" ($target is not below it in the map)"; fail=1
    fi
  done < <(grep -hoE '^#include [<"][^>"]+[>"]' "$file" | sed 's/^#include //')
done < <(git ls-files 'app/*.h' 'app/*.cc' 'store/*.h' 'store/*.cc' 'web/*.h' 'web/*.cc' 'assets/*.h' 'assets/*.cc')

if [[ $fail -eq 0 ]]; then
  echo "check_deps: ${#MODULES[@]} modules; every include points down the map"
fi
exit $fail
