#!/usr/bin/env bash
# test_rl_cli.sh VPT: `vpt rl train` on the command line: bad flags exit 2 naming the flag, bad
# checkpoints and run states exit non-zero naming the file/field and write nothing; then a tiny
# real run: gen-data -> bc train -> rl train -> resume -> eval --policy bc:DIR/rl.safetensors.
set -u
vpt="$1"
src="$(cd "$(dirname "$0")/../.." && pwd)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../tools/cli_expect.sh"
flat="$src/worlds/flat.json"

expect 2 "usage: vpt rl train" -- rl
expect 0 "usage: vpt rl train" -- rl --help
expect 2 "unknown subcommand 'fly'" -- rl fly
expect 2 "--out DIR is required" -- rl train --init "$tmp/x.safetensors"
expect 2 "--init BC_CKPT is required" -- rl train --out "$tmp/r"
expect 2 "--envs: bad value '0'" -- rl train --init "$tmp/x" --out "$tmp/r" --envs 0
expect 2 "--clip: bad value '2'" -- rl train --init "$tmp/x" --out "$tmp/r" --clip 2
expect 2 "--lr: bad value 'fast'" -- rl train --init "$tmp/x" --out "$tmp/r" --lr fast
expect 2 "--kl-coef: bad value '-1'" -- rl train --init "$tmp/x" --out "$tmp/r" --kl-coef -1
expect 2 "--minibatches 3 must divide --envs 4" -- rl train --init "$tmp/x" --out "$tmp/r" --envs 4 --minibatches 3
expect 2 "--world: no preset file 'nosuch'" -- rl train --init "$tmp/x" --out "$tmp/r" --world nosuch
expect 2 "unknown option|--bogus" -- rl train --init "$tmp/x" --out "$tmp/r" --bogus
expect 1 "missing.safetensors" -- rl train --init "$tmp/missing.safetensors" --out "$tmp/r" --world "$flat"
printf 'garbage' >"$tmp/corrupt.safetensors"
expect 1 "corrupt.safetensors" -- rl train --init "$tmp/corrupt.safetensors" --out "$tmp/r" --world "$flat"
expect 1 "no checkpoint to resume" -- rl train --out "$tmp/r" --resume
[ ! -e "$tmp/r" ] && ok || bad "a failed start left $tmp/r"

# A BC checkpoint to start from (tiny model, one step on a tiny contractor dataset).
"$vpt" gen-data --out "$tmp/c" --hours 0.0012 --episode-ticks 40 --size 64x36 --jobs 1 --quiet >/dev/null || bad "gen-data"
"$vpt" bc train --data "$tmp/c" --out "$tmp/bc.safetensors" --steps 1 --window 4 --size 32x32 --widths 4 --dense 8 --hidden 8 --batch 1 --quiet >/dev/null || bad "bc train"
# An IDM-style file that is not a BC policy: the idm checkpoint of a tiny run is not needed; a
# BC checkpoint whose config says another model is refused naming the field.
python3 - "$tmp/bc.safetensors" "$tmp/notbc.safetensors" <<'PY' || bad "python"
import json, struct, sys
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8 + n])
cfg = json.loads(h['__metadata__']['config']); cfg['model'] = 'idm'
h['__metadata__']['config'] = json.dumps(cfg)
hb = json.dumps(h).encode()
open(sys.argv[2], 'wb').write(struct.pack('<Q', len(hb)) + hb + b[8 + n:])
PY
expect 1 "notbc.safetensors.*'model'" -- rl train --init "$tmp/notbc.safetensors" --out "$tmp/r" --world "$flat"

run=(--world "$flat" --envs 2 --rollout 4 --episode-ticks 6 --save-every 1 --threads 2)
expect 0 '"updates": 2' -- rl train --init "$tmp/bc.safetensors" --out "$tmp/run" --steps 16 "${run[@]}" --quiet
python3 -c "
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert [r['update'] for r in rows]==[1,2], rows
keys={'episode_reward','reward_per_step','kl','policy_loss','value_loss','entropy','clip_frac','env_steps_per_s'}
assert all(keys <= set(r) for r in rows), rows
assert rows[1]['env_steps']==16 and rows[1]['episodes']==2, rows
" "$tmp/run/metrics.jsonl" && ok || bad "metrics content"
expect 2 "already exists" -- rl train --init "$tmp/bc.safetensors" --out "$tmp/run" --steps 16 "${run[@]}"
expect 2 "--lr cannot be given with --resume" -- rl train --out "$tmp/run" --resume --lr 1e-3
expect 0 '"start_update": 2' -- rl train --out "$tmp/run" --resume --steps 24 --quiet
[ "$(wc -l <"$tmp/run/metrics.jsonl")" -eq 3 ] && ok || bad "metrics lines after resume"
expect 0 '"start_update": 3, "env_steps": 24' -- rl train --out "$tmp/run" --resume --quiet
# The fine-tuned policy plays as bc:CKPT.
expect 0 "bc:.*rl.safetensors" -- eval --policy "bc:$tmp/run/rl.safetensors" --seeds 1:1 --ticks 10 --jobs 1
# A damaged run state is refused naming the field; the checkpoint stays as it was.
cp "$tmp/run/rl.safetensors" "$tmp/good.safetensors"
python3 - "$tmp/run/rl.safetensors" <<'PY' || bad "python"
import json, struct, sys
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8 + n])
cfg = json.loads(h['__metadata__']['config']); cfg['rl']['state']['policy_h'] = 'zz'
h['__metadata__']['config'] = json.dumps(cfg)
hb = json.dumps(h).encode()
open(sys.argv[1], 'wb').write(struct.pack('<Q', len(hb)) + hb + b[8 + n:])
PY
expect 1 "rl.safetensors.*'policy_h'" -- rl train --out "$tmp/run" --resume --steps 32
printf 'garbage' >"$tmp/run/prior.safetensors"
cp "$tmp/good.safetensors" "$tmp/run/rl.safetensors"
expect 1 "prior.safetensors" -- rl train --out "$tmp/run" --resume --steps 32
cmp -s "$tmp/good.safetensors" "$tmp/run/rl.safetensors" && ok || bad "a failed resume changed the checkpoint"

finish
