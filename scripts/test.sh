#!/usr/bin/env bash
# The project's test command (README "Run the tests"; .ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-tools.sh
export PATH="$PWD/.tools/bin:$PATH"
cargo build --workspace --all-targets
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
cargo test --workspace --doc
