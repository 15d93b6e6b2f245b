#!/usr/bin/env bash
# Builds the same generated content with pocketguide, Hugo and mdBook and
# prints wall time and peak memory side by side (median of RUNS runs).
#
#   benches/compare.sh            # sizes 1, 10 and 50 corridors, 5 runs each
#   RUNS=3 SIZES="1 10" benches/compare.sh
#   TMPDIR=/dev/shm benches/compare.sh   # sources and output in memory:
#                                        # measures the tools, not the disk
#
# Installs what is missing: hugo (Debian package), mdbook (cargo install),
# GNU time (Debian package `time`, for peak memory).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v hugo >/dev/null || need_apt+=(hugo)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v mdbook >/dev/null || cargo install mdbook --locked --quiet

cargo build --release --quiet
cargo build --release --quiet --example gen_site
exec python3 benches/compare.py "$@"
