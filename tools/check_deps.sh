#!/usr/bin/env bash
# Checks every project #include against the module dependency table in
# README.md ("Module map"), and that each third-party header is included only
# by the one module that owns it. Runs as a ctest; prints each violation.
set -uo pipefail
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2

# module directory → project include prefixes it may use (besides its own).
declare -A ALLOWED=(
  [app/base]="app/base/"
  [app/minidump]="app/base/"
  [app/symbols]="app/base/"
  [app/wire]="app/base/"
  [app/httpclient]="app/base/"
  [app/stackwalk]="app/base/ app/minidump/ app/symbols/"
  [app/collector]="app/base/ app/wire/ store/crash_store.h assets/"
  [app/submitter]="app/base/ app/wire/ app/httpclient/"
  [app/signature]="app/base/ assets/"
  [store]="app/base/"
  [store/lmdb]="app/base/ store/crash_store.h store/symbol_store.h"
  [app/symsvc]="app/base/ app/symbols/ app/httpclient/ store/crash_store.h store/symbol_store.h"
  [web]="app/base/ app/wire/ app/collector/ app/symsvc/ store/crash_store.h store/symbol_store.h assets/"
  [app/config]="app/base/ app/collector/ app/symsvc/ store/lmdb/env_options.h web/http/server_options.h"
  [app/processor]="app/base/ app/minidump/ app/symbols/ app/stackwalk/ app/signature/ store/crash_store.h assets/"
)
# third-party header pattern → the only places allowed to include it
# (space-separated path prefixes).
declare -A OWNER=(
  ["http_parser.h"]="web/http/server.cc"
  ["lmdb.h"]="store/lmdb/"
  ["CLI/CLI.hpp"]="app/cli/"
  ["zlib.h"]="app/base/gzip.cc"
  ["curl/curl.h"]="app/httpclient/http_client.cc"
  ["zip.h"]="app/symsvc/zip_reader.cc"
  ["openssl/"]="app/base/sha256.cc"
  ["re2/re2.h"]="app/collector/ app/signature/"
)

fail=0
module_of() {  # longest matching module directory
  local f=$1 best=""
  for m in "${!ALLOWED[@]}"; do
    if [[ "$f" == "$m/"* && ${#m} -gt ${#best} ]]; then best=$m; fi
  done
  echo "$best"
}

while IFS= read -r file; do
  m=$(module_of "$file")
  while IFS= read -r inc; do
    # Third-party ownership applies everywhere outside tests and benches.
    if [[ "$file" != tests/* && "$file" != bench/* && "$file" != */*_test.cc && "$file" != */*_fuzz.cc ]]; then
      for hdr in "${!OWNER[@]}"; do
        [[ "$inc" == "<$hdr"* ]] || continue
        owned=0
        for owner in ${OWNER[$hdr]}; do
          [[ "$file" == "$owner"* ]] && owned=1
        done
        if [[ $owned -eq 0 ]]; then
          echo "$file: includes <$hdr>, which only ${OWNER[$hdr]} may include"; fail=1
        fi
      done
    fi
    [[ -z "$m" || "$(basename "$file")" == *test* || "$file" == */*_fuzz.cc ]] && continue
    [[ "$inc" == \"* ]] || continue
    path=${inc#\"}; path=${path%\"}
    [[ "$path" == "$m/"* ]] && continue
    ok=0
    for allowed in ${ALLOWED[$m]}; do
      [[ "$path" == "$allowed"* ]] && ok=1
    done
    if [[ $ok -eq 0 ]]; then echo "$file: module $m may not include \"$path\""; fail=1; fi
  done < <(grep -hoE '^#include [<"][^>"]+[>"]' "$file" | sed 's/^#include //')
done < <(git ls-files 'app/*.h' 'app/*.cc' 'store/*.h' 'store/*.cc' 'web/*.h' 'web/*.cc' 2>/dev/null || find app store web -name '*.h' -o -name '*.cc')

if [[ $fail -eq 0 ]]; then echo "check_deps: all includes follow the module table"; fi
exit $fail
