#!/usr/bin/env bash
# Packs one built lakeops binary into the release tarball for its target, and its checksum:
#
#   dist/package.sh BINARY TARGET [OUT_DIR]
#
# writes OUT_DIR/lakeops-<version>-<target>.tar.gz (OUT_DIR defaults to the cargo target directory's
# dist/), holding one folder, lakeops-<version>-<target>/, with the binary, completions/ (bash, zsh,
# fish), man/lakeops.1, README.md, LICENSE when there is one, and the example profiles/ and themes/;
# and beside it <tarball>.sha256 in sha256sum's format. The release workflow and tests/install.rs
# both call this script, so the layout that install.sh and `cargo binstall` (bin-dir in Cargo.toml)
# unpack is written here and nowhere else. docs/install.md describes it.
#
# The binary is published without its symbol table: the dist profile keeps it, for the link order
# (dist/link_order.py reads it), and this script strips the copy it packs.
#
# The completions and the man page come from running the binary. When it cannot run here (built
# for another platform), LAKEOPS_DOCS_BIN names a lakeops of the same version that can.
set -euo pipefail

usage() {
  echo "usage: dist/package.sh BINARY TARGET [OUT_DIR]" >&2
  echo "  e.g. dist/package.sh target/x86_64-unknown-linux-musl/dist/lakeops x86_64-unknown-linux-musl" >&2
}

if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
  usage
  exit 2
fi
binary=$1
target=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${3:-${CARGO_TARGET_DIR:-$repo/target}/dist}

fail() {
  echo "package.sh: $*" >&2
  exit 1
}

case "$target" in
  *[!A-Za-z0-9_.-]* | "") fail "'$target' is not a target triple (like x86_64-unknown-linux-musl)" ;;
esac
if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then
  fail "$binary is not an executable file"
fi

version=$(awk -F'"' '/^\[/ { section = $0 } section == "[package]" && /^version *=/ { print $2; exit }' "$repo/Cargo.toml")
[ -n "$version" ] || fail "cannot read the package version in $repo/Cargo.toml"

docs_bin=${LAKEOPS_DOCS_BIN:-$binary}
said=$("$docs_bin" --version 2>/dev/null) || fail "cannot run $docs_bin here to write the completions and the man page; set LAKEOPS_DOCS_BIN to a lakeops $version that runs on this machine"
[ "$said" = "lakeops $version" ] || fail "$docs_bin says '$said' but Cargo.toml says version $version: package the binary built from this checkout"
if [ "$docs_bin" != "$binary" ] && said=$("$binary" --version 2>/dev/null) && [ "$said" != "lakeops $version" ]; then
  fail "$binary says '$said' but Cargo.toml says version $version"
fi

name="lakeops-$version-$target"
mkdir -p "$out"
out=$(cd "$out" && pwd)
staging=$(mktemp -d "${TMPDIR:-/tmp}/lakeops-package.XXXXXX")
trap 'rm -rf "$staging"' EXIT
dir="$staging/$name"
mkdir -p "$dir/completions" "$dir/man" "$dir/profiles" "$dir/themes"

cp "$binary" "$dir/lakeops"
chmod 755 "$dir/lakeops"
command -v strip >/dev/null 2>&1 || fail "strip is not installed (binutils, or Xcode's command line tools)"
strip "$dir/lakeops" || fail "cannot strip $binary"
"$docs_bin" completions bash >"$dir/completions/lakeops.bash"
"$docs_bin" completions zsh >"$dir/completions/_lakeops"
"$docs_bin" completions fish >"$dir/completions/lakeops.fish"
"$docs_bin" manpage >"$dir/man/lakeops.1"
for file in README.md LICENSE LICENSE-APACHE LICENSE-MIT NOTICE; do
  if [ -f "$repo/$file" ]; then
    cp "$repo/$file" "$dir/$file"
  fi
done
cp "$repo"/profiles/*.toml "$dir/profiles/"
cp "$repo"/themes/*.toml "$dir/themes/"

tarball="$name.tar.gz"
# COPYFILE_DISABLE keeps macOS's tar from adding ._ resource-fork files.
(cd "$staging" && COPYFILE_DISABLE=1 tar -czf "$out/$tarball" "$name")

if command -v sha256sum >/dev/null 2>&1; then
  (cd "$out" && sha256sum "$tarball" >"$tarball.sha256")
elif command -v shasum >/dev/null 2>&1; then
  (cd "$out" && shasum -a 256 "$tarball" >"$tarball.sha256")
else
  fail "neither sha256sum nor shasum is installed"
fi
echo "$out/$tarball"
