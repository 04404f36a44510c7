# cli_expect.sh: the CLI tests' shared checks, sourced after setting vpt=PATH.
#   expect CODE PATTERN -- ARGS...   run vpt ARGS: exit code CODE, output matching PATTERN (ERE)
#   ok / bad MESSAGE                 count a check passed / failed
#   finish                           print the totals; exit status 0 only if nothing failed
fails=0; passes=0
expect() {
    local code="$1" pattern="$2"; shift 3
    local out rc
    out=$("$vpt" "$@" 2>&1); rc=$?
    if [ "$rc" != "$code" ]; then
        echo "FAIL: vpt $* exited $rc, expected $code; output: $out"; fails=$((fails+1)); return
    fi
    if [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
        echo "FAIL: vpt $*: output lacks /$pattern/: $out"; fails=$((fails+1)); return
    fi
    passes=$((passes+1))
}
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
finish() {
    echo "$passes passed, $fails failed"
    [ "$fails" -eq 0 ]
}
