#!/usr/bin/env bash
# test_cli.sh VPT: exit codes and messages of the `vpt` command line.
set -u
vpt="$1"
fails=0; passes=0
expect() { # expect CODE PATTERN -- ARGS...
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
expect 2 "usage: vpt <command>" --
expect 2 "unknown command 'bogus'" -- bogus
expect 0 "bench" -- --help
expect 0 "pipeline" -- help
expect 0 "^vpt [0-9]+\.[0-9]+\.[0-9]+ \(git [0-9a-f]+|unknown\)" -- --version
expect 0 "vpt [0-9.]+ \(git" -- version
expect 0 "usage: vpt bench core" -- bench core --help
expect 2 "unknown option '--nope'" -- bench core --nope
expect 2 "--threads: bad value 'abc' \(expected an integer" -- bench core --threads abc
expect 2 "--threads: bad value '0' \(expected an integer in \[1, 64\]" -- bench core --threads 0
expect 2 "--threads: missing value" -- bench core --threads
expect 2 "--log-level: bad value 'loud'" -- bench core --log-level loud
expect 2 "unknown target 'nothing'" -- bench nothing
expect 2 "unexpected argument 'extra'" -- pipeline extra
expect 2 "unknown command 'nosuch'" -- help nosuch
expect 0 '"rng_draws_per_s"' -- bench core --threads 2
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
