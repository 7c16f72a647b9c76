#!/usr/bin/env bash
# Installs lakeops from this checkout's version: the published release binary for this platform
# when there is one (its sha256 checked), else a build from source with cargo. Then the shell
# completions, the man page, the example themes and sandbox profile (never overwriting yours), and
# the AWS example profiles into an examples folder.
# docs/install.md says what goes where.
#
#   ./install.sh                 the release binary, or a build from source when there is none
#   ./install.sh --from-source   always build (also: LAKEOPS_FROM_SOURCE=1)
#   ./install.sh --print-url     print the release tarball's URL for this platform, install nothing
#
# Environment: LAKEOPS_ROOT (installs into $LAKEOPS_ROOT/bin; default ~/.cargo/bin, as cargo),
# LAKEOPS_RELEASE_URL (where the release files are, instead of the pkg-url in Cargo.toml),
# LAKEOPS_INSTALL_DEBUG=1 (a source build in cargo's dev profile: quick, for tests),
# CARGO_TARGET_DIR (where a source build builds; default ~/.cache/lakeops/target).
set -euo pipefail

usage() {
  echo "usage: ./install.sh [--from-source] [--print-url] [--help]"
}

from_source=0
print_url=0
for arg in "$@"; do
  case "$arg" in
    --from-source) from_source=1 ;;
    --print-url) print_url=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "install.sh: unknown option '$arg'" >&2
      usage >&2
      exit 2
      ;;
  esac
done
if [ "${LAKEOPS_FROM_SOURCE:-0}" = 1 ]; then
  from_source=1
fi

say() { echo "install.sh: $*"; }
fail() {
  echo "install.sh: $*" >&2
  exit 1
}

cd "$(dirname "$0")"
checkout=$(pwd)

# One value of a table of Cargo.toml: `toml_value SECTION KEY`.
toml_value() {
  awk -F'"' -v section="[$1]" -v key="$2" '
    /^\[/ { current = $0 }
    current == section && $1 ~ ("^" key " *= *$") { print $2; exit }' Cargo.toml
}

version=$(toml_value package version)
[ -n "$version" ] || fail "cannot read the package version in $checkout/Cargo.toml"

# The platform's target triple, as the release workflow names its tarballs; empty when none is built.
# Linux gets the static musl build, which runs on any distribution.
release_target() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64 | Linux-amd64) echo x86_64-unknown-linux-musl ;;
    Linux-aarch64 | Linux-arm64) echo aarch64-unknown-linux-musl ;;
    Darwin-x86_64) echo x86_64-apple-darwin ;;
    Darwin-arm64 | Darwin-aarch64) echo aarch64-apple-darwin ;;
    *) echo "" ;;
  esac
}

# The tarball's URL: Cargo.toml's [package.metadata.binstall] pkg-url (the one place that says where
# releases live, read by `cargo binstall` too), rendered for this version and target; under
# $LAKEOPS_RELEASE_URL instead when that is set.
release_url() {
  local template
  template=$(toml_value package.metadata.binstall pkg-url)
  [ -n "$template" ] || fail "cannot read [package.metadata.binstall] pkg-url in $checkout/Cargo.toml"
  template=${template//\{ /\{}
  template=${template// \}/\}}
  template=${template//\{name\}/lakeops}
  template=${template//\{bin\}/lakeops}
  template=${template//\{version\}/$version}
  template=${template//\{target\}/$1}
  template=${template//\{binary-ext\}/}
  case "$template" in
    *[{}]*) fail "pkg-url in Cargo.toml has a placeholder this script does not know: $template" ;;
  esac
  if [ -n "${LAKEOPS_RELEASE_URL:-}" ]; then
    echo "${LAKEOPS_RELEASE_URL%/}/${template##*/}"
  else
    echo "$template"
  fi
}

target=$(release_target)
if [ "$print_url" = 1 ]; then
  [ -n "$target" ] || fail "no release is built for $(uname -s) $(uname -m)"
  release_url "$target"
  exit 0
fi

root=${LAKEOPS_ROOT:-${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}}
bin_dir="$root/bin"
data=${XDG_DATA_HOME:-$HOME/.local/share}
config_home=${XDG_CONFIG_HOME:-$HOME/.config}
work=$(mktemp -d "${TMPDIR:-/tmp}/lakeops-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Downloads $1 to $2; on failure prints the reason (one line) and returns non-zero.
download() {
  local err
  if command -v curl >/dev/null 2>&1; then
    err=$(curl --fail --silent --show-error --location --connect-timeout 20 --retry 2 --output "$2" "$1" 2>&1) && return 0
  elif command -v wget >/dev/null 2>&1; then
    err=$(wget --no-verbose --timeout=20 --output-document="$2" "$1" 2>&1) && return 0
    [ -n "$err" ] || err="wget could not download it"
  else
    err="neither curl nor wget is installed"
  fi
  printf '%s\n' "$err" | tail -n 1
  return 1
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{ print $1 }'
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | awk '{ print $1 }'
  else
    return 1
  fi
}

# Fetches, checks and unpacks the release into $work, and sets `from` to the unpacked folder.
# Returns 1 (after saying why, in one line) when there is no usable release, so that the caller
# builds instead; exits when the download does not match its checksum, installing nothing.
fetch_release() {
  local url tarball why expected actual named said
  if [ -z "$target" ]; then
    say "no release is built for $(uname -s) $(uname -m); building from source"
    return 1
  fi
  url=$(release_url "$target") || exit 1
  tarball=${url##*/}
  if ! why=$(download "$url" "$work/$tarball"); then
    say "no published binary of lakeops $version for $target at $url ($why); building from source"
    return 1
  fi
  if ! why=$(download "$url.sha256" "$work/$tarball.sha256"); then
    say "the release has no checksum at $url.sha256 ($why), so its binary is not used; building from source"
    return 1
  fi
  expected=$(awk '{ print $1; exit }' "$work/$tarball.sha256")
  named=$(awk '{ sub(/^\*/, "", $2); print $2; exit }' "$work/$tarball.sha256")
  actual=$(sha256_of "$work/$tarball") || fail "neither sha256sum nor shasum is installed: cannot check the download"
  if [ "$named" != "$tarball" ] || [ "$expected" != "$actual" ]; then
    fail "checksum mismatch for $tarball: $url.sha256 says ${expected:-nothing} for ${named:-no file}, the download's sha256 is $actual. The download is damaged or was altered; nothing was installed."
  fi
  say "downloaded $tarball, sha256 checked"
  tar -xzf "$work/$tarball" -C "$work" || fail "cannot unpack $tarball; nothing was installed"
  from="$work/${tarball%.tar.gz}"
  [ -x "$from/lakeops" ] || fail "$tarball has no ${tarball%.tar.gz}/lakeops; nothing was installed"
  if ! said=$("$from/lakeops" --version 2>&1) || [ "$said" != "lakeops $version" ]; then
    say "the published binary does not run here (it said: $(printf '%s\n' "$said" | tail -n 1)); building from source"
    return 1
  fi
}

# Builds and installs the binary with cargo, then writes what a release carries besides it (the
# completions, the man page, the examples) into a folder laid out as a release's, and sets `from`.
build_from_source() {
  local args
  command -v cargo >/dev/null 2>&1 || fail "building from source needs cargo (https://rustup.rs); install it, then run ./install.sh again"
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lakeops/target}"
  args=(install --path "$checkout" --locked --force --root "$root")
  if [ "${LAKEOPS_INSTALL_DEBUG:-0}" = 1 ]; then
    args+=(--debug)
  fi
  cargo "${args[@]}" || fail "cargo install failed (above); nothing else was installed"
  from="$work/source"
  mkdir -p "$from/completions" "$from/man" "$from/profiles" "$from/themes"
  "$bin_dir/lakeops" completions bash >"$from/completions/lakeops.bash"
  "$bin_dir/lakeops" completions zsh >"$from/completions/_lakeops"
  "$bin_dir/lakeops" completions fish >"$from/completions/lakeops.fish"
  "$bin_dir/lakeops" manpage >"$from/man/lakeops.1"
  cp "$checkout"/profiles/*.toml "$from/profiles/"
  cp "$checkout"/themes/*.toml "$from/themes/"
}

# Copies $1 to $2 through a temporary file beside it, so a running copy is replaced, not rewritten.
put() {
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2.new.$$"
  chmod "$3" "$2.new.$$"
  mv -f "$2.new.$$" "$2"
}

from=""
# (In an `if`, set -e is off inside fetch_release: every step there checks its own failure.)
if [ "$from_source" = 0 ] && fetch_release; then
  put "$from/lakeops" "$bin_dir/lakeops" 755
  say "installed $bin_dir/lakeops (release $version, $target)"
else
  build_from_source
  say "installed $bin_dir/lakeops (built from source)"
fi

put "$from/completions/lakeops.bash" "$data/bash-completion/completions/lakeops" 644
put "$from/completions/_lakeops" "$data/zsh/site-functions/_lakeops" 644
put "$from/completions/lakeops.fish" "$config_home/fish/completions/lakeops.fish" 644
put "$from/man/lakeops.1" "$data/man/man1/lakeops.1" 644
say "installed completions (bash, zsh, fish) and the man page under $data and $config_home/fish"

# Themes, and profiles that work as they are (the sandbox's), go where lakeops reads them. The AWS
# examples name accounts and endpoints that are not the user's: in the profiles folder they would
# join `lakeops --all` and fail it, so they wait in an examples folder to be copied and edited.
config="$config_home/lakeops"
examples="$data/lakeops/examples"
mkdir -p "$config/profiles" "$config/themes" "$examples/profiles"
copied=0
for file in "$from"/themes/*.toml "$from"/profiles/*.toml; do
  kind=$(basename "$(dirname "$file")")
  destination="$config/$kind/$(basename "$file")"
  if [ "$kind" = profiles ] && ! grep -q '^backend = "sandbox"' "$file"; then
    put "$file" "$examples/profiles/$(basename "$file")" 644
  elif [ ! -e "$destination" ]; then
    cp "$file" "$destination"
    copied=$((copied + 1))
  fi
done
say "copied $copied example file(s) to $config (existing files left alone)"
say "AWS example profiles are in $examples/profiles: copy one to $config/profiles and edit it"

case ":$PATH:" in
  *":$bin_dir:"*) say "done. Run: lakeops" ;;
  *) say "done. $bin_dir is not on your PATH; run $bin_dir/lakeops or add it to PATH" ;;
esac
