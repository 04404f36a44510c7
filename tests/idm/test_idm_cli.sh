#!/usr/bin/env bash
# test_idm_cli.sh VPT: `vpt idm` on the command line: bad flags exit 2 with the flag named,
# bad files exit 1 naming the file, and nothing is left half-written; then a tiny real run:
# gen-data (contractor + video-only corpus) -> idm train -> eval JSON -> label -> dataset check.
set -u
vpt="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../tools/cli_expect.sh"

expect 2 "usage: vpt idm train" -- idm
expect 0 "vpt idm label" -- idm --help
expect 2 "unknown subcommand 'fly'" -- idm fly
expect 2 "--data and --out are required" -- idm train --data "$tmp"
expect 2 "--steps: bad value '0'" -- idm train --data "$tmp" --out "$tmp/x.safetensors" --steps 0
expect 2 "--widths: bad value '8,x'" -- idm train --data "$tmp" --out "$tmp/x.safetensors" --widths 8,x
expect 2 "--heads: bad value '7'" -- idm train --data "$tmp" --out "$tmp/x.safetensors" --heads 7
expect 2 "--val-fraction: bad value '2'" -- idm train --data "$tmp" --out "$tmp/x.safetensors" --val-fraction 2
expect 2 "--split: bad value 'test'" -- idm eval --model m --data d --split test
expect 2 "--model, --data and --out are required" -- idm label --model m --data d
expect 1 "no manifest.jsonl" -- idm train --data "$tmp" --out "$tmp/x.safetensors"
[ ! -e "$tmp/x.safetensors" ] && [ ! -e "$tmp/x.metrics.jsonl" ] && ok || bad "failed train left files"
expect 1 "$tmp/none.safetensors" -- idm eval --model "$tmp/none.safetensors" --data "$tmp"
printf 'garbage' >"$tmp/corrupt.safetensors"
expect 1 "corrupt.safetensors" -- idm label --model "$tmp/corrupt.safetensors" --data "$tmp" --out "$tmp/lab"
[ ! -e "$tmp/lab" ] && ok || bad "failed label created its output folder"

# A tiny real run.
"$vpt" gen-data --out "$tmp/c" --hours 0.0017 --episode-ticks 40 --size 64x36 --jobs 1 --quiet >/dev/null || bad "gen-data"
"$vpt" gen-data --out "$tmp/w" --hours 0.0012 --episode-ticks 40 --size 64x36 --jobs 1 --seeds 50:60 --no-actions --quiet >/dev/null || bad "gen-data web"
small=(--window 8 --size 32x32 --widths 4,8 --dense 16 --heads 2 --batch 2 --val-fraction 0)
expect 2 "has no action log" -- idm train --data "$tmp/w" --out "$tmp/w.safetensors" --steps 2 "${small[@]}"
expect 0 '"steps": 2' -- idm train --data "$tmp/c" --out "$tmp/run/idm.safetensors" --steps 2 "${small[@]}" --quiet
[ "$(wc -l <"$tmp/run/idm.metrics.jsonl")" -eq 1 ] 2>/dev/null && ok || bad "metrics lines"
expect 0 '"steps": 4' -- idm train --data "$tmp/c" --out "$tmp/run/idm.safetensors" --steps 4 "${small[@]}" --resume --quiet
expect 2 "'window' is 16 in the request but 8" -- idm train --data "$tmp/c" --out "$tmp/run/idm.safetensors" --steps 6 "${small[@]}" --window 16 --resume --quiet
expect 0 '"keypress_accuracy"' -- idm eval --model "$tmp/run/idm.safetensors" --data "$tmp/c" --split all --json "$tmp/eval.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['frames']>0 and 'attack' in d['buttons'] and 'camera_r2' in d" \
    "$tmp/eval.json" && ok || bad "eval.json"
expect 0 '"vs_truth"' -- idm label --model "$tmp/run/idm.safetensors" --data "$tmp/w" --out "$tmp/lab" --truth "$tmp/w/ground_truth" --quiet
expect 0 '"problems": 0' -- dataset check "$tmp/lab"
expect 2 "must differ from the corpus" -- idm label --model "$tmp/run/idm.safetensors" --data "$tmp/w" --out "$tmp/w/"
[ "$(ls "$tmp"/w/*.mp4 | wc -l)" -ge 1 ] && "$vpt" dataset check "$tmp/w" --quiet >/dev/null && ok || bad "corpus damaged"
grep -q '"provenance": *"idm-labeled"' "$tmp/lab/manifest.jsonl" && ok || bad "provenance"
for f in "$tmp"/w/*.mp4; do
    n=$(basename "$f" .mp4)
    [ "$(wc -l <"$tmp/lab/$n.jsonl")" -eq "$(wc -l <"$tmp/w/ground_truth/$n.jsonl")" ] && ok || bad "$n: lines"
done
finish
