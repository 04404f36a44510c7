#!/usr/bin/env bash
# test_replay.sh VPT SRC: `vpt replay` end to end: a VPT action log (full and minimal lines)
# through the flat preset, the per-tick trace (one line per tick with the documented fields, a
# log mined and picked up), the same hash on a second run, and malformed input failing with
# the line number and no trace file left behind.
set -u
vpt="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails+1)); }

# preset: a log in front of the player
cat > "$tmp/world.json" <<'JSON'
{"generator": "flat", "blocks": [{"pos": [0, 5, 1], "block": "oak_log"}],
 "spawn": {"x": 0.5, "z": 0.2}, "fixed_time": true, "mobs": false}
JSON
# 2 ticks of a full VPT line, 62 minimal lines holding attack, then 30 idle ticks
{
  echo '{"mouse":{"x":320,"y":180,"dx":0,"dy":0,"scaledX":0,"scaledY":0,"dwheel":0,"buttons":[],"newButtons":[]},"keyboard":{"keys":[],"newKeys":[],"chars":""},"isGuiOpen":false,"isGuiInventory":false,"hotbar":0,"yaw":0,"pitch":0,"xpos":0.5,"ypos":4,"zpos":0.2,"tick":0,"milli":0,"inventory":[],"stats":{}}'
  echo '{"mouse":{"dx":0,"dy":0,"buttons":[]},"keyboard":{"keys":["key.keyboard.f3"]}}'
  for i in $(seq 62); do echo '{"keyboard":{"keys":[]},"mouse":{"dx":0,"dy":0,"buttons":[0]}}'; done
  echo ''
  for i in $(seq 30); do echo '{"keyboard":{"keys":["key.keyboard.w"]},"mouse":{"dx":0,"dy":0,"buttons":[]}}'; done
} > "$tmp/actions.jsonl"

out=$("$vpt" replay --world "$tmp/world.json" --seed 3 --actions "$tmp/actions.jsonl" --trace "$tmp/trace.jsonl" 2>&1) || fail "replay failed: $out"
grep -q '"ticks": 94' <<<"$out" || fail "summary: $out"
[ "$(wc -l < "$tmp/trace.jsonl")" = 94 ] || fail "trace has $(wc -l < "$tmp/trace.jsonl") lines, expected 94"
line1=$(head -1 "$tmp/trace.jsonl")
for f in tick x y z vx vy vz yaw pitch on_ground in_water health hotbar target break_progress inventory events; do
  grep -q "\"$f\":" <<<"$line1" || fail "trace line lacks $f: $line1"
done
grep -q '"target":{"x":0,"y":5,"z":1,"block":"oak_log","face":"north"}' <<<"$line1" || fail "target: $line1"
# the log breaks on the 60th tick of attack (trace tick 62) and is picked up later
sed -n 62p "$tmp/trace.jsonl" | grep -q '"type":"mined","item":"oak_log"' || fail "no mined event at tick 62: $(sed -n 62p "$tmp/trace.jsonl")"
grep -q '"type":"picked_up","item":"oak_log","count":1' "$tmp/trace.jsonl" || fail "log never picked up"
tail -1 "$tmp/trace.jsonl" | grep -q '"inventory":\[{"slot":0,"type":"oak_log","quantity":1}\]' || fail "final inventory: $(tail -1 "$tmp/trace.jsonl")"
# deterministic
out2=$("$vpt" replay --world "$tmp/world.json" --seed 3 --actions "$tmp/actions.jsonl" 2>&1)
[ "$out" = "$out2" ] || fail "second run differs: $out vs $out2"
# presets by name from worlds/
(cd "$src" && "$vpt" replay --world flat --actions "$tmp/actions.jsonl" >/dev/null 2>&1) || fail "--world flat by name"

# malformed lines: line number, non-zero exit, no trace file
printf '{"keyboard":{"keys":[]}}\n{"keyboard":{"keys":[]}\n' > "$tmp/bad1.jsonl"
out=$("$vpt" replay --world "$tmp/world.json" --actions "$tmp/bad1.jsonl" --trace "$tmp/t1.jsonl" 2>&1) && fail "bad json accepted"
grep -q "bad1.jsonl:2" <<<"$out" || fail "no line number: $out"
[ ! -e "$tmp/t1.jsonl" ] || fail "trace left behind after failure"
printf '{"keyboard":{"keys":[]}}\n{"keyboard":{"keys":[]}}\n{"mouse":{"dx":"left"}}\n' > "$tmp/bad2.jsonl"
out=$("$vpt" replay --world "$tmp/world.json" --actions "$tmp/bad2.jsonl" --trace "$tmp/t2.jsonl" 2>&1) && fail "bad field accepted"
grep -q "bad2.jsonl:3: field 'mouse.dx'" <<<"$out" || fail "no field message: $out"
[ ! -e "$tmp/t2.jsonl" ] || fail "trace left behind after failure"
printf '{"keyboard":{"keys":"w"}}\n' > "$tmp/bad3.jsonl"
out=$("$vpt" replay --world "$tmp/world.json" --actions "$tmp/bad3.jsonl" 2>&1) && fail "keys string accepted"
grep -q "bad3.jsonl:1: field 'keyboard.keys'" <<<"$out" || fail "keys message: $out"
# bad preset and flags
echo '{"generator": "flat", "spawn": {"pitch": 120}}' > "$tmp/badworld.json"
out=$("$vpt" replay --world "$tmp/badworld.json" --actions "$tmp/actions.jsonl" 2>&1) && fail "bad preset accepted"
grep -q "field 'pitch'" <<<"$out" || fail "preset message: $out"
out=$("$vpt" replay --world nonexistent --actions "$tmp/actions.jsonl" 2>&1); rc=$?
[ $rc = 2 ] && grep -q "no preset file" <<<"$out" || fail "missing preset: rc $rc $out"
out=$("$vpt" replay --world "$tmp/world.json" 2>&1); rc=$?
[ $rc = 2 ] || fail "missing --actions: rc $rc"
out=$("$vpt" replay --world "$tmp/world.json" --actions "$tmp/nope.jsonl" 2>&1) && fail "missing actions file accepted"

# the benchmark runs and prints one JSON object with its figures
out=$("$vpt" bench sim --ticks 2000 --chunks 10 --threads 1 2>&1) || fail "bench sim failed: $out"
for f in ticks_per_s chunks_per_s bytes_per_chunk reset_ms batch_ticks_per_s; do
  grep -q "\"$f\": [0-9]" <<<"$out" || fail "bench sim lacks $f: $out"
done

if [ $fails -gt 0 ]; then echo "$fails failed"; exit 1; fi
echo "all replay checks passed"
