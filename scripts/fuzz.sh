#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for SECONDS each (default 60); not part of CI.
#
#   scripts/fuzz.sh [SECONDS]
#
# Installs cargo-fuzz from crates.io when it is missing. The toolchain here is stable, so the
# targets are built with `--sanitizer none`: libFuzzer's coverage instrumentation uses stable
# `-C` flags only, while AddressSanitizer needs `-Zsanitizer` (nightly, or RUSTC_BOOTSTRAP=1 on
# stable). The code under test forbids `unsafe`, so what the fuzzers hunt are panics, arithmetic
# overflow (`-a`: debug assertions and overflow checks in the optimised build), stack overflow,
# runaway memory and broken round trips; ASan would add little for twice the time. Set
# FUZZ_SANITIZER=address to try it anyway (it sets RUSTC_BOOTSTRAP=1 for that build).
#
# The committed corpus, fuzz/corpus/<target>/, is read only: libFuzzer writes new inputs, and
# shrinks inputs in place, in its first folder, so that is fuzz/new-corpus/<target>/ (git-ignored).
# To keep what it found, merge it into the committed corpus (only inputs that add coverage):
# `target/<host>/release/<target> -merge=1 corpus/<target> new-corpus/<target>`. A crash is
# written to fuzz/artifacts/<target>/ and the script exits non-zero. Copy a crash into fuzz/regressions/<target>/ once fixed: the
# normal test suite replays the corpus and the regressions (tfplugin's tests/it/fuzz_corpus.rs,
# linode-sdk's and linode-mock's tests/fuzz_corpus.rs).
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz (crates.io)"
  cargo install cargo-fuzz --locked
fi

sanitizer="${FUZZ_SANITIZER:-none}"
if [[ "$sanitizer" != none ]]; then
  export RUSTC_BOOTSTRAP=1
fi
# fuzz/ is its own workspace with its own target folder: a CARGO_TARGET_DIR meant for the root
# workspace would mix instrumented and normal builds.
unset CARGO_TARGET_DIR
cargo fuzz build --sanitizer "$sanitizer" -a
bin="target/$(rustc -vV | sed -n 's/^host: //p')/release"

failed=()
for target in $(cargo fuzz list); do
  mkdir -p "corpus/$target" "new-corpus/$target" "artifacts/$target"
  echo "== $target: ${seconds}s"
  if "$bin/$target" "new-corpus/$target" "corpus/$target" "-artifact_prefix=artifacts/$target/" \
      "-max_total_time=$seconds" -rss_limit_mb=2048 -print_final_stats=1 2>"artifacts/$target.log"; then
    grep -E '^stat::number_of_executed_units|^Done' "artifacts/$target.log" || true
  else
    echo "!! $target failed: see fuzz/artifacts/$target.log and fuzz/artifacts/$target/"
    failed+=("$target")
  fi
done

if (( ${#failed[@]} )); then
  echo "crashes in: ${failed[*]}"
  exit 1
fi
echo "every target ran ${seconds}s without a crash"
