#!/usr/bin/env bash
# test_dist_cli.sh VPT MPIRUN CKPT_CLOSE: the same `vpt` under `mpirun --oversubscribe -np 2`
# on loopback against one process:
#   - bc train and idm train: the parameters equal one process's with the same global batch and
#     seed, within the documented tolerance (docs/distributed.md), the metrics files equal, and
#     one more optimizer step is outside that tolerance (the comparison can fail);
#   - idm label: the output dataset (mp4, jsonl, options, manifest) byte-equal to one process's;
#   - failures: a bad --data on every rank, a corrupt episode on rank 1 only, a --batch smaller
#     than the ranks: mpirun exits non-zero with the message, in bounded time (no hang).
set -u
vpt="$1"
mpirun="$2"
close="$3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../tools/cli_expect.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export VPT_DIST_CHECK_EVERY=1 # the ranks compare parameter checksums after every step
np2() { timeout 60 "$mpirun" --oversubscribe -np 2 "$vpt" "$@"; }
# expect2 CODE PATTERN -- ARGS: like expect, under mpirun -np 2 (CODE "nz" = any non-zero).
expect2() {
    local code="$1" pattern="$2"; shift 3
    local out rc
    out=$(np2 "$@" 2>&1); rc=$?
    if [ "$rc" = 124 ]; then bad "mpirun vpt $* hung (killed after 60 s)"; return; fi
    if { [ "$code" = nz ] && [ "$rc" = 0 ]; } || { [ "$code" != nz ] && [ "$rc" != "$code" ]; }; then
        bad "mpirun vpt $* exited $rc, expected $code; output: $out"; return
    fi
    if [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
        bad "mpirun vpt $*: output lacks /$pattern/: $out"; return
    fi
    ok
}
# Parameter tolerance (docs/distributed.md): every value within 1e-6; values whose gradients
# were rounding noise (Adam second moment <= 1e-18, e.g. attention key biases) within
# 2 x lr x steps.
ATOL=1e-6
NOISE_V=1e-18

"$vpt" gen-data --out "$tmp/c" --hours 0.0017 --episode-ticks 40 --size 64x36 --jobs 1 --quiet >/dev/null || bad "gen-data"
"$vpt" gen-data --out "$tmp/w" --hours 0.0017 --episode-ticks 40 --size 64x36 --jobs 1 --seeds 50:60 --no-actions --quiet >/dev/null || bad "gen-data web"

# ---- bc train: 2 ranks == 1 process (global batch 5: uneven shards 3 + 2).
bc=(--data "$tmp/c" --window 4 --size 32x32 --widths 4,8 --dense 16 --hidden 16 --batch 5 --log-every 1 --quiet)
"$vpt" bc train "${bc[@]}" --steps 6 --out "$tmp/bc1/bc.safetensors" >"$tmp/bc1.json" || bad "bc train 1 process"
np2 bc train "${bc[@]}" --steps 6 --out "$tmp/bc2/bc.safetensors" >"$tmp/bc2.json" || bad "bc train 2 ranks"
python3 "$close" "$tmp/bc1/bc.safetensors" "$tmp/bc2/bc.safetensors" $ATOL 0 && ok || bad "bc: 2 ranks != 1 process"
cmp -s "$tmp/bc1/bc.metrics.jsonl" "$tmp/bc2/bc.metrics.jsonl" && ok || bad "bc metrics differ"
[ "$(wc -l <"$tmp/bc2.json")" -eq 1 ] && grep -q '"steps": 6' "$tmp/bc2.json" && ok || bad "bc: one JSON line from rank 0"
"$vpt" bc train "${bc[@]}" --steps 7 --out "$tmp/bc7/bc.safetensors" >/dev/null || bad "bc train 7"
python3 "$close" "$tmp/bc7/bc.safetensors" "$tmp/bc2/bc.safetensors" $ATOL 0 >/dev/null && bad "bc: one more step within tolerance" || ok

# ---- idm train: 2 ranks == 1 process (global batch 4), checkpoints with the AdamW state.
idm=(--data "$tmp/c" --window 8 --size 32x32 --widths 4,8 --dense 16 --heads 2 --batch 4 --val-fraction 0 --log-every 1 --ckpt-every 2 --quiet)
"$vpt" idm train "${idm[@]}" --steps 5 --out "$tmp/idm1/idm.safetensors" >/dev/null || bad "idm train 1 process"
np2 idm train "${idm[@]}" --steps 5 --out "$tmp/idm2/idm.safetensors" >/dev/null || bad "idm train 2 ranks"
python3 "$close" "$tmp/idm1/idm.safetensors" "$tmp/idm2/idm.safetensors" $ATOL 0 $NOISE_V 3e-3 && ok || bad "idm: 2 ranks != 1 process"
# Metrics equal but for the timing column.
sed 's/, "frames_per_s".*//' "$tmp/idm1/idm.metrics.jsonl" >"$tmp/m1"
sed 's/, "frames_per_s".*//' "$tmp/idm2/idm.metrics.jsonl" >"$tmp/m2"
cmp -s "$tmp/m1" "$tmp/m2" && [ "$(wc -l <"$tmp/m2")" -eq 5 ] && ok || bad "idm metrics differ"
"$vpt" idm train "${idm[@]}" --steps 6 --out "$tmp/idm6/idm.safetensors" >/dev/null || bad "idm train 6"
python3 "$close" "$tmp/idm6/idm.safetensors" "$tmp/idm2/idm.safetensors" $ATOL 0 $NOISE_V 3e-3 >/dev/null && bad "idm: one more step within tolerance" || ok

# ---- idm label: the sharded output is byte-equal to one process's.
"$vpt" idm label --model "$tmp/idm1/idm.safetensors" --data "$tmp/w" --out "$tmp/lab1" --quiet >"$tmp/l1.json" || bad "idm label 1 process"
np2 idm label --model "$tmp/idm1/idm.safetensors" --data "$tmp/w" --out "$tmp/lab2" --quiet >"$tmp/l2.json" || bad "idm label 2 ranks"
[ "$(ls "$tmp/lab1" | wc -l)" -ge 7 ] && ok || bad "idm label wrote too little: $(ls "$tmp/lab1")"
diff -r "$tmp/lab1" "$tmp/lab2" >/dev/null && ok || bad "sharded labels differ: $(diff -r "$tmp/lab1" "$tmp/lab2" | head -5)"
ls "$tmp/lab2" | grep -q tmp && bad "temp files left in the labelled folder" || ok
n_eps=$(wc -l <"$tmp/w/manifest.jsonl")
grep -q "\"episodes\":$n_eps," "$tmp/l2.json" && [ "$(wc -l <"$tmp/l2.json")" -eq 1 ] && ok || bad "idm label JSON: $(cat "$tmp/l2.json")"

# ---- failures: every rank exits non-zero with the message, no hang.
expect2 nz "no manifest.jsonl" -- bc train "${bc[@]}" --steps 2 --data "$tmp/none" --out "$tmp/f/bc.safetensors"
[ ! -e "$tmp/f/bc.safetensors" ] && [ ! -e "$tmp/f/bc.metrics.jsonl" ] && ok || bad "failed bc train left files"
expect2 nz "no manifest.jsonl" -- idm train "${idm[@]}" --steps 2 --data "$tmp/none" --out "$tmp/f/idm.safetensors"
expect2 nz "--batch: bad value '1'" -- bc train "${bc[@]}" --steps 2 --batch 1 --out "$tmp/f/b1.safetensors"
expect2 nz "--batch: bad value '1'" -- idm train "${idm[@]}" --steps 2 --batch 1 --out "$tmp/f/b1.safetensors"
# Episode 1 of the corpus (labelled by rank 1 alone) is corrupt: rank 1 fails, rank 0 is told.
cp -r "$tmp/w" "$tmp/wbad"
ep1=$(sed -n 2p "$tmp/wbad/manifest.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["episode"])')
printf 'not a video' >"$tmp/wbad/$ep1.mp4"
expect2 nz "rank 1.*$ep1.mp4" -- idm label --model "$tmp/idm1/idm.safetensors" --data "$tmp/wbad" --out "$tmp/labbad" --quiet
[ ! -e "$tmp/labbad/$ep1.jsonl" ] && ok || bad "the failed episode left a jsonl"
# The manifest lists only the episodes that were finished (not the corrupt one).
! grep -q "$ep1" "$tmp/labbad/manifest.jsonl" 2>/dev/null && ok || bad "the failed episode is in the manifest"

finish
