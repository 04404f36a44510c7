#!/bin/sh
# test_render_cli.sh: `vpt render` end to end: a PNG is written for good input; bad flags,
# presets and GUI names fail with a message naming the flag, a non-zero exit and no file.
set -u
VPT="$1"
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
fail=0
expect() { # expect CODE PATTERN -- args...
    code=$1; pat=$2; shift 3
    "$VPT" "$@" >"$DIR/out" 2>&1
    rc=$?
    if [ $rc -ne "$code" ] || ! grep -q -- "$pat" "$DIR/out"; then
        echo "FAIL: vpt $* -> rc $rc (want $code), output:"; cat "$DIR/out"; fail=1
    fi
}
"$VPT" render --world flat --seed 1 --size 96x54 --out "$DIR/ok.png" --quiet || { echo "FAIL: render"; fail=1; }
[ -s "$DIR/ok.png" ] && head -c 8 "$DIR/ok.png" | od -c | grep -q "P   N   G" || { echo "FAIL: no PNG written"; fail=1; }
"$VPT" render --world flat --pose 0.5,5,0.5,90,10 --gui crafting_table --size 64x64 --out "$DIR/gui.png" --quiet || { echo "FAIL: gui render"; fail=1; }
[ -s "$DIR/gui.png" ] || { echo "FAIL: no GUI PNG"; fail=1; }
expect 2 "size" -- render --world flat --size 64by64 --out "$DIR/a.png"
expect 2 "pose" -- render --world flat --pose 1,2,3 --out "$DIR/b.png"
expect 2 "pose" -- render --world flat --pose 0,70,0,0,120 --out "$DIR/c.png"
expect 2 "gui" -- render --world flat --gui chest --out "$DIR/d.png"
expect 1 "world" -- render --world no-such-preset --out "$DIR/e.png"
expect 2 "give" -- render --world flat --give no_such_item:3 --out "$DIR/g.png"
expect 2 "give" -- render --world flat --give stick:lots --out "$DIR/h.png"
expect 2 "out" -- render --world flat
expect 1 "" -- render --world flat --size 32x32 --out "$DIR/missing/dir/f.png"
# bench render --size: one size, fixed work, one JSON object; a bad size names the flag
"$VPT" bench render --size 8x8 --rounds 1 >"$DIR/bench.json" 2>&1 &&
    grep -q '"size": "8x8", "fps": [0-9]' "$DIR/bench.json" || { echo "FAIL: bench render --size"; cat "$DIR/bench.json"; fail=1; }
grep -q '"walk": "\(avx512\|scalar\)"' "$DIR/bench.json" || { echo "FAIL: bench render walk"; fail=1; }
# --scalar takes the scalar walk, with the same pixels (the five views, dumped by both)
mkdir -p "$DIR/simd" "$DIR/scalar"
"$VPT" bench render --size 24x16 --rounds 1 --dump "$DIR/simd" >/dev/null 2>&1 &&
    "$VPT" bench render --size 24x16 --rounds 1 --scalar --dump "$DIR/scalar" >"$DIR/scalar.json" 2>&1 ||
    { echo "FAIL: bench render --dump / --scalar"; fail=1; }
grep -q '"walk": "scalar"' "$DIR/scalar.json" || { echo "FAIL: --scalar walk"; cat "$DIR/scalar.json"; fail=1; }
for v in 0 1 2 3 4; do
    cmp -s "$DIR/simd/view_$v.png" "$DIR/scalar/view_$v.png" || { echo "FAIL: view $v differs between walks"; fail=1; }
done
expect 2 "size" -- bench render --size 64by64
expect 2 "size" -- bench render --size 0x8
for f in a b c d e g h; do [ -e "$DIR/$f.png" ] && { echo "FAIL: $f.png written"; fail=1; }; done
[ $fail -eq 0 ] && echo "test_render_cli: ok"
exit $fail
