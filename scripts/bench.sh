#!/usr/bin/env bash
# The benchmark command (docs/benchmarks.md): builds the release binaries, makes sure the tools
# exist (scripts/setup-tools.sh: linode_api4 in .tools/venv), then runs `bench all`, which
# measures everything in one run, prints the tables and writes docs/benchmarks.md and
# docs/benchmarks.svg.
#
#   scripts/bench.sh                  # the full run (about 10 minutes on 2 cores, after the build)
#   scripts/bench.sh --quick          # a smoke run with small sizes, written to target/bench-quick.md
#   scripts/bench.sh --only sdk       # one part (provider, sdk, platform, footprint), repeatable
#
# Other options of `bench all` pass through (see `target/release/bench all --help`), e.g.
# --terraform PATH (default: `terraform` on PATH), --counts 100,500,1000, --plan-reps 3.
# BENCH_OUT overrides where the report goes. Nothing here is part of the test suite.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

out="${BENCH_OUT:-docs/benchmarks.md}"
for arg in "$@"; do
  if [ "$arg" = "--quick" ] && [ -z "${BENCH_OUT:-}" ]; then
    out="target/bench-quick.md"
  fi
done

bash scripts/setup-tools.sh
cargo build --release -p terraform-provider-linode -p linode-mock -p bench
# tfplugin's smallest provider: the one-resource plan's floor (what any plugin process costs).
cargo build --release -p tfplugin --example hello_provider
bin="${CARGO_TARGET_DIR:-$root/target}/release"
exec "$bin/bench" all --out "$out" "$@"
