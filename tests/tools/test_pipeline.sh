#!/usr/bin/env bash
# test_pipeline.sh VPT: the main job end to end on a tiny setting: every built stage succeeds,
# the datasets verify, the report lists each stage, the eval JSON and contractor frames exist,
# the BC stage trains and plays, the RL stage fine-tunes it and plays again; bad flags
# exit 2 and write nothing.
set -u
vpt="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }

"$vpt" pipeline --out "$tmp/run" --episodes 2 --episode-ticks 60 --eval-episodes 2 --idm-steps 4 --bc-steps 2 --bc-episodes 1 --rl-steps 64 --quiet \
    >"$tmp/out.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] && ok || bad "pipeline exited $rc: $(tail -5 "$tmp/err")"
for s in sim contractor web check eval idm label bc rl; do
    grep -q "\"stage\": \"$s\", \"result\": \"ok\"" "$tmp/out.json" && ok || bad "stage $s not ok"
    grep -q "^| $s | .* | ok |" "$tmp/run/report.md" && ok || bad "report: stage $s not ok"
done
[ "$(ls "$tmp/run/contractor"/*.mp4 | wc -l)" -eq 2 ] && ok || bad "contractor episodes missing"
[ "$(ls "$tmp/run/web"/*.mp4 | wc -l)" -eq 2 ] && ok || bad "web episodes missing"
[ "$(ls "$tmp/run/web"/ep*.jsonl 2>/dev/null | wc -l)" -eq 0 ] && ok || bad "web corpus holds action logs"
[ "$(ls "$tmp/run/web/ground_truth"/*.jsonl | wc -l)" -eq 2 ] && ok || bad "ground truth missing"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['episodes']==2 and 'log' in d['items']" \
    "$tmp/run/eval.json" && ok || bad "eval.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['stages'])==9" \
    "$tmp/run/report.json" && ok || bad "report.json"
[ "$(ls "$tmp/run/frames"/*.png | wc -l)" -eq 2 ] && ok || bad "report frames missing"
# The IDM stages: a checkpoint, eval figures, a labelled dataset with one line per frame.
[ -s "$tmp/run/idm/idm.safetensors" ] && ok || bad "idm checkpoint missing"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['idm_eval']['frames']>0 and d['label']['vs_truth']['frames']==120" \
    "$tmp/run/report.json" && ok || bad "report.json idm figures"
[ "$(ls "$tmp/run/labeled"/ep*.jsonl | wc -l)" -eq 2 ] && ok || bad "labelled episodes missing"
grep -q "^## Inverse dynamics model" "$tmp/run/report.md" && ok || bad "report: idm section"
# The BC stage: a checkpoint, its loss curve and its episodes in the report.
[ -s "$tmp/run/bc/bc.safetensors" ] && [ "$(wc -l <"$tmp/run/bc/bc.metrics.jsonl")" -ge 1 ] && ok || bad "bc checkpoint/metrics missing"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['bc_eval']['episodes']==1" \
    "$tmp/run/report.json" && ok || bad "report.json bc_eval"
grep -q "^## Behavioral cloning" "$tmp/run/report.md" && ok || bad "report: bc section"
# The RL stage: a checkpoint fine-tuned from the BC one, one metrics line per update (64 steps of
# 2 envs x 32 = 1 update), the same episodes played after, a report section.
[ -s "$tmp/run/rl/rl.safetensors" ] && [ "$(wc -l <"$tmp/run/rl/metrics.jsonl")" -eq 1 ] && ok || bad "rl checkpoint/metrics missing"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['rl_eval']['episodes']==1" \
    "$tmp/run/report.json" && ok || bad "report.json rl_eval"
grep -q "^## RL fine-tuning" "$tmp/run/report.md" && ok || bad "report: rl section"

"$vpt" pipeline --out "$tmp/bad" --episodes 0 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q -- "--episodes" "$tmp/err" && [ ! -e "$tmp/bad" ] && ok || bad "bad --episodes: rc $rc"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
