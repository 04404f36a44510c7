#!/usr/bin/env bash
# test_cli.sh VPT: exit codes and messages of the `vpt` command line.
set -u
vpt="$1"
. "$(dirname "$0")/../tools/cli_expect.sh"
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
finish
