#!/usr/bin/env python3
"""Packs terraform-provider-linode binaries the way a provider registry serves them.

Used by scripts/release.sh (and through it by the demo and the acceptance tests). Given a version
and one binary per platform, it writes into OUT:

  terraform-provider-linode_VERSION_OS_ARCH.zip      the binary as terraform-provider-linode_vVERSION
  terraform-provider-linode_VERSION_manifest.json    plugin protocol version 6.0
  terraform-provider-linode_VERSION_SHA256SUMS       `sha256sum -c` checks the zips and the manifest
  mirror/registry.terraform.io/linode-rs/linode/VERSION/OS_ARCH/terraform-provider-linode_vVERSION
                                                     a filesystem mirror (unpacked layout)
  network-mirror/registry.terraform.io/linode-rs/linode/{index.json,VERSION.json,*.zip}
                                                     the files of a network mirror (zh: hashes)

Zips are reproducible: fixed entry order, permissions and timestamp (SOURCE_DATE_EPOCH when set).
Standard library only.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import time
import zipfile

HOSTNAME = "registry.terraform.io"
NAMESPACE = "linode-rs"
TYPE = "linode"
PROTOCOL_VERSIONS = ["6.0"]
VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$")
PLATFORM_RE = re.compile(r"^[a-z0-9]+_[a-z0-9]+$")


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def zip_timestamp():
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # default 1980-01-01
    return time.gmtime(max(epoch, 315532800))[:6]


def write_zip(path, entry_name, binary):
    info = zipfile.ZipInfo(entry_name, date_time=zip_timestamp())
    info.external_attr = 0o100755 << 16  # a regular, executable file once unpacked
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so unzip and Terraform honour the mode
    tmp = path + ".tmp"
    with open(binary, "rb") as src, zipfile.ZipFile(tmp, "w") as zf:
        with zf.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    os.replace(tmp, path)


def link_or_copy(src, dst):
    if os.path.exists(dst):
        os.remove(dst)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", required=True, help="release version, e.g. 0.2.0")
    parser.add_argument("--out", required=True, help="output folder (created)")
    parser.add_argument(
        "binaries", nargs="+", metavar="OS_ARCH=BINARY", help="a platform and its provider binary"
    )
    args = parser.parse_args()
    version = args.version
    if not VERSION_RE.match(version):
        sys.exit(f"package-provider: {version!r} is not a version like 1.2.3 or 1.2.3-rc.1")

    platforms = []
    for item in args.binaries:
        platform, sep, binary = item.partition("=")
        if not sep or not PLATFORM_RE.match(platform):
            sys.exit(f"package-provider: {item!r} is not OS_ARCH=BINARY (e.g. linux_amd64=target/release/...)")
        if not os.path.isfile(binary):
            sys.exit(f"package-provider: {binary} does not exist")
        platforms.append((platform, binary))

    out = args.out
    base = f"terraform-provider-{TYPE}_{version}"
    mirror = os.path.join(out, "mirror", HOSTNAME, NAMESPACE, TYPE)
    network = os.path.join(out, "network-mirror", HOSTNAME, NAMESPACE, TYPE)
    os.makedirs(network, exist_ok=True)

    archives = {}
    for platform, binary in platforms:
        exe = f"terraform-provider-{TYPE}_v{version}" + (".exe" if platform.startswith("windows_") else "")
        zip_name = f"{base}_{platform}.zip"
        zip_path = os.path.join(out, zip_name)
        write_zip(zip_path, exe, binary)
        unpacked = os.path.join(mirror, version, platform)
        os.makedirs(unpacked, exist_ok=True)
        shutil.copyfile(binary, os.path.join(unpacked, exe))
        os.chmod(os.path.join(unpacked, exe), 0o755)
        link_or_copy(zip_path, os.path.join(network, zip_name))
        archives[platform] = {"url": zip_name, "hashes": [f"zh:{sha256_file(zip_path)}"]}

    manifest = f"{base}_manifest.json"
    write_json(os.path.join(out, manifest), {"version": 1, "metadata": {"protocol_versions": PROTOCOL_VERSIONS}})

    # Every archive of this version in OUT (an earlier run may have added other platforms).
    names = sorted(n for n in os.listdir(out) if n.startswith(f"{base}_") and n.endswith(".zip"))
    with open(os.path.join(out, f"{base}_SHA256SUMS"), "w") as f:
        for name in names + [manifest]:
            f.write(f"{sha256_file(os.path.join(out, name))}  {name}\n")

    # VERSION.json keeps platforms packed earlier for the same version.
    version_json = os.path.join(network, f"{version}.json")
    if os.path.exists(version_json):
        with open(version_json) as f:
            previous = json.load(f).get("archives", {})
        archives = {**previous, **archives}
    write_json(version_json, {"archives": archives})
    versions = sorted(n[:-5] for n in os.listdir(network) if n.endswith(".json") and VERSION_RE.match(n[:-5]))
    write_json(os.path.join(network, "index.json"), {"versions": {v: {} for v in versions}})

    for platform, _ in platforms:
        print(f"packed {base}_{platform}.zip ({archives[platform]['hashes'][0]})")


if __name__ == "__main__":
    main()
