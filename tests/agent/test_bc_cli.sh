#!/usr/bin/env bash
# test_bc_cli.sh VPT: `vpt bc` on the command line: bad flags exit 2 naming the flag, bad files
# exit non-zero naming the file and leave nothing half-written; then a tiny real run:
# gen-data (contractor + video-only corpus) -> idm train -> idm label -> bc train on the
# IDM-labelled corpus and on the contractor data -> eval --policy bc:CKPT.
set -u
vpt="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../tools/cli_expect.sh"

expect 2 "usage: vpt bc train" -- bc
expect 0 "usage: vpt bc train" -- bc --help
expect 2 "unknown subcommand 'fly'" -- bc fly
expect 2 "--data and --out are required" -- bc train --data "$tmp"
expect 2 "--steps: bad value '0'" -- bc train --data "$tmp" --out "$tmp/x.safetensors" --steps 0
expect 2 "--batch: bad value 'x'" -- bc train --data "$tmp" --out "$tmp/x.safetensors" --batch x
expect 2 "--widths: bad value '8,x'" -- bc train --data "$tmp" --out "$tmp/x.safetensors" --widths 8,x
expect 2 "--size" -- bc train --data "$tmp" --out "$tmp/x.safetensors" --size 64
expect 2 "unknown option|--bogus" -- bc train --data "$tmp" --out "$tmp/x.safetensors" --bogus
expect 1 "no manifest.jsonl" -- bc train --data "$tmp" --out "$tmp/x.safetensors"
[ ! -e "$tmp/x.safetensors" ] && [ ! -e "$tmp/x.metrics.jsonl" ] && ok || bad "failed train left files"
expect 2 "none.safetensors" -- eval --policy "bc:$tmp/none.safetensors" --seeds 1:1 --ticks 5
printf 'garbage' >"$tmp/corrupt.safetensors"
expect 2 "corrupt.safetensors" -- eval --policy "bc:$tmp/corrupt.safetensors" --seeds 1:1 --ticks 5
expect 2 "bc:CKPT" -- eval --policy "bc:" --seeds 1:1 --ticks 5

# A tiny real run.
"$vpt" gen-data --out "$tmp/c" --hours 0.0017 --episode-ticks 40 --size 64x36 --jobs 1 --quiet >/dev/null || bad "gen-data"
"$vpt" gen-data --out "$tmp/w" --hours 0.0012 --episode-ticks 40 --size 64x36 --jobs 1 --seeds 50:60 --no-actions --quiet >/dev/null || bad "gen-data web"
"$vpt" idm train --data "$tmp/c" --out "$tmp/idm.safetensors" --steps 1 --window 8 --size 32x32 --widths 4,8 --dense 16 --heads 2 --batch 1 --val-fraction 0 --quiet >/dev/null || bad "idm train"
"$vpt" idm label --model "$tmp/idm.safetensors" --data "$tmp/w" --out "$tmp/lab" --quiet >/dev/null || bad "idm label"
small=(--window 4 --size 32x32 --widths 4,8 --dense 16 --hidden 16 --batch 2 --log-every 1)
expect 2 "has no action log" -- bc train --data "$tmp/w" --out "$tmp/w.safetensors" --steps 2 "${small[@]}"
[ ! -e "$tmp/w.safetensors" ] && ok || bad "failed train wrote a checkpoint"
expect 0 '"steps": 3' -- bc train --data "$tmp/lab" --out "$tmp/run/bc.safetensors" --steps 3 "${small[@]}" --quiet
[ "$(wc -l <"$tmp/run/bc.metrics.jsonl")" -eq 3 ] 2>/dev/null && ok || bad "metrics lines"
python3 -c "
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert [r['step'] for r in rows]==[1,2,3], rows
assert all(r['loss']>0 and 'null_frames_skipped' in r for r in rows), rows
" "$tmp/run/bc.metrics.jsonl" && ok || bad "metrics content"
expect 0 '"steps": 2' -- bc train --data "$tmp/c" --out "$tmp/run/bc-contractor.safetensors" --steps 2 "${small[@]}" --quiet
expect 0 "bc:.*on seeds 1..2" -- eval --policy "bc:$tmp/run/bc.safetensors" --seeds 1:2 --ticks 30 --jobs 1 --json "$tmp/e1.json"
"$vpt" eval --policy "bc:$tmp/run/bc.safetensors" --seeds 1:2 --ticks 30 --jobs 2 --json "$tmp/e2.json" --quiet >/dev/null || bad "eval 2"
cmp -s "$tmp/e1.json" "$tmp/e2.json" && ok || bad "eval differs with --jobs"
# An IDM checkpoint is not a BC policy.
expect 2 'expected "bc"' -- eval --policy "bc:$tmp/idm.safetensors" --seeds 1:1 --ticks 5

finish
