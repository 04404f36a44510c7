#!/usr/bin/env bash
# test_window_modes.sh VPT RECORD_CHECK SRC_DIR: the window modes under a real X server
# (Xvfb via xvfb-run) with Mesa GL: each starts, runs scripted input, quits cleanly and
# leaves a screenshot; `record` driven by the input script writes an mp4 + jsonl whose
# actions equal the script and whose frame count equals its line count.
set -u
vpt="$1"; check="$2"; src="$3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
x() { xvfb-run -a -s "-screen 0 1280x720x24" "$@"; }

python3 "$src/make_script.py" "$tmp/script.jsonl" || bad "script generation"
n=$(wc -l < "$tmp/script.jsonl")

# play: scripted input, quits by itself at the end of the script, screenshot written
if x "$vpt" play --world flat --seed 1 --input "$tmp/script.jsonl" --screenshot "$tmp/play.png" \
    --no-vsync --quiet; then ok; else bad "play exited non-zero"; fi
[ -s "$tmp/play.png" ] && ok || bad "play wrote no screenshot"

# record: mp4 + jsonl equal to the script; an options file and a manifest line
if x "$vpt" record --world flat --seed 1 --input "$tmp/script.jsonl" --out "$tmp/rec" \
    --screenshot "$tmp/record.png" --no-vsync --quiet; then ok; else bad "record exited non-zero"; fi
name=$(ls "$tmp/rec" 2>/dev/null | grep '\.mp4$' | head -1); name="${name%.mp4}"
if [ -n "$name" ]; then
    ok
    "$check" "$tmp/script.jsonl" "$tmp/rec/$name.jsonl" "$tmp/rec/$name.mp4" && ok || bad "record_check"
    [ -s "$tmp/rec/$name-options.json" ] && ok || bad "no options file"
    grep -q "\"$name\"" "$tmp/rec/manifest.jsonl" && ok || bad "segment not in manifest.jsonl"
    frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames \
        -of csv=p=0 "$tmp/rec/$name.mp4")
    [ "$frames" = "$n" ] && ok || bad "ffprobe counts $frames frames, script has $n lines"
else
    bad "record wrote no segment"
fi

# segments: a 20-tick segment length splits the same run into several whole segments
if x "$vpt" record --world flat --seed 1 --input "$tmp/script.jsonl" --out "$tmp/seg" \
    --segment-ticks 20 --no-vsync --quiet; then ok; else bad "segmented record exited non-zero"; fi
segs=$(ls "$tmp/seg" | grep -c '\.mp4$')
[ "$segs" -eq $(( (n + 19) / 20 )) ] && ok || bad "expected $(( (n + 19) / 20 )) segments, got $segs"
total=0
for f in "$tmp/seg"/rec-*.jsonl; do total=$((total + $(wc -l < "$f"))); done
[ "$total" -eq "$n" ] && ok || bad "segments hold $total lines, script $n"

# record --upload: a real nginx with WebDAV PUT on 127.0.0.1. First the server is down: the
# segment stays local and unconfirmed. Then, with the server up, the next recording session
# uploads both (the queue is the manifest minus uploaded.jsonl, so it survives restarts) and
# nothing local is deleted.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/ng/www/up" "$tmp/ng/tmp"
cat > "$tmp/ng/nginx.conf" <<NGX
daemon off; master_process off; worker_processes 1; pid $tmp/ng/nginx.pid;
error_log $tmp/ng/error.log; events { worker_connections 32; }
http { access_log $tmp/ng/access.log; client_body_temp_path $tmp/ng/tmp;
  proxy_temp_path $tmp/ng/tmp; fastcgi_temp_path $tmp/ng/tmp; uwsgi_temp_path $tmp/ng/tmp;
  scgi_temp_path $tmp/ng/tmp; client_max_body_size 1g;
  server { listen 127.0.0.1:$port; root $tmp/ng/www;
    location /up/ { dav_methods PUT; create_full_put_path on;
      if (\$http_authorization != "Bearer tok") { return 401; } } } }
NGX
url="http://127.0.0.1:$port/up/"
x "$vpt" record --world flat --seed 4 --input "$tmp/script.jsonl" --out "$tmp/up" \
    --upload "$url" --token tok --no-vsync --quiet 2>"$tmp/up1.err"; rc=$?
[ $rc -eq 0 ] && ok || bad "record with the server down exited $rc"
n1=$(ls "$tmp/up" | grep -c '\.mp4$')
[ "$n1" -eq 1 ] && ok || bad "expected 1 local segment, got $n1"
! grep -qs rec- "$tmp/up/uploaded.jsonl" && ok || bad "a segment counts as uploaded with the server down"
nginx -p "$tmp/ng" -c "$tmp/ng/nginx.conf" -e "$tmp/ng/error.log" &
ngpid=$!
python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(100):
    try: socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); break
    except OSError: time.sleep(0.1)
PY
x "$vpt" record --world flat --seed 5 --input "$tmp/script.jsonl" --out "$tmp/up" \
    --upload "$url" --token tok --no-vsync --quiet 2>"$tmp/up2.err"; rc=$?
[ $rc -eq 0 ] && ok || bad "record with the server up exited $rc: $(cat "$tmp/up2.err")"
for f in "$tmp"/up/rec-*; do
    b=$(basename "$f")
    if cmp -s "$f" "$tmp/ng/www/up/$b"; then ok; else bad "$b not on the server (or differs)"; fi
    [ -f "$f" ] && ok || bad "$b deleted locally"
done
[ "$(grep -c rec- "$tmp/up/uploaded.jsonl")" -eq 2 ] && ok || bad "uploaded.jsonl does not list both segments"
kill $ngpid 2>/dev/null; wait $ngpid 2>/dev/null

# watch: a scripted agent alone (GL view + panel), then four random agents as tiles
if x "$vpt" watch --policy scripted:speedrunner --world default --seed 5 --quit-after-ticks 60 \
    --screenshot "$tmp/watch1.png" --no-vsync --renderer gl --quiet; then ok; else bad "watch scripted exited non-zero"; fi
[ -s "$tmp/watch1.png" ] && ok || bad "watch wrote no screenshot"
if x "$vpt" watch --policy random --agents 4 --world flat --seed 5 --quit-after-ticks 30 \
    --screenshot "$tmp/watch4.png" --no-vsync --quiet; then ok; else bad "watch random x4 exited non-zero"; fi
x "$vpt" watch --policy bogus --quit-after-ticks 5 --quiet 2>"$tmp/err"; rc=$?
[ $rc -ne 0 ] && grep -q "bogus" "$tmp/err" && ok || bad "unknown policy: rc $rc $(cat $tmp/err)"

# bad input: a missing script and a bad upload URL fail cleanly with exit 2
"$vpt" record --input "$tmp/nope.jsonl" --quiet 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "nope.jsonl" "$tmp/err" && ok || bad "missing --input: rc $rc"
"$vpt" record --upload ftp://x --quiet 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "upload" "$tmp/err" && ok || bad "bad --upload: rc $rc"
echo '{"keyboard": {"keys": []}, "mouse": {"dx": "left"}}' > "$tmp/badscript.jsonl"
x "$vpt" play --input "$tmp/badscript.jsonl" --quiet 2>"$tmp/err"; rc=$?
[ $rc -ne 0 ] && grep -q "badscript.jsonl:1" "$tmp/err" && ok || bad "malformed script: rc $rc $(cat $tmp/err)"
"$vpt" play --renderer vulkan --quiet 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "renderer" "$tmp/err" && ok || bad "bad --renderer: rc $rc"
# no display: a clear message and a non-zero exit, not a crash
DISPLAY= "$vpt" play --quit-after-ticks 1 --quiet 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -qi "display" "$tmp/err" && ok || bad "no display: rc $rc"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
