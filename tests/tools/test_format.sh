#!/usr/bin/env bash
# test_format.sh SRC_DIR: every C file of the project is formatted by its .clang-format.
set -u
cd "$1" || exit 1
bad=0; n=0
while IFS= read -r f; do
    n=$((n+1))
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f (run clang-format -i $f)"; bad=$((bad+1))
    fi
done < <(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.c' -o -name '*.h' | grep -v '^./build')
echo "$((n-bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
