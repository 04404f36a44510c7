#!/bin/sh
# Regenerates the renderer's golden images (tests/data/render/*.png) from the current code:
# builds test_render and runs it with VPT_RENDER_REGEN=1. Look at the images before committing.
set -e
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
cmake -S "$ROOT" -B "$BUILD" >/dev/null
cmake --build "$BUILD" -j2 --target test_render
cd "$BUILD/tests/render" && VPT_RENDER_REGEN=1 ./test_render
