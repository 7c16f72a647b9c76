#!/usr/bin/env bash
# Builds and installs lakeops (into ~/.cargo/bin, or $LAKEOPS_ROOT/bin), then puts the example
# profiles and themes under $XDG_CONFIG_HOME/lakeops/ without overwriting any of yours.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lakeops/target}"

if ! command -v cargo >/dev/null 2>&1; then
  echo "install.sh: cargo is needed (https://rustup.rs), then run ./install.sh again" >&2
  exit 1
fi

root_args=()
if [ -n "${LAKEOPS_ROOT:-}" ]; then
  root_args=(--root "$LAKEOPS_ROOT")
fi
cargo install --path . --locked --force "${root_args[@]}"

config="${XDG_CONFIG_HOME:-$HOME/.config}/lakeops"
mkdir -p "$config/profiles" "$config/themes"
copied=0
for kind in profiles themes; do
  for file in "$kind"/*.toml; do
    target="$config/$kind/$(basename "$file")"
    if [ ! -e "$target" ]; then
      cp "$file" "$target"
      copied=$((copied + 1))
    fi
  done
done
echo "install.sh: copied $copied example file(s) to $config (existing files left alone)"

bin="${LAKEOPS_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
case ":$PATH:" in
  *":$bin:"*) echo "install.sh: done. Run: lakeops" ;;
  *) echo "install.sh: done. $bin is not on your PATH; run $bin/lakeops or add it to PATH" ;;
esac
