#!/usr/bin/env bash
# regen.sh [BUILD_DIR]: rewrites tests/data/sim/chunk_hashes.txt (SHA-256 of generated chunks
# for a few generators, seeds and coordinates) after an intended generator change.
set -eu
build="${1:-build}"
VPT_REGEN_GOLDEN=1 "$build/tests/sim/test_sim_world"
git -C "$(dirname "$0")" diff --stat -- chunk_hashes.txt || true
