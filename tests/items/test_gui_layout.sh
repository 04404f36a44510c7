#!/usr/bin/env bash
# test_gui_layout.sh VPT: `vpt gui-layout --screen NAME` prints the layout JSON; bad or missing
# screens are usage errors naming the flag.
set -u
vpt="$1"
fails=0
check() { # check DESCRIPTION COMMAND...
    local what="$1"; shift
    if "$@"; then :; else echo "FAIL: $what"; fails=$((fails+1)); fi
}
out=$("$vpt" gui-layout --screen inventory); rc=$?
check "inventory exits 0" [ "$rc" = 0 ]
check "inventory is JSON with 36 inventory slots, 4 grid cells, 12 recipe buttons" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
kinds = [e["kind"] for e in d["elements"]]
assert d["screen"] == "inventory" and d["width"] == 640 and d["height"] == 360
assert kinds.count("inventory") == 36 and kinds.count("grid") == 4 and kinds.count("recipe") == 12
assert kinds.count("output") == 1 and "recipe_book" in d
' "$out"
out=$("$vpt" gui-layout --screen crafting_table)
check "crafting table has a 3x3 grid" python3 -c '
import json, sys
d = json.loads(sys.argv[1]); assert d["grid_width"] == 3
assert [e["kind"] for e in d["elements"]].count("grid") == 9' "$out"
out=$("$vpt" gui-layout --screen furnace)
check "furnace has input, fuel, output" python3 -c '
import json, sys
k = [e["kind"] for e in json.loads(sys.argv[1])["elements"]]
assert all(x in k for x in ("furnace_input", "furnace_fuel", "furnace_output"))' "$out"
err=$("$vpt" gui-layout --screen chest 2>&1); rc=$?
check "unknown screen exits 2" [ "$rc" = 2 ]
check "unknown screen names the flag" grep -q -- "--screen: bad value 'chest'" <<<"$err"
err=$("$vpt" gui-layout 2>&1); rc=$?
check "missing screen exits 2" [ "$rc" = 2 ]
[ "$fails" -eq 0 ] && echo "gui-layout: all checks passed"
[ "$fails" -eq 0 ]
