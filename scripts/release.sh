#!/usr/bin/env bash
# The release command (README "Install"):
#
#   scripts/release.sh VERSION
#     1. makes VERSION the workspace's one version ([workspace.package] and the versions of the
#        internal dependencies in Cargo.toml; Cargo.lock follows), when it is not already;
#     2. builds the provider in release mode, recording the commit for `--version`
#        (LINODE_BUILD_COMMIT; `-dirty` when the work tree has changes);
#     3. writes dist/ in a provider registry's layout: the zip per platform, SHA256SUMS,
#        manifest.json, a filesystem mirror (dist/mirror) and a network mirror (dist/network-mirror);
#     4. checks dist/ with `sha256sum -c`.
#
#   scripts/release.sh --bump-only VERSION
#     step 1 only (then commit, tag, and run the full command on the tagged commit).
#
#   scripts/release.sh --package-only --binary PATH [--platform OS_ARCH] VERSION
#     packs an existing binary (no bump, no build): the demo and the acceptance tests use it with
#     the debug build.
#
# CHANGELOG.md must have a section for VERSION (not needed with --package-only).
#
# Options: --out DIR (default dist), --target TRIPLE (repeatable: more platforms, for targets the
# machine can build; default the host).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

out="" package_only=0 bump_only=0 binary="" platform="" targets=() version=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    --package-only) package_only=1; shift ;;
    --bump-only) bump_only=1; shift ;;
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --platform) platform="${2:?--platform needs OS_ARCH}"; shift 2 ;;
    --target) targets+=("${2:?--target needs a target triple}"); shift 2 ;;
    -h|--help) usage ;;
    -*) echo "release: unknown option $1" >&2; usage ;;
    *) [ -z "$version" ] || usage; version="$1"; shift ;;
  esac
done
[ -n "$version" ] || usage
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "release: '$version' is not a version like 1.2.3 or 1.2.3-rc.1" >&2
  exit 2
fi
out="${out:-$root/dist}"

# Terraform's OS_ARCH for a Rust target triple.
platform_of() {
  local os arch
  case "$1" in
    *-linux-*) os=linux ;; *-apple-darwin) os=darwin ;; *-windows-*) os=windows ;;
    *-freebsd) os=freebsd ;; *) echo "release: no Terraform platform for $1" >&2; return 1 ;;
  esac
  case "$1" in
    x86_64-*) arch=amd64 ;; aarch64-*) arch=arm64 ;; i686-*|i586-*) arch=386 ;; arm*) arch=arm ;;
    *) echo "release: no Terraform architecture for $1" >&2; return 1 ;;
  esac
  echo "${os}_${arch}"
}
host="$(rustc -vV | sed -n 's/^host: //p')"

if [ "$package_only" = 1 ]; then
  [ -n "$binary" ] || { echo "release: --package-only needs --binary PATH" >&2; exit 2; }
  exec python3 "$root/scripts/tools/package-provider.py" --version "$version" --out "$out" \
    "${platform:-$(platform_of "$host")}=$binary"
fi

cd "$root"
if ! grep -q "^## \[$version\]" CHANGELOG.md; then
  echo "release: CHANGELOG.md has no section '## [$version]': write the release notes first" >&2
  exit 1
fi
current="$(sed -n '/^\[workspace.package\]/,/^\[/ s/^version = "\(.*\)"/\1/p' Cargo.toml)"
if [ "$current" != "$version" ]; then
  echo "release: workspace version $current -> $version" >&2
  sed -i -E \
    -e '/^\[workspace.package\]/,/^\[/ s/^version = "[^"]*"/version = "'"$version"'"/' \
    -e 's/^(linode-sdk|linode-mock|tfplugin) = \{ path = "([^"]*)", version = "[^"]*"/\1 = { path = "\2", version = "'"$version"'"/' \
    Cargo.toml
  # Only the workspace's own entries of Cargo.lock change.
  cargo update --workspace --offline --quiet 2>/dev/null || cargo update --workspace --quiet
fi
if [ "$bump_only" = 1 ]; then
  echo "release: the workspace version is $version; commit it, then run scripts/release.sh $version" >&2
  exit 0
fi

commit="unknown"
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  commit="$(git -C "$root" rev-parse --short=12 HEAD)"
  if [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]; then
    commit="$commit-dirty"
    echo "release: the work tree has uncommitted changes; the binaries say commit $commit" >&2
  fi
fi
export LINODE_BUILD_COMMIT="$commit"

[ ${#targets[@]} -gt 0 ] || targets=("$host")
target_dir="${CARGO_TARGET_DIR:-$root/target}"
pairs=()
for target in "${targets[@]}"; do
  plat="$(platform_of "$target")"
  if [ "$target" = "$host" ]; then
    cargo build --release --locked -p terraform-provider-linode
    bin="$target_dir/release/terraform-provider-linode"
  else
    cargo build --release --locked -p terraform-provider-linode --target "$target"
    bin="$target_dir/$target/release/terraform-provider-linode"
  fi
  [ "${plat%%_*}" != windows ] || bin="$bin.exe"
  pairs+=("$plat=$bin")
done

mkdir -p "$out"
python3 scripts/tools/package-provider.py --version "$version" --out "$out" "${pairs[@]}"
(cd "$out" && sha256sum -c "terraform-provider-linode_${version}_SHA256SUMS")
for target in "${targets[@]}"; do
  [ "$target" != "$host" ] || "$target_dir/release/terraform-provider-linode" --version
done
echo "release: $out is ready (see README \"Install\" for using its mirrors)"
