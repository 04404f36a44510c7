#!/usr/bin/env bash
# test_window_xinput.sh VPT: real X11 input (xdotool, through the X server, not SDL's queue)
# drives `vpt record` under Xvfb: keys held by a "person" reach the recording, Escape opens the
# pause menu (the game and the recording stop), and Return in the menu stops and saves a whole
# segment (mp4 frames = jsonl lines, listed in the manifest).
set -u
vpt="$1"
tmp=$(mktemp -d)
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }

# Our own Xvfb on a free display number.
for n in $(seq 90 130); do [ -e /tmp/.X$n-lock ] || { disp=":$n"; break; }; done
Xvfb "$disp" -screen 0 1280x720x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xpid=$!
trap 'kill $vpid 2>/dev/null; kill $xpid 2>/dev/null; rm -rf "$tmp"' EXIT
export DISPLAY="$disp"
for i in $(seq 50); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

"$vpt" record --world flat --seed 2 --out "$tmp/rec" --no-vsync --quiet 2>"$tmp/err" &
vpid=$!
win=""
for i in $(seq 100); do
    win=$(xdotool search --name '^vpt$' 2>/dev/null | head -1)
    [ -n "$win" ] && break
    sleep 0.1
done
[ -n "$win" ] && ok || bad "no vpt window appeared"
xdotool windowfocus --sync "$win" 2>/dev/null
sleep 1
xdotool keydown --window "$win" w; sleep 1; xdotool keyup --window "$win" w
sleep 0.5
xdotool key --window "$win" Escape          # pause menu: no more ticks
sleep 1
lines_paused=$(cat "$tmp"/rec/rec-*.jsonl 2>/dev/null | wc -l)
kill -0 $vpid 2>/dev/null && ok || bad "record quit on Escape (it should pause)"
xdotool key --window "$win" Return          # stop and save
for i in $(seq 100); do kill -0 $vpid 2>/dev/null || break; sleep 0.1; done
if kill -0 $vpid 2>/dev/null; then bad "record still running after Return"; kill $vpid; fi
wait $vpid; rc=$?
[ $rc -eq 0 ] && ok || bad "record exited $rc: $(cat "$tmp/err")"
jsonl=$(ls "$tmp"/rec/rec-*.jsonl 2>/dev/null | head -1)
if [ -n "$jsonl" ]; then
    n=$(wc -l < "$jsonl")
    [ "$n" -gt 5 ] && ok || bad "only $n lines recorded"
    grep -q '"key.keyboard.w"' "$jsonl" && ok || bad "the held W key is not in the recording"
    [ "$n" -le $((lines_paused + 20)) ] && ok || bad "ticks went on while paused ($lines_paused -> $n)"
    ! grep -q '"key.keyboard.escape"' "$jsonl" && ok || bad "the menu's Escape reached the game"
    mp4="${jsonl%.jsonl}.mp4"
    frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames \
        -of csv=p=0 "$mp4")
    [ "$frames" = "$n" ] && ok || bad "video has $frames frames, log $n lines"
    grep -q "$(basename "${jsonl%.jsonl}")" "$tmp/rec/manifest.jsonl" && ok || bad "segment not in manifest"
else
    bad "no segment written"
fi
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
