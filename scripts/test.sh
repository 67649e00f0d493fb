#!/usr/bin/env bash
# The project's test command (README "Run the tests"; .ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-tools.sh
export PATH="$PWD/.tools/bin:$PATH"

# Supply chain (deny.toml): advisories, licences, bans and sources of the whole crate graph.
# `cargo fetch` first, so cargo-deny reads every platform's crates without going online itself.
cargo fetch --locked --quiet
deny_checks=(advisories bans licenses sources)
if ! cargo deny fetch db; then
  # The RustSec database is a git repository on GitHub; no package registry ships it.
  if compgen -G "${CARGO_HOME:-$HOME/.cargo}/advisory-dbs/advisory-db-*/crates" >/dev/null; then
    echo "test: cannot update the RustSec advisory database; checking against the cached copy" >&2
  else
    echo "test: NOTICE: the RustSec advisory database cannot be fetched and none is cached:" >&2
    echo "test: NOTICE: known-vulnerability advisories are NOT checked in this run" >&2
    deny_checks=(bans licenses sources)
  fi
fi
cargo deny --offline check "${deny_checks[@]}"

cargo build --workspace --all-targets
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
cargo test --workspace --doc

# The benchmark's quick mode as a smoke test (README "Benchmarks"), on the debug build the tests
# used: every part must run to the end and write its report; no time is asserted.
"${CARGO_TARGET_DIR:-target}/debug/bench" all --quick --bin-dir "${CARGO_TARGET_DIR:-target}/debug" \
  --out "${CARGO_TARGET_DIR:-target}/bench-quick.md"
