#!/usr/bin/env bash
# Checks that every C++ file is formatted by .clang-format (STYLE.md 2.10).
# Runs as a ctest. Fix with: git ls-files '*.cc' '*.h' | xargs clang-format-14 -i
# clang-format-14 is Debian 12's and what the formatting was made with; other
# versions format a few constructs differently, so they are not used.
set -uo pipefail
cd "${1:-$(dirname "$0")/..}" || exit 2
if ! command -v clang-format-14 >/dev/null; then
  echo "check_format: clang-format-14 missing (./dev test installs it); skipped"
  exit 77
fi
mapfile -t files < <(git ls-files '*.cc' '*.h')
if ! clang-format-14 --dry-run -Werror "${files[@]}"; then
  echo "check_format: files above differ from .clang-format; run" \
    "git ls-files '*.cc' '*.h' | xargs clang-format-14 -i"
  exit 1
fi
echo "check_format: ${#files[@]} files formatted"
